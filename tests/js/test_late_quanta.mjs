// Late quanta: an audio thread that renders later than a device's buffer allows.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LateQuanta } from "../../static/js/engine/late-quanta.js";

const QUANTUM_MS = (128 / 44100) * 1000;

/**
 * Quanta rendered in callbacks of `perCallback` at once, every callback on time unless
 * `stallMs[c]`; after a stall the device catches up 2 ms a callback, or (skip) never: the lost
 * time is gone for good, as a fake device that skips ahead does.
 */
function render(meter, callbacks, perCallback, stallMs = {}, { skip = false } = {}) {
  let q = 0, wallMs = 1e6, debt = 0;
  for (let c = 0; c < callbacks; c++) {
    const due = 1e6 + c * perCallback * QUANTUM_MS;
    debt += stallMs[c] || 0;
    wallMs = Math.max(wallMs, Math.floor(due + debt)); // Date.now(): whole ms
    for (let i = 0; i < perCallback; i++) meter.update(wallMs, q++ * QUANTUM_MS);
    if (!skip) debt = Math.max(0, debt - 2);
  }
}

test("quanta rendered on time, 3-4 to a callback, are never late", () => {
  const meter = new LateQuanta(20);
  render(meter, 2000, 4);
  assert.equal(meter.events, 0);
  assert.ok(meter.worstMs <= 4 * QUANTUM_MS + 1, `the spread of one callback's quanta: ${meter.worstMs} ms`);
});

test("a 50 ms stall of the audio thread is one late event, as late as the stall", () => {
  const meter = new LateQuanta(20);
  render(meter, 2000, 4, { 1000: 50 });
  assert.equal(meter.events, 1);
  assert.ok(meter.worstMs >= 50 && meter.worstMs <= 50 + 4 * QUANTUM_MS + 1, `${meter.worstMs} ms`);
  assert.ok(meter.lateQuanta > 0);
});

test("stalls shorter than the tolerance are not counted", () => {
  const meter = new LateQuanta(20);
  render(meter, 2000, 4, { 500: 8, 1500: 8 });
  assert.equal(meter.events, 0);
});

test("two stalls a second apart are two events", () => {
  const meter = new LateQuanta(20);
  render(meter, 2000, 4, { 500: 50, 600: 50 }); // 100 callbacks of 4 quanta: 1.16 s apart
  assert.equal(meter.events, 2);
});

test("a device that skips the lost time: each stall counts once, and the next one again", () => {
  const meter = new LateQuanta(30);
  render(meter, 3000, 4, { 500: 100, 1500: 100 }, { skip: true }); // the stalls are 11.6 s apart
  assert.equal(meter.events, 2);
  const lateSeconds = (meter.lateQuanta * QUANTUM_MS) / 1000;
  assert.ok(lateSeconds < 4, `the floor follows the lasting shift within seconds: ${lateSeconds.toFixed(1)} s counted late`);
});

