// Earlier riyaz takes on the device (static/js/page/riyaz-history.js): kept, capped, validated.
import assert from "node:assert/strict";
import test from "node:test";

import { createRiyazHistory, RIYAZ_TAKES_KEPT } from "../../static/js/page/riyaz-history.js";

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), map: m };
}
const take = (i, raga = "yaman") => ({
  at: `2026-12-03T04:${String(i % 60).padStart(2, "0")}:00Z`, raga, saHz: 146.8,
  swaras: [{ semitone: 4, label: "Ga", seconds: 2.5, meanOffsetCents: 12 + i, steadyCents: 6, notes: 3, inRaga: true }],
});

test("takes are kept across visits, per raga, the newest 30", () => {
  const storage = memoryStorage();
  const a = createRiyazHistory(storage);
  for (let i = 0; i < RIYAZ_TAKES_KEPT + 5; i++) a.remember(take(i, i % 2 ? "yaman" : "none"));
  const b = createRiyazHistory(storage);
  assert.equal(b.takes().length, RIYAZ_TAKES_KEPT);
  assert.equal(b.takes().at(-1).swaras[0].meanOffsetCents, 12 + RIYAZ_TAKES_KEPT + 4, "newest last");
  assert.ok(b.takes("yaman").every((t) => t.raga === "yaman"));
  assert.deepEqual(Object.keys(b.takes()[0].swaras[0]).sort(), ["meanOffsetCents", "seconds", "semitone", "steadyCents"], "only the numbers are kept");
});

test("garbage in storage is dropped; a storage that throws keeps the page working; a bad take is a clear error", () => {
  const storage = memoryStorage();
  storage.setItem("swara.riyazTakes", JSON.stringify([take(1), { at: 5 }, "x", { ...take(2), swaras: [{ semitone: 40 }] }]));
  assert.equal(createRiyazHistory(storage).takes().length, 1);
  storage.setItem("swara.riyazTakes", "{not json");
  assert.deepEqual(createRiyazHistory(storage).takes(), []);
  const denied = createRiyazHistory({ getItem() { throw new Error("denied"); }, setItem() { throw new Error("quota"); } });
  denied.remember(take(1));
  assert.deepEqual(denied.takes(), []);
  assert.throws(() => createRiyazHistory(memoryStorage()).remember({ at: "now" }), /a take needs at, raga, saHz and swaras/);
});
