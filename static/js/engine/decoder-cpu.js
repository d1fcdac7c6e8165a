// The streaming decoder as plain JS arithmetic, for the CPU backends (wasm, cpu): the same
// network as the streaming graph (stream.json), from its own weights, without a TF.js kernel
// per op. A 4-frame block is ~25k multiply-adds, far less than the cost of dispatching the
// graph's ~70 kernels. Float64 sums of float32 weights; metadata `streaming.cpu` names each
// weight in the graph and gives every constant (factory/stream.py cpu_layout).
// Pure JS, no TF.js: it runs wherever the engine does, the Worker or the audio thread. The
// weights arrive as a name -> Float32Array map (decoder.js `cpuDecoderWeights` reads them from
// the graph), which a Worker can post to an AudioWorklet.
import { analysisOf } from "./analysis.js";

const SILENCE_F0_HZ = 0;
const LN2 = Math.log(2);

/** The weight names metadata `streaming.cpu` gives, each layer's and the head's. */
export function cpuWeightNames(meta) {
  const cpu = meta.streaming.cpu;
  return [...cpu.layers.flatMap((l) => [l.filter, l.bias, l.gain, l.offset]), cpu.head.filter, cpu.head.bias];
}

/** Weight `name` of the map. */
function weight(weights, name) {
  const w = weights[name];
  if (!w) throw new Error(`streaming graph has no weight "${name}" (metadata streaming.cpu)`);
  return w;
}

/** One conv layer: its weights, and its input history (past frames + the block's). */
class Layer {
  constructor(weights, spec, channels, maxBlockFrames) {
    this.kernel = spec.kernel;
    this.dilation = spec.dilation;
    this.cin = spec.channels_in;
    this.cout = channels;
    this.filter = weight(weights, spec.filter); // [1, kernel, cin, cout] row-major
    this.bias = weight(weights, spec.bias);
    this.gain = weight(weights, spec.gain);
    this.offset = weight(weights, spec.offset);
    this.past = (this.kernel - 1) * this.dilation;
    this.maxBlockFrames = maxBlockFrames;
    this.history = new Float32Array((this.past + maxBlockFrames) * this.cin);
  }

  /** Makes room for n new frames (grows for whole clips). */
  ensure(n) {
    if (n <= this.maxBlockFrames) return;
    const grown = new Float32Array((this.past + n) * this.cin);
    grown.set(this.history.subarray(0, this.past * this.cin));
    this.history = grown;
    this.maxBlockFrames = n;
  }

  /** Keeps the newest `past` frames after a block of n. */
  shift(n) {
    const cin = this.cin;
    this.history.copyWithin(0, n * cin, (n + this.past) * cin);
  }
}

export class CpuStreamingDecoder {
  /**
   * @param {Object<string, Float32Array>} weights the streaming graph's weights by name
   *   (cpuWeightNames) @param {object} meta metadata.json
   */
  constructor(weights, meta, { maxBlockFrames = 64 } = {}) {
    const cpu = meta.streaming.cpu;
    this.kind = "cpu";
    this.meta = meta;
    this.k = cpu.constants;
    this.channels = cpu.channels;
    this.nHarmonics = meta.n_harmonics;
    this.nNoise = meta.n_noise;
    this.layers = cpu.layers.map((spec) => new Layer(weights, spec, cpu.channels, maxBlockFrames));
    this.headFilter = weight(weights, cpu.head.filter); // [1, 1, C, 1 + H + N]
    this.headBias = weight(weights, cpu.head.bias);
    this.units = this.headBias.length;
    if (this.units !== 1 + this.nHarmonics + this.nNoise) {
      throw new Error(`head has ${this.units} outputs, metadata says 1 + ${this.nHarmonics} + ${this.nNoise}`);
    }
    this.acc = new Float64Array(Math.max(this.channels, this.units));
    this.x = new Float32Array(maxBlockFrames * this.channels); // the trunk's running activations
    this.silent = null;
  }

  /** Histories after `receptive_field_frames - 1` frames of silence from all-zero ones (as the graph). */
  warmUp() {
    this.layers.forEach((l) => l.history.fill(0));
    const n = Math.max(1, this.meta.receptive_field_frames - 1);
    this.forward(new Float32Array(n).fill(SILENCE_F0_HZ), new Float32Array(n).fill(analysisOf(this.meta).loudnessFloorDb));
    this.silent = this.layers.map((l) => Float32Array.from(l.history.subarray(0, l.past * l.cin)));
  }

  reset() {
    this.layers.forEach((l, i) => l.history.set(this.silent[i]));
  }

