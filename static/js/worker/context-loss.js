// A lost WebGL context (a GPU reset) seen from the Worker.
import { WEBGL_CONTEXT_CHECKS_PER_SECOND } from "../config.js";
import { tf } from "./backend.js";
import { state } from "./state.js";

/** True when the engine runs on WebGL and its context is gone. */
export function webglContextLost() {
  if (state.backend !== "webgl") return false;
  const gl = tf.backend().gpgpu && tf.backend().gpgpu.gl;
  return Boolean(gl && gl.isContextLost());
}

/**
 * A lost WebGL context never completes the read-back a block awaits (its fence never signals):
 * on webgl, a block also ends when the context is found lost.
 */
export function raceContextLoss(promise) {
  if (state.backend !== "webgl") return promise;
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (!webglContextLost()) return;
      clearInterval(timer);
      reject(new Error("WebGL context lost"));
    }, 1000 / WEBGL_CONTEXT_CHECKS_PER_SECOND);
    promise.then((v) => { clearInterval(timer); resolve(v); }, (e) => { clearInterval(timer); reject(e); });
  });
}

/** Loses the WebGL context on purpose, as a GPU reset would (the probe's fault). */
export function loseWebGLContext() {
  if (tf.getBackend() !== "webgl") throw new Error(`the engine runs on ${tf.getBackend()}, not webgl`);
  tf.backend().gpgpu.gl.getExtension("WEBGL_lose_context").loseContext();
}
