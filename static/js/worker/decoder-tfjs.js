// Decoder stage: the instrument's streaming graph (its one TF.js graph model, metadata
// "streaming"), run block by block. The network is causal: only the block's new frames are
// computed, each conv layer's past activations travel between blocks as backend tensors (never
// read back). A stream starts from silence (f0 0 Hz, the model's loudness floor) and only the
// block's own frames are read back. No DOM: runs in a module Worker as well as on the page.
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import { tf } from "./backend.js";
import { analysisOf } from "../engine/analysis.js";
import { CpuStreamingDecoder, cpuWeightNames } from "../engine/decoder-cpu.js";
import { WebGLFusedDecoder, webglDecoderFits } from "../gpu/decoder-webgl.js";

/** @typedef {StreamingDecoder|CpuStreamingDecoder|WebGLFusedDecoder} Decoder what loadDecoder resolves to (one contract) */
const SILENCE_F0_HZ = 0;

/** Graph output node whose name carries `name` (converters append `:0`, `Identity_1`...). */
function resolveOutput(model, name) {
  const outs = model.outputs.map((o) => o.name);
  const sig = model.signature && model.signature.outputs;
  if (sig && sig[name]) return sig[name].name;
  const hit = outs.find((o) => o === name || o.startsWith(`${name}:`));
  if (!hit) throw new Error(`model has no output "${name}" (outputs: ${outs.join(", ")})`);
  return hit;
}

function resolveInput(model, name) {
  const sig = model.signature && model.signature.inputs;
  return sig && sig[name] ? sig[name].name : name;
}

/** Reads the block's three controls back and disposes them. */
async function readControls(outputs) {
  try {
    const [amplitudes, harmonicDistribution, noiseMagnitudes] = await Promise.all(outputs.map((t) => t.data()));
    return { amplitudes, harmonicDistribution, noiseMagnitudes };
  } finally {
    outputs.forEach((t) => t.dispose());
  }
}

/**
 * The streaming graph: inputs are the block's frames and each conv layer's cache (its past
 * input frames, metadata `streaming.caches[i].shape`); outputs are the controls for those frames
 * and the next caches. Caches stay on the backend; the old ones are disposed every block.
 */
export class StreamingDecoder {
  /** @param {import("@tensorflow/tfjs-converter").GraphModel} model the streaming graph @param {object} meta */
  constructor(model, meta) {
    this.model = model;
    this.meta = meta;
    this.kind = "streaming";
    this.cacheSpecs = meta.streaming.caches;
    this.inputNames = meta.streaming.inputs.map((name) => resolveInput(model, name));
    this.cacheInputNames = this.cacheSpecs.map((c) => resolveInput(model, c.input));
    this.outputNames = meta.streaming.outputs.map((name) => resolveOutput(model, name));
    this.fetchNames = [...this.outputNames, ...this.cacheSpecs.map((c) => resolveOutput(model, c.output))];
    /** Caches after `receptive_field_frames - 1` frames of silence: a new stream's (kept until dispose). */
    this.silentCaches = null;
    this.caches = null;
  }

  /**
   * Computes the silent caches the way the whole-sequence decoder sees a stream that starts from
   * silence: from all-zero caches (its zero padding), ≥ receptive_field_frames − 1 frames of
   * silence, in blocks of `blockFrames` (the live size: the kernels compile here).
   */
  async warmUp(blockFrames) {
    const silenceFrames = Math.max(1, this.meta.receptive_field_frames - 1);
    this.disposeCaches();
    this.caches = this.cacheSpecs.map((c) => tf.zeros(c.shape));
    const f0 = new Float32Array(blockFrames).fill(SILENCE_F0_HZ);
    const ld = new Float32Array(blockFrames).fill(analysisOf(this.meta).loudnessFloorDb);
    for (let done = 0; done < silenceFrames; done += blockFrames) tf.dispose(this.step(f0, ld));
    this.silentCaches = this.caches;
    // One read-back of the live size, as every live block does.
    await this.run(f0, ld);
    this.reset();
  }

  /** Runs the graph on one block; advances the caches; returns the control tensors [1, n, *]. */
  step(f0Hz, loudnessDb) {
    const n = f0Hz.length;
    const results = tf.tidy(() => {
      const feeds = {
        [this.inputNames[0]]: tf.tensor3d(f0Hz, [1, n, 1]),
        [this.inputNames[1]]: tf.tensor3d(loudnessDb, [1, n, 1]),
      };
      this.cacheInputNames.forEach((name, i) => { feeds[name] = this.caches[i]; });
      return this.model.execute(feeds, this.fetchNames);
    });
    const nOut = this.outputNames.length;
    this.disposeCaches();
    this.caches = results.slice(nOut);
    return results.slice(0, nOut);
  }

