// Output stage: engine audio (model rate) -> SharedArrayBuffer ring -> output-processor
// (resamples to the context rate) -> speaker.
import { CAPTURE_RING_SECONDS, RENDER_QUANTUM_FRAMES } from "../config.js";
import { RingBuffer } from "../dsp/ring.js";
import { OUTPUT_EVENT, OUTPUT_MESSAGE } from "../protocol.js";

/**
 * The output margin beyond one block (output-processor.js) a take starts with, and the least it
 * is tightened to, in ms. On the audio thread blocks come in step with the quanta and the engine
 * puts the silence its first block needs in front of it (dsp/arrival-jitter.js
 * inStepPrerollSamples: just enough that no later quantum finds the ring short), so playback
 * starts on the first block with no margin at all. From the Worker a block follows the audio
 * callback that captured it (a callback renders several quanta at once) and the Worker's own
 * wake-up: at least one callback; it starts with the Worker's lateness measured at load on top.
 * @param {{host:"audio"|"worker", contextSampleRate:number, callbackSeconds?:number, workerLatenessMs?:number}} o
 *   callbackSeconds: AudioContext.baseLatency; workerLatenessMs: the chosen backend's p99 block
 *   time from when it was due (worker/backend-choice.js)
 * @returns {{startMs:number, leastMs:number}}
 */
export function outputMarginMs({ host, contextSampleRate, callbackSeconds = 0, workerLatenessMs = 0 }) {
  const quantumMs = (1000 * RENDER_QUANTUM_FRAMES) / contextSampleRate;
  if (host === "audio") return { startMs: 0, leastMs: 0 };
  if (host !== "worker") throw new Error(`outputMarginMs: unknown engine host "${host}"`);
  const callbackMs = Math.max(quantumMs, 1000 * callbackSeconds);
  return { startMs: callbackMs + Math.max(0, workerLatenessMs), leastMs: callbackMs };
}

/**
 * @param {AudioContext} context
 * @param {{sourceSampleRate:number, blockSamples:number, margins:{startMs:number, leastMs:number},
 *          onStats?:(s)=>void, onOnset?:(frame)=>void}} o
 *   blockSamples: the engine's block (model-rate samples), the unit the output buffer grows by;
 *   margins: outputMarginMs for where the engine runs
 * @returns {Promise<{ring:RingBuffer, node:AudioWorkletNode, setBlockSamples:(n)=>void, setMargins:(m)=>void, stop:()=>void}>}
 */
export async function startOutput(context, { sourceSampleRate, blockSamples, margins, onStats, onOnset }) {
  await context.audioWorklet.addModule("/static/build/output-processor.js");
  const ring = RingBuffer.create(Math.ceil(CAPTURE_RING_SECONDS * sourceSampleRate));
  // Its input carries nothing: an engine on the audio thread connects to it so that the graph
  // runs the engine first in every quantum (engine-node.js).
  const node = new AudioWorkletNode(context, "output-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { ringBuffer: ring.sab, sourceSampleRate, blockSamples, margins },
  });
  node.port.onmessage = (e) => {
    if (e.data.type === OUTPUT_EVENT.STATS && onStats) onStats(e.data);
    if (e.data.type === OUTPUT_EVENT.ONSET && onOnset) onOnset(e.data.frame);
  };
  node.connect(context.destination);
  const setBlockSamples = (n) => node.port.postMessage({ type: OUTPUT_MESSAGE.BLOCK, blockSamples: n });
  const setMargins = (m) => node.port.postMessage({ type: OUTPUT_MESSAGE.MARGINS, margins: m });
  const stop = () => {
    node.port.postMessage({ type: OUTPUT_MESSAGE.STOP });
    node.disconnect();
  };
  return { ring, node, setBlockSamples, setMargins, stop };
}
