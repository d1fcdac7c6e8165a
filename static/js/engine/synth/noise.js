// Filtered noise == ddsp.synths.FilteredNoise.get_signal (ddsp.core.frequency_filter), streaming.
// frequency_filter crops its overlap-add output `start` = (irSize-1)//2 - 1 samples late, so frame
// j's noise needs the next frame's filter too: `delayFrames` (at least one) of look-ahead.
import { ImpulseResponseDesigner } from "../../dsp/impulse-response.js";
import { mulberry32 } from "../../dsp/prng.js";
import { ensure } from "../../dsp/scratch.js";

export class FilteredNoiseSynth {
  /**
   * @param {{sampleRate:number, hopSamples:number, nNoise:number, windowSize:number, seed?:number,
   *          delayFrames?:number}} o delayFrames: at least the filter's own look-ahead
   */
  constructor({ hopSamples, nNoise, windowSize, seed = 1, delayFrames = 0 }) {
    this.hop = hopSamples;
    this.nNoise = nNoise;
    this.seed = seed;
    this.designer = new ImpulseResponseDesigner(nNoise, windowSize);
    const L = this.designer.irSize;
    // ddsp crop_and_compensate_delay: output sample n is overlap-add sample n + start.
    this.start = ((L - 1) >> 1) - 1;
    this.minDelayFrames = Math.max(0, Math.floor((this.start + hopSamples - 1) / hopSamples));
    this.delayFrames = Math.max(delayFrames, this.minDelayFrames);
    this.ir = new Float32Array(L);
    this.noise = new Float32Array(hopSamples);
    this.ola = new Float64Array((this.delayFrames + 2) * hopSamples + L);
    this.out = new Float32Array(16 * hopSamples);
    this.reset();
  }

  get latencySamples() {
    return this.delayFrames * this.hop;
  }

  reset() {
    this.random = mulberry32(this.seed);
    this.ola.fill(0);
    this.olaStart = this.start; // overlap-add index of ola[0]; ddsp drops everything before start
    this.framesIn = 0;
  }

  /** Filters one hop of fresh white noise with frame t's IR; adds it into the overlap-add. */
  addFrame(mags, magsOffset) {
    const hop = this.hop, ir = this.designer.design(mags, magsOffset, this.ir), L = ir.length;
    const u = this.noise;
    for (let i = 0; i < hop; i++) u[i] = 2 * this.random() - 1;
    const base = this.framesIn * hop - this.olaStart;
    for (let n = Math.max(0, -base); n < hop + L - 1; n++) {
      let y = 0;
      const iLo = Math.max(0, n - L + 1), iHi = Math.min(hop - 1, n);
      for (let i = iLo; i <= iHi; i++) y += u[i] * ir[n - i];
      this.ola[base + n] += y;
    }
    this.framesIn++;
  }

  /** Emits the oldest complete hop of output (zeros while the delay line fills). */
  emitFrame(out, outPos) {
    const hop = this.hop, j = this.framesIn - 1 - this.delayFrames; // output frame index
    if (j < 0) {
      out.fill(0, outPos, outPos + hop);
      return;
    }
    for (let s = 0; s < hop; s++) out[outPos + s] = this.ola[s];
    this.ola.copyWithin(0, hop);
    this.ola.fill(0, this.ola.length - hop);
    this.olaStart += hop;
  }

  /**
   * @param {{noiseMagnitudes: Float32Array}} c [nFrames * nNoise]
   * @returns {Float32Array} [nFrames * hop], delayed by delayFrames; a view valid until next call
   */
  render({ noiseMagnitudes }) {
    const nFrames = Math.floor(noiseMagnitudes.length / this.nNoise);
    const hop = this.hop;
    this.out = ensure(this.out, nFrames * hop);
    const out = this.out.subarray(0, nFrames * hop);
    for (let t = 0; t < nFrames; t++) {
      this.addFrame(noiseMagnitudes, t * this.nNoise);
      this.emitFrame(out, t * hop);
    }
    return out;
  }

  /** End of clip: the delayed frames still in the line (no new noise added); then reset. */
  flush() {
    const hop = this.hop, D = this.delayFrames;
    this.out = ensure(this.out, D * hop);
    const out = this.out.subarray(0, D * hop);
    for (let d = 0; d < D; d++) {
      this.framesIn++; // an empty frame: the clip has ended
      this.emitFrame(out, d * hop);
    }
    this.reset();
    return out;
  }
}

