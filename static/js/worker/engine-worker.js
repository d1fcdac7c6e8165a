// The engine Worker: features -> mapping -> decoder -> synth, off the page's main thread.
// It owns TF.js (WASM here; WebGL through OffscreenCanvas and WebGPU where the browser gives them), chooses the
// backend and block size by measuring them at load, and streams: woken by Atomics on the capture
// ring (the FreeQueue pattern), it renders every complete block into the output ring. Where the
// plain-JS engine is light enough for the audio thread (choice.host "audio", config.js
// AUDIO_THREAD), the page runs it there instead (engine-processor.js, from the weights
// `audioEngine` gives) and the Worker only measures, loads and takes over if it falls behind.
//
// Messages (all typed; see engine-client.js for the page's side):
//   in:  init {options} · load {id, model} · start {id, captureRing, outputRing, controls, take}
//        · audioEngine {id, model} · stop {id} · controls {controls} · underruns {count}
//   out: reply {id, ok, result|error} · backend {modelId, choice (with host), measurements} · switched {from, to, reason}
//        · pitch {inputF0Hz, f0Hz} · stats {...} · block {octaveShift} (probe only, when it changes) · error {message}
import { offeredBackends, tf, configureBackends, describeBackend, useBackend } from "./backend.js";
import { chooseBackend, chooseHost, fallbackOrder, hopeless, keepsUp, quantile } from "./backend-choice.js";
import { BlockReporter } from "../engine/block-report.js";
import {
  AUDIO_THREAD, BACKEND_P99_BUDGET, BACKEND_PROBE, BLOCK_FRAMES_CHOICES, FALLING_BEHIND, MAX_BACKLOG_MS,
} from "../config.js";
import * as cumsum from "../gpu/phase-scan.js";
import { loadCpuDecoderWeights, loadDecoder } from "./decoder-tfjs.js";
import { RingBuffer } from "../dsp/ring.js";
import { Engine } from "../engine/engine.js";
import { LoadMeter } from "../engine/load-meter.js";

const now = () => performance.now();
const TWO_PI = 2 * Math.PI;

const state = {
  options: {}, // {backend, blockFrames, wasmThreads, forceF16, probe} from the page's URL, remembered
  backends: null, // {measurements, order, choice}
  backend: null,
  blockFrames: null,
  decoders: new Map(), // `${backend}/${modelId}` -> Promise<Decoder> (failures are not kept)
  jsWeights: new Map(), // modelId -> Promise<weights> of the plain-JS decoder, for the audio thread
  model: null,
  controls: {},
  session: null,
};

const post = (msg) => self.postMessage(msg);

// ---- decoders ----------------------------------------------------------------------------

/** The model's decoder on the active backend (loaded once per backend). */
function decoderFor(model) {
  const key = `${tf.getBackend()}/${model.id}`;
  if (!state.decoders.has(key)) {
    const p = loadDecoder(model.url, model, { warmupBlockFrames: state.blockFrames || BLOCK_FRAMES_CHOICES[0] });
    p.catch(() => state.decoders.delete(key)); // a failed load may succeed on a retry
    state.decoders.set(key, p);
  }
  return state.decoders.get(key);
}

async function disposeDecodersExcept(backend) {
  for (const [key, p] of state.decoders) {
    if (key.startsWith(`${backend}/`)) continue;
    state.decoders.delete(key);
    p.then((d) => d.dispose(), () => {});
  }
}

/** A new engine on the active backend; `mapper` carries a take's octave across a backend switch. */
async function buildEngine(model, blockFrames, mapper = null) {
  const decoder = await decoderFor(model);
  decoder.reset();
  const phaseAccumulator = cumsum.createPhaseAccumulator(tf);
  return new Engine({ meta: model, decoder, phaseAccumulator, blockFrames, controls: state.controls, mapper });
}

// ---- backend measurement -----------------------------------------------------------------

/** A voiced test signal (220 Hz, harmonics) at the model rate, `n` samples from sample `start`. */
function testVoice(sampleRate, start, n, out = new Float32Array(n)) {
  for (let i = 0; i < n; i++) {
    const t = (start + i) / sampleRate;
    out[i] = 0.3 * Math.sin(TWO_PI * 220 * t) + 0.1 * Math.sin(TWO_PI * 440 * t) + 0.05 * Math.sin(TWO_PI * 660 * t);
  }
  return out;
}

