// Helpers shared by our WebGL programs (decoder-webgl.js, voice-webgl.js): they follow
// tfjs-backend-webgl's GPGPUProgram form and run with backend.runWebGLProgram, whose outputs are
// backend TensorInfos (not tf.Tensors: tf.dispose does not free them).
import { tf } from "./backend.js";

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

/** Disposes a tf.Tensor or a backend TensorInfo; null is ignored. */
export function disposeInfo(t) {
  if (!t) return;
  if (typeof t.dispose === "function") t.dispose();
  else tf.backend().disposeIntermediateTensorInfo(t);
}
