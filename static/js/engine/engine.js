// The streaming engine: voice in, instrument out, at the model rate, one block of frames at a time.
//   features (f0, voicing, loudness) -> raga tuning (held notes, when on) -> mapping (register,
//   dynamics, gate; then the instrument's idiom: keys, plucks, bow, breath) -> decoder -> synth
//   -> the idiom's own sound (taraf, breath)
// The same Engine renders a whole clip at once (blockFrames = all frames) for parity tests: only
// the block size differs between the live path and the offline one. It runs live in the engine
// Worker (worker/session.js, any TF.js backend) or on the audio thread (engine-processor.js, the
// plain-JS decoder and synth), offline in a page (tests, benchmarks).
import { ANALYSIS_FFT_SIZE, VOICING } from "../config.js";
import { analysisOf } from "./analysis.js";
import * as featuresStage from "./features.js";
import { createIdiom } from "./idiom/index.js";
import { Mapper } from "./mapping.js";
import { RagaTuner } from "./raga-tuning.js";
import * as synthStage from "./synth/synth.js";

// The audio thread (AudioWorkletGlobalScope) has no `performance`: Date.now() there, whose
// whole milliseconds still average right over many blocks (LoadMeter).
const now = globalThis.performance ? () => globalThis.performance.now() : () => Date.now();

const QUEUED = ["f0Hz", "loudnessDb", "voiced", "confidence"];

/** Growable per-frame queue of features waiting for a full block. */
class FrameQueue {
  constructor(capacity) {
    this.f0Hz = new Float32Array(capacity);
    this.loudnessDb = new Float32Array(capacity);
    this.voiced = new Uint8Array(capacity);
    this.confidence = new Float32Array(capacity); // 1 - the voice's aperiodicity (the breath idiom's air)
    this.length = 0;
  }

  push(frames, count) {
    if (this.length + count > this.f0Hz.length) this.grow(this.length + count);
    for (const k of QUEUED) this[k].set(frames[k].subarray(0, count), this.length);
    this.length += count;
  }

  grow(size) {
    for (const k of QUEUED) {
      const next = new this[k].constructor(Math.max(size, 2 * this[k].length));
      next.set(this[k].subarray(0, this.length));
      this[k] = next;
    }
  }

  /** Removes the first n frames. */
  shift(n) {
    for (const k of QUEUED) this[k].copyWithin(0, n, this.length);
    this.length -= n;
  }
}

export class Engine {
  /**
   * @param {{meta:object, decoder:import("../worker/decoder-tfjs.js").Decoder, phaseAccumulator?:object,
   *          blockFrames:number, controls?:object, analysisFftSize?:number, mapper?:Mapper}} o
   *   mapper: an engine replacing another for the same instrument keeps its mapper (the take)
   */
  constructor({ meta, decoder, phaseAccumulator, blockFrames, controls = {}, analysisFftSize = ANALYSIS_FFT_SIZE, mapper = null }) {
    this.meta = meta;
    this.decoder = decoder;
    this.blockFrames = blockFrames;
    this.hop = meta.hop_samples;
    this.features = new featuresStage.FeatureExtractor({
      sampleRate: meta.sample_rate, frameRate: meta.frame_rate, analysis: analysisOf(meta), nFft: analysisFftSize,
      minVoicedRun: VOICING.minVoicedRun, onsetRun: VOICING.onsetRun,
    });
    this.mapper = mapper || new Mapper(meta, controls);
    this.idiom = createIdiom(meta);
    this.idiom.setControls(controls);
    this.tuner = new RagaTuner({ frameRate: meta.frame_rate });
    this.tuner.set(controls.tuning ?? null); // {saHz, semitones, strength} or null (off)
    // On webgl the decoder keeps the whole voice on the GPU (decoder, gate, synth; one read-back
    // per block: voice-webgl.js); it takes the synth's place (same latency, reverb, dispose).
    // Without float32 textures it offers none (null): its controls, read once, go to the JS synth.
    this.voice = decoder.createVoice ? decoder.createVoice({ reverbWet: controls.reverbWet || 0 }) : null;
    this.synth = this.voice || new synthStage.Synth(meta, { phaseAccumulator, reverbWet: controls.reverbWet || 0, maxBlockFrames: blockFrames });
    this.queue = new FrameQueue(4 * blockFrames);
    this.mapped = { f0Hz: new Float32Array(blockFrames), loudnessDb: new Float32Array(blockFrames), gate: new Float32Array(blockFrames) };
    this.inputF0Hz = new Float32Array(blockFrames);
    this.timings = { featuresMs: 0, decoderMs: 0, synthMs: 0, blocks: 0, framesOut: 0 };
  }

  setControls(controls) {
    this.mapper.setControls(controls);
    this.idiom.setControls(controls);
    this.tuner.set(controls.tuning ?? null);
    if (controls.reverbWet !== undefined) this.synth.setReverbWet(controls.reverbWet);
  }

