// TF.js backend choice: WebGL first (GPU), then WASM (SIMD, threads when cross-origin
// isolated), then plain CPU. The chosen name is shown on the page.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export const BACKEND_ORDER = ["webgl", "wasm", "cpu"];

/** The backend order asked for by `?backend=wasm` (tests, benchmarks), else the default. */
export function backendOrder(search = globalThis.location ? globalThis.location.search : "") {
  const asked = new URLSearchParams(search).get("backend");
  if (asked && BACKEND_ORDER.includes(asked)) return [asked, ...BACKEND_ORDER.filter((b) => b !== asked)];
  return BACKEND_ORDER;
}

/** Tries each backend in turn; resolves to the name of the one in use. */
export async function initBackend(order = backendOrder(), wasmPath = "/static/build/wasm/") {
  setWasmPaths(wasmPath);
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch (err) {
      console.warn(`TF.js backend ${name} unavailable: ${err.message}`);
    }
  }
  throw new Error("No TF.js backend could start (tried " + order.join(", ") + ")");
}

export { tf };
