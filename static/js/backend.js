// TF.js backend choice: WebGL first (GPU), then WASM (SIMD, threads when cross-origin
// isolated), then plain CPU. The chosen name is shown on the page.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export const BACKEND_ORDER = ["webgl", "wasm", "cpu"];

/** The backend order asked for by `?backend=wasm` (tests, benchmarks), else the default. */
export function backendOrder(search = globalThis.location ? globalThis.location.search : "") {
  const asked = new URLSearchParams(search).get("backend");
  if (asked && BACKEND_ORDER.includes(asked)) return [asked, ...BACKEND_ORDER.filter((b) => b !== asked)];
  return BACKEND_ORDER;
}

/**
 * WASM threads: `?wasmThreads=0` forces the single-threaded binary, `?wasmThreads=N` asks for N
 * (threads need cross-origin isolation, which the server's COOP/COEP headers give).
 */
function configureWasmThreads(search = globalThis.location ? globalThis.location.search : "") {
  const threads = new URLSearchParams(search).get("wasmThreads");
  if (threads === null) return;
  if (Number(threads) === 0) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  else setThreadsCount(Number(threads));
}

/** Tries each backend in turn; resolves to the name of the one in use. */
export async function initBackend(order = backendOrder(), wasmPath = "/static/build/wasm/") {
  setWasmPaths(wasmPath);
  configureWasmThreads();
  // `?f16=1`: force float16 textures on WebGL, as many phones have (tests, benchmarks).
  if (new URLSearchParams(globalThis.location ? globalThis.location.search : "").get("f16") === "1") {
    tf.env().set("WEBGL_FORCE_F16_TEXTURES", true);
  }
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
