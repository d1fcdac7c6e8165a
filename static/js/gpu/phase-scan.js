// Phase accumulation for the harmonic synth: phase[i] = (phase0 + sum_{j<=i} omega[j]) mod 2*pi,
// i.e. ddsp's inclusive cumsum of angular frequency, carried across blocks.
//
// Two implementations behind one API ({kind, accumulate, accumulateAsync, reset, phaseRad, dispose}):
//  - "webgl-shader": our own multi-level parallel scan on the TF.js WebGL backend
//    (block totals up, a serial scan of <= 64 at the top, block prefixes down; live blocks on
//    unpacked textures with shared binaries, whole clips on packed RGBA textures)
//    (shaders/cumsum_*.glsl, run with backend.compileAndRun like tfjs's own kernels).
//  - "float64-js": a plain float64 loop (dsp/phase.js), for the wasm and cpu backends, the audio
//    thread and node tests.
//
// Why the shader works in fixed point: a float16 texture keeps 11 significant bits, so neither a
// raw phase increment nor a phase in [0, 2*pi) survives it to 1e-3 rad. Instead each increment is
// quantised to 22-bit fractions of a turn and stored as two base-2048 digits, integers that are
// exact in float16 and float32 textures. Every pass sums exact integers (below 2^24 in float32
// arithmetic) and renormalises/wraps modulo one turn before writing, so the scan itself is exact.
// The quantisation uses error feedback (the rounding residual is carried to the next sample), so
// the accumulated phase never drifts more than half an LSB (2^-23 turn = 7.5e-7 rad) from the
// exact float64 sum, however long it runs.
import * as glsl from "./shaders.js";

import { Float64PhaseAccumulator, wrapPhase } from "../dsp/phase.js";

const TWO_PI = 2 * Math.PI;
const RADIX = 2048; // one base-2048 digit = 11 bits, exact in float16
const PHASE_STEPS = RADIX * RADIX; // 2^22 fixed-point steps per turn
const RAD_PER_STEP = TWO_PI / PHASE_STEPS;

/**
 * Calls are padded (with zero increments, which leave the phases before them untouched) to a
 * power of two of at least 256 samples, so a stream meets few texture shapes: our programs use
 * shape uniforms, but tfjs compiles its read-back programs per shape, and the engine's first
 * block, its steady blocks and the final flush would otherwise each be a new shape. Longer
 * calls (whole clips) are padded to a multiple of SHAPE_UNIFORMS_MAX only.
 */
export function paddedLength(nSamples) {
  if (nSamples > SHAPE_UNIFORMS_MAX) return Math.ceil(nSamples / SHAPE_UNIFORMS_MAX) * SHAPE_UNIFORMS_MAX;
  return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, nSamples))));
}

/** Calls up to this many samples (live blocks) run shared binaries; longer ones (a whole clip,
 * padded to a multiple of it, not to a power of two) compile their own. */
export const SHAPE_UNIFORMS_MAX = 4096;

/** Most entries the top level's exclusive scan walks serially (a thread each, ~TOP_MAX/2 reads). */
export const TOP_MAX = 64;
const MAX_BLOCK = 16; // widest block a thread sums: keeps every pass's loops short

const pow2ceil = (x) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/**
 * The hierarchy of a scan of `nSamples` (a power of two ≥ 256): `blocks[l]` entries of level l
 * sum into one entry of level l + 1 (level 0: the samples), `sizes[l]` entries at level l,
 * until a level has ≤ TOP_MAX entries. Up to 1024 samples that is one level of blocks of 4–16
 * (three passes, as few as possible for the live blocks); beyond, the samples go in blocks of 4
 * (the final pass reads ~2.5 digits a sample) and the levels above in blocks of up to 16.
 */
export function scanPlan(nSamples) {
  const sizes = [nSamples], blocks = [];
  let size = nSamples;
  while (size > TOP_MAX) {
    const first = blocks.length === 0;
    const b = first && size > TOP_MAX * MAX_BLOCK ? 4 : Math.min(MAX_BLOCK, Math.max(first ? 4 : 2, pow2ceil(size / TOP_MAX)));
    blocks.push(b);
    size = Math.ceil(size / b);
    sizes.push(size);
  }
  return { sizes, blocks };
}

