// Output stage: engine audio (model rate) -> SharedArrayBuffer ring -> output-processor
// (resamples to the context rate) -> speaker. Also owns the latency budget.
import { designKernel } from "./dsp/resampler.js";
import { RingBuffer } from "./dsp/ring.js";

/**
 * @param {AudioContext} context
 * @param {{sourceSampleRate:number, primeSamples:number, capacitySamples?:number, onStats?:(s)=>void}} o
 */
export async function startOutput(context, { sourceSampleRate, primeSamples, capacitySamples = sourceSampleRate, onStats, onOnset, tapSeconds = 0 }) {
  await context.audioWorklet.addModule("/static/build/output-processor.js");
  const ring = RingBuffer.create(capacitySamples);
  const tap = tapSeconds > 0 ? RingBuffer.create(Math.ceil(tapSeconds * context.sampleRate)) : null;
  const node = new AudioWorkletNode(context, "output-processor", {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { ringBuffer: ring.sab, sourceSampleRate, primeSamples, tapBuffer: tap ? tap.sab : null },
  });
  node.port.onmessage = (e) => {
    if (e.data && e.data.type === "stats" && onStats) onStats(e.data);
    if (e.data && e.data.type === "onset" && onOnset) onOnset(e.data.frame);
  };
  node.connect(context.destination);
  const stop = () => {
    node.port.postMessage({ type: "stop" });
    node.disconnect();
  };
  return { ring, tap, node, stop };
}

/** Group delay, in seconds, of the resampler between two rates. */
export function resamplerDelaySeconds(inRate, outRate) {
  const { halfTaps } = designKernel(inRate, outRate);
  return halfTaps / inRate;
}

/**
 * The algorithmic latency budget, in milliseconds, from the parts the engine configures.
 * @param {{contextSampleRate:number, modelSampleRate:number, analysisSamples:number,
 *          blockSamples:number, synthLookaheadSamples:number, primeSamples:number}} p
 *          sample counts at the model rate unless named otherwise
 */
export function latencyBudgetMs(p) {
  const m = p.modelSampleRate;
  const parts = {
    captureQuantum: 128 / p.contextSampleRate,
    captureResampler: resamplerDelaySeconds(p.contextSampleRate, m),
    analysis: p.analysisSamples / m,
    block: p.blockSamples / m,
    synthLookahead: p.synthLookaheadSamples / m,
    outputBuffer: p.primeSamples / m,
    outputResampler: resamplerDelaySeconds(m, p.contextSampleRate),
    outputQuantum: 128 / p.contextSampleRate,
  };
  const ms = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v * 1000]));
  ms.total = Object.values(ms).reduce((a, b) => a + b, 0);
  return ms;
}
