// backend-memory.js: a device's measurement is remembered for a returning visit, validated on
// every read, and only where it can be trusted (same device key, fresh, shortest block).
import assert from "node:assert/strict";
import test from "node:test";

import { deviceKey, recallMeasurement, rememberMeasurement } from "../../static/js/page/backend-memory.js";
import { BACKEND_MEMORY, BLOCK_FRAMES_CHOICES } from "../../static/js/config.js";

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
  removeItem(k) { this.items.delete(k); }
}

const DAY_MS = 24 * 3600 * 1000;
const device = deviceKey({ userAgent: "Chrome/131 Android", hardwareConcurrency: 8, deviceMemory: 4 });
const shortest = BLOCK_FRAMES_CHOICES[0];
const measured = (blockFrames = shortest) => ({
  choice: { backend: "wasm", blockFrames, keepsUp: true, p50Ms: 0.2, p99Ms: 0.5, reason: "fastest", name: "wasm", threads: 1 },
  measurements: [
    { backend: "webgl", blockFrames, blockMs: 4, p50Ms: 2.3, p99Ms: 5.5, n: 100 },
    { backend: "wasm", blockFrames, blockMs: 4, p50Ms: 0.2, p99Ms: 0.5, n: 100 },
  ],
});

test("a measurement at the shortest block is recalled on the same device within the memory's days", () => {
  const s = new MemoryStorage();
  rememberMeasurement(s, measured(), { modelId: "bansuri", nowMs: 1000, device });
  const r = recallMeasurement(s, { nowMs: 1000 + (BACKEND_MEMORY.days - 0.1) * DAY_MS, device });
  assert.equal(r.modelId, "bansuri");
  assert.deepEqual([r.choice.backend, r.choice.blockFrames], ["wasm", shortest]);
  assert.deepEqual(r.measurements.map((m) => m.backend), ["webgl", "wasm"]);
  assert.equal(r.measurements[0].n, undefined, "only the fields the choice rules read are kept");
});

test("another browser build or core count, a stale record, or a longer block is not recalled", () => {
  const s = new MemoryStorage();
  rememberMeasurement(s, measured(), { modelId: "bansuri", nowMs: 0, device });
  assert.equal(recallMeasurement(s, { nowMs: 1, device: deviceKey({ userAgent: "Chrome/132 Android", hardwareConcurrency: 8, deviceMemory: 4 }) }), null);
  assert.equal(recallMeasurement(s, { nowMs: 1, device: deviceKey({ userAgent: "Chrome/131 Android", hardwareConcurrency: 4, deviceMemory: 4 }) }), null);
  assert.equal(recallMeasurement(s, { nowMs: BACKEND_MEMORY.days * DAY_MS, device }), null, "stale after the memory's days");
  assert.equal(recallMeasurement(s, { nowMs: -1, device }), null, "a record from the future (clock changed) is not trusted");
  rememberMeasurement(s, measured(BLOCK_FRAMES_CHOICES[1]), { modelId: "bansuri", nowMs: 0, device });
  assert.equal(recallMeasurement(s, { nowMs: 1, device }), null, "a longer block may have been a bad moment: forgotten, measured again");
});

test("a confirmed (remembered) or not-keeping-up choice does not overwrite the record", () => {
  const s = new MemoryStorage();
  rememberMeasurement(s, measured(), { modelId: "bansuri", nowMs: 5, device });
  const again = measured();
  again.choice.remembered = true;
  rememberMeasurement(s, again, { modelId: "sitar", nowMs: 10, device });
  const slow = measured();
  slow.choice.keepsUp = false;
  rememberMeasurement(s, slow, { modelId: "sitar", nowMs: 10, device });
  const r = recallMeasurement(s, { nowMs: 20, device });
  assert.deepEqual([r.modelId, r.measuredAt], ["bansuri", 5], "the original measurement and its date stay");
});

test("unreadable or hand-edited records are ignored, and no storage is no memory", () => {
  const s = new MemoryStorage();
  for (const bad of ["{", "null", "42", '{"choice":{}}', JSON.stringify({ device, modelId: "x", measuredAt: 0, choice: { backend: "wasm", blockFrames: shortest }, measurements: [null] })]) {
    s.setItem("swara.backendMeasurement", bad);
    assert.equal(recallMeasurement(s, { nowMs: 1, device }), null, bad);
  }
  assert.equal(recallMeasurement(null, { nowMs: 1, device }), null);
  assert.doesNotThrow(() => rememberMeasurement(null, measured(), { modelId: "a", nowMs: 1, device }));
  const full = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); }, removeItem() {} };
  assert.doesNotThrow(() => rememberMeasurement(full, measured(), { modelId: "a", nowMs: 1, device }), "a full storage only means no memory");
});
