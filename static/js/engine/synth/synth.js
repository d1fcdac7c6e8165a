// Controls -> audio at the model rate, as ddsp's processors do it, but streaming.
//
//   synth/harmonic.js  HarmonicSynth      == ddsp.synths.Harmonic(amp_resample_method='linear')
//   synth/noise.js     FilteredNoiseSynth == ddsp.synths.FilteredNoise (ddsp.core.frequency_filter)
//   synth/reverb.js    Reverb             a small Freeverb (8 combs + 4 allpasses), off unless wet > 0
//   this file          Synth              the three mixed, configured from a model's metadata.json
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
import { ensure } from "../../dsp/scratch.js";
import { HarmonicSynth } from "./harmonic.js";
import { FilteredNoiseSynth } from "./noise.js";
import { Reverb } from "./reverb.js";

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
