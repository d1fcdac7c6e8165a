// Decoder stage: the instrument's TF.js graph model, run block by block. The network is causal,
// so a block prefixed with `receptive_field_frames - 1` frames of past input gives exactly the
// frames the whole sequence would: only the new frames are read back.
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import { tf } from "./backend.js";
import { SILENCE_DB } from "./mapping.js";

export const OUTPUTS = ["amplitudes", "harmonic_distribution", "noise_magnitudes"];

/** Past input frames kept per stream, bounded by the receptive field. */
class History {
  /** @param {number} silence the input value of silence, which a new stream starts from */
  constructor(contextFrames, maxBlockFrames, silence) {
    this.contextFrames = contextFrames;
    this.silence = silence;
    this.data = new Float32Array(contextFrames + maxBlockFrames);
    this.reset();
  }

  /** Appends `values` [n]; returns a view of context + values. */
  append(values) {
    const keep = Math.min(this.length, this.contextFrames);
    if (keep + values.length > this.data.length) {
      // A whole clip at once (tests, offline render): grow once, keeping the context.
      const grown = new Float32Array(this.contextFrames + values.length);
      grown.set(this.data.subarray(this.length - keep, this.length));
      this.data = grown;
      this.length = keep;
    }
    this.data.copyWithin(0, this.length - keep, this.length);
    this.data.set(values, keep);
    this.length = keep + values.length;
    return this.data.subarray(0, this.length);
  }

  /**
   * A stream starts from a full context of silence, so every block of a stream has the same
   * shape: on WebGL each new input shape compiles new shaders (seconds on a slow GPU).
   */
  reset() {
    this.data.fill(this.silence, 0, this.contextFrames);
    this.length = this.contextFrames;
  }
}

export class Decoder {
  /** @param {import("@tensorflow/tfjs-converter").GraphModel} model @param {object} meta metadata.json */
  constructor(model, meta, { maxBlockFrames = 256 } = {}) {
    this.model = model;
    this.meta = meta;
    const context = Math.max(0, meta.receptive_field_frames - 1);
    this.f0History = new History(context, maxBlockFrames, 0);
    this.loudnessHistory = new History(context, maxBlockFrames, SILENCE_DB);
    this.outputNames = OUTPUTS.map((name) => this.resolveOutput(name));
  }

  /** Graph output node whose name carries `name` (converters append `:0`, `Identity_1`...). */
  resolveOutput(name) {
    const outs = this.model.outputs.map((o) => o.name);
    const sig = this.model.signature && this.model.signature.outputs;
    if (sig && sig[name]) return sig[name].name;
    const hit = outs.find((o) => o === name || o.startsWith(`${name}:`));
    if (!hit) throw new Error(`model has no output "${name}" (outputs: ${outs.join(", ")})`);
    return hit;
  }

  inputName(name) {
    const sig = this.model.signature && this.model.signature.inputs;
    return sig && sig[name] ? sig[name].name : name;
  }

  reset() {
    this.f0History.reset();
    this.loudnessHistory.reset();
  }

  /**
   * Runs one block.
   * @param {Float32Array} f0Hz [nFrames] @param {Float32Array} loudnessDb [nFrames]
   * @returns {Promise<{amplitudes:Float32Array, harmonicDistribution:Float32Array, noiseMagnitudes:Float32Array}>}
   *   [nFrames], [nFrames * nHarmonics], [nFrames * nNoise]
   */
  async run(f0Hz, loudnessDb) {
    const n = f0Hz.length;
    const f0 = this.f0History.append(f0Hz);
    const ld = this.loudnessHistory.append(loudnessDb);
    const total = f0.length;
    const outputs = tf.tidy(() => {
      const feeds = {
        [this.inputName("f0_hz")]: tf.tensor3d(f0, [1, total, 1]),
        [this.inputName("loudness_db")]: tf.tensor3d(ld, [1, total, 1]),
      };
      const result = this.model.execute(feeds, this.outputNames);
      // Only the block's own frames leave the GPU.
      return result.map((t) => tf.slice(t, [0, total - n, 0], [1, n, t.shape[2]]));
    });
    try {
      const [amplitudes, harmonicDistribution, noiseMagnitudes] = await Promise.all(outputs.map((t) => t.data()));
      return { amplitudes, harmonicDistribution, noiseMagnitudes };
    } finally {
      outputs.forEach((t) => t.dispose());
    }
  }

  dispose() {
    this.model.dispose();
  }
}

/**
 * Loads `static/models/<id>/model.json`; runs one block of the live size so the backend
 * compiles its kernels now, not on the singer's first note.
 */
export async function loadDecoder(modelUrl, meta, { warmupBlockFrames = 4, ...options } = {}) {
  const model = await loadGraphModel(modelUrl);
  const decoder = new Decoder(model, meta, options);
  await decoder.run(new Float32Array(warmupBlockFrames).fill(220), new Float32Array(warmupBlockFrames).fill(SILENCE_DB));
  decoder.reset();
  return decoder;
}
