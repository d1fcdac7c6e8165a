// Settings (static/js/page/settings.js): remembered choices, validated on every read.
import assert from "node:assert/strict";
import test from "node:test";

import { SA_MIDI_DEFAULT } from "../../static/js/dsp/sargam.js";
import { createSettings } from "../../static/js/page/settings.js";

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), map: m };
}

test("a choice set is read back after a reload (new settings object on the same storage)", () => {
  const storage = memoryStorage();
  const a = createSettings(storage);
  a.set("saMidi", 55);
  a.set("naming", "western");
  a.set("instrument", "sitar");
  a.set("tanpuraVolume", 0.3);
  a.set("recordDry", true);
  const b = createSettings(storage);
  assert.deepEqual(["saMidi", "naming", "instrument", "tanpuraVolume", "recordDry"].map(b.get), [55, "western", "sitar", 0.3, true]);
});

test("defaults when nothing is stored or storage is unavailable", () => {
  for (const s of [createSettings(memoryStorage()), createSettings(null)]) {
    assert.equal(s.get("saMidi"), SA_MIDI_DEFAULT);
    assert.equal(s.get("naming"), "sargam");
    assert.equal(s.get("instrument"), null);
    assert.equal(s.get("dryMix"), 0);
    assert.equal(s.get("instrumentMix"), 1);
    assert.equal(s.get("recordDry"), false);
  }
});

test("garbage in storage reads as the default or is clamped; unknown keys are an error", () => {
  const storage = memoryStorage();
  storage.setItem("swara.saMidi", "9999");
  storage.setItem("swara.naming", "klingon");
  storage.setItem("swara.instrument", "../../etc");
  storage.setItem("swara.outputGainDb", "70");
  storage.setItem("swara.tanpuraVolume", "loud");
  const s = createSettings(storage);
  assert.deepEqual(["saMidi", "naming", "instrument", "outputGainDb", "tanpuraVolume"].map(s.get), [SA_MIDI_DEFAULT, "sargam", null, 12, 0.5]);
  assert.throws(() => s.get("colour"), /unknown setting "colour"/);
});

test("a storage that throws (private mode, quota) keeps the page working", () => {
  const s = createSettings({ getItem() { throw new Error("denied"); }, setItem() { throw new Error("quota"); } });
  s.set("saMidi", 50);
  assert.equal(s.get("saMidi"), SA_MIDI_DEFAULT);
});

test("raga choices: a known raga or none, tuning off by default, its strength clamped", () => {
  const storage = memoryStorage();
  const s = createSettings(storage);
  assert.deepEqual(["raga", "ragaTuning", "ragaTuningStrength"].map(s.get), ["none", false, 0.5]);
  s.set("raga", "malkauns");
  s.set("ragaTuning", true);
  s.set("ragaTuningStrength", 0.8);
  assert.deepEqual(["raga", "ragaTuning", "ragaTuningStrength"].map(createSettings(storage).get), ["malkauns", true, 0.8]);
  storage.setItem("swara.raga", "<script>");
  storage.setItem("swara.ragaTuningStrength", "5");
  assert.deepEqual(["raga", "ragaTuningStrength"].map(s.get), ["none", 1]);
});
