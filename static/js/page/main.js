// Page entry: wires the UI, the AudioWorklets and the engine Worker. Thin on purpose: each
// stage lives in its own module; the page's main thread runs no audio and no TF.js.
//
//   mic -> capture-processor -> ring -> engine -> ring -> output-processor -> speaker
// The engine runs in the Worker, or on the audio thread (engine-processor.js) where the Worker's
// measurement finds the plain-JS engine light enough for it (engine-client.js hides which).
//
// URL switches (testing): ?backend=webgl|wasm|cpu and ?block=N skip the measurement (and run in
// the Worker), ?host=audio|worker, ?wasmThreads=0|N, ?f16=1 (float16 textures), ?probe=1 (the
// test probe, probe.js).
import { deviceKey, recallMeasurement, rememberMeasurement } from "./backend-memory.js";
import { startCapture } from "../audio/capture.js";
import { analysisOf } from "../engine/analysis.js";
import { EngineClient } from "./engine-client.js";
import { explainError, missingCapability } from "./errors.js";
import { LatencyMeter, latencyBudgetMs } from "./latency.js";
import { createMixer } from "../audio/mixer.js";
import { registerOffline } from "./service-worker-registration.js";
import { outputMarginMs, startOutput } from "../audio/output.js";
import { TakeRecorder } from "../audio/recorder.js";
import { createDrone } from "../audio/tanpura-player.js";
import { checkInstrument, markUnavailable, showInstruments } from "./instrument-view.js";
import { saHz, setting } from "./preferences.js";
import * as readouts from "./readouts.js";
import { RepaintRate } from "./repaint-rate.js";
import { bindPlaying } from "./playing-controls.js";
import { createRiyaz } from "./riyaz.js";
import { bindControls, bindMix, bindTanpura } from "./sound-controls.js";
import { bindRecorder, enableRecord, showRecordingTime, showTake as showTakeView } from "./take-view.js";
import * as ui from "./ui.js";
import { ENGINE_EVENT } from "../protocol.js";

const params = new URLSearchParams(location.search);
const numberParam = (k) => (params.has(k) ? Number(params.get(k)) : null);
const options = {
  backend: params.get("backend"),
  blockFrames: numberParam("block"),
  host: params.get("host"),
  wasmThreads: numberParam("wasmThreads"),
  forceF16: params.get("f16") === "1",
  probe: params.get("probe") === "1",
};
// A returning singer's device was measured before: the Worker only confirms that choice.
const device = { nowMs: Date.now(), device: deviceKey() };
const storage = (() => { try { return globalThis.localStorage; } catch { return null; } })();
if (!options.backend && !options.blockFrames) options.remembered = recallMeasurement(storage, device);

const engine = new EngineClient(options);
const state = { model: null, session: null, sound: {}, playing: null, riyaz: null, probe: null, mix: null };
const takes = new TakeRecorder(showRecordingTime);

async function loadManifest() {
  const res = await fetch("/models/manifest.json");
  if (!res.ok) throw new Error(`models manifest: HTTP ${res.status}`);
  return res.json();
}

const modelName = (m) => m.display_name || m.name;

/** Budget from what the engine and the output run with now (the output buffer grows on underruns). */
function showLatency(session) {
  const p = session.engineParams;
  const budget = p && latencyBudgetMs({
    contextSampleRate: session.context.sampleRate, modelSampleRate: p.sampleRate, analysisSamples: p.analysisSamples,
    blockSamples: p.blockFrames * p.hopSamples, synthLookaheadSamples: p.synthLookaheadSamples,
    outputMarginSamples: session.outputMarginSamples ?? 0,
  });
  session.budget = budget;
  readouts.showLatency({ measuredMs: session.latency.medianMs, budgetMs: budget ? budget.total : NaN });
}

/**
 * The output margin for where the engine runs (audio/output.js): the Worker's starts with its
 * lateness measured at load (the chosen backend's p99 block time from when it was due).
 */
function outputMargins(host, context) {
  return outputMarginMs({
    host, contextSampleRate: context.sampleRate, callbackSeconds: context.baseLatency, workerLatenessMs: engine.choice?.p99Ms,
  });
}