/**
 * The three GPGPU programs of a scan: block totals (run once per level, going up), the top
 * level's exclusive scan, and block prefixes (run once per level, going down: exclusive for the
 * block offsets of each level, inclusive for the samples). Shapes are uniforms, so one binary
 * of each serves every level and every block size.
 */
function makeProgram(kind, nOut, shapeUniforms, packed) {
  const common = { outputShape: [2, nOut], enableShapeUniforms: shapeUniforms,
    packedInputs: packed, packedOutput: packed };
  if (kind === "totals") {
    return { ...common, variableNames: ["digits"], userCode: packed ? glsl.cumsumDigits + glsl.cumsumPackedTotals : glsl.cumsumChunkTotals,
      customUniforms: [{ name: "chunkSize", type: "int" }, { name: "nSamples", type: "int" }] };
  }
  if (kind === "top") {
    return { ...common, variableNames: ["totals"], userCode: packed ? glsl.cumsumDigits + glsl.cumsumPackedTop : glsl.cumsumChunkOffsets,
      customUniforms: [{ name: "startHi", type: "float" }, { name: "startLo", type: "float" }] };
  }
  return { ...common, variableNames: ["digits", "offsets"], userCode: packed ? glsl.cumsumDigits + glsl.cumsumPackedPrefixes : glsl.cumsumPhases,
    customUniforms: [{ name: "chunkSize", type: "int" }, { name: "inclusive", type: "int" }] };
}

/** Parallel scan on the TF.js WebGL backend; see the file comment for the number format. */
export class WebGLPhaseAccumulator {
  /** @param {object} tf TF.js with the webgl backend active */
  constructor(tf) {
    this.kind = "webgl-shader";
    this.tf = tf;
    this.plans = new Map(); // nSamples -> {sizes, blocks, programs} (tfjs caches the binaries)
    this.reset();
  }

  /** Current phase in radians, [0, 2*pi). */
  get phaseRad() {
    return this.phaseSteps * RAD_PER_STEP;
  }

  reset(phaseRad = 0) {
    this.phaseSteps = Math.round(wrapPhase(phaseRad) / RAD_PER_STEP) % PHASE_STEPS;
    this.residual = 0; // quantisation error carried to the next sample (error feedback)
  }

  /**
   * Quantises increments to 2^-22 turn with error feedback: digits [2, nPadded], high row first;
   * the padding stays zero.
   */
  encode(omegaPerSample, nPadded) {
    const n = omegaPerSample.length;
    const digits = new Float32Array(2 * nPadded);
    let residual = this.residual;
    for (let i = 0; i < n; i++) {
      const exact = (omegaPerSample[i] / TWO_PI) * PHASE_STEPS + residual;
      const q = Math.round(exact);
      residual = exact - q;
      const steps = ((q % PHASE_STEPS) + PHASE_STEPS) % PHASE_STEPS; // wrap: any sign, any size
      digits[i] = Math.floor(steps / RADIX);
      digits[nPadded + i] = steps % RADIX;
    }
    this.residual = residual;
    return digits;
  }

  planFor(nSamples) {
    let p = this.plans.get(nSamples);
    if (!p) {
      const { sizes, blocks } = scanPlan(nSamples);
      const L = blocks.length;
      // Live blocks (≤ SHAPE_UNIFORMS_MAX) share binaries through shape uniforms; a whole clip
      // compiles its own, with constant shapes: every texel fetch's index arithmetic folds away,
      // which halves the cost of the long passes.
      // They also run on packed textures (one RGBA fetch reads two entries' digits): a
      // quarter of the threads and of the fetches, for one more pass each way (pack, unpack)
      // that only pays off on long calls.
      const live = nSamples <= SHAPE_UNIFORMS_MAX;
      p = { sizes, blocks,
        totals: blocks.map((b, l) => makeProgram("totals", sizes[l + 1], live, !live)),
        top: makeProgram("top", sizes[L], live, !live),
        prefixes: blocks.map((b, l) => makeProgram("prefixes", sizes[l], live, !live)) };
      this.plans.set(nSamples, p);
    }
    return p;
  }

