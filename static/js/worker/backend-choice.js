// Which TF.js backend and block size the live engine uses: the one measured fastest among those
// that keep up. Pure functions over measurements, so the rule is tested apart from any browser.
//
// A backend "keeps up" at a block size when its p99 block time (features + decoder + synth for
// one block) is under BACKEND_P99_BUDGET of the block's duration: the rest of the block's time is
// left for the audio thread, GC and the page, on the device that actually runs it.

/**
 * @param {{backend:string, blockFrames:number, blockMs:number, p50Ms?:number, p99Ms?:number,
 *          error?:string}} m one measurement; blockMs is the block's duration
 * @param {number} budget fraction of a block's duration the p99 must stay under
 */
export function keepsUp(m, budget) {
  return !m.error && Number.isFinite(m.p99Ms) && m.p99Ms < budget * m.blockMs;
}

/**
 * The fastest (p50) of `ok`; but backends that run the same engine code (the same `decoderKind`:
 * wasm and cpu both run the plain-JS engine) differ only by the noise of a measurement, so among
 * those the first in `sameEngine.order` wins unless the fastest beats it by more than
 * `sameEngine.clearMargin` of its p50: every visit then makes the same choice.
 */
function fastest(ok, sameEngine) {
  const best = ok.reduce((a, b) => (b.p50Ms < a.p50Ms ? b : a));
  const rank = (m) => (sameEngine.order.includes(m.backend) ? sameEngine.order.indexOf(m.backend) : Infinity);
  const peers = ok.filter((m) => m.decoderKind !== undefined && m.decoderKind === best.decoderKind
    && best.p50Ms >= (1 - sameEngine.clearMargin) * m.p50Ms);
  return peers.reduce((a, b) => (rank(b) < rank(a) ? b : a), best);
}

/**
 * The shortest block size at which some backend keeps up, and there the fastest (p50) such backend
 * (`fastest`: of two running the same engine, the preferred unless the other is clearly faster).
 * When none keeps up anywhere: the fastest backend at the longest measured block, flagged.
 * @param {Array<object>} measurements as for keepsUp, with `decoderKind`
 * @param {{order:string[], clearMargin:number}} sameEngine config.js BACKEND_SAME_ENGINE
 * @returns {{backend:string, blockFrames:number, keepsUp:boolean, reason:string}|null}
 */
export function chooseBackend(measurements, budget, sameEngine) {
  const sizes = [...new Set(measurements.map((m) => m.blockFrames))].sort((a, b) => a - b);
  for (const blockFrames of sizes) {
    const ok = measurements.filter((m) => m.blockFrames === blockFrames && keepsUp(m, budget));
    if (!ok.length) continue;
    const best = fastest(ok, sameEngine);
    return {
      backend: best.backend, blockFrames, keepsUp: true, p50Ms: best.p50Ms, p99Ms: best.p99Ms,
      reason: `fastest that keeps up at ${blockFrames}-frame blocks: p99 ${best.p99Ms.toFixed(2)} ms < ${(budget * best.blockMs).toFixed(1)} ms`,
    };
  }
  const timed = measurements.filter((m) => !m.error && Number.isFinite(m.p50Ms));
  if (!timed.length) return null;
  const longest = Math.max(...timed.map((m) => m.blockFrames));
  const best = timed.filter((m) => m.blockFrames === longest).reduce((a, b) => (b.p50Ms < a.p50Ms ? b : a));
  return { backend: best.backend, blockFrames: longest, keepsUp: false, p50Ms: best.p50Ms, p99Ms: best.p99Ms, reason: `none keeps up; fastest at ${longest}-frame blocks (p50 ${best.p50Ms.toFixed(1)} ms)` };
}

/**
 * Where the engine runs (config.js AUDIO_THREAD): on the audio thread when a measurement of the
 * plain-JS engine (`decoderKind` "cpu": the wasm and cpu backends run the same JS) at 1-frame
 * blocks has its typical compute (`computeP50Ms`: the block's own time, without the Worker's
 * wake-up lateness, which the audio thread does not have) under `budget` of the block; else in
 * the Worker. Typical, not the tail: a page loaded while other processes burst on the cores
 * measures a long tail that is theirs, and would put a light engine in the Worker for good.
 * @returns {{host:"audio"|"worker", reason:string, computeP50Ms?:number}}
 */
export function chooseHost(measurements, budget) {
  const light = (m) => !m.error && m.decoderKind === "cpu" && m.blockFrames === 1 && m.computeP50Ms < budget * m.blockMs;
  const js = measurements.filter(light);
  if (!js.length) return { host: "worker", reason: `the plain-JS engine's typical compute at 1-frame blocks is not under ${100 * budget} % of a block` };
  const best = js.reduce((a, b) => (b.computeP50Ms < a.computeP50Ms ? b : a));
  return {
    host: "audio", computeP50Ms: best.computeP50Ms,
    reason: `the plain-JS engine keeps up on the audio thread: compute p50 ${best.computeP50Ms.toFixed(2)} ms < ${(budget * best.blockMs).toFixed(1)} ms at 1-frame blocks`,
  };
}

/** Backends that kept up at `blockFrames`, fastest first, excluding `current`: where to go when behind. */
export function fallbackOrder(measurements, blockFrames, current, budget) {
  return measurements
    .filter((m) => m.blockFrames === blockFrames && m.backend !== current && keepsUp(m, budget))
    .sort((a, b) => a.p50Ms - b.p50Ms)
    .map((m) => m.backend);
}

/**
 * Whether a backend is hopeless at a block size (p50 beyond `factor` times the budget): it is not
 * measured again at the next, longer, block size.
 */
export function hopeless(m, budget, factor = 4) {
  return Boolean(m.error) || !(m.p50Ms < factor * budget * m.blockMs);
}
