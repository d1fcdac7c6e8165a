// Controls -> audio at the model rate, as ddsp's processors do it, but streaming.
//
//   HarmonicSynth      == ddsp.synths.Harmonic(amp_resample_method='linear').get_signal
//   FilteredNoiseSynth == ddsp.synths.FilteredNoise.get_signal (ddsp.core.frequency_filter)
//   Reverb             a small Freeverb (8 combs + 4 allpasses), off unless wet > 0
//   Synth              the three together, configured from a model's metadata.json
//
// Controls are per frame and already scaled (the decoder graph holds the output nonlinearities):
//   f0Hz [nFrames], amplitudes [nFrames], harmonicDistribution [nFrames * nHarmonics] (row-major
//   [nFrames, nHarmonics]), noiseMagnitudes [nFrames * nNoise].
//
// Latency. ddsp upsamples controls with tf.image.resize (bilinear, align_corners=False): the
// samples of frame j glide from frame j's value to frame j+1's. And frequency_filter crops its
// overlap-add output `start` = (irSize-1)//2 - 1 samples late, so frame j's noise also needs the
// next frame's filter. Both need one frame of look-ahead, so render(frames t0..t0+n-1) returns
// the audio of frames t0-1..t0+n-2: the output stream is the whole-clip ddsp output delayed by
// `latencySamples` = one hop (4 ms at 16 kHz / 64), preceded by that many zeros. flush() returns
// the final frame(s) at the end of a clip, holding the last controls as ddsp's endpoint does.
// With this delay, block-by-block rendering equals one call on the whole clip exactly.
import { Float64PhaseAccumulator } from "./cumsum.js";

const TWO_PI = 2 * Math.PI;

/** Seeded uniform PRNG in [0, 1) (mulberry32); make_golden.py has its bit-exact twin. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Grows a Float32Array scratch buffer to at least n samples (reallocates rarely). */
function ensure(buf, n) {
  return buf.length >= n ? buf : new Float32Array(Math.max(n, 2 * buf.length));
}