/** Sleeps the Worker until `untilMs` (performance.now() time); a Worker may block in Atomics.wait. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepUntil(untilMs) {
  const ms = untilMs - now();
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Times warm live-size blocks of the whole engine on `backend`, paced as they come live (one per
 * block's duration): a block's time runs from when it is due to when it is done, so it includes
 * the thread's wake-up lateness, which a throttled CPU (a phone's budget) adds to every block.
 * `computeP99Ms` leaves the wake-up out: what the block would cost the audio thread, which is
 * woken by the audio device, not by this Worker's timer.
 */
async function measure(backend, model, blockFrames) {
  const blockMs = (1000 * blockFrames * model.hop_samples) / model.sample_rate;
  const m = { backend, blockFrames, blockMs };
  try {
    await useBackend(backend);
    const t0 = now();
    const engine = await buildEngine(model, blockFrames);
    const chunk = new Float32Array(blockFrames * model.hop_samples);
    let sample = 0;
    const block = async () => {
      engine.pushAudio(testVoice(model.sample_rate, sample, chunk.length, chunk));
      sample += chunk.length;
      while (engine.blockReady) await engine.renderBlock();
    };
    for (let b = 0; b < BACKEND_PROBE.warmupBlocks && now() - t0 < BACKEND_PROBE.maxSetupMs; b++) await block();
    m.setupMs = now() - t0;
    const times = [], computeTimes = [];
    const t1 = now();
    let due = t1;
    while (times.length < BACKEND_PROBE.timedBlocks && now() - t1 < BACKEND_PROBE.maxTimedMs) {
      sleepUntil(due);
      const started = now();
      await block();
      times.push(now() - due);
      computeTimes.push(now() - started);
      due = Math.max(due + blockMs, now() - blockMs); // far behind: measure lateness, not a backlog
    }
    m.decoderKind = engine.decoder.kind;
    engine.dispose();
    Object.assign(m, {
      p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99), computeP99Ms: quantile(computeTimes, 0.99),
      n: times.length, ...describeBackend(),
    });
  } catch (err) {
    m.error = err.message;
  }
  return m;
}

/**
 * An earlier visit's measurement on this device (backend-memory.js, passed by the page), confirmed
 * by measuring its choice again: {measurements, choice}, or null when there is none for this
 * instrument or it no longer keeps up (then everything is measured).
 */
async function confirmRemembered(model, backends) {
  const r = state.options.remembered;
  if (!r || r.modelId !== model.id || !backends.includes(r.choice.backend)) return null;
  const m = await measure(r.choice.backend, model, r.choice.blockFrames);
  if (!keepsUp(m, BACKEND_P99_BUDGET)) return null;
  const earlier = r.measurements.filter((x) => !(x.backend === m.backend && x.blockFrames === m.blockFrames));
  const day = new Date(r.measuredAt).toISOString().slice(0, 10);
  return {
    measurements: [...earlier.map((x) => ({ ...x, earlier: true })), m],
    choice: {
      backend: m.backend, blockFrames: m.blockFrames, keepsUp: true, p50Ms: m.p50Ms, p99Ms: m.p99Ms, remembered: true,
      reason: `fastest when this device was measured (${day}); confirmed now: p99 ${m.p99Ms.toFixed(2)} ms < ${(BACKEND_P99_BUDGET * m.blockMs).toFixed(1)} ms`,
    },
  };
}

/** Measures every backend at the shortest block size, then longer ones only where needed. */
async function chooseByMeasurement(model) {
  const asked = state.options.backend;
  const backends = asked ? [asked] : await offeredBackends();
  const pinned = asked || state.options.blockFrames;
  const confirmed = pinned ? null : await confirmRemembered(model, backends);
  if (confirmed) return settleBackend(model, confirmed.measurements, confirmed.choice);
  const sizes = state.options.blockFrames ? [state.options.blockFrames] : BLOCK_FRAMES_CHOICES;
  const measurements = [];
  let live = backends;
  let choice = null;
  for (const blockFrames of sizes) {
    const round = [];
    for (const b of live) round.push(await measure(b, model, blockFrames));
    measurements.push(...round);
    choice = chooseBackend(measurements, BACKEND_P99_BUDGET);
    if (choice && choice.keepsUp) break;
    live = round.filter((m) => !hopeless(m, BACKEND_P99_BUDGET)).map((m) => m.backend);
    if (!live.length) break;
  }
  if (!choice) throw new Error(`no TF.js backend could run the decoder: ${measurements.map((m) => `${m.backend}: ${m.error}`).join("; ")}`);
  if (pinned) {
    // Pinned by the URL: used as asked, whatever it measured (which is still reported).
    const m = measurements.find((x) => x.backend === (asked || choice.backend) && x.blockFrames === (state.options.blockFrames || choice.blockFrames));
    Object.assign(choice, { backend: m.backend, blockFrames: m.blockFrames, p50Ms: m.p50Ms, p99Ms: m.p99Ms, reason: `asked for by the page's URL (${choice.reason})` });
  }
  await settleBackend(model, measurements, choice);
}

