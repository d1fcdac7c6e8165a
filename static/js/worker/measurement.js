// Backend, block size and host, by measuring the whole engine on this device at the first load
// (or confirming an earlier visit's choice); backend-choice.js holds the rules.
import { AUDIO_THREAD, BACKEND_P99_BUDGET, BACKEND_PROBE, BACKEND_SAME_ENGINE, BLOCK_FRAMES_CHOICES } from "../config.js";
import { quantile } from "../dsp/stats.js";
import { ENGINE_EVENT } from "../protocol.js";
import { describeBackend, offeredBackends, useBackend } from "./backend.js";
import { chooseBackend, chooseHost, hopeless, keepsUp } from "./backend-choice.js";
import { buildEngine, disposeDecodersExcept } from "./decoders.js";
import { now, post, state } from "./state.js";

const TWO_PI = 2 * Math.PI;

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
 * `computeP50Ms` and `computeP99Ms` leave the wake-up out: what the block would cost the audio thread, which is
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
      p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99),
      computeP50Ms: quantile(computeTimes, 0.5), computeP99Ms: quantile(computeTimes, 0.99),
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
export async function chooseByMeasurement(model) {
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
    choice = chooseBackend(measurements, BACKEND_P99_BUDGET, BACKEND_SAME_ENGINE);
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
  return chooseHost(measurements, AUDIO_THREAD.typicalBudget);
}

/** Runs on the chosen backend from now on and tells the page what was measured. */
async function settleBackend(model, measurements, choice) {
  const where = hostFor(measurements);
  Object.assign(choice, { host: where.host, hostReason: where.reason });
  state.backends = { measurements, choice };
  state.blockFrames = choice.blockFrames;
  await useBackend(choice.backend);
  state.backend = choice.backend;
  disposeDecodersExcept(choice.backend);
  post({ type: ENGINE_EVENT.BACKEND, modelId: model.id, choice: { ...choice, ...describeBackend() }, measurements });
}
