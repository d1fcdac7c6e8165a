// Harmonic synth == ddsp.synths.Harmonic(amp_resample_method='linear').get_signal, streaming.
//
// ddsp upsamples controls with tf.image.resize (bilinear, align_corners=False): the samples of
// frame j glide from frame j's value to frame j+1's, so render(frames t0..t0+n-1) returns the
// audio of frames t0-1..t0+n-2 (one frame of look-ahead, see synth.js). Phase comes from a phase
// accumulator (gpu/phase-scan.js): our WebGL scan on webgl, float64 JS elsewhere.
import { Float64PhaseAccumulator } from "../../dsp/phase.js";
import { ensure } from "../../dsp/scratch.js";

const TWO_PI = 2 * Math.PI;

export class HarmonicSynth {
  /**
   * @param {{sampleRate:number, hopSamples:number, nHarmonics:number, phaseAccumulator?:object,
   *          maxBlockFrames?:number}} o phaseAccumulator: see gpu/phase-scan.js (default float64 JS)
   */
  constructor({ sampleRate, hopSamples, nHarmonics, phaseAccumulator, maxBlockFrames = 16 }) {
    this.sampleRate = sampleRate;
    this.hop = hopSamples;
    this.nHarmonics = nHarmonics;
    this.nyquistHz = sampleRate / 2;
    this.ownsAccumulator = !phaseAccumulator; // an injected one may be shared: not ours to dispose
    this.phaseAccumulator = phaseAccumulator || new Float64PhaseAccumulator();
    this.prevHarmonicAmps = new Float32Array(nHarmonics); // amplitude * distribution, last frame
    this.curHarmonicAmps = new Float32Array(nHarmonics);
    const n = maxBlockFrames * hopSamples;
    this.omega = new Float32Array(n); // rad/sample of the fundamental
    this.phase = new Float32Array(n);
    this.f0Samples = new Float32Array(n);
    this.out = new Float32Array(n);
    this.reset();
  }

  /** One frame of look-ahead (see the file comment). */
  get latencySamples() {
    return this.hop;
  }

  reset() {
    this.hasPrev = false;
    this.prevF0Hz = 0;
    this.prevHarmonicAmps.fill(0);
    this.phaseAccumulator.reset();
  }

  /** Frame `t` harmonic amplitudes [nHarmonics] = amplitude * distribution (ddsp's product). */
  frameAmps(amplitudes, harmonicDistribution, t, dst) {
    const H = this.nHarmonics, a = amplitudes[t];
    for (let k = 0; k < H; k++) dst[k] = a * harmonicDistribution[t * H + k];
    return dst;
  }

  /** Linear upsampling of f0 over one hop, from frame value f0a to the next frame's f0b. */
  upsampleF0(f0a, f0b, pos) {
    const hop = this.hop, scale = TWO_PI / this.sampleRate;
    for (let s = 0; s < hop; s++) {
      const f = f0a + (f0b - f0a) * (s / hop);
      this.f0Samples[pos + s] = f;
      this.omega[pos + s] = f * scale;
    }
  }

  /**
   * Sum of sinusoids over one hop: harmonic k has phase k * phi (sin(k*phi) by the Chebyshev
   * recurrence, exact to rounding) and an amplitude gliding linearly between the two frames;
   * harmonics at or above Nyquist at a sample are silent, as ddsp's remove_above_nyquist.
   */
  sumHarmonics(ampsA, ampsB, pos, out, outPos) {
    const hop = this.hop, H = this.nHarmonics, nyq = this.nyquistHz;
    for (let s = 0; s < hop; s++) {
      const x = s / hop, f = this.f0Samples[pos + s], phi = this.phase[pos + s];
      const twoCos = 2 * Math.cos(phi);
      let sinPrev = 0, sinK = Math.sin(phi), y = 0;
      for (let k = 0; k < H; k++) {
        if ((k + 1) * f >= nyq) break;
        y += (ampsA[k] + (ampsB[k] - ampsA[k]) * x) * sinK;
        const next = twoCos * sinK - sinPrev;
        sinPrev = sinK;
        sinK = next;
      }
      out[outPos + s] = y;
    }
  }

  /** Makes room for `nFrames` frames of samples in every scratch buffer. */
  reserve(nFrames) {
    const n = nFrames * this.hop;
    this.omega = ensure(this.omega, n);
    this.phase = ensure(this.phase, n);
    this.f0Samples = ensure(this.f0Samples, n);
    this.out = ensure(this.out, n);
  }

  /** Step 1 of a block: per-sample fundamental frequency and phase increments. */
  prepare(f0Hz) {
    const n = f0Hz.length, hop = this.hop;
    this.reserve(n);
    // Segments between consecutive frames: (prev, f0Hz[0]), (f0Hz[0], f0Hz[1]), ...; the first
    // frame of a stream has no segment before it, so its hop is silent.
    const lead = this.hasPrev || n === 0 ? 0 : 1;
    for (let t = lead; t < n; t++) this.upsampleF0(t === 0 ? this.prevF0Hz : f0Hz[t - 1], f0Hz[t], (t - lead) * hop);
    return { n, lead, omega: this.omega.subarray(0, Math.max(0, n - lead) * hop) };
  }

  /** Step 3 of a block (after the phases are in this.phase): the sum of sinusoids. */
  finish({ f0Hz, amplitudes, harmonicDistribution }, { n, lead }) {
    const hop = this.hop, out = this.out.subarray(0, n * hop);
    out.fill(0, 0, lead * hop);
    let ampsA = this.prevHarmonicAmps, ampsB = this.curHarmonicAmps;
    if (lead) this.frameAmps(amplitudes, harmonicDistribution, 0, ampsA);
    for (let t = lead; t < n; t++) {
      this.frameAmps(amplitudes, harmonicDistribution, t, ampsB);
      this.sumHarmonics(ampsA, ampsB, (t - lead) * hop, out, t * hop);
      [ampsA, ampsB] = [ampsB, ampsA];
    }
    this.prevHarmonicAmps = ampsA;
    this.curHarmonicAmps = ampsB;
    if (n > 0) {
      this.prevF0Hz = f0Hz[n - 1];
      this.hasPrev = true;
    }
    return out;
  }

  /**
   * @param {{f0Hz:Float32Array, amplitudes:Float32Array, harmonicDistribution:Float32Array}} c
   *   f0Hz [nFrames], amplitudes [nFrames], harmonicDistribution [nFrames * nHarmonics]
   * @returns {Float32Array} [nFrames * hop] audio of the previous nFrames frames (one-frame
   *   delay); a view valid until the next call.
   */
  render(c) {
    const block = this.prepare(c.f0Hz);
    if (block.omega.length) this.phaseAccumulator.accumulate(block.omega, this.phase);
    return this.finish(c, block);
  }


  /** End of clip: the last frame's hop, holding its controls (ddsp's add_endpoint); then reset. */
  flush() {
    const hop = this.hop;
    this.reserve(1);
    const out = this.out.subarray(0, hop);
    if (!this.hasPrev) return out.fill(0);
    this.upsampleF0(this.prevF0Hz, this.prevF0Hz, 0);
    this.phaseAccumulator.accumulate(this.omega.subarray(0, hop), this.phase);
    this.sumHarmonics(this.prevHarmonicAmps, this.prevHarmonicAmps, 0, out, 0);
    this.reset();
    return out;
  }
}

