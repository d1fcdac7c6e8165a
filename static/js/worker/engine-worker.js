// The engine Worker: features -> mapping -> decoder -> synth, off the page's main thread. It owns
// TF.js (WASM; WebGL through OffscreenCanvas and WebGPU where the browser gives them), chooses the
// backend, block size and host by measuring them at load (measurement.js), and with host
// "worker" streams from the capture ring to the output ring (session.js). Where the plain-JS
// engine is light enough for the audio thread (choice.host "audio", config.js AUDIO_THREAD), the
// page runs it there instead (worklets/engine-processor.js, from the weights AUDIO_ENGINE gives)
// and the Worker only measures, loads and takes over if it falls behind.
//
// Messages: protocol.js (WORKER_REQUEST in, ENGINE_EVENT out); handlers.js answers them.
import { ENGINE_EVENT } from "../protocol.js";
import { handlers } from "./handlers.js";
import { post } from "./state.js";

self.onmessage = async (e) => {
  const { type, id } = e.data;
  const handler = Object.hasOwn(handlers, type) ? handlers[type] : null;
  try {
    if (!handler) throw new Error(`unknown message type "${type}"`);
    const result = await handler(e.data);
    if (id !== undefined) post({ type: ENGINE_EVENT.REPLY, id, ok: true, result });
  } catch (err) {
    if (id !== undefined) post({ type: ENGINE_EVENT.REPLY, id, ok: false, error: err.message });
    else post({ type: ENGINE_EVENT.ERROR, message: err.message });
  }
};
