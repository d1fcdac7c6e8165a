// The Worker's live loop (host "worker"): woken by Atomics on the capture ring (the FreeQueue
// pattern), it renders every complete block into the output ring, swaps instruments between
// blocks, and moves to another backend or longer blocks when it falls behind.
import { BACKEND_P99_BUDGET, BLOCK_FRAMES_CHOICES, ENGINE_STATS_PER_SECOND, FALLING_BEHIND, MAX_BACKLOG_MS } from "../config.js";
import { BlockReporter } from "../engine/block-report.js";
import { LoadMeter } from "../engine/load-meter.js";
import { quantile } from "../dsp/stats.js";
import { ENGINE_EVENT } from "../protocol.js";
import { describeBackend, offeredBackends, tf, useBackend } from "./backend.js";
import { fallbackOrder } from "./backend-choice.js";
import { raceContextLoss, webglContextLost } from "./context-loss.js";
import { buildEngine, forgetDecoders } from "./decoders.js";
import { now, post, state } from "./state.js";

export class Session {
  /** @param {import("../engine/engine.js").Engine} engine @param {import("../dsp/ring.js").RingBuffer} captureRing, outputRing */
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
    if (!force && t - this.lastStatsPost < 1000 / ENGINE_STATS_PER_SECOND) return;
    this.lastStatsPost = t;
    post({
      type: ENGINE_EVENT.STATS, host: "worker", modelId: this.engine.meta.id, backend: state.backend, blockFrames: this.engine.blockFrames,
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
        forgetDecoders(lost);
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
    post({ type: ENGINE_EVENT.SWITCHED, from, to, reason });
  }
}
