// Per-frame features of the voice at the model's frame rate (250 frames/s from 16 kHz), streaming:
//   loudnessDb  exactly ddsp.spectral_ops.compute_loudness(audio, sample_rate, frame_rate,
//               n_fft, padding='center') of ddsp 3.7: periodic-Hann STFT power, A-weighted
//               (librosa.A_weighting, clipped at -80 dB), mean over the n_fft/2+1 bins,
//               10*log10 with ref_db 0, floored at the model's analysis.loudness_floor_db.
//   f0Hz, confidence   the pitch tracker (pitch-tracker.js) on the samples ending where the
//                      loudness window ends.
//   voiced      confidence, loudness and range gate; unvoiced frames keep the last voiced f0
//               (no pitch jumps to 0 or to noise at note edges), loudness flows regardless.
//
// Frame t is centred on input sample t*hop (center padding: n_fft/2 zeros precede the stream),
// so it needs n_fft/2 samples of look-ahead: `latencySamples` = 256 at 16 kHz. flush() pads the
// end with zeros as ddsp does, so a clip of n samples yields floor(n/hop) + 1 frames in total.
import FFT from "fft.js";

import { PITCH } from "../config.js";
import { PitchTracker } from "./pitch-tracker.js";

const A_WEIGHT_CONSTS = [12194.217, 20.598997, 107.65265, 737.86223].map((c) => c * c);

/** librosa.A_weighting(f) in dB, clipped below at minDb (librosa's default; f = 0 gives minDb). */
export function aWeightingDb(fHz, minDb = -80) {
  const f2 = fHz * fHz;
  const [c0, c1, c2, c3] = A_WEIGHT_CONSTS;
  const db = 2.0 + 20 * (Math.log10(c0) + 2 * Math.log10(f2) - Math.log10(f2 + c0) - Math.log10(f2 + c1)
    - 0.5 * Math.log10(f2 + c2) - 0.5 * Math.log10(f2 + c3));
  return Number.isNaN(db) ? minDb : Math.max(minDb, db);
}

/** compute_loudness of one n_fft frame: A-weighted mean bin power in dB. */
export class LoudnessMeter {
  /** @param {{sampleRate:number, nFft:number, floorDb:number, refDb?:number}} o floorDb: -range_db */
  constructor({ sampleRate, nFft, floorDb, refDb = 0 }) {
    if (!Number.isFinite(floorDb)) throw new Error(`LoudnessMeter: floorDb must be a number (the model's analysis.loudness_floor_db), found ${floorDb}`);
    this.nFft = nFft;
    this.rangeDb = -floorDb;
    this.refDb = refDb;
    this.fft = new FFT(nFft);
    this.window = new Float64Array(nFft); // tf.signal.hann_window / scipy 'hann', periodic
    for (let i = 0; i < nFft; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nFft);
    const nBins = nFft / 2 + 1;
    this.weights = new Float64Array(nBins); // 10^(A/10) at each bin frequency
    for (let k = 0; k < nBins; k++) this.weights[k] = 10 ** (aWeightingDb((k * sampleRate) / nFft) / 10);
    this.frame = new Float64Array(nFft);
    this.spectrum = this.fft.createComplexArray();
  }

  /** @param {Float32Array} x samples; the frame is x[start, start + nFft) @returns {number} dB */
  measure(x, start) {
    const N = this.nFft, frame = this.frame, w = this.window;
    for (let i = 0; i < N; i++) frame[i] = x[start + i] * w[i];
    this.fft.realTransform(this.spectrum, frame);
    const s = this.spectrum, nBins = N / 2 + 1;
    let sum = 0;
    for (let k = 0; k < nBins; k++) sum += (s[2 * k] * s[2 * k] + s[2 * k + 1] * s[2 * k + 1]) * this.weights[k];
    const power = Math.max(10 ** (-this.rangeDb / 10), sum / nBins);
    return Math.max(10 * Math.log10(power) - this.refDb, -this.rangeDb);
  }
}