/**
 * Where the engine runs: `?host=` as asked; a backend or block pinned by the URL runs in the
 * Worker; else the audio thread when the plain-JS engine is light enough there (chooseHost).
 */
function hostFor(measurements) {
  const asked = state.options.host;
  if (asked === "audio" || asked === "worker") return { host: asked, reason: "asked for by the page's URL" };
  if (state.options.backend || state.options.blockFrames) return { host: "worker", reason: "backend or block pinned by the page's URL" };
  return chooseHost(measurements, AUDIO_THREAD.p99Budget);
}

/** Runs on the chosen backend from now on and tells the page what was measured. */
async function settleBackend(model, measurements, choice) {
  const where = hostFor(measurements);
  Object.assign(choice, { host: where.host, hostReason: where.reason });
  state.backends = { measurements, choice };
  state.blockFrames = choice.blockFrames;
  await useBackend(choice.backend);
  state.backend = choice.backend;
  await disposeDecodersExcept(choice.backend);
  post({ type: "backend", modelId: model.id, choice: { ...choice, ...describeBackend() }, measurements });
}

// ---- the live loop -----------------------------------------------------------------------

class Session {
  constructor(engine, captureRing, outputRing) {
    this.engine = engine;
    this.captureRing = captureRing;
    this.outputRing = outputRing;
    this.scratch = new Float32Array(captureRing.capacity);
    this.running = true;
    this.nextModel = null; // an instrument switch, applied between blocks
    this.stats = { blocks: 0, droppedFrames: 0, overflowSamples: 0, underruns: 0, switches: [] };
    this.blockTimes = [];
    this.meter = new LoadMeter(FALLING_BEHIND.windowSeconds * 1000);
    this.droppedAtWindowStart = 0;
    this.underrunsAtWindowStart = 0;
    this.fellBehind = new Set(); // backends left behind in this session: never gone back to
    this.lastStatsPost = 0;
    this.reporter = new BlockReporter(post, { probe: Boolean(state.options.probe) });
  }

  get blockMs() {
    const e = this.engine;
    return (1000 * e.blockFrames * e.hop) / e.meta.sample_rate;
  }

  async run() {
    while (this.running) {
      const seen = this.captureRing.writePosition;
      const n = this.captureRing.pop(this.scratch);
      if (n) this.engine.pushAudio(this.scratch.subarray(0, n));
      this.stats.droppedFrames += this.engine.dropBacklog(MAX_BACKLOG_MS);
      try {
        while (this.running && this.engine.blockReady) await this.renderOne();
        if (webglContextLost()) throw new Error("WebGL context lost");
      } catch (err) {
        if (state.backend !== "webgl") throw err;
        await this.leaveBackend(`${err.message.includes("context lost") ? "" : "WebGL failed: "}${err.message}`);
      }
      if (this.nextModel) await this.swapModel();
      if (this.meter.full) await this.checkFallingBehind();
      this.postStats();
      if (this.captureRing.writePosition === seen) await this.captureRing.waitAsync(seen, 4 * this.blockMs);
    }
    this.engine.dispose();
  }

  async renderOne() {
    const t0 = now();
    const block = await raceContextLoss(this.engine.renderBlock());
    const written = this.outputRing.push(block.audio);
    this.stats.overflowSamples += block.audio.length - written;
    const ms = now() - t0;
    this.meter.add(ms, this.blockMs);
    this.blockTimes.push(ms);
    if (this.blockTimes.length > 500) this.blockTimes.splice(0, 250);
    this.stats.blocks++;
    this.reporter.report(block, this.engine.mapper.autoOctaves, now());
  }

