// Output stage: engine audio (model rate) -> SharedArrayBuffer ring -> output-processor
// (resamples to the context rate) -> speaker.
import { CAPTURE_RING_SECONDS } from "./config.js";
import { RingBuffer } from "./dsp/ring.js";

/**
 * @param {AudioContext} context
 * @param {{sourceSampleRate:number, blockSamples:number, onStats?:(s)=>void, onOnset?:(frame)=>void}} o
 *   blockSamples: the engine's block (model-rate samples), the unit the output buffer grows by
 * @returns {Promise<{ring:RingBuffer, node:AudioWorkletNode, setBlockSamples:(n)=>void, stop:()=>void}>}
 */
export async function startOutput(context, { sourceSampleRate, blockSamples, onStats, onOnset }) {
  await context.audioWorklet.addModule("/static/build/output-processor.js");
  const ring = RingBuffer.create(Math.ceil(CAPTURE_RING_SECONDS * sourceSampleRate));
  const node = new AudioWorkletNode(context, "output-processor", {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { ringBuffer: ring.sab, sourceSampleRate, blockSamples },
  });
  node.port.onmessage = (e) => {
    if (e.data.type === "stats" && onStats) onStats(e.data);
    if (e.data.type === "onset" && onOnset) onOnset(e.data.frame);
  };
  node.connect(context.destination);
  const setBlockSamples = (n) => node.port.postMessage({ type: "block", blockSamples: n });
  const stop = () => {
    node.port.postMessage({ type: "stop" });
    node.disconnect();
  };
  return { ring, node, setBlockSamples, stop };
}