export class HarmonicSynth {
  /**
   * @param {{sampleRate:number, hopSamples:number, nHarmonics:number, phaseAccumulator?:object,
   *          maxBlockFrames?:number}} o phaseAccumulator: see cumsum.js (default float64 JS)
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

  /** As render, without blocking on a GPU read-back (WebGL accumulator); await before the next. */
  async renderAsync(c) {
    const block = this.prepare(c.f0Hz);
    if (block.omega.length) await this.phaseAccumulator.accumulateAsync(block.omega, this.phase);
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

/**
 * ddsp.core.frequency_impulse_response: zero-phase IR by inverse real DFT of the magnitudes,
 * Hann-windowed (tf.signal.hann_window, periodic) and rotated into causal form.
 */
export class ImpulseResponseDesigner {
  /** @param {number} nMagnitudes bins 0..Nyquist @param {number} windowSize ddsp window_size */
  constructor(nMagnitudes, windowSize) {
    const N = 2 * (nMagnitudes - 1); // irfft length
    this.nMagnitudes = nMagnitudes;
    this.irfftSize = N;
    const ws = windowSize <= 0 || windowSize > N ? N : windowSize;
    this.windowSize = ws;
    // irfft of a real, even spectrum is a cosine series: precompute its basis [nMagnitudes, N].
    this.basis = new Float64Array(nMagnitudes * N);
    for (let k = 0; k < nMagnitudes; k++) {
      const weight = k === 0 || k === nMagnitudes - 1 ? 1 / N : 2 / N;
      for (let i = 0; i < N; i++) this.basis[k * N + i] = weight * Math.cos((TWO_PI * k * i) / N);
    }
    const hann = new Float64Array(ws);
    for (let i = 0; i < ws; i++) hann[i] = 0.5 - 0.5 * Math.cos((TWO_PI * i) / ws);
    this.zeroPhaseWindow = new Float64Array(N);
    this.causalIndex = []; // causal IR tap -> index in the zero-phase IR
    if (ws < N) {
      const half = (ws + 1) >> 1;
      for (let i = half; i < ws; i++) this.zeroPhaseWindow[i - half] = hann[i];
      for (let i = 0; i < half; i++) this.zeroPhaseWindow[N - half + i] = hann[i];
      const firstHalfStart = N - (half - 1) + 1;
      for (let i = firstHalfStart; i < N; i++) this.causalIndex.push(i);
      for (let i = 0; i < half + 1; i++) this.causalIndex.push(i);
    } else {
      const shift = N >> 1; // fftshift: out[i] = in[(i - N/2) mod N]
      for (let i = 0; i < N; i++) this.zeroPhaseWindow[i] = hann[(i - shift + N) % N];
      for (let i = 0; i < N; i++) this.causalIndex.push((i - shift + N) % N);
    }
    this.irSize = this.causalIndex.length;
    this.zeroPhase = new Float64Array(N);
  }

  /** @param {Float32Array} mags [nMagnitudes] @param {Float32Array} ir [irSize] causal IR out */
  design(mags, magsOffset, ir) {
    const N = this.irfftSize, M = this.nMagnitudes, zp = this.zeroPhase.fill(0), B = this.basis;
    for (let k = 0; k < M; k++) {
      const m = mags[magsOffset + k];
      if (m === 0) continue;
      for (let i = 0; i < N; i++) zp[i] += m * B[k * N + i];
    }
    for (let j = 0; j < this.irSize; j++) {
      const i = this.causalIndex[j];
      ir[j] = zp[i] * this.zeroPhaseWindow[i];
    }
    return ir;
  }
}

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

/** Mono Freeverb (Jezar's tunings scaled to the sample rate): 8 damped combs, 4 allpasses. */
export class Reverb {
  constructor({ sampleRate, roomSize = 0.84, damping = 0.2, wet = 0 }) {
    const scale = sampleRate / 44100;
    this.combs = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617].map((d) => ({
      buf: new Float32Array(Math.round(d * scale)), i: 0, store: 0,
    }));
    this.allpasses = [556, 441, 341, 225].map((d) => ({ buf: new Float32Array(Math.round(d * scale)), i: 0 }));
    this.feedback = roomSize;
    this.damping = damping;
    this.wet = wet;
  }

  setWet(wet) {
    this.wet = Math.max(0, Math.min(1, wet));
  }

  reset() {
    for (const c of this.combs) (c.buf.fill(0), (c.i = 0), (c.store = 0));
    for (const a of this.allpasses) (a.buf.fill(0), (a.i = 0));
  }

  /** In place: x <- (1 - wet) x + wet * reverb(x). No work at all while wet is 0. */
  process(x) {
    if (this.wet <= 0) return x;
    const fb = this.feedback, d = this.damping, wet = this.wet, gainIn = 0.015;
    for (let n = 0; n < x.length; n++) {
      const input = x[n] * gainIn;
      let y = 0;
      for (const c of this.combs) {
        const v = c.buf[c.i];
        c.store = v * (1 - d) + c.store * d; // one-pole low-pass in the loop: highs die first
        c.buf[c.i] = input + c.store * fb;
        if (++c.i === c.buf.length) c.i = 0;
        y += v;
      }
      for (const a of this.allpasses) {
        const v = a.buf[a.i];
        a.buf[a.i] = y + v * 0.5;
        y = v - y;
        if (++a.i === a.buf.length) a.i = 0;
      }
      x[n] = (1 - wet) * x[n] + wet * y;
    }
    return x;
  }
}

/** Harmonic + filtered noise (+ optional reverb) for one model, from its metadata.json. */
export class Synth {
  /**
   * @param {{sample_rate:number, hop_samples:number, n_harmonics:number, n_noise:number,
   *          noise_window_size:number}} meta
   * @param {{phaseAccumulator?:object, seed?:number, reverbWet?:number, maxBlockFrames?:number}} [o]
   */
  constructor(meta, { phaseAccumulator, seed = 1, reverbWet = 0, maxBlockFrames = 16 } = {}) {
    this.hop = meta.hop_samples;
    this.sampleRate = meta.sample_rate;
    this.nHarmonics = meta.n_harmonics;
    this.nNoise = meta.n_noise || 0;
    this.harmonic = new HarmonicSynth({
      sampleRate: this.sampleRate, hopSamples: this.hop, nHarmonics: this.nHarmonics, phaseAccumulator, maxBlockFrames,
    });
    this.noise = this.nNoise > 0
      ? new FilteredNoiseSynth({ hopSamples: this.hop, nNoise: this.nNoise, windowSize: meta.noise_window_size, seed, delayFrames: 1 })
      : null;
    this.delayFrames = this.noise ? this.noise.delayFrames : 1;
    // The harmonic path has one frame of look-ahead; a longer noise filter delays it to match.
    this.harmonicDelay = new Float32Array((this.delayFrames - 1) * this.hop);
    this.reverb = new Reverb({ sampleRate: this.sampleRate, wet: reverbWet });
    this.out = new Float32Array(maxBlockFrames * this.hop);
  }