/** Growable typed array (rarely reallocates; contents kept). */
function grow(arr, n) {
  if (arr.length >= n) return arr;
  const next = new arr.constructor(Math.max(n, 2 * arr.length));
  next.set(arr);
  return next;
}

export class FeatureExtractor {
  /**
   * @param {{sampleRate:number, frameRate:number, analysis:import("./analysis.js").Analysis,
   *          nFft?:number, referenceNFft?:number, yinThreshold?:number, voicedConfidence?:number,
   *          minLoudnessDb?:number, minVoicedRun?:number, onsetRun?:number, yinWindowSize?:number}} o
   *   analysis: the model's (analysis.js): f0 range, loudness floor, and the n_fft it was trained
   *   on (`referenceNFft`, its default, as `nFft`'s). A shorter nFft (less look-ahead) reads mean
   *   bin power 10*log10(referenceNFft/nFft) dB lower; that is added back, and the pitch tracker
   *   keeps the window it has at the model's n_fft.
   *   voicedConfidence: YIN confidence (1 - aperiodicity) a frame needs to count as voiced;
   *   minLoudnessDb: quieter frames are unvoiced whatever YIN says (room noise, breath).
   *   minVoicedRun: continuous candidate frames a voiced note needs to stay voiced;
   *   onsetRun: those a note needs to start after an unvoiced frame (config.js VOICING).
   */
  constructor({
    sampleRate, frameRate, analysis, nFft = analysis.loudnessNFft, referenceNFft = analysis.loudnessNFft,
    yinThreshold = PITCH.yinThreshold, voicedConfidence = PITCH.minConfidence, minLoudnessDb = PITCH.minLoudnessDb,
    minVoicedRun = 3, onsetRun = minVoicedRun, yinWindowSize = 0,
  }) {
    this.sampleRate = sampleRate;
    this.hop = Math.round(sampleRate / frameRate);
    this.nFft = nFft;
    this.voicedConfidence = voicedConfidence;
    this.minLoudnessDb = minLoudnessDb;
    this.loudness = new LoudnessMeter({ sampleRate, nFft, floorDb: analysis.loudnessFloorDb, refDb: -10 * Math.log10(referenceNFft / nFft) });
    this.minVoicedRun = minVoicedRun;
    this.onsetRun = onsetRun;
    const trackerAnalysis = { ...analysis, loudnessNFft: referenceNFft };
    this.pitchTracker = new PitchTracker({ sampleRate, analysis: trackerAnalysis, threshold: yinThreshold, windowSize: yinWindowSize });
    this.minHz = this.pitchTracker.minHz;
    this.maxHz = this.pitchTracker.maxHz;
    // Both analyses read the samples that end n_fft/2 after the frame centre.
    this.historySamples = Math.max(nFft, this.pitchTracker.frameSize);
    this.buf = new Float32Array(this.historySamples + 4096);
    this.frames = {
      count: 0, f0Hz: new Float32Array(64), confidence: new Float32Array(64),
      loudnessDb: new Float32Array(64), voiced: new Uint8Array(64),
    };
    this.reset();
  }

  /** Algorithmic delay: a frame is known n_fft/2 samples after its centre. */
  get latencySamples() {
    return this.nFft / 2;
  }

  reset() {
    // buf[0] holds absolute sample bufStart; the stream is preceded by zeros (center padding).
    this.bufStart = this.nFft / 2 - this.historySamples;
    this.filled = -this.bufStart;
    this.buf.fill(0, 0, this.filled);
    this.received = 0; // samples pushed so far
    this.nextFrame = 0;
    this.lastVoicedF0Hz = 0;
    this.prevCandidateF0Hz = 0; // raw f0 of the previous frame if it passed the voicing tests
    this.candidateRun = 0; // consecutive candidate frames with a continuous pitch
    this.wasVoiced = false; // the previous frame's voicing
    this.framesOut = 0;
  }

  /** Samples pushed past the end of the last analysed frame's window (towards the next frame). */
  get samplesSinceLastFrame() {
    return this.received - this.frameEnd(this.nextFrame - 1);
  }

