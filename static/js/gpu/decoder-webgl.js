// The streaming decoder as our own WebGL programs, for the webgl backend: the same network as the
// streaming graph (stream.json), from its weights, in 2 passes per conv layer + 1 for the head
// instead of the converted graph's ~75 op-by-op kernels. On SwiftShader (software WebGL) each
// dispatch costs JavaScript and GL bookkeeping before any arithmetic, and a 4-frame block has too
// little arithmetic to hide ~75 of them (docs/benchmarks.md, "Where a WebGL block's time goes").
//
//   conv  (shaders/decoder_conv.glsl)  thread (frame, channel): the dilated causal conv + bias
//   norm  (shaders/decoder_norm.glsl)  layer norm, gain/offset, leaky ReLU, residual, written as
//                                      the next layer's input history (its cache rows included)
//   head  (shaders/decoder_head.glsl)  1x1 conv to the controls, exp_sigmoid
//
// A layer norm needs every channel of a frame, which a fragment shader's thread cannot share, so
// conv and norm stay two passes (one thread computing all C channels would do C times the work).
// Each layer's input history [past + n, C] is one texture; the next block's cache is its newest
// `past` rows, read in place by the next norm pass: no copy, no read-back. Layer 0's input (the
// scaled f0 and loudness) is known in JS, so its history rides in the block's one upload.
// Programs follow tfjs-backend-webgl's GPGPUProgram form (source + variable names + uniforms),
// run with backend.runWebGLProgram; shapes are constants (each block size compiles its own set,
// at load for the live size), so every texel read's index arithmetic folds away.
import * as glsl from "./shaders.js";
import { tf } from "../worker/backend.js";
import { analysisOf } from "../engine/analysis.js";
import { WebGLVoice } from "./voice-webgl.js";
import { defines, disposeInfo, texelAccessors, uploadTensor } from "./webgl-program.js";

const SILENCE_F0_HZ = 0;
const LN2 = Math.log(2);

/** A vector as a [1, n] tensor (our programs read 2-D textures only). */
const row = (values) => tf.tensor2d(values, [1, values.length]);

/** Float32Array of graph weight `name` (float16 weights arrive dequantised). */
function weight(model, name) {
  const t = model.weights[name];
  if (!t || !t[0]) throw new Error(`streaming graph has no weight "${name}" (metadata streaming.cpu)`);
  return Float32Array.from(t[0].dataSync());
}

/**
 * Layer 0's input rows in JS: the scaled inputs (midi / 127, loudness / 120 + 1, as the graph's
 * scale_inputs) of the layer's `past` cached frames and the block's frames, [past + n, 2].
 */
class InputHistory {
  constructor(past, k) {
    this.past = past;
    this.k = k;
    this.rows = new Float32Array(past * 2); // the cached frames, oldest first
  }

  /** Writes [past + n, 2] row-major into `out` at `offset`; keeps the newest `past` rows. */
  write(f0Hz, loudnessDb, out, offset) {
    const n = f0Hz.length, k = this.k, P = this.past;
    out.set(this.rows, offset);
    for (let t = 0; t < n; t++) {
      const midi = 12 * (Math.log(Math.max(f0Hz[t], k.f0_floor_hz) / 440) / LN2) + 69;
      out[offset + (P + t) * 2] = midi / k.midi_scale;
      out[offset + (P + t) * 2 + 1] = loudnessDb[t] / k.loudness_scale_db + 1;
    }
    this.rows.set(out.subarray(offset + n * 2, offset + (n + P) * 2));
  }
}

