// Latency, two ways: the algorithmic budget the engine is configured for, and the delay measured
// in the page from each phrase's mic onset to the instrument's onset (one AudioContext clock).
import { ONSET, RENDER_QUANTUM_FRAMES } from "../config.js";
import { designKernel } from "../dsp/resampler.js";
import { quantile } from "../dsp/stats.js";

/** Group delay, in seconds, of the resampler between two rates. */
export function resamplerDelaySeconds(inRate, outRate) {
  const { halfTaps } = designKernel(inRate, outRate);
  return halfTaps / inRate;
}

/**
 * The algorithmic latency budget, in milliseconds, from the parts the engine configures.
 * @param {{contextSampleRate:number, modelSampleRate:number, analysisSamples:number,
 *          blockSamples:number, synthLookaheadSamples:number, outputMarginSamples:number}} p
 *          sample counts at the model rate; a block waits for its last sample, then the output
 *          holds it behind `outputMarginSamples` (output-processor.js)
 */
export function latencyBudgetMs(p) {
  const m = p.modelSampleRate;
  const parts = {
    captureQuantum: RENDER_QUANTUM_FRAMES / p.contextSampleRate,
    captureResampler: resamplerDelaySeconds(p.contextSampleRate, m),
    analysis: p.analysisSamples / m,
    block: p.blockSamples / m,
    synthLookahead: p.synthLookaheadSamples / m,
    outputMargin: p.outputMarginSamples / m,
    outputResampler: resamplerDelaySeconds(m, p.contextSampleRate),
    outputQuantum: RENDER_QUANTUM_FRAMES / p.contextSampleRate,
  };
  const ms = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v * 1000]));
  ms.total = Object.values(ms).reduce((a, b) => a + b, 0);
  return ms;
}

/**
 * Mic-to-output delays: each output onset paired with the latest input onset before it, when
 * that one is at most ONSET.maxLagSeconds earlier and not already paired.
 */
export class LatencyMeter {
  constructor(contextSampleRate) {
    this.rate = contextSampleRate;
    this.inputFrames = [];
    this.delaysMs = [];
    this.paired = new Set();
  }

  addInputOnset(frame) {
    this.inputFrames.push(frame);
    if (this.inputFrames.length > 64) this.inputFrames.shift();
  }

  /** @returns {number|null} the new delay in ms, or null when the onset has no partner */
  addOutputOnset(frame) {
    let best = null;
    for (const f of this.inputFrames) if (f <= frame && (best === null || f > best)) best = f;
    if (best === null || this.paired.has(best)) return null;
    const ms = (1000 * (frame - best)) / this.rate;
    if (ms > 1000 * ONSET.maxLagSeconds) return null;
    this.paired.add(best);
    this.delaysMs.push(ms);
    return ms;
  }

  /** Median measured delay in ms (NaN before the first pair). */
  get medianMs() {
    return quantile(this.delaysMs, 0.5);
  }
}
