// Phase accumulation for the harmonic synth: phase[i] = (phase0 + sum_{j<=i} omega[j]) mod 2*pi,
// i.e. ddsp's inclusive cumsum of angular frequency, carried across blocks.
//
// Two implementations behind one API ({kind, accumulate, accumulateAsync, reset, phaseRad, dispose}):
//  - "webgl-shader": our own three-pass parallel scan on the TF.js WebGL backend
//    (shaders/cumsum_*.glsl, run with backend.compileAndRun like tfjs's own kernels).
//  - "float64-js": a plain float64 loop, for the wasm and cpu backends (and node tests).
//
// Why the shader works in fixed point: a float16 texture keeps 11 significant bits, so neither a
// raw phase increment nor a phase in [0, 2*pi) survives it to 1e-3 rad. Instead each increment is
// quantised to 22-bit fractions of a turn and stored as two base-2048 digits, integers that are
// exact in float16 and float32 textures. Every pass sums exact integers (below 2^24 in float32
// arithmetic) and renormalises/wraps modulo one turn before writing, so the scan itself is exact.
// The quantisation uses error feedback (the rounding residual is carried to the next sample), so
// the accumulated phase never drifts more than half an LSB (2^-23 turn = 7.5e-7 rad) from the
// exact float64 sum, however long it runs.
import chunkTotalsSource from "../../shaders/cumsum_chunk_totals.glsl";
import chunkOffsetsSource from "../../shaders/cumsum_chunk_offsets.glsl";
import phasesSource from "../../shaders/cumsum_phases.glsl";

const TWO_PI = 2 * Math.PI;
const RADIX = 2048; // one base-2048 digit = 11 bits, exact in float16
const PHASE_STEPS = RADIX * RADIX; // 2^22 fixed-point steps per turn
const RAD_PER_STEP = TWO_PI / PHASE_STEPS;
const MAX_CHUNK = 4096; // must match MAX_CHUNK in the shaders

/** Wraps a phase in radians into [0, 2*pi). */
export function wrapPhase(phaseRad) {
  return phaseRad - TWO_PI * Math.floor(phaseRad / TWO_PI);
}

/**
 * Calls are padded (with zero increments, which leave the phases before them untouched) to a
 * power of two of at least 256 samples, so a stream meets few texture shapes: our programs use
 * shape uniforms, but tfjs compiles its read-back programs per shape, and the engine's first
 * block, its steady blocks and the final flush would otherwise each be a new shape.
 */
export function paddedLength(nSamples) {
  return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, nSamples))));
}

/** Chunk size balancing pass 3 (~n*C/2 reads) against pass 2 (~(n/C)^2 reads). */
export function defaultChunkSize(nSamples) {
  const c = Math.round(Math.cbrt(2 * nSamples));
  return Math.max(4, Math.min(MAX_CHUNK, c));
}

/** Float64 accumulator for the wasm/cpu backends: exact enough for hours of audio. */
export class Float64PhaseAccumulator {
  constructor() {
    this.kind = "float64-js";
    this.phase = 0;
  }

  /** Current phase in radians, [0, 2*pi). */
  get phaseRad() {
    return this.phase;
  }

  /**
   * @param {Float32Array} omegaPerSample [n] phase increments, rad/sample
   * @param {Float32Array} [out] [n] destination
   * @returns {Float32Array} [n] wrapped phase after each sample's increment, rad
   */
  accumulate(omegaPerSample, out = new Float32Array(omegaPerSample.length)) {
    let p = this.phase;
    for (let i = 0; i < omegaPerSample.length; i++) {
      p += omegaPerSample[i];
      if (p >= TWO_PI || p < 0) p = wrapPhase(p);
      out[i] = p;
    }
    this.phase = p;
    return out;
  }

  async accumulateAsync(omegaPerSample, out) {
    return this.accumulate(omegaPerSample, out);
  }

  /** Restarts from `phaseRad` (default 0). */
  reset(phaseRad = 0) {
    this.phase = wrapPhase(phaseRad);
  }

  dispose() {}
}

/** The three GPGPU programs for `nSamples` samples in chunks of `chunkSize`. */
function makePrograms(nSamples, chunkSize) {
  const nChunks = Math.ceil(nSamples / chunkSize);
  return {
    nChunks,
    chunkTotals: {
      variableNames: ["digits"],
      outputShape: [2, nChunks],
      userCode: chunkTotalsSource,
      enableShapeUniforms: true, // shapes as uniforms too: one binary serves every block size
      customUniforms: [
        { name: "chunkSize", type: "int" },
        { name: "nSamples", type: "int" },
      ],
    },
    chunkOffsets: {
      variableNames: ["totals"],
      outputShape: [2, nChunks],
      userCode: chunkOffsetsSource,
      enableShapeUniforms: true,
      customUniforms: [
        { name: "startHi", type: "float" },
        { name: "startLo", type: "float" },
      ],
    },
    phases: {
      variableNames: ["digits", "offsets"],
      outputShape: [2, nSamples],
      userCode: phasesSource,
      enableShapeUniforms: true,
      customUniforms: [{ name: "chunkSize", type: "int" }],
    },
  };
}

/** Parallel scan on the TF.js WebGL backend; see the file comment for the number format. */
export class WebGLPhaseAccumulator {
  /** @param {object} tf TF.js with the webgl backend active @param {{chunkSize?: number}} [o] */
  constructor(tf, { chunkSize } = {}) {
    this.kind = "webgl-shader";
    this.tf = tf;
    this.chunkSizeOption = chunkSize;
    this.programs = new Map(); // nSamples -> programs (tfjs caches the compiled binaries)
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

  programsFor(nSamples) {
    let p = this.programs.get(nSamples);
    if (!p) {
      const chunkSize = Math.min(MAX_CHUNK, this.chunkSizeOption || defaultChunkSize(nSamples));
      p = { ...makePrograms(nSamples, chunkSize), chunkSize };
      this.programs.set(nSamples, p);
    }
    return p;
  }

  /** Runs the three passes; returns the phase digits' TensorInfo [2, nPadded] (caller disposes). */
  run(omegaPerSample) {
    const tf = this.tf, backend = tf.backend(), n = paddedLength(omegaPerSample.length);
    const p = this.programsFor(n);
    const x = tf.tensor2d(this.encode(omegaPerSample, n), [2, n]);
    const startHi = Math.floor(this.phaseSteps / RADIX), startLo = this.phaseSteps % RADIX;
    const totals = backend.compileAndRun(p.chunkTotals, [x], "float32", [[p.chunkSize], [n]]);
    const offsets = backend.compileAndRun(p.chunkOffsets, [totals], "float32", [[startHi], [startLo]]);
    const phases = backend.compileAndRun(p.phases, [x, offsets], "float32", [[p.chunkSize]]);
    backend.disposeIntermediateTensorInfo(totals);
    backend.disposeIntermediateTensorInfo(offsets);
    x.dispose();
    return phases;
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
    this.programs.clear();
  }
}

/**
 * The accumulator for the active TF.js backend: the WebGL shader on "webgl", else float64 JS.
 * @param {object} [tf] TF.js namespace (omit for the float64 path)
 */
export function createPhaseAccumulator(tf, options = {}) {
  if (tf && typeof tf.getBackend === "function" && tf.getBackend() === "webgl") {
    return new WebGLPhaseAccumulator(tf, options);
  }
  return new Float64PhaseAccumulator();
}