  /** Absolute index one past the last sample frame t reads. */
  frameEnd(t) {
    return t * this.hop + this.nFft / 2;
  }

  append(samples) {
    this.buf = grow(this.buf, this.filled + samples.length);
    this.buf.set(samples, this.filled);
    this.filled += samples.length;
    this.received += samples.length;
  }

  /** Drops samples no future frame will read. */
  compact() {
    const keepFrom = this.frameEnd(this.nextFrame) - this.historySamples - this.bufStart;
    if (keepFrom <= 0) return;
    this.buf.copyWithin(0, keepFrom, this.filled);
    this.filled -= keepFrom;
    this.bufStart += keepFrom;
  }

  /**
   * Voicing gate and f0 hold for one analysed frame; writes frame slot i. A frame is a candidate
   * when YIN is confident, the frame is loud enough and its pitch in range. A note starts on
   * `onsetRun` candidate frames after an unvoiced one; inside a note a frame stays voiced while its
   * pitch has been continuous (< 1 semitone frame to frame) for `minVoicedRun` frames: a one-frame
   * octave slip never reaches the decoder. Glides (meend) stay voiced: they are continuous at 4 ms.
   */
  gate(i, f0Hz, confidence, loudnessDb) {
    const fr = this.frames;
    const candidate = confidence >= this.voicedConfidence && loudnessDb >= this.minLoudnessDb
      && f0Hz >= this.minHz && f0Hz <= this.maxHz;
    const continuous = this.prevCandidateF0Hz > 0 && Math.abs(Math.log2(f0Hz / this.prevCandidateF0Hz)) < 1 / 12;
    this.candidateRun = candidate ? (continuous ? this.candidateRun + 1 : 1) : 0;
    this.prevCandidateF0Hz = candidate ? f0Hz : 0;
    const voiced = this.candidateRun >= (this.wasVoiced ? this.minVoicedRun : this.onsetRun);
    this.wasVoiced = voiced;
    if (voiced) this.lastVoicedF0Hz = f0Hz;
    fr.f0Hz[i] = voiced ? f0Hz : this.lastVoicedF0Hz;
    fr.confidence[i] = confidence;
    fr.loudnessDb[i] = loudnessDb;
    fr.voiced[i] = voiced ? 1 : 0;
  }

  /** The pitch tracker's YIN (its method and window, for benchmarks). */
  get yin() {
    return this.pitchTracker.yin;
  }

  /** Analyses every frame whose window lies below absolute sample `available`. */
  analyseUpTo(available) {
    const fr = this.frames;
    let count = 0;
    const maxNew = Math.max(0, Math.floor((available - this.frameEnd(this.nextFrame)) / this.hop) + 1);
    for (const k of ["f0Hz", "confidence", "loudnessDb", "voiced"]) fr[k] = grow(fr[k], maxNew);
    while (this.frameEnd(this.nextFrame) <= available) {
      const end = this.frameEnd(this.nextFrame) - this.bufStart;
      const loudnessDb = this.loudness.measure(this.buf, end - this.nFft);
      const p = this.pitchTracker.track(this.buf, end);
      this.gate(count++, p.f0Hz, p.confidence, loudnessDb);
      this.nextFrame++;
    }
    fr.count = count;
    this.framesOut += count;
    this.compact();
    return fr;
  }

  /**
   * Feeds samples; returns the frames completed by them.
   * @param {Float32Array} samples [n] at sampleRate
   * @returns {{count:number, f0Hz:Float32Array, confidence:Float32Array, loudnessDb:Float32Array,
   *            voiced:Uint8Array}} arrays [>= count], first `count` valid until the next call
   */
  push(samples) {
    this.append(samples);
    return this.analyseUpTo(this.received);
  }

  /** End of stream: the remaining frames, the end zero-padded as ddsp's center padding; resets. */
  flush() {
    const lastFrame = Math.floor(this.received / this.hop);
    this.append(new Float32Array(Math.max(0, this.frameEnd(lastFrame) - this.received)));
    const fr = this.analyseUpTo(this.frameEnd(lastFrame));
    this.reset();
    return fr;
  }
}
