// The whole voice on the GPU for the webgl backend: decoder (decoder-webgl.js), gate, harmonic
// and filtered-noise synthesis (shaders/synth_frames.glsl, shaders/synth_mix.glsl) stay on the GPU
// until the block's audio is read back, once. Per block: one upload, 2 passes per conv layer + 3 (head,
// frames, mix),
// one read-back. The reverb (a recursive filter, serial by nature) runs in JS on the audio.
//
// What JS computes and uploads, and why:
//  - the phase: it depends only on f0, which JS already has (the mapping made it), so the running
//    phase is a float64 loop here (exact for hours, as the wasm/cpu path) and each sample's phase
//    travels as an integer count of 2^-22 turns (two base-2048 digits, exact in float16 textures,
//    like phase-scan.js). A GPU scan (phase-scan.js) would need the same upload (the increments) and 3
//    more passes to learn what JS knows already.
//  - the white noise: the JS synth's PRNG (dsp/prng.js), the same stream, so both paths make the
//    same audio.
//  - layer 0's inputs, f0 and the gate per frame (with the previous frame's, for the glide).
// Same output as synth.js's Synth for the same controls (tests/e2e/test_voice_webgl.py).
import * as glsl from "./shaders.js";
import { tf } from "../worker/backend.js";
import { ImpulseResponseDesigner } from "../dsp/impulse-response.js";
import { mulberry32 } from "../dsp/prng.js";
import { Reverb } from "../engine/synth/reverb.js";
import { defines, disposeInfo, texelAccessors, uploadLength, uploadTensor } from "./webgl-program.js";

const TWO_PI = 2 * Math.PI;
const RADIX = 2048; // one base-2048 digit = 11 bits, exact in float16
const PHASE_STEPS = RADIX * RADIX; // 2^22 steps per turn

export class WebGLVoice {
  /**
   * @param {import("./decoder-webgl.js").WebGLFusedDecoder} decoder (its stream is this voice's)
   * @param {object} meta metadata.json @param {{reverbWet?:number, seed?:number}} [o] seed: the
   *   noise PRNG's, as Synth's
   */
  constructor(decoder, meta, { reverbWet = 0, seed = 1 } = {}) {
    this.decoder = decoder;
    this.meta = meta;
    this.hop = meta.hop_samples;
    this.sampleRate = meta.sample_rate;
    this.nHarmonics = meta.n_harmonics;
    this.nNoise = meta.n_noise;
    this.seed = seed;
    const designer = new ImpulseResponseDesigner(meta.n_noise, meta.noise_window_size);
    const L = designer.irSize, hop = this.hop;
    this.irSize = L;
    // FilteredNoiseSynth's crop: output sample n is overlap-add sample n + start.
    const start = ((L - 1) >> 1) - 1;
    const forward = Math.floor((hop - 1 + start) / hop); // look-ahead frames the noise needs
    if (forward !== 1) throw new Error(`the GPU synth handles one frame of noise look-ahead, this filter needs ${forward}`);
    const back = Math.floor((hop + L - 2 - start) / hop);
    this.pastFrames = back + 1; // frames before the block the noise of its first output frame reads
    // basis [M, L]: ir[j] = sum_k mags[k] * basis[k, j] (the designer's cosine basis, windowed, causal order).
    const M = meta.n_noise, N = designer.irfftSize, basis = new Float32Array(M * L);
    for (let k = 0; k < M; k++) {
      for (let j = 0; j < L; j++) {
        const i = designer.causalIndex[j];
        basis[k * L + j] = designer.basis[k * N + i] * designer.zeroPhaseWindow[i];
      }
    }
    this.basis = tf.tensor2d(basis, [M, L]);
    const H = this.nHarmonics, P = this.pastFrames, consts = { NYQUIST: this.sampleRate / 2 };
    this.frameColumns = L + H;
    this.framesProgram = {
      variableNames: ["head", "prev", "block", "basis"],
      userCode: texelAccessors(["head", "prev", "basis"], ["block"])
        + defines({ P, M, L, H, NOISE0: 1 + H }, { ...consts, NORM_EPS: decoder.k.harmonic_norm_eps }) + glsl.synthFrames,
      customUniforms: ["prevShift", "f0Offset", "gateOffset"].map((name) => ({ name, type: "int" })),
    };
    this.mixProgram = {
      variableNames: ["frames", "block"],
      userCode: texelAccessors(["frames"], ["block"])
        + defines({ HOP: hop, H, L, P, START: start, BACK: back, FWD: forward, RADIX, STEPS: PHASE_STEPS, QUARTER: PHASE_STEPS / 4 }, { ...consts, RAD_PER_STEP: TWO_PI / PHASE_STEPS }) + glsl.synthMix,
      customUniforms: ["leadFrames", "f0Offset", "phaseOffset", "noiseOffset"].map((name) => ({ name, type: "int" })),
    };
    this.reverb = new Reverb({ sampleRate: this.sampleRate, wet: reverbWet });
    this.data = new Float32Array(0);
    this.noiseRows = new Float32Array(P * hop); // the last P frames' white noise
    this.omega = new Float32Array(0);
    this.phase = new Float32Array(0);
    this.frames = null; // the frame history [P + nPrev, L + H] (synth_frames.glsl)
    this.dispatches = 0; // programs run here (the decoder counts its own)
    this.reset();
  }

  /** Algorithmic delay of the output behind the controls (one frame, as Synth). */
  get latencySamples() {
    return this.hop;
  }

  setReverbWet(wet) {
    this.reverb.setWet(wet);
  }