/**
 * A take, in this order: the capture node, the engine and the output, then the microphone last,
 * so the first sung sample meets a running engine and an output that plays its first block.
 */
async function start() {
  const missing = missingCapability();
  if (missing) throw missing;
  const model = state.model;
  const context = new AudioContext({ latencyHint: "interactive" });
  const session = { context, model, latency: new LatencyMeter(context.sampleRate) };
  state.session = session;
  session.capture = await startCapture(context, {
    targetSampleRate: model ? model.sample_rate : context.sampleRate,
    analysis: model ? analysisOf(model) : null,
    onLevel: (level) => {
      readouts.showLevel(level);
      state.riyaz.feed(level.f0Hz);
    },
    onOnset: (frame) => session.latency.addInputOnset(frame),
  });
  state.riyaz.begin();
  if (!model) {
    await session.capture.openMicrophone();
    return ui.showStatus("Listening (no instrument installed: level only).");
  }
  await engine.load(model);
  session.output = await startOutput(context, {
    sourceSampleRate: model.sample_rate,
    blockSamples: engine.blockFrames * model.hop_samples,
    margins: outputMargins(engine.host, context),
    onStats: (s) => {
      if (s.marginSamples !== session.outputMarginSamples) {
        session.outputMarginSamples = s.marginSamples;
        showLatency(session);
      }
      readouts.showUnderruns(s.underruns);
      engine.reportUnderruns(s.underruns);
    },
    onOnset: (frame) => {
      if (session.latency.addOutputOnset(frame) !== null) showLatency(session);
    },
  });
  // The monitor mix takes over the output node; recordings tap it (and the mic) before the mix.
  session.mixer = createMixer(context, { instrument: session.output.node, ...state.mix });
  session.engineParams = await engine.start({ context, capture: session.capture, output: session.output, controls: controls() });
  showLatency(session);
  if (state.probe) await state.probe.attach(session);
  const voice = await session.capture.openMicrophone();
  session.mixer.connectVoice(voice);
  if (state.probe) state.probe.tapMicrophone(voice);
  enableRecord(true);
  ui.setPageState("singing");
  ui.showStatus(`Playing ${modelName(model)}.`);
}

async function stop() {
  const s = state.session;
  state.session = null;
  enableRecord(false);
  if (s) {
    state.riyaz.end();
    if (takes.recording) await showTake(await takes.stop());
    await engine.stop().catch(() => {});
    if (s.output) s.output.stop();
    if (s.capture) s.capture.stop();
    if (state.probe) state.probe.detach();
    await s.context.close();
  }
  ui.setSinging(false);
  ui.setPageState("ready");
  readouts.showLevel({ levelDb: -Infinity, f0Hz: 0 });
}

/**
 * What the engine is asked: the sound controls, the instrument's playing controls, the keys it
 * plays in (Sa as MIDI, the raga's swaras as semitones above it: all twelve with no raga), and
 * the raga tuning (null: off).
 */
function controls() {
  const scale = { saMidi: setting("saMidi"), degrees: state.riyaz.semitones() };
  return { ...state.sound, ...state.playing.values(), scale, tuning: state.riyaz.tuning() };
}

/** Starts a take unless one is running (Sing, or Find my Sa). @returns {Promise<boolean>} singing */
async function startSinging() {
  if (state.session) return true;
  try {
    ui.showError(null);
    ui.setSinging(true);
    await start();
    return true;
  } catch (err) {
    ui.showError(explainError(err));
    ui.showStatus("Not singing.");
    await stop();
    return false;
  }
}

async function showTake(take) {
  showTakeView({ ...take, name: modelName(state.model) });
}