  postStats(force = false) {
    const t = now();
    if (!force && t - this.lastStatsPost < 250) return;
    this.lastStatsPost = t;
    post({
      type: "stats", host: "worker", modelId: this.engine.meta.id, backend: state.backend, blockFrames: this.engine.blockFrames,
      ...this.stats, load: this.meter.load, blockMsP50: quantile(this.blockTimes, 0.5),
      blockMsP99: quantile(this.blockTimes, 0.99), octaveShift: this.engine.mapper.autoOctaves,
      numTensors: tf.memory().numTensors,
    });
  }

  async swapModel() {
    const model = this.nextModel;
    this.nextModel = null;
    const engine = await buildEngine(model, this.engine.blockFrames);
    this.engine.dispose();
    this.engine = engine;
    this.captureRing.clear(); // what waited was sung for the old instrument's engine
  }

  /**
   * Falling behind: compute above FALLING_BEHIND.load of real time, or frames dropped while the
   * engine itself is busy (over half of real time). A stall from elsewhere (the page, another
   * app) drops frames too, but a slower backend would not help it. The engine then moves to the
   * next backend that kept up at load and has not fallen behind yet; with none left, to longer
   * blocks (less work per frame).
   */
  async checkFallingBehind() {
    const dropped = this.stats.droppedFrames - this.droppedAtWindowStart;
    const underruns = this.stats.underruns - this.underrunsAtWindowStart;
    const load = this.meter.load;
    this.droppedAtWindowStart = this.stats.droppedFrames;
    this.underrunsAtWindowStart = this.stats.underruns;
    const windowFrames = (this.meter.audioMs / 1000) * this.engine.meta.frame_rate;
    const late = dropped > FALLING_BEHIND.droppedFraction * windowFrames || underruns >= FALLING_BEHIND.underruns;
    this.meter.reset();
    if (load < FALLING_BEHIND.load && !late) return;
    const reason = `compute at ${(100 * load).toFixed(0)} % of real time, ${dropped} frames dropped and ${underruns} underruns in ${FALLING_BEHIND.windowSeconds} s`;
    const longer = BLOCK_FRAMES_CHOICES.find((b) => b > this.engine.blockFrames);
    if (load < FALLING_BEHIND.load / 2) {
      // Late while the engine itself is light: the thread is not getting the CPU in time (a
      // throttled or busy device). Fewer, longer blocks ride that out; a slower backend would not.
      if (longer) await this.moveTo(state.backend, longer, reason);
      return;
    }
    this.fellBehind.add(state.backend);
    const measurements = state.backends ? state.backends.measurements : [];
    const next = fallbackOrder(measurements, this.engine.blockFrames, state.backend, BACKEND_P99_BUDGET).find((b) => !this.fellBehind.has(b));
    if (!next && !longer) return;
    await this.moveTo(next || state.backend, next ? this.engine.blockFrames : longer, reason);
  }

  /**
   * The WebGL context is gone (a lost context, a GPU reset): go on with the next backend that
   * starts, preferring those that kept up at load, whatever the URL pinned.
   */
  async leaveBackend(reason) {
    const lost = state.backend;
    this.fellBehind.add(lost);
    const measurements = state.backends ? state.backends.measurements : [];
    const preferred = fallbackOrder(measurements, this.engine.blockFrames, lost, BACKEND_P99_BUDGET);
    for (const backend of [...preferred, ...(await offeredBackends())].filter((b) => b !== lost)) {
      try {
        await this.moveTo(backend, this.engine.blockFrames, reason);
        for (const key of [...state.decoders.keys()]) if (key.startsWith(`${lost}/`)) state.decoders.delete(key);
        return;
      } catch (err) {
        console.warn(`cannot move to ${backend}: ${err.message}`);
      }
    }
    throw new Error(`${reason}, and no other backend starts`);
  }

  /** Rebuilds the engine on `backend` at `blockFrames`, keeping the take; tells the page why. */
  async moveTo(backend, blockFrames, reason) {
    const from = { backend: state.backend, blockFrames: this.engine.blockFrames };
    await useBackend(backend);
    state.backend = backend;
    const engine = await buildEngine(this.engine.meta, blockFrames, this.engine.mapper);
    try {
      this.engine.dispose();
    } catch (err) {
      console.warn(`disposing the old engine: ${err.message}`); // a lost context may refuse
    }
    this.engine = engine;
    state.blockFrames = blockFrames;
    this.captureRing.clear();
    this.meter.reset();
    this.blockTimes = [];
    const to = { backend, blockFrames, ...describeBackend() };
    this.stats.switches.push({ from, to, reason });
    post({ type: "switched", from, to, reason });
  }
}