export class WebGLFusedDecoder {
  /**
   * @param {import("@tensorflow/tfjs-converter").GraphModel} model the streaming graph (its
   *   weights are copied into our own tensors; it is disposed here) @param {object} meta metadata.json
   */
  constructor(model, meta) {
    const cpu = meta.streaming.cpu;
    this.kind = "webgl-fused";
    this.meta = meta;
    this.k = cpu.constants;
    this.channels = cpu.channels;
    this.nHarmonics = meta.n_harmonics;
    this.nNoise = meta.n_noise;
    this.units = 1 + this.nHarmonics + this.nNoise;
    const C = this.channels;
    this.layers = cpu.layers.map((spec, i) => {
      const past = (spec.kernel - 1) * spec.dilation;
      const filter = weight(model, spec.filter);
      return {
        past, cin: spec.channels_in,
        filter: tf.tensor2d(filter, [spec.kernel * spec.channels_in, C]),
        bias: row(weight(model, spec.bias)),
        gain: row(weight(model, spec.gain)),
        offset: row(weight(model, spec.offset)),
        conv: {
          variableNames: [i === 0 ? "block" : "hist", "weights", "bias"],
          // Layer 0 reads its history from the block's upload (row-major [past + n, 2] at offset 0).
          userCode: defines({ K: spec.kernel, CIN: spec.channels_in, DIL: spec.dilation, PAST: past })
            + (i === 0 ? texelAccessors(["weights", "bias"], ["block"]) + "float histAt(int r, int c) { return blockAt(r * CIN + c); }\n"
              : texelAccessors(["hist", "weights", "bias"]))
            + glsl.decoderConv,
        },
      };
    });
    this.layers.forEach((l, i) => {
      const next = this.layers[i + 1], pastNext = next ? next.past : 0, residual = i > 0;
      l.pastNext = pastNext;
      const variableNames = ["z", ...(residual ? ["hist"] : []), ...(pastNext ? ["prev"] : []), "gain", "offset"];
      l.norm = {
        variableNames,
        userCode: texelAccessors(variableNames) + defines({ C, PAST: l.past, PAST_NEXT: pastNext, RESIDUAL: residual ? 1 : 0 }, { EPS: this.k.norm_eps, ALPHA: this.k.leaky_alpha }) + glsl.decoderNorm,
        customUniforms: [{ name: "prevShift", type: "int" }],
      };
    });
    const es = this.k.exp_sigmoid;
    this.head = {
      filter: tf.tensor2d(weight(model, cpu.head.filter), [C, this.units]),
      bias: row(weight(model, cpu.head.bias)),
      program: {
        variableNames: ["x", "weights", "bias"],
        userCode: texelAccessors(["x", "weights", "bias"]) + defines({ C, H: this.nHarmonics }, { NOISE_BIAS: this.k.noise_initial_bias,
          ES_MAX: es.max_value, ES_POWER: Math.log(es.exponent), ES_THRESHOLD: es.threshold }) + glsl.decoderHead,
      },
    };
    if (this.head.bias.shape[1] !== this.units) {
      throw new Error(`head has ${this.head.bias.shape[1]} outputs, metadata says 1 + ${this.nHarmonics} + ${this.nNoise}`);
    }
    model.dispose();
    this.input = new InputHistory(this.layers[0].past, this.k);
    this.histories = null; // per layer i >= 1: its input history tensor [past_i + nPrev, C]
    this.silent = null; // {rows, histories} after receptive_field_frames - 1 frames of silence
    this.dispatches = 0; // programs run (benchmarks count them)
  }

  /** Floats of layer 0's input rows for an n-frame block (the start of the block's upload). */
  inputLength(n) {
    return (this.layers[0].past + n) * 2;
  }

  /** Writes layer 0's input rows [past + n, 2] into `out` at `offset` and advances the stream. */
  writeInputs(f0Hz, loudnessDb, out, offset = 0) {
    this.input.write(f0Hz, loudnessDb, out, offset);
  }

  /**
   * Runs the network on one block whose upload `block` (uploadTensor) starts with
   * layer 0's input rows (writeInputs); advances the caches (the old ones are disposed).
   * @returns {import("@tensorflow/tfjs-core").TensorInfo} the head [n, 1 + H + N] (caller disposes)
   */
  step(block, n) {
    const backend = tf.backend(), C = this.channels, L = this.layers.length;
    let input = block;
    const next = [];
    let x = null;
    for (let i = 0; i < L; i++) {
      const l = this.layers[i];
      const z = backend.runWebGLProgram({ ...l.conv, outputShape: [n, C] }, [input, l.filter, l.bias], "float32");
      const prev = l.pastNext ? this.histories[i + 1] : null;
      const inputs = [z, ...(i > 0 ? [input] : []), ...(prev ? [prev] : []), l.gain, l.offset];
      const out = backend.runWebGLProgram({ ...l.norm, outputShape: [l.pastNext + n, C] }, inputs, "float32",
        [[prev ? prev.shape[0] - l.pastNext : 0]]);
      this.dispatches += 2;
      backend.disposeIntermediateTensorInfo(z);
      if (i + 1 < L) next[i + 1] = out;
      else x = out;
      input = out;
    }
    const head = backend.runWebGLProgram({ ...this.head.program, outputShape: [n, this.units] }, [x, this.head.filter, this.head.bias], "float32");
    this.dispatches++;
    backend.disposeIntermediateTensorInfo(x);
    this.disposeHistories();
    this.histories = next;
    return head;
  }

  /** Layer histories after `receptive_field_frames - 1` frames of silence from all-zero ones (as the graph). */
  warmUp(blockFrames = 4) {
    this.disposeHistories();
    this.input.rows.fill(0);
    // Layer 0's history is JS (InputHistory); the others start as all-zero tensors.
    this.histories = this.layers.map((l, i) => (i ? tf.zeros([l.past + blockFrames, this.channels]) : null));
    // >= receptive_field_frames - 1 frames of silence, in blocks of the live size: every history
    // then has the live shape, so the live blocks run the binaries compiled here.
    const silenceFrames = Math.max(1, this.meta.receptive_field_frames - 1);
    const f0 = new Float32Array(blockFrames).fill(SILENCE_F0_HZ), ld = new Float32Array(blockFrames).fill(analysisOf(this.meta).loudnessFloorDb);
    for (let done = 0; done < silenceFrames; done += blockFrames) tf.backend().disposeIntermediateTensorInfo(this.stepFrames(f0, ld));
    this.silent = { rows: Float32Array.from(this.input.rows), histories: this.histories };
    this.histories = this.silent.histories;
    const head = this.stepFrames(f0, ld); // one read-back of the live size, as every live block does
    tf.backend().readSync(head.dataId);
    tf.backend().disposeIntermediateTensorInfo(head);
    this.reset();
  }

