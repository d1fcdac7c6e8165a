// Page entry: wires the stages together. Thin on purpose: each stage lives in its own module.
import { initBackend } from "./backend.js";
import { startCapture } from "./capture.js";
import * as ui from "./ui.js";

const MODEL_SAMPLE_RATE = 16000;

async function loadManifest() {
  const res = await fetch("/models/manifest.json");
  if (!res.ok) throw new Error(`models manifest: HTTP ${res.status}`);
  return res.json();
}

async function boot() {
  const state = { capture: null, context: null, model: null };
  globalThis.swara = state; // read by tests and the benchmark harness

  const backendPromise = initBackend()
    .then((name) => { state.backend = name; ui.showBackend(name); })
    .catch((err) => { ui.showBackend("none", false); ui.showStatus(err.message); });

  loadManifest()
    .then(({ models, errors }) => { state.model = ui.showInstruments(models, errors, (m) => { state.model = m; }); })
    .catch((err) => ui.showStatus(`Instruments unavailable: ${err.message}`));

  ui.bindControls((controls) => { state.controls = controls; });

  ui.enableSing(async () => {
    if (state.capture) {
      state.capture.stop();
      await state.context.close();
      state.capture = null;
      state.context = null;
      ui.setSinging(false);
      ui.showLevel({ levelDb: -Infinity, f0Hz: 0 });
      return;
    }
    try {
      state.context = new AudioContext({ latencyHint: "interactive" });
      state.capture = await startCapture(state.context, {
        targetSampleRate: MODEL_SAMPLE_RATE,
        onLevel: (msg) => { state.lastLevel = msg; ui.showLevel(msg); },
      });
      ui.setSinging(true);
      ui.showStatus("Listening…");
    } catch (err) {
      ui.showStatus(`Microphone: ${err.message}`);
      state.capture = null;
    }
  });
  await backendPromise;
  state.ready = true;
}

boot();