  /** Feeds voice samples [n] at the model rate; features are computed as frames complete. */
  pushAudio(samples) {
    const t0 = now();
    const frames = this.features.push(samples);
    if (frames.count) this.queue.push(frames, frames.count);
    this.timings.featuresMs += now() - t0;
  }

  /**
   * Behind after a stall: drops the oldest waiting frames beyond `maxBacklogMs` (at least a block
   * is kept) rather than play them late. @returns {number} the frames dropped
   */
  dropBacklog(maxBacklogMs) {
    const maxFrames = Math.max(this.blockFrames, Math.round((maxBacklogMs / 1000) * this.meta.frame_rate));
    const backlog = this.queue.length - maxFrames;
    if (backlog <= 0) return 0;
    this.queue.shift(backlog);
    return backlog;
  }

  /** Frames waiting for a block. */
  get pendingFrames() {
    return this.queue.length;
  }

  /** Voice samples pushed towards the next block: frames waiting for it, and samples past the last frame. */
  get pendingSamples() {
    return this.queue.length * this.hop + this.features.samplesSinceLastFrame;
  }

  /** True when a whole block of frames is waiting. */
  get blockReady() {
    return this.queue.length >= this.blockFrames;
  }

  /**
   * Renders the next `n` waiting frames (default: one block).
   * @returns {Promise<{audio:Float32Array, n:number, inputF0Hz:Float32Array, f0Hz:Float32Array,
   *   gate:Float32Array}>} audio [n*hop] (`synth.latencySamples` behind); per frame [n]: the sung
   *   f0, the f0 asked of the instrument (after octave and semitone shifts), the gate [0, 1].
   *   Views valid until the next call.
   */
  async renderBlock(n = this.blockFrames) {
    this.reserve(n);
    this.inputF0Hz.set(this.queue.f0Hz.subarray(0, n)); // the sung pitch, before any tuning
    this.tuner.process(this.queue.f0Hz, this.queue.voiced, n);
    const m = this.mapper.map(this.queue, n, this.mapped);
    this.idiom.play(this.queue, m, n, this.mapper);
    this.queue.shift(n);
    let t0 = now();
    let audio;
    if (this.voice) {
      audio = this.voice.render(m.f0Hz.subarray(0, n), m.loudnessDb.subarray(0, n), m.gate.subarray(0, n));
      this.timings.decoderMs += now() - t0; // decoder and synth in one GPU pass chain: one figure
    } else {
      const controls = await this.decoder.run(m.f0Hz.subarray(0, n), m.loudnessDb.subarray(0, n));
      this.timings.decoderMs += now() - t0;
      applyGate(controls, m.gate, n, this.meta.n_noise);
      t0 = now();
      audio = this.synth.render({ f0Hz: m.f0Hz.subarray(0, n), ...controls });
      this.timings.synthMs += now() - t0;
    }
    t0 = now();
    this.idiom.render(audio, n); // one frame behind the controls (the synth's look-ahead): 4 ms
    this.timings.synthMs += now() - t0;
    this.timings.blocks++;
    this.timings.framesOut += n;
    return { audio, n, inputF0Hz: this.inputF0Hz.subarray(0, n), f0Hz: m.f0Hz.subarray(0, n), gate: m.gate.subarray(0, n) };
  }

  /** Grows the per-block buffers for an n-frame block (offline whole-clip renders only). */
  reserve(n) {
    if (this.mapped.f0Hz.length >= n) return;
    this.mapped = { f0Hz: new Float32Array(n), loudnessDb: new Float32Array(n), gate: new Float32Array(n) };
    this.inputF0Hz = new Float32Array(n);
  }

  /**
   * Whole clip at once (or in `blockFrames` blocks when streaming=true): voice [n] -> audio.
   * Tail frames that do not fill a block are dropped, as the live path would wait for them.
   * `onBlock(block)` sees each block's per-frame pitch and gate (renderBlock's result).
   */
  async renderClip(voice, { streaming = false, onBlock = null } = {}) {
    this.pushAudio(voice);
    const chunks = [];
    const take = async (n) => {
      const block = await this.renderBlock(n);
      chunks.push(Float32Array.from(block.audio));
      if (onBlock) onBlock(block);
    };
    if (streaming) while (this.blockReady) await take(this.blockFrames);
    else await take(this.queue.length);
    return concat(chunks);
  }

  /** Algorithmic look-ahead of the stages themselves, in model-rate samples. */
  get analysisSamples() {
    return this.features.latencySamples;
  }

  get synthLookaheadSamples() {
    return this.synth.latencySamples;
  }

  dispose() {
    this.synth.dispose();
  }
}

/** Silence gate: scales harmonic amplitude and noise magnitudes per frame. */
function applyGate(controls, gate, nFrames, nNoise) {
  for (let i = 0; i < nFrames; i++) {
    const g = gate[i];
    if (g === 1) continue;
    controls.amplitudes[i] *= g;
    for (let j = 0; j < nNoise; j++) controls.noiseMagnitudes[i * nNoise + j] *= g;
  }
}

export function concat(chunks) {
  const out = new Float32Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