  /**
   * Runs one block.
   * @param {Float32Array} f0Hz [nFrames] @param {Float32Array} loudnessDb [nFrames]
   * @returns {Promise<{amplitudes:Float32Array, harmonicDistribution:Float32Array, noiseMagnitudes:Float32Array}>}
   *   [nFrames], [nFrames * nHarmonics], [nFrames * nNoise]
   */
  async run(f0Hz, loudnessDb) {
    if (!this.caches) throw new Error("StreamingDecoder.run before warmUp: load it with loadDecoder()");
    if (f0Hz.length !== loudnessDb.length) {
      throw new Error(`decoder block: ${f0Hz.length} f0 frames but ${loudnessDb.length} loudness frames`);
    }
    if (f0Hz.length === 0) {
      // Nothing to compute: the stream (and its caches) stays where it was.
      return { amplitudes: new Float32Array(0), harmonicDistribution: new Float32Array(0), noiseMagnitudes: new Float32Array(0) };
    }
    return readControls(this.step(f0Hz, loudnessDb));
  }

  /** A new stream: caches back to silence. */
  reset() {
    this.disposeCaches();
    this.caches = this.silentCaches;
  }

  /** Disposes the current caches unless they are the silent ones (shared by every reset). */
  disposeCaches() {
    if (this.caches && this.caches !== this.silentCaches) tf.dispose(this.caches);
    this.caches = null;
  }

  dispose() {
    this.disposeCaches();
    if (this.silentCaches) tf.dispose(this.silentCaches);
    this.silentCaches = null;
    this.model.dispose();
  }
}

/** Whether the CPU decoder serves this backend and model: the CPU backends, a layout in metadata. */
export function cpuDecoderFits(meta) {
  return Boolean(meta.streaming && meta.streaming.cpu) && ["wasm", "cpu"].includes(tf.getBackend());
}

/**
 * The plain-JS decoder's weights, read from the streaming graph (float16 weights arrive
 * dequantised), which is then disposed: {name: Float32Array} (decoder-cpu.js cpuWeightNames).
 */
export function cpuDecoderWeights(model, meta) {
  const weights = {};
  for (const name of cpuWeightNames(meta)) {
    const t = model.weights[name];
    if (!t || !t[0]) throw new Error(`streaming graph has no weight "${name}" (metadata streaming.cpu)`);
    weights[name] = Float32Array.from(t[0].dataSync());
  }
  model.dispose();
  return weights;
}

/** The plain-JS decoder's weights of the instrument whose graph is at `modelUrl` (for the audio thread's engine). */
export async function loadCpuDecoderWeights(modelUrl, meta) {
  if (!(meta.streaming && meta.streaming.cpu)) throw new Error(`${meta.id}: its metadata has no plain-JS decoder layout (streaming.cpu)`);
  return cpuDecoderWeights(await loadGraphModel(modelUrl), meta);
}

/**
 * Loads the instrument whose streaming graph is at `modelUrl` (the manifest's url,
 * `static/models/<id>/<meta.streaming.model>`) and runs one block of the live size so the backend
 * compiles its kernels now, not on the singer's first note. On the CPU backends (wasm, cpu) the
 * network runs as plain JS arithmetic from the graph's weights (decoder-cpu.js): no kernel
 * dispatch per op. On webgl it runs as our own fused programs, 2 a conv layer
 * (decoder-webgl.js), whose `createVoice()` keeps the synth on the GPU too. `cpu: false` /
 * `webgl: false` keep the TF.js graph there (benchmarks, tests).
 * @returns {Promise<Decoder>}
 */
export async function loadDecoder(modelUrl, meta, { warmupBlockFrames = 4, cpu = true, webgl = true, ...options } = {}) {
  if (!meta.streaming) throw new Error(`${meta.id}: its metadata names no streaming graph (streaming.model), the only graph the page runs`);
  const model = await loadGraphModel(modelUrl);
  if (webgl && webglDecoderFits(meta)) {
    const decoder = new WebGLFusedDecoder(model, meta);
    decoder.warmUp(warmupBlockFrames);
    return decoder;
  }
  if (cpu && cpuDecoderFits(meta)) {
    const decoder = new CpuStreamingDecoder(cpuDecoderWeights(model, meta), meta, options);
    decoder.warmUp();
    return decoder;
  }
  const decoder = new StreamingDecoder(model, meta);
  await decoder.warmUp(warmupBlockFrames);
  return decoder;
}
