// Mapping: register and loudness matching, manual shifts, and the silence gate.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Mapper } from "../../static/js/engine/mapping.js";
import { shippedMetadata } from "../fixtures/load.mjs";

const META = {
  frame_rate: 250,
  f0_stats: { mean_hz: 523.25, mean_midi: 72, std_midi: 4 },
  loudness_stats: { mean_db: -30, std_db: 6, p05_db: -45, p95_db: -18 },
  analysis: shippedMetadata().analysis,
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

test("one octave per take: rests and consonant gaps inside a take never change it", () => {
  const m = new Mapper(META);
  m.map(frames(5, { f0Hz: 220 }), 5, out(5)); // A3: +1 octave toward C5
  assert.equal(m.autoOctaves, 1);
  // The melody climbs to E4 and falls to D3 with short rests (0.4 s) and consonants (60 ms).
  for (const [f0Hz, rest] of [[330, 100], [147, 15], [262, 100], [147, 100]]) {
    m.map(frames(rest, { voiced: 0, loudnessDb: -70 }), rest, out(rest));
    const o = m.map(frames(200, { f0Hz }), 200, out(200));
    assert.equal(m.autoOctaves, 1, `octave changed after a ${rest * 4} ms gap`);
    assert.ok(Math.abs(o.f0Hz[199] - 2 * f0Hz) < 1e-3);
  }
});

test("a take's first note is confirmed before it sets the octave: an octave slip at the onset does not", () => {
  const m = new Mapper(META);
  const o = m.map(frames(1, { f0Hz: 440 }), 1, out(1)); // a tracker's octave slip on the first frame
  assert.equal(o.gate[0], 0, "the gate stays shut until the take's first note is confirmed");
  m.map(frames(5, { f0Hz: 220 }), 5, out(5)); // the note itself, A3
  assert.equal(m.autoOctaves, 1, "A3 -> A4, nearest the bansuri's C5; the slip to A4 would have chosen 0");
});

test("after 3 s of silence a new take may choose a new octave", () => {
  const m = new Mapper(META);
  m.map(frames(5, { f0Hz: 220 }), 5, out(5));
  assert.equal(m.autoOctaves, 1);
  m.map(frames(749, { voiced: 0, loudnessDb: -100 }), 749, out(749));
  assert.equal(m.autoOctaves, 1, "2.996 s of silence is still the same take");
  m.map(frames(1, { voiced: 0, loudnessDb: -100 }), 1, out(1));
  assert.equal(m.autoOctaves, null, "3 s of silence ends the take");
  m.alpha = 1; // the register estimate follows the new singer at once
  m.map(frames(5, { f0Hz: 1046.5 }), 5, out(5)); // C6: an octave above the bansuri's C5
  assert.equal(m.autoOctaves, -1);
});

test("a hand on the octave control ends the take", () => {
  const m = new Mapper(META);
  m.map(frames(5, { f0Hz: 220 }), 5, out(5));
  m.setControls({ octaveShift: 0 });
  assert.equal(m.autoOctaves, null);
  m.setControls({ octaveShift: null });
  m.map(frames(5, { f0Hz: 220 }), 5, out(5));
  assert.equal(m.autoOctaves, 1);
});

test("a singer halfway between two octaves does not flip octave from take to take", () => {
  const m = new Mapper(META);
  m.alpha = 0;
  m.singerMidi = 72 - 18; // ideal shift 1.5 octaves
  m.map(frames(5, { f0Hz: 200 }), 5, out(5));
  const first = m.autoOctaves;
  for (const ideal of [1.6, 1.4, 1.7, 1.3]) {
    m.map(frames(750, { voiced: 0, loudnessDb: -80 }), 750, out(750));
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
  const m = new Mapper(META, { gateCloseFrames: 5 });
  m.map(frames(20), 20, out(20));
  const o = m.map(frames(10, { voiced: 0, loudnessDb: -100 }), 10, out(10));
  assert.deepEqual(Array.from(o.gate.subarray(0, 5)).map((g) => +g.toFixed(2)), [0.8, 0.6, 0.4, 0.2, 0]);
  assert.equal(o.loudnessDb[9], META.analysis.loudness_floor_db, "the model's silence");
});

test("a quiet voiced frame below the gate threshold does not open the gate", () => {
  const m = new Mapper(META, { gateDb: -40 });
  const o = m.map(frames(10, { loudnessDb: -50 }), 10, out(10));
  assert.equal(o.gate[9], 0);
});

test("a take goes on in another mapper (an engine on another thread): same octave, gate and singer", () => {
  const a = new Mapper(META);
  a.map(frames(20, { f0Hz: 220 }), 20, out(20)); // A3: the take's octave is +1
  const b = new Mapper(META);
  b.continueTake(JSON.parse(JSON.stringify(a.take))); // as posted between threads
  assert.deepEqual(b.take, a.take);
  // An octave higher in the same take: an untouched mapper would choose 0, the take keeps +1.
  const ob = b.map(frames(5, { f0Hz: 440 }), 5, out(5));
  assert.equal(b.autoOctaves, 1);
  assert.ok(Math.abs(ob.f0Hz[0] - 880) < 1e-3, "no frame waits for a new take's first note");
  assert.equal(ob.gate[0], 1, "the gate stays open across the hand-over");
});
