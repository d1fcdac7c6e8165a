// ArrivalJitter (static/js/dsp/arrival-jitter.js): the output buffer that a pattern of block
// arrivals needs, as the output processor plays it (one quantum's worth of source samples a call).
import assert from "node:assert/strict";
import test from "node:test";

import { ArrivalJitter } from "../../static/js/dsp/arrival-jitter.js";
import { mulberry32 } from "../../static/js/dsp/prng.js";

const PER_QUANTUM = (128 * 16000) / 44100; // source samples a 44.1 kHz quantum plays at 16 kHz
const HOP = 64;

/** Least level reached playing `arrivals` [per quantum] from quantum t0 with `buffered` samples. */
function lowestLevel(arrivals, t0, buffered) {
  let level = buffered - PER_QUANTUM, lowest = level;
  for (let t = t0 + 1; t < arrivals.length; t++) {
    level += arrivals[t] - PER_QUANTUM;
    lowest = Math.min(lowest, level);
  }
  return lowest;
}

/** Blocks of `HOP` samples written whenever the engine runs, at the quanta `runs(t)` says. */
function arrivalsOf(quanta, runs) {
  const arrivals = new Float64Array(quanta);
  let produced = 0, captured = 0;
  for (let t = 0; t < quanta; t++) {
    captured += PER_QUANTUM;
    if (!runs(t)) continue;
    const blocks = Math.floor((captured - produced) / HOP);
    arrivals[t] = blocks * HOP;
    produced += blocks * HOP;
  }
  return arrivals;
}

function measure(arrivals) {
  const jitter = new ArrivalJitter(PER_QUANTUM);
  for (const a of arrivals) jitter.update(a);
  return jitter;
}

const patterns = {
  "an engine that runs every quantum": () => true,
  "the audio callback's bursts of 4 quanta": (t) => t % 4 === 3,
  "a 20-quantum stall once": (t) => t < 100 || t > 120,
  "random wake-ups": ((rand) => () => rand() < 0.4)(mulberry32(7)),
};

for (const [name, runs] of Object.entries(patterns)) {
  test(`the needed buffer never runs dry and is tight: ${name}`, () => {
    const arrivals = arrivalsOf(400, runs);
    const first = arrivals.findIndex((a) => a > 0);
    const needed = measure(arrivals).neededSamples;
    const lowest = (buffered) => Math.min(...Array.from({ length: arrivals.length - first }, (_, i) => lowestLevel(arrivals, first + i, buffered)));
    assert.ok(lowest(needed) >= 0, `playing from any quantum with ${needed} samples buffered never runs dry`);
    assert.ok(lowest(needed - 1.01) < 0, "one sample fewer runs dry from some quantum (the measure is tight)");
  });
}

test("bursts need about a burst of buffer: 4-quanta bursts need 4-6 quanta, a steady engine 1-3", () => {
  const steady = measure(arrivalsOf(400, () => true)).neededSamples / PER_QUANTUM;
  const bursts = measure(arrivalsOf(400, (t) => t % 4 === 3)).neededSamples / PER_QUANTUM;
  assert.ok(steady >= 1 && steady <= 3, `steady: ${steady.toFixed(2)} quanta`);
  assert.ok(bursts >= 4 && bursts <= 6, `bursts: ${bursts.toFixed(2)} quanta`);
});

test("nothing counts before the first arrival, and reset() starts a new window", () => {
  const jitter = new ArrivalJitter(PER_QUANTUM);
  for (let i = 0; i < 50; i++) jitter.update(0);
  assert.equal(jitter.quanta, 0, "silence before the engine's first block is not lateness");
  for (const a of arrivalsOf(100, (t) => t < 20 || t > 60)) jitter.update(a);
  const stalled = jitter.neededSamples;
  jitter.reset();
  for (const a of arrivalsOf(100, () => true)) jitter.update(a);
  assert.ok(jitter.neededSamples < stalled / 4, `after reset the stall is forgotten: ${jitter.neededSamples} vs ${stalled}`);
});