  /** One block from its inputs alone (tests, benchmarks, warm-up): uploads them, steps. */
  stepFrames(f0Hz, loudnessDb) {
    const data = new Float32Array(this.inputLength(f0Hz.length));
    this.writeInputs(f0Hz, loudnessDb, data);
    const block = uploadTensor(data);
    const head = this.step(block, f0Hz.length);
    block.dispose();
    return head;
  }

  /**
   * Runs one block and reads its controls back (the contract of the other decoders; the live
   * webgl engine instead keeps them on the GPU: voice-webgl.js).
   * @param {Float32Array} f0Hz [nFrames] @param {Float32Array} loudnessDb [nFrames]
   * @returns {Promise<{amplitudes, harmonicDistribution, noiseMagnitudes}>} [n], [n * H], [n * N]
   */
  async run(f0Hz, loudnessDb) {
    if (!this.silent) throw new Error("WebGLFusedDecoder.run before warmUp: load it with loadDecoder()");
    if (f0Hz.length !== loudnessDb.length) {
      throw new Error(`decoder block: ${f0Hz.length} f0 frames but ${loudnessDb.length} loudness frames`);
    }
    const n = f0Hz.length;
    if (n === 0) return { amplitudes: new Float32Array(0), harmonicDistribution: new Float32Array(0), noiseMagnitudes: new Float32Array(0) };
    const head = this.stepFrames(f0Hz, loudnessDb);
    const values = tf.backend().readSync(head.dataId);
    tf.backend().disposeIntermediateTensorInfo(head);
    return controlsFromHead(values, f0Hz, this.meta, this.k.harmonic_norm_eps);
  }

  /**
   * The whole voice on the GPU over this decoder's stream (the engine's webgl path): decoder,
   * gate and synth with one read-back per block. @param {{reverbWet?:number}} [options]
   */
  createVoice(options) {
    // The voice renders audio into a texture: with float16 textures only (many phones, or ?f16=1)
    // it would agree with the JS synth to ~50 dB, audible in quiet passages. There the engine
    // reads this decoder's controls back once a block and synthesises in float64 JS instead.
    if (!rendersFloat32()) return null;
    return new WebGLVoice(this, this.meta, options);
  }

  /** A new stream: histories back to silence. */
  reset() {
    this.disposeHistories();
    this.histories = this.silent.histories;
    this.input.rows.set(this.silent.rows);
  }

  /** Disposes the current histories unless they are the silent ones (shared by every reset). */
  disposeHistories() {
    if (this.histories && (!this.silent || this.histories !== this.silent.histories)) this.histories.forEach(disposeInfo);
    this.histories = null;
  }

  dispose() {
    this.disposeHistories();
    if (this.silent) this.silent.histories.forEach(disposeInfo);
    this.silent = null;
    for (const l of this.layers) tf.dispose([l.filter, l.bias, l.gain, l.offset]);
    tf.dispose([this.head.filter, this.head.bias]);
  }
}

/** Whether the WebGL backend renders float32 textures (not float16, whether forced or all there is). */
export function rendersFloat32() {
  return tf.env().getBool("WEBGL_RENDER_FLOAT32_ENABLED") && !tf.env().getBool("WEBGL_FORCE_F16_TEXTURES");
}

/**
 * The head's values [n, 1 + H + N] → the synth controls, as the graph gives them: harmonics at or
 * above Nyquist zeroed, the distribution normalised (the same arithmetic the synth shader does).
 */
export function controlsFromHead(values, f0Hz, meta, normEps) {
  const n = f0Hz.length, H = meta.n_harmonics, N = meta.n_noise, U = 1 + H + N, nyquist = meta.sample_rate / 2;
  const amplitudes = new Float32Array(n), harmonicDistribution = new Float32Array(n * H), noiseMagnitudes = new Float32Array(n * N);
  for (let t = 0; t < n; t++) {
    amplitudes[t] = values[t * U];
    let total = 0;
    for (let h = 0; h < H; h++) {
      const v = f0Hz[t] * (h + 1) >= nyquist ? 0 : values[t * U + 1 + h];
      harmonicDistribution[t * H + h] = v;
      total += v;
    }
    const norm = Math.max(total, normEps);
    for (let h = 0; h < H; h++) harmonicDistribution[t * H + h] /= norm;
    noiseMagnitudes.set(values.subarray(t * U + 1 + H, (t + 1) * U), t * N);
  }
  return { amplitudes, harmonicDistribution, noiseMagnitudes };
}

/** Whether the fused decoder serves this backend and model: webgl, a weight layout in metadata. */
export function webglDecoderFits(meta) {
  return Boolean(meta.streaming && meta.streaming.cpu) && tf.getBackend() === "webgl";
}
