// The streaming engine: 16 kHz voice in, 16 kHz instrument out, one block of frames at a time.
//   features (f0, voicing, loudness) -> mapping (register, dynamics, gate) -> decoder -> synth
// The same Engine renders a whole clip at once (blockFrames = all frames) for parity tests: only
// the block size differs between the live path and the offline one.
import * as featuresStage from "./features.js";
import { Mapper } from "./mapping.js";
import * as synthStage from "./synth.js";

const now = () => (globalThis.performance ? performance.now() : Date.now());

/** Growable per-frame queue of features waiting for a full block. */
class FrameQueue {
  constructor(capacity) {
    this.f0Hz = new Float32Array(capacity);
    this.loudnessDb = new Float32Array(capacity);
    this.voiced = new Uint8Array(capacity);
    this.length = 0;
  }

  push(frames, count) {
    if (this.length + count > this.f0Hz.length) this.grow(this.length + count);
    this.f0Hz.set(frames.f0Hz.subarray(0, count), this.length);
    this.loudnessDb.set(frames.loudnessDb.subarray(0, count), this.length);
    this.voiced.set(frames.voiced.subarray(0, count), this.length);
    this.length += count;
  }

  grow(size) {
    for (const k of ["f0Hz", "loudnessDb", "voiced"]) {
      const next = new this[k].constructor(Math.max(size, 2 * this[k].length));
      next.set(this[k].subarray(0, this.length));
      this[k] = next;
    }
  }

  /** Removes the first n frames. */
  shift(n) {
    for (const k of ["f0Hz", "loudnessDb", "voiced"]) this[k].copyWithin(0, n, this.length);
    this.length -= n;
  }
}

export class Engine {
  /**
   * @param {{meta:object, decoder:import("./decoder.js").Decoder, phaseAccumulator?:object,
   *          blockFrames?:number, controls?:object, features?:object, synth?:object}} o
   */
  constructor({ meta, decoder, phaseAccumulator, blockFrames = 4, controls = {}, features, synth }) {
    this.meta = meta;
    this.decoder = decoder;
    this.blockFrames = blockFrames;
    this.hop = meta.hop_samples;
    this.features = features || new featuresStage.FeatureExtractor({ sampleRate: meta.sample_rate, frameRate: meta.frame_rate });
    this.mapper = new Mapper(meta, controls);
    this.synth = synth || new synthStage.Synth(meta, { phaseAccumulator, reverbWet: controls.reverbWet || 0 });
    this.queue = new FrameQueue(4 * blockFrames);
    this.mapped = { f0Hz: new Float32Array(blockFrames), loudnessDb: new Float32Array(blockFrames), gate: new Float32Array(blockFrames) };
    this.timings = { featuresMs: 0, decoderMs: 0, synthMs: 0, blocks: 0, framesOut: 0 };
    this.lastBlock = null; // controls of the newest block, for the UI and tests
    this.f0Trace = null; // set to [] to record the pitch asked of the instrument, per frame
  }

  setControls(controls) {
    this.mapper.setControls(controls);
    if (controls.reverbWet !== undefined && this.synth.setReverbWet) this.synth.setReverbWet(controls.reverbWet);
  }

  /** Feeds voice samples [n] at the model rate; features are computed as frames complete. */
  pushAudio(samples) {
    const t0 = now();
    const frames = this.features.push(samples);
    if (frames.count) this.queue.push(frames, frames.count);
    this.timings.featuresMs += now() - t0;
  }

  /** Drops the oldest `n` waiting frames (the live loop catching up after a stall). */
  dropFrames(n) {
    this.queue.shift(Math.min(n, this.queue.length));
  }

  /** Frames waiting for a block. */
  get pendingFrames() {
    return this.queue.length;
  }

  /** Renders every complete block; `sink(audio [blockFrames*hop])` receives each. */
  async renderReadyBlocks(sink) {
    while (this.queue.length >= this.blockFrames) {
      sink(await this.renderBlock(this.blockFrames));
    }
  }

