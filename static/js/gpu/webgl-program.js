// Helpers shared by our WebGL programs (decoder-webgl.js, voice-webgl.js): they follow
// tfjs-backend-webgl's GPGPUProgram form and run with backend.runWebGLProgram, whose outputs are
// backend TensorInfos (not tf.Tensors: tf.dispose does not free them).
import { tf } from "../worker/backend.js";

/**
 * `#define NAME value` lines for a shader's integer and float constants (GLSL ES converts
 * neither implicitly, so a float is always written with an exponent: 2 -> 2.000000000e+0).
 */
export function defines(ints, floats = {}) {
  return Object.entries(ints).map(([k, v]) => {
    if (!Number.isInteger(v)) throw new Error(`shader constant ${k} = ${v} is not an integer`);
    return `#define ${k} ${v}\n`;
  }).join("") + Object.entries(floats).map(([k, v]) => `#define ${k} ${v.toExponential(9)}\n`).join("");
}

/**
 * Disposes a tf.Tensor or a WebGL backend TensorInfo; null is ignored. The WebGL backend by name,
 * not the active one: a decoder left behind is disposed after the engine has moved to wasm or cpu
 * (whose backends have no disposeIntermediateTensorInfo, or would not own the texture).
 */
export function disposeInfo(t) {
  if (!t) return;
  if (typeof t.dispose === "function") t.dispose();
  else tf.findBackend("webgl").disposeIntermediateTensorInfo(t);
}

/** Width of a block's upload texture (power of two: a flat index splits with a mask and a shift). */
export const UPLOAD_WIDTH = 256;

/**
 * GLSL accessors `float <name>At(int row, int col)` reading input `name` (an unpacked 2-D
 * tensor: tfjs keeps its texture [rows, cols], one value a texel, in the red channel) with
 * texelFetch. tfjs's own getName() samplers normalise coordinates and go through the full
 * sampler path on every read, which costs SwiftShader about twice as much a read; our passes
 * read hundreds of values a thread. `flat` names get `float <name>At(int index)` over an
 * upload of UPLOAD_WIDTH columns (uploadTensor).
 */
export function texelAccessors(names, flat = []) {
  const shift = Math.log2(UPLOAD_WIDTH);
  return names.map((n) => `float ${n}At(int r, int c) { return texelFetch(${n}, ivec2(c, r), 0).r; }\n`).join("")
    + flat.map((n) => `float ${n}At(int i) { return texelFetch(${n}, ivec2(i & ${UPLOAD_WIDTH - 1}, i >> ${shift}), 0).r; }\n`).join("");
}

/**
 * A flat Float32Array as a [rows, UPLOAD_WIDTH] tensor for texelAccessors' flat reads: used as it
 * is when its length is a multiple of UPLOAD_WIDTH (uploadLength), else copied with zeros after.
 */
export function uploadTensor(values) {
  const rows = Math.max(1, Math.ceil(values.length / UPLOAD_WIDTH));
  if (values.length === rows * UPLOAD_WIDTH) return tf.tensor2d(values, [rows, UPLOAD_WIDTH]);
  const padded = new Float32Array(rows * UPLOAD_WIDTH);
  padded.set(values);
  return tf.tensor2d(padded, [rows, UPLOAD_WIDTH]);
}

/** `n` rounded up to whole upload rows. */
export const uploadLength = (n) => Math.max(1, Math.ceil(n / UPLOAD_WIDTH)) * UPLOAD_WIDTH;