async function pickInstrument(model) {
  const previous = state.model;
  state.model = model;
  ui.showStatus(`Loading ${modelName(model)}…`);
  ui.showLoading(`Loading ${modelName(model)}…`);
  try {
    await engine.load(model); // while singing, the Worker swaps instruments between two blocks
    checkInstrument(model.id);
    state.playing.showFor(model);
    ui.showStatus(state.session ? `Playing ${modelName(model)}.` : `${modelName(model)} ready. Tap Sing.`);
  } catch (err) {
    markUnavailable(model.id, err.message);
    ui.showError(explainError(err, { stage: "model", model: modelName(model) }));
    ui.showStatus(`${modelName(model)} is unavailable: ${err.message}. Tap it to retry.`);
    state.model = previous;
    if (previous) checkInstrument(previous.id);
    state.playing.showFor(previous);
  } finally {
    ui.showLoading(null);
  }
}

function wireEngineEvents() {
  engine.on(ENGINE_EVENT.BACKEND, (m) => {
    readouts.showBackend(m.choice, m.choice.keepsUp);
    if (!options.backend && !options.blockFrames) rememberMeasurement(storage, m, { ...device, modelId: m.modelId });
  });
  engine.on(ENGINE_EVENT.SWITCHED, ({ to, reason, params }) => {
    const s = state.session;
    if (s && s.output) s.output.setBlockSamples(to.blockFrames * state.model.hop_samples);
    if (s && s.output && to.host) s.output.setMargins(outputMargins(to.host, s.context));
    if (s && s.engineParams) s.engineParams = { ...s.engineParams, ...params, blockFrames: to.blockFrames };
    if (s && s.engineParams) showLatency(s);
    readouts.showBackend({ ...to, name: to.backend, reason: `switched while singing: ${reason}` });
    ui.showStatus(`Moved to ${to.backend}, ${to.blockFrames}-frame blocks: ${reason}.`);
  });
  engine.on(ENGINE_EVENT.PITCH, readouts.showInstrumentPitch);
  const repaint = new RepaintRate(); // fewer repaints while the audio thread is late
  engine.on(ENGINE_EVENT.STATS, (stats) => readouts.setRepaintRate(repaint.update(stats, performance.now())));
  engine.on(ENGINE_EVENT.ERROR, ({ message }) => ui.showError(explainError(new Error(message), { stage: "engine" })));
}

async function boot() {
  wireEngineEvents();
  if (options.probe) state.probe = await (await import("../probe/probe.js")).createProbe(engine);
  state.sound = bindControls((sound) => {
    state.sound = sound;
    engine.setControls(controls());
  });
  state.playing = bindPlaying(() => engine.setControls(controls()));
  readouts.bindPitchSettings();
  const drone = createDrone({ volume: setting("tanpuraVolume") });
  state.riyaz = createRiyaz({
    onTuning: () => engine.setControls(controls()),
    onTanpura: () => drone.setSa(saHz(), state.riyaz.tanpuraStrings()),
    startSinging,
  });
  bindTanpura({ onToggle: (on) => drone.setPlaying(on, saHz(), state.riyaz.tanpuraStrings()), onVolume: drone.setVolume });
  state.mix = bindMix({
    onInstrument: (v) => state.session?.mixer?.setInstrumentLevel(v),
    onVoice: (v) => state.session?.mixer?.setVoiceLevel(v),
    onOutputGainDb: (db) => state.session?.mixer?.setOutputGainDb(db),
  });
  bindRecorder({
    onStart: (withVoice) => takes.start(state.session.context, { instrument: state.session.output.node, voice: withVoice ? state.session.capture.source : null }),
    onStop: async () => showTake(await takes.stop()),
  });
  try {
    ui.showLoading("Starting the engine…", 0);
    await engine.ready;
    ui.showStatus("Measuring this device…");
    ui.showLoading("Measuring this device…", 1 / 2);
    const { models, errors } = await loadManifest();
    const first = showInstruments(models, errors, pickInstrument);
    if (first) await pickInstrument(first);
  } catch (err) {
    ui.showStatus(`Instruments unavailable: ${err.message}`);
    ui.showError(explainError(err, { stage: "model", model: "instrument list" }));
  }
  ui.enableSing(() => (state.session ? stop() : startSinging()));
  ui.setPageState("ready");
  registerOffline(); // after the first load, so precaching does not compete with it
}

boot();