  /** Algorithmic delay of the output stream behind the controls, in samples. */
  get latencySamples() {
    return this.delayFrames * this.hop;
  }

  setReverbWet(wet) {
    this.reverb.setWet(wet);
  }

  reset() {
    this.harmonic.reset();
    if (this.noise) this.noise.reset();
    this.harmonicDelay.fill(0);
    this.reverb.reset();
  }

  /** Delays harmonic audio by (delayFrames - 1) hops through a small FIFO (usually empty). */
  delayHarmonic(h) {
    const d = this.harmonicDelay, D = d.length;
    if (D === 0) return h;
    const joined = new Float32Array(D + h.length);
    joined.set(d);
    joined.set(h, D);
    d.set(joined.subarray(h.length, h.length + D));
    return joined.subarray(0, h.length);
  }

  mix(h, noise) {
    this.out = ensure(this.out, h.length);
    const out = this.out.subarray(0, h.length);
    const delayed = this.delayHarmonic(h);
    for (let i = 0; i < out.length; i++) out[i] = delayed[i] + (noise ? noise[i] : 0);
    return this.reverb.process(out);
  }

  /**
   * @param {{f0Hz:Float32Array, amplitudes:Float32Array, harmonicDistribution:Float32Array,
   *          noiseMagnitudes?:Float32Array}} controls [nFrames], [nFrames], [nFrames*nHarmonics],
   *          [nFrames*nNoise]
   * @returns {Float32Array} [nFrames * hop] audio, `latencySamples` behind; a view valid until
   *   the next call
   */
  render({ f0Hz, amplitudes, harmonicDistribution, noiseMagnitudes }) {
    const n = f0Hz.length;
    const h = this.harmonic.render({ f0Hz, amplitudes, harmonicDistribution });
    const noise = this.noise && noiseMagnitudes ? this.noise.render({ noiseMagnitudes: noiseMagnitudes.subarray(0, n * this.nNoise) }) : null;
    return this.mix(h, noise);
  }

  /** As render, without blocking on the GPU read-back of the phase; await before the next call. */
  async renderAsync({ f0Hz, amplitudes, harmonicDistribution, noiseMagnitudes }) {
    const n = f0Hz.length;
    const h = await this.harmonic.renderAsync({ f0Hz, amplitudes, harmonicDistribution });
    const noise = this.noise && noiseMagnitudes ? this.noise.render({ noiseMagnitudes: noiseMagnitudes.subarray(0, n * this.nNoise) }) : null;
    return this.mix(h, noise);
  }

  /** End of clip: the last `latencySamples` of audio; resets for the next clip. */
  flush() {
    const D = this.delayFrames, hop = this.hop;
    const h = new Float32Array(D * hop);
    h.set(this.harmonic.flush()); // later hops of h stay silent: the clip has ended
    const noise = this.noise ? this.noise.flush() : null;
    const out = Float32Array.from(this.mix(h, noise));
    this.reset();
    return out;
  }

  dispose() {
    if (this.harmonic.ownsAccumulator) this.harmonic.phaseAccumulator.dispose();
  }
}
