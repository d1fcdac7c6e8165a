// Page entry: wires the stages together. Thin on purpose: each stage lives in its own module.
import { initBackend, tf } from "./backend.js";
import { startCapture } from "./capture.js";
import * as cumsumStage from "./cumsum.js";
import { loadDecoder } from "./decoder.js";
import { RingBuffer } from "./dsp/ring.js";
import { Engine, LiveLoop } from "./engine.js";
import { latencyBudgetMs, startOutput } from "./output.js";
import * as ui from "./ui.js";

const MODEL_SAMPLE_RATE = 16000;
const params = new URLSearchParams(location.search);
const BLOCK_FRAMES = Number(params.get("block")) || 4; // 16 ms at 250 frames/s
const PRIME_BLOCKS = Number(params.get("prime")) || 2; // output buffer, in blocks
const TAP_SECONDS = Number(params.get("tap")) || 0; // tests: record what is played

async function loadManifest() {
  const res = await fetch("/models/manifest.json");
  if (!res.ok) throw new Error(`models manifest: HTTP ${res.status}`);
  return res.json();
}

const state = { capture: null, context: null, model: null, decoders: new Map(), controls: {} };
globalThis.swara = state; // read by tests and the benchmark harness

async function decoderFor(model) {
  if (!state.decoders.has(model.id)) state.decoders.set(model.id, loadDecoder(model.url, model, { warmupBlockFrames: BLOCK_FRAMES }));
  return state.decoders.get(model.id);
}

async function buildEngine(model) {
  const decoder = await decoderFor(model);
  decoder.reset();
  if (!state.phaseAccumulator) state.phaseAccumulator = cumsumStage.createPhaseAccumulator(tf);
  state.phaseAccumulator.reset();
  return new Engine({ meta: model, decoder, phaseAccumulator: state.phaseAccumulator, blockFrames: BLOCK_FRAMES, controls: state.controls });
}

async function start() {
  const context = new AudioContext({ latencyHint: "interactive" });
  state.context = context;
  const captureRing = RingBuffer.create(MODEL_SAMPLE_RATE); // 1 s: the engine never needs more
  state.capture = await startCapture(context, {
    targetSampleRate: MODEL_SAMPLE_RATE,
    ringBuffer: captureRing.sab,
    onLevel: (msg) => { state.lastLevel = msg; ui.showLevel(msg); },
    onOnset: (frame) => { state.inputOnsetFrame = frame; },
  });
  if (!state.model) {
    ui.showStatus("Listening (no instrument installed: pitch only).");
    return;
  }
  const engine = await buildEngine(state.model);
  const hop = state.model.hop_samples;
  const primeSamples = PRIME_BLOCKS * BLOCK_FRAMES * hop;
  state.output = await startOutput(context, {
    sourceSampleRate: MODEL_SAMPLE_RATE,
    primeSamples,
    onStats: (s) => { state.outputStats = s; ui.showUnderruns(s.underruns); },
    onOnset: (frame) => { state.outputOnsetFrame = frame; },
    tapSeconds: TAP_SECONDS,
  });
  state.engine = engine;
  state.loop = new LiveLoop(engine, captureRing, state.output.ring);
  state.loop.onError = (err) => ui.showStatus(`Engine stopped: ${err.message}`);
  state.loop.start();
  state.latency = latencyBudgetMs({
    contextSampleRate: context.sampleRate,
    modelSampleRate: MODEL_SAMPLE_RATE,
    analysisSamples: engine.analysisSamples,
    blockSamples: BLOCK_FRAMES * hop,
    synthLookaheadSamples: engine.synthLookaheadSamples,
    primeSamples,
  });
  ui.showLatency(state.latency.total);
  ui.showStatus(`Playing ${state.model.display_name || state.model.name}.`);
}

async function stop() {
  if (state.loop) state.loop.stop();
  if (state.output) state.output.stop();
  if (state.capture) state.capture.stop();
  if (state.engine) state.engine.dispose();
  if (state.context) await state.context.close();
  Object.assign(state, { loop: null, output: null, capture: null, engine: null, context: null });
  ui.setSinging(false);
  ui.showLevel({ levelDb: -Infinity, f0Hz: 0 });
}

async function pickInstrument(model) {
  state.model = model;
  ui.showStatus(`Loading ${model.display_name || model.name}…`);
  try {
    await decoderFor(model);
    if (state.loop) {
      // Swap the engine under the running loop: same rings, new decoder and synth.
      const engine = await buildEngine(model);
      state.loop.engine.dispose();
      state.loop.engine = engine;
      state.engine = engine;
    }
    ui.showStatus(`${model.display_name || model.name} ready. Tap Sing.`);
  } catch (err) {
    ui.showStatus(`Could not load ${model.id}: ${err.message}`);
  }
}

async function boot() {
  try {
    state.backend = await initBackend();
    ui.showBackend(state.backend);
  } catch (err) {
    ui.showBackend("none", false);
    ui.showStatus(err.message);
  }
  state.controls = ui.bindControls((controls) => {
    state.controls = controls;
    if (state.engine) state.engine.setControls(controls);
  });
  try {
    const { models, errors } = await loadManifest();
    state.models = models;
    const first = ui.showInstruments(models, errors, pickInstrument);
    if (first) await pickInstrument(first);
  } catch (err) {
    ui.showStatus(`Instruments unavailable: ${err.message}`);
  }
  ui.enableSing(async () => {
    if (state.capture) return stop();
    try {
      ui.setSinging(true);
      await start();
    } catch (err) {
      ui.showStatus(`Could not start: ${err.message}`);
      await stop();
    }
  });
  state.ready = true;
}

boot();