/**
 * A lost WebGL context never completes the read-back a block awaits (its fence never signals):
 * on webgl, a block also ends when the context is found lost (checked every 100 ms).
 */
function raceContextLoss(promise) {
  if (state.backend !== "webgl") return promise;
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (!webglContextLost()) return;
      clearInterval(timer);
      reject(new Error("WebGL context lost"));
    }, 100);
    promise.then((v) => { clearInterval(timer); resolve(v); }, (e) => { clearInterval(timer); reject(e); });
  });
}

/** True when the engine runs on WebGL and its context is gone. */
function webglContextLost() {
  if (state.backend !== "webgl") return false;
  const gl = tf.backend().gpgpu && tf.backend().gpgpu.gl;
  return Boolean(gl && gl.isContextLost());
}

// ---- messages ----------------------------------------------------------------------------

const handlers = {
  init({ options }) {
    state.options = options;
    configureBackends({ wasmThreads: options.wasmThreads, forceF16: options.forceF16 });
    return { crossOriginIsolated: self.crossOriginIsolated };
  },

  /** Makes `model` the instrument: measures the backends first (once), then loads it. */
  async load({ model }) {
    if (!state.backends) await chooseByMeasurement(model);
    await decoderFor(model);
    state.model = model;
    if (state.session) state.session.nextModel = model;
    return { id: model.id, backend: state.backend, blockFrames: state.blockFrames };
  },

  /** `take`: a take an engine on the audio thread started, to go on with (its mapper's). */
  async start({ captureRing, outputRing, controls, take = null }) {
    if (state.session) throw new Error("the engine is already running");
    if (!state.model) throw new Error("no instrument loaded");
    state.controls = controls || state.controls;
    const engine = await buildEngine(state.model, state.blockFrames);
    if (take) engine.mapper.continueTake(take);
    const session = new Session(engine, new RingBuffer(captureRing), new RingBuffer(outputRing));
    state.session = session;
    session.captureRing.clear();
    session.run().catch((err) => {
      state.session = null;
      post({ type: "error", message: `engine stopped: ${err.message}` });
    });
    return {
      host: "worker", backend: state.backend, blockFrames: engine.blockFrames, hopSamples: engine.hop, sampleRate: engine.meta.sample_rate,
      analysisSamples: engine.analysisSamples, synthLookaheadSamples: engine.synthLookaheadSamples,
    };
  },

  /** The plain-JS decoder's weights of `model`, for an engine on the audio thread. */
  async audioEngine({ model }) {
    if (!state.jsWeights.has(model.id)) {
      const p = loadCpuDecoderWeights(model.url, model);
      p.catch(() => state.jsWeights.delete(model.id)); // a failed load may succeed on a retry
      state.jsWeights.set(model.id, p);
    }
    return { meta: model, weights: await state.jsWeights.get(model.id) };
  },

  stop() {
    const s = state.session;
    state.session = null;
    if (s) {
      s.postStats(true);
      s.running = false;
    }
    return {};
  },

  controls({ controls }) {
    state.controls = controls;
    if (state.session) state.session.engine.setControls(controls);
  },

  underruns({ count }) {
    if (state.session) state.session.stats.underruns = count;
  },

  /** The opt-in test probe's actions (?probe=1 only): faults a test needs that a page cannot cause. */
  probe({ action }) {
    if (!state.options.probe) throw new Error("the probe is off (open the page with ?probe=1)");
    if (action !== "loseWebGLContext") throw new Error(`unknown probe action "${action}"`);
    if (tf.getBackend() !== "webgl") throw new Error(`the engine runs on ${tf.getBackend()}, not webgl`);
    tf.backend().gpgpu.gl.getExtension("WEBGL_lose_context").loseContext();
    return { lost: true };
  },
};

self.onmessage = async (e) => {
  const { type, id } = e.data;
  const handler = handlers[type];
  try {
    if (!handler) throw new Error(`unknown message type "${type}"`);
    const result = await handler(e.data);
    if (id !== undefined) post({ type: "reply", id, ok: true, result });
  } catch (err) {
    if (id !== undefined) post({ type: "reply", id, ok: false, error: err.message });
    else post({ type: "error", message: err.message });
  }
};
