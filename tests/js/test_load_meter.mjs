// LoadMeter (static/js/engine/load-meter.js): the engine's typical share of real time, which a
// burst on the other cores does not move and a heavy engine does.
import assert from "node:assert/strict";
import test from "node:test";

import { LoadMeter } from "../../static/js/engine/load-meter.js";
import { mulberry32 } from "../../static/js/dsp/prng.js";

const BLOCK_MS = 4;
const WINDOW_MS = 2000;

/** A window of blocks each taking `computeMs` (+ `stall(i)`), timed by a whole-millisecond clock. */
function window(computeMs, stall = () => 0, seed = 1) {
  const rand = mulberry32(seed);
  const meter = new LoadMeter(WINDOW_MS);
  let clock = 0;
  for (let i = 0; !meter.full; i++) {
    const start = clock + rand(); // blocks start anywhere within a millisecond tick
    const t0 = Math.floor(start), t1 = Math.floor(start + computeMs + stall(i)); // Date.now() on the audio thread
    meter.add(t1 - t0, BLOCK_MS);
    clock += BLOCK_MS;
  }
  return meter.load;
}

test("a light engine reads its own load through a whole-millisecond clock (within 0.02)", () => {
  for (const ms of [0.2, 0.6, 1.0]) {
    const load = window(ms);
    assert.ok(Math.abs(load - ms / BLOCK_MS) < 0.02, `${ms} ms a block: load ${load.toFixed(3)}`);
  }
});

test("a burst that stalls the thread in 3 of 8 parts of the window leaves the load typical (< 0.3)", () => {
  // 30 ms preemptions every 20th block during the first 750 ms: 25 % of real time lost there
  const load = window(0.2, (i) => (i < 187 && i % 20 === 0 ? 30 : 0));
  assert.ok(load < 0.1, `light engine under a burst: load ${load.toFixed(3)}`);
});

test("an engine too heavy for its thread is heavy in every part: 1.6 ms of a 4 ms block reads 0.4 (within 0.02)", () => {
  const load = window(1.6);
  assert.ok(Math.abs(load - 0.4) < 0.02, `heavy engine: load ${load.toFixed(3)}`);
});

test("before a part is complete the load is the window's total so far", () => {
  const meter = new LoadMeter(WINDOW_MS);
  meter.add(1, BLOCK_MS);
  meter.add(0, BLOCK_MS);
  assert.equal(meter.load, 1 / 8);
  meter.reset();
  assert.equal(meter.load, 0);
});