  /** @returns {Promise<{amplitudes, harmonicDistribution, noiseMagnitudes}>} as StreamingDecoder.run */
  async run(f0Hz, loudnessDb) {
    if (f0Hz.length !== loudnessDb.length) {
      throw new Error(`decoder block: ${f0Hz.length} f0 frames but ${loudnessDb.length} loudness frames`);
    }
    return this.forward(f0Hz, loudnessDb);
  }

  forward(f0Hz, loudnessDb) {
    const n = f0Hz.length, C = this.channels, k = this.k, acc = this.acc;
    if (this.x.length < n * C) this.x = new Float32Array(n * C);
    const x = this.x;
    this.layers.forEach((l) => l.ensure(n));
    // scale_inputs into layer 0's history: midi / 127, loudness / 120 + 1.
    const h0 = this.layers[0].history, p0 = this.layers[0].past;
    for (let t = 0; t < n; t++) {
      const midi = 12 * (Math.log(Math.max(f0Hz[t], k.f0_floor_hz) / 440) / LN2) + 69;
      h0[(p0 + t) * 2] = midi / k.midi_scale;
      h0[(p0 + t) * 2 + 1] = loudnessDb[t] / k.loudness_scale_db + 1;
    }
    this.layers.forEach((l, li) => {
      const { cin, past, dilation, kernel, filter, bias, gain, offset, history } = l;
      for (let t = 0; t < n; t++) {
        for (let o = 0; o < C; o++) acc[o] = bias[o];
        for (let j = 0; j < kernel; j++) {
          const row = (past + t - (kernel - 1 - j) * dilation) * cin, w0 = j * cin * C;
          for (let c = 0; c < cin; c++) {
            const v = history[row + c], w = w0 + c * C;
            for (let o = 0; o < C; o++) acc[o] += v * filter[w + o];
          }
        }
        // Layer norm (the graph's LRN form): d / sqrt(eps + mean(d^2)) * gain + offset, leaky ReLU.
        let mean = 0;
        for (let o = 0; o < C; o++) mean += acc[o];
        mean /= C;
        let sq = 0;
        for (let o = 0; o < C; o++) {
          const d = acc[o] - mean;
          acc[o] = d;
          sq += d * d;
        }
        const scale = 1 / Math.sqrt(k.norm_eps + sq / C);
        const xt = t * C;
        for (let o = 0; o < C; o++) {
          const z = acc[o] * scale * gain[o] + offset[o];
          const y = z > 0 ? z : k.leaky_alpha * z;
          x[xt + o] = li > 0 ? x[xt + o] + y : y;
        }
      }
      l.shift(n);
      const next = this.layers[li + 1];
      if (next) next.history.set(x.subarray(0, n * C), next.past * C);
    });
    return this.head(f0Hz, n);
  }

  /** Trunk [n, C] → the synth controls (exp_sigmoid, Nyquist mask, normalisation). */
  head(f0Hz, n) {
    const C = this.channels, U = this.units, H = this.nHarmonics, N = this.nNoise, k = this.k, acc = this.acc;
    const es = k.exp_sigmoid, power = Math.log(es.exponent), nyquist = this.meta.sample_rate / 2;
    const amplitudes = new Float32Array(n), harmonicDistribution = new Float32Array(n * H);
    const noiseMagnitudes = new Float32Array(n * N);
    const expSigmoid = (v) => es.max_value * (1 / (1 + Math.exp(-v))) ** power + es.threshold;
    for (let t = 0; t < n; t++) {
      for (let u = 0; u < U; u++) acc[u] = this.headBias[u];
      for (let c = 0; c < C; c++) {
        const v = this.x[t * C + c], w = c * U;
        for (let u = 0; u < U; u++) acc[u] += v * this.headFilter[w + u];
      }
      amplitudes[t] = expSigmoid(acc[0]);
      let total = 0;
      for (let h = 0; h < H; h++) {
        const v = f0Hz[t] * (h + 1) >= nyquist ? 0 : expSigmoid(acc[1 + h]);
        harmonicDistribution[t * H + h] = v;
        total += v;
      }
      const norm = Math.max(total, k.harmonic_norm_eps);
      for (let h = 0; h < H; h++) harmonicDistribution[t * H + h] /= norm;
      for (let z = 0; z < N; z++) noiseMagnitudes[t * N + z] = expSigmoid(acc[1 + H + z] + k.noise_initial_bias);
    }
    return { amplitudes, harmonicDistribution, noiseMagnitudes };
  }

  dispose() {}
}