  async renderBlock(n) {
    const m = this.mapper.map(this.queue, n, this.mapped);
    this.queue.shift(n);
    let t0 = now();
    const controls = await this.decoder.run(m.f0Hz.subarray(0, n), m.loudnessDb.subarray(0, n));
    this.timings.decoderMs += now() - t0;
    applyGate(controls, m.gate, n, this.meta.n_noise);
    t0 = now();
    // renderAsync reads the GPU phase back without blocking the page (WebGL); same audio.
    const synthControls = { f0Hz: m.f0Hz.subarray(0, n), ...controls };
    const audio = this.synth.renderAsync ? await this.synth.renderAsync(synthControls) : this.synth.render(synthControls);
    this.timings.synthMs += now() - t0;
    this.timings.blocks++;
    this.timings.framesOut += n;
    this.lastBlock = { f0Hz: m.f0Hz[n - 1], gate: m.gate[n - 1], loudnessDb: m.loudnessDb[n - 1] };
    if (this.f0Trace) for (let i = 0; i < n; i++) this.f0Trace.push(m.gate[i] > 0 ? m.f0Hz[i] : 0);
    return audio;
  }

  /**
   * Whole clip at once (or in `blockFrames` blocks when streaming=true): voice [n] -> audio.
   * Tail frames that do not fill a block are dropped, as the live path would wait for them.
   */
  async renderClip(voice, { streaming = false } = {}) {
    this.pushAudio(voice);
    const chunks = [];
    if (streaming) {
      await this.renderReadyBlocks((a) => chunks.push(Float32Array.from(a)));
    } else {
      const n = this.queue.length;
      if (this.mapped.f0Hz.length < n) {
        this.mapped = { f0Hz: new Float32Array(n), loudnessDb: new Float32Array(n), gate: new Float32Array(n) };
      }
      chunks.push(Float32Array.from(await this.renderBlock(n)));
    }
    return concat(chunks);
  }

  /** Algorithmic look-ahead of the stages themselves, in model-rate samples. */
  get analysisSamples() {
    return this.features.latencySamples;
  }

  get synthLookaheadSamples() {
    return this.synth.latencySamples || 0;
  }

  dispose() {
    if (this.synth.dispose) this.synth.dispose();
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

/**
 * Live loop: drains the capture ring, renders ready blocks into the output ring.
 * Runs on the main thread (TF.js WebGL needs it), woken by a timer every half block.
 */
export class LiveLoop {
  /** @param {{onBlock?:Function, maxBacklogBlocks?:number}} [o] */
  constructor(engine, captureRing, outputRing, { onBlock, maxBacklogBlocks = 3 } = {}) {
    this.engine = engine;
    this.captureRing = captureRing;
    this.outputRing = outputRing;
    this.onBlock = onBlock;
    this.scratch = new Float32Array(captureRing.capacity);
    this.overflows = 0;
    this.droppedFrames = 0;
    this.maxBacklogFrames = maxBacklogBlocks * engine.blockFrames;
    this.running = false;
    this.periodMs = Math.max(2, (engine.blockFrames * engine.hop * 1000) / engine.meta.sample_rate / 2);
  }

  start() {
    this.running = true;
    this.captureRing.clear();
    const tick = async () => {
      if (!this.running) return;
      try {
        await this.step();
      } catch (err) {
        console.error("engine step failed:", err);
        this.running = false;
        if (this.onError) this.onError(err);
        return;
      }
      setTimeout(tick, this.periodMs);
    };
    tick();
  }

  async step() {
    const n = this.captureRing.pop(this.scratch);
    if (n) this.engine.pushAudio(this.scratch.subarray(0, n));
    // Behind after a stall (GC, a slow GPU): drop the oldest frames rather than play late.
    const backlog = this.engine.pendingFrames - this.maxBacklogFrames;
    if (backlog > 0) {
      this.engine.dropFrames(backlog);
      this.droppedFrames += backlog;
    }
    await this.engine.renderReadyBlocks((audio) => {
      const written = this.outputRing.push(audio);
      this.overflows += audio.length - written;
      if (this.onBlock) this.onBlock(this.engine.lastBlock);
    });
  }

  stop() {
    this.running = false;
  }
}