  /**
   * Runs the scan: block totals level by level up to ≤ TOP_MAX entries, their exclusive scan
   * from the carried phase, then block prefixes level by level down to the samples. Every
   * thread sums at most 16 entries (TOP_MAX/2 on average at the top), so no pass is long.
   * Returns the phase digits' TensorInfo [2, nPadded] (caller disposes).
   */
  run(omegaPerSample) {
    const tf = this.tf, backend = tf.backend(), n = paddedLength(omegaPerSample.length);
    const p = this.planFor(n), L = p.blocks.length;
    const x = tf.tensor2d(this.encode(omegaPerSample, n), [2, n]);
    const startHi = Math.floor(this.phaseSteps / RADIX), startLo = this.phaseSteps % RADIX;
    const levels = [x];
    for (let l = 0; l < L; l++) {
      levels.push(backend.compileAndRun(p.totals[l], [levels[l]], "float32", [[p.blocks[l]], [p.sizes[l]]]));
    }
    let offsets = backend.compileAndRun(p.top, [levels[L]], "float32", [[startHi], [startLo]]);
    for (let l = L - 1; l >= 0; l--) {
      const inclusive = l === 0 ? 1 : 0; // a level's block offsets exclude the entry; phases include it
      const next = backend.compileAndRun(p.prefixes[l], [levels[l], offsets], "float32", [[p.blocks[l]], [inclusive]]);
      backend.disposeIntermediateTensorInfo(offsets);
      offsets = next;
    }
    for (let l = 1; l <= L; l++) backend.disposeIntermediateTensorInfo(levels[l]);
    x.dispose();
    return offsets;
  }

  /** Digits [2, nPadded] -> n radians; carries the phase after sample n-1 to the next block. */
  decode(digits, n, out) {
    const lo = digits.length / 2; // offset of the low-digit row
    for (let i = 0; i < n; i++) out[i] = (digits[i] * RADIX + digits[lo + i]) * RAD_PER_STEP;
    if (n > 0) this.phaseSteps = digits[n - 1] * RADIX + digits[lo + n - 1];
    return out;
  }

  /**
   * Blocking (reads the GPU result synchronously).
   * @param {Float32Array} omegaPerSample [n] rad/sample, n >= 1
   * @param {Float32Array} [out] [n]
   * @returns {Float32Array} [n] wrapped phase after each sample's increment, rad
   */
  accumulate(omegaPerSample, out = new Float32Array(omegaPerSample.length)) {
    const n = omegaPerSample.length;
    if (n === 0) return out;
    const backend = this.tf.backend();
    const phases = this.run(omegaPerSample);
    const digits = backend.readSync(phases.dataId);
    backend.disposeIntermediateTensorInfo(phases);
    return this.decode(digits, n, out);
  }

  /** Same as accumulate without blocking on the GPU; await each call before the next. */
  async accumulateAsync(omegaPerSample, out = new Float32Array(omegaPerSample.length)) {
    const n = omegaPerSample.length;
    if (n === 0) return out;
    const backend = this.tf.backend();
    const phases = this.run(omegaPerSample);
    const digits = await backend.read(phases.dataId);
    backend.disposeIntermediateTensorInfo(phases);
    return this.decode(digits, n, out);
  }

  dispose() {
    this.plans.clear();
  }
}

/**
 * The accumulator for the active TF.js backend: the WebGL shader on "webgl", else float64 JS.
 * @param {object} [tf] TF.js namespace (omit for the float64 path)
 */
export function createPhaseAccumulator(tf) {
  if (tf && typeof tf.getBackend === "function" && tf.getBackend() === "webgl") {
    return new WebGLPhaseAccumulator(tf);
  }
  return new Float64PhaseAccumulator();
}