  /** A new stream: the decoder's caches, the phase, the noise and the filters back to silence. */
  reset() {
    this.decoder.reset();
    this.hasPrev = false;
    this.prevF0Hz = 0;
    this.prevGate = 0;
    this.phaseRad = 0;
    this.random = mulberry32(this.seed);
    this.noiseRows.fill(0);
    disposeInfo(this.frames);
    this.frames = null; // the first block makes silent frames of its own size (one shape, one binary)
    this.reverb.reset();
  }

  /**
   * Fills the block's upload: layer 0's inputs, f0 and gate [n + 1], phase digits [2 n hop],
   * noise [(P + n) hop]; advances the JS side of the stream (phase, PRNG, previous frame).
   * @returns {{f0Offset, gateOffset, phaseOffset, noiseOffset, lead}} offsets into this.data
   */
  fill(f0Hz, loudnessDb, gate) {
    const n = f0Hz.length, hop = this.hop, P = this.pastFrames;
    const f0Offset = this.decoder.inputLength(n), gateOffset = f0Offset + n + 1, phaseOffset = gateOffset + n + 1;
    const noiseOffset = phaseOffset + 2 * n * hop, total = noiseOffset + (P + n) * hop;
    if (this.data.length < uploadLength(total)) this.data = new Float32Array(uploadLength(total)); // the tail stays zero
    const d = this.data;
    this.decoder.writeInputs(f0Hz, loudnessDb, d, 0);
    d[f0Offset] = this.prevF0Hz;
    d.set(f0Hz, f0Offset + 1);
    d[gateOffset] = this.prevGate;
    d.set(gate, gateOffset + 1);
    // Phase as HarmonicSynth makes it: f0 glides linearly over each hop (float32 increments,
    // float64 sum, the phase after each sample's increment); a stream's first frame has no hop.
    const lead = this.hasPrev || n === 0 ? 0 : 1, scale = TWO_PI / this.sampleRate;
    if (this.phase.length < n * hop) (this.phase = new Float32Array(n * hop)), (this.omega = new Float32Array(n * hop));
    let p = this.phaseRad;
    for (let t = 0; t < n; t++) {
      for (let s = 0; s < hop; s++) {
        const i = t * hop + s;
        let steps = 0;
        if (t >= lead) {
          const f0a = t === 0 ? this.prevF0Hz : f0Hz[t - 1];
          this.omega[i] = (f0a + (f0Hz[t] - f0a) * (s / hop)) * scale;
          p += this.omega[i];
          if (p >= TWO_PI || p < 0) p -= TWO_PI * Math.floor(p / TWO_PI);
          this.phase[i] = p;
          steps = Math.round((this.phase[i] / TWO_PI) * PHASE_STEPS) % PHASE_STEPS;
        }
        d[phaseOffset + 2 * i] = Math.floor(steps / RADIX);
        d[phaseOffset + 2 * i + 1] = steps % RADIX;
      }
    }
    this.phaseRad = p;
    // White noise as FilteredNoiseSynth draws it (one hop per frame, in order).
    d.set(this.noiseRows, noiseOffset);
    for (let i = P * hop; i < (P + n) * hop; i++) d[noiseOffset + i] = 2 * this.random() - 1;
    this.noiseRows.set(d.subarray(noiseOffset + n * hop, noiseOffset + (P + n) * hop));
    if (n > 0) {
      this.prevF0Hz = f0Hz[n - 1];
      this.prevGate = gate[n - 1];
      this.hasPrev = true;
    }
    return { f0Offset, gateOffset, phaseOffset, noiseOffset, lead, total };
  }

  /**
   * Renders one block: decoder, gate and synth on the GPU, the audio read back once.
   * @param {Float32Array} f0Hz [n] @param {Float32Array} loudnessDb [n] @param {Float32Array} gate [n] in [0, 1]
   * @returns {Float32Array} [n * hop] audio of the previous n frames (one frame of look-ahead, as
   *   Synth.render), reverb applied; a view valid until the next call
   */
  render(f0Hz, loudnessDb, gate) {
    const n = f0Hz.length, hop = this.hop, backend = tf.backend();
    if (loudnessDb.length !== n || gate.length !== n) {
      throw new Error(`voice block: ${n} f0 frames, ${loudnessDb.length} loudness frames, ${gate.length} gate values`);
    }
    if (n === 0) return new Float32Array(0);
    const o = this.fill(f0Hz, loudnessDb, gate);
    const block = uploadTensor(this.data.subarray(0, uploadLength(o.total)));
    const head = this.decoder.step(block, n);
    const P = this.pastFrames;
    if (!this.frames) this.frames = tf.zeros([P + n, this.frameColumns]);
    const frames = backend.runWebGLProgram({ ...this.framesProgram, outputShape: [P + n, this.frameColumns] },
      [head, this.frames, block, this.basis], "float32", [[this.frames.shape[0] - P], [o.f0Offset], [o.gateOffset]]);
    const audio = backend.runWebGLProgram({ ...this.mixProgram, outputShape: [n * hop] }, [frames, block], "float32",
      [[o.lead], [o.f0Offset], [o.phaseOffset], [o.noiseOffset]]);
    this.dispatches += 2;
    block.dispose();
    backend.disposeIntermediateTensorInfo(head);
    disposeInfo(this.frames);
    this.frames = frames;
    // The one read-back. Synchronous: it blocks only the engine Worker, and an async read() polls
    // its fence on setTimeout, which costs a timer's delay more per block (docs/benchmarks.md, "WebGL").
    const out = backend.readSync(audio.dataId);
    backend.disposeIntermediateTensorInfo(audio);
    return this.reverb.process(out);
  }

  dispose() {
    disposeInfo(this.frames);
    this.basis.dispose();
    this.frames = null;
  }
}
