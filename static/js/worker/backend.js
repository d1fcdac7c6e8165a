// TF.js backends: registration and switching. Which backend the live engine uses is decided by
// measurement in the engine Worker (backend-choice.js); `initBackend` serves the offline pages
// (tests, benchmarks) that ask for one by name.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-cpu";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** Every backend this bundle can run, in the order they are tried when none is asked for. */
export const BACKENDS = ["webgpu", "webgl", "wasm", "cpu"];

/**
 * The backends this browser offers. WebGPU's code is loaded (a chunk of its own) only where the
 * browser has WebGPU at all.
 */
export async function offeredBackends() {
  if (globalThis.navigator && navigator.gpu && !tf.findBackendFactory("webgpu")) {
    try {
      await import("@tensorflow/tfjs-backend-webgpu");
    } catch (err) {
      console.warn(`TF.js WebGPU backend did not load: ${err.message}`);
    }
  }
  return BACKENDS.filter((name) => tf.findBackendFactory(name));
}

export const WASM_PATH = "/static/build/wasm/";

/**
 * Settings that must precede the first use of a backend.
 * @param {{wasmThreads?:number|null, forceF16?:boolean}} o wasmThreads 0 forces the
 *   single-threaded binary, N asks for N threads (threads need cross-origin isolation);
 *   forceF16 forces float16 textures on WebGL, as many phones have.
 */
export function configureBackends({ wasmThreads = null, forceF16 = false } = {}) {
  setWasmPaths(WASM_PATH);
  if (wasmThreads === 0) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  else if (wasmThreads) setThreadsCount(wasmThreads);
  if (forceF16) tf.env().set("WEBGL_FORCE_F16_TEXTURES", true);
}

/** Makes `name` the active backend; throws with the reason when it cannot start here. */
export async function useBackend(name) {
  let ok;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new Error(`TF.js backend ${name} cannot start: ${err.message}`, { cause: err });
  }
  if (!ok) throw new Error(`TF.js backend ${name} cannot start in this browser`);
  await tf.ready();
  return tf.getBackend();
}

/** What a page shows about the active backend: its name, plus threads on wasm. */
export function describeBackend() {
  const name = tf.getBackend();
  return name === "wasm" ? { name, threads: getThreadsCount() } : { name };
}

/** Offline pages: `?backend=` first, then the others; `?wasmThreads=`, `?f16=1` as above. */
export async function initBackend(search = globalThis.location ? globalThis.location.search : "") {
  const q = new URLSearchParams(search);
  const threads = q.get("wasmThreads");
  configureBackends({ wasmThreads: threads === null ? null : Number(threads), forceF16: q.get("f16") === "1" });
  const asked = q.get("backend");
  const offered = await offeredBackends();
  const order = offered.includes(asked) ? [asked, ...offered.filter((b) => b !== asked)] : offered;
  for (const name of order) {
    try {
      return await useBackend(name);
    } catch (err) {
      console.warn(err.message);
    }
  }
  throw new Error(`No TF.js backend could start (tried ${order.join(", ")})`);
}

export { tf };
