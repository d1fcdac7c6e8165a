// Mapping: register and loudness matching, manual shifts, and the silence gate.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Mapper } from "../../static/js/mapping.js";

const META = {
  f0_stats: { mean_hz: 523.25, mean_midi: 72, std_midi: 4 },
  loudness_stats: { mean_db: -30, std_db: 6, p05_db: -45, p95_db: -18 },
};

function frames(n, { f0Hz = 220, loudnessDb = -30, voiced = 1 } = {}) {
  return { f0Hz: new Float32Array(n).fill(f0Hz), loudnessDb: new Float32Array(n).fill(loudnessDb), voiced: new Uint8Array(n).fill(voiced) };
}

function out(n) {
  return { f0Hz: new Float32Array(n), loudnessDb: new Float32Array(n), gate: new Float32Array(n) };
}

test("a singer at A3 is moved whole octaves toward a bansuri around C5", () => {
  const m = new Mapper(META);
  const o = m.map(frames(10, { f0Hz: 220 }), 10, out(10));
  assert.equal(m.autoOctaves, 1); // A3 (57) -> A4 (69) is nearest C5 (72) in whole octaves
  assert.ok(Math.abs(o.f0Hz[9] - 440) < 1e-3);
});

test("the automatic octave changes only at a phrase onset, never inside a note", () => {
  const m = new Mapper(META);
  m.map(frames(5, { f0Hz: 220 }), 5, out(5));
  const before = m.autoOctaves;
  // A long low note drags the singer estimate down, but the note keeps its octave.
  m.map(frames(3000, { f0Hz: 110 }), 3000, out(3000));
  assert.equal(m.autoOctaves, before);
  m.map(frames(10, { voiced: 0, loudnessDb: -120 }), 10, out(10));
  m.map(frames(5, { f0Hz: 110 }), 5, out(5));
  assert.equal(m.autoOctaves, 2, "after a rest the new register is used");
});

test("a singer halfway between two octaves does not flip octave from phrase to phrase", () => {
  const m = new Mapper(META);
  m.singerMidi = 72 - 18; // ideal shift 1.5 octaves
  m.alpha = 0;
  m.map(frames(5, { f0Hz: 200 }), 5, out(5));
  const first = m.autoOctaves;
  for (const ideal of [1.6, 1.4, 1.7, 1.3]) {
    m.map(frames(10, { voiced: 0, loudnessDb: -80 }), 10, out(10));
    m.singerMidi = 72 - 12 * ideal;
    m.map(frames(5, { f0Hz: 200 }), 5, out(5));
    assert.equal(m.autoOctaves, first, `flipped at an ideal shift of ${ideal}`);
  }
});

test("manual octave and semitone shifts override the automatic register", () => {
  const m = new Mapper(META, { octaveShift: -1, semitoneShift: 2 });
  const o = m.map(frames(4, { f0Hz: 440 }), 4, out(4));
  assert.ok(Math.abs(o.f0Hz[3] - 220 * 2 ** (2 / 12)) < 1e-3);
});

test("loudness is mapped onto the instrument's mean and spread", () => {
  const m = new Mapper(META);
  m.singerLoudMean = -10;
  m.singerLoudVar = 36;
  m.alpha = 0; // freeze the singer statistics for the check
  const o = m.map(frames(10, { loudnessDb: -10 }), 10, out(10));
  assert.ok(Math.abs(o.loudnessDb[9] - -30) < 1e-4, `${o.loudnessDb[9]}`);
  const loud = m.map(frames(1, { loudnessDb: -4 }), 1, out(1));
  assert.ok(Math.abs(loud.loudnessDb[0] - -24) < 1e-4);
});

test("silence closes the gate over a few frames and sends the instrument to silence", () => {
  const m = new Mapper(META, { gateFrames: 5 });
  m.map(frames(20), 20, out(20));
  const o = m.map(frames(10, { voiced: 0, loudnessDb: -100 }), 10, out(10));
  assert.deepEqual(Array.from(o.gate.subarray(0, 5)).map((g) => +g.toFixed(2)), [0.8, 0.6, 0.4, 0.2, 0]);
  assert.equal(o.loudnessDb[9], -80);
});

test("a quiet voiced frame below the gate threshold does not open the gate", () => {
  const m = new Mapper(META, { gateDb: -40 });
  const o = m.map(frames(10, { loudnessDb: -50 }), 10, out(10));
  assert.equal(o.gate[9], 0);
});
