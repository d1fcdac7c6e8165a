// Output stage: engine audio (model rate) -> SharedArrayBuffer ring -> output-processor
// (resamples to the context rate) -> speaker.
import { CAPTURE_RING_SECONDS } from "../config.js";
import { RingBuffer } from "../dsp/ring.js";
import { OUTPUT_EVENT, OUTPUT_MESSAGE } from "../protocol.js";

/**
 * @param {AudioContext} context
 * @param {{sourceSampleRate:number, blockSamples:number, host:string, onStats?:(s)=>void, onOnset?:(frame)=>void}} o
 *   blockSamples: the engine's block (model-rate samples), the unit the output buffer grows by;
 *   host: where the engine runs ("worker" | "audio"), which sets the least margin
 * @returns {Promise<{ring:RingBuffer, node:AudioWorkletNode, setBlockSamples:(n)=>void, setHost:(h)=>void, stop:()=>void}>}
 */
export async function startOutput(context, { sourceSampleRate, blockSamples, host, onStats, onOnset }) {
  await context.audioWorklet.addModule("/static/build/output-processor.js");
  const ring = RingBuffer.create(Math.ceil(CAPTURE_RING_SECONDS * sourceSampleRate));
  // Its input carries nothing: an engine on the audio thread connects to it so that the graph
  // runs the engine first in every quantum (engine-node.js).
  const node = new AudioWorkletNode(context, "output-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { ringBuffer: ring.sab, sourceSampleRate, blockSamples, host },
  });
  node.port.onmessage = (e) => {
    if (e.data.type === OUTPUT_EVENT.STATS && onStats) onStats(e.data);
    if (e.data.type === OUTPUT_EVENT.ONSET && onOnset) onOnset(e.data.frame);
  };
  node.connect(context.destination);
  const setBlockSamples = (n) => node.port.postMessage({ type: OUTPUT_MESSAGE.BLOCK, blockSamples: n });
  const setHost = (h) => node.port.postMessage({ type: OUTPUT_MESSAGE.HOST, host: h });
  const stop = () => {
    node.port.postMessage({ type: OUTPUT_MESSAGE.STOP });
    node.disconnect();
  };
  return { ring, node, setBlockSamples, setHost, stop };
}
