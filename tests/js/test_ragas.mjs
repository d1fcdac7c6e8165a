// Ragas (static/js/dsp/ragas.js): the table the page offers, its swaras as pitches, the tanpura.
import assert from "node:assert/strict";
import test from "node:test";

import {
  getRaga, parseSwaras, RAGAS, ragaMidiNotes, ragaPitchClasses, ragaSemitones, tanpuraFirstString,
} from "../../static/js/dsp/ragas.js";

const NAMED_IN_THE_ISSUE = [
  "Yaman", "Bhairav", "Bhimpalasi", "Malkauns", "Kafi", "Bhupali", "Darbari", "Todi", "Bageshri", "Des", "Khamaj", "Marwa",
  "Kalyani", "Mohanam", "Shankarabharanam", "Hindolam", "Kharaharapriya", "Mayamalavagowla",
];

test("at least 24 ragas, both traditions, every raga named in the issue among them", () => {
  assert.ok(RAGAS.length >= 24, `${RAGAS.length} ragas`);
  assert.ok(RAGAS.filter((r) => r.tradition === "hindustani").length >= 12);
  assert.ok(RAGAS.filter((r) => r.tradition === "carnatic").length >= 8);
  for (const name of NAMED_IN_THE_ISSUE) assert.ok(RAGAS.some((r) => r.name.startsWith(name)), `${name} missing`);
  assert.equal(new Set(RAGAS.map((r) => r.id)).size, RAGAS.length, "ids are unique");
});

test("every raga has 5-8 swaras with Sa, an aroha rising and an avaroha falling to Sa", () => {
  for (const r of RAGAS) {
    assert.ok(r.semitones.length >= 5 && r.semitones.length <= 8, `${r.id}: ${r.swaras}`);
    assert.equal(r.semitones[0], 0, `${r.id} has Sa`);
    assert.equal(r.arohaSemitones.at(-1), 12, `${r.id}'s aroha ends on taar Sa`);
    assert.equal(r.avarohaSemitones.at(-1), 0, `${r.id}'s avaroha ends on Sa`);
    assert.ok(r.arohaSemitones.at(-1) > r.arohaSemitones[0] && r.avarohaSemitones[0] > r.avarohaSemitones.at(-1));
    assert.ok(r.vadi !== r.samvadi, `${r.id}: vadi and samvadi differ`);
    assert.ok(r.family.length > 0);
  }
});

test("komal and tivra are read from the notation: Yaman has tivra Ma, Bhairav komal Re and Dha, Malkauns no Re or Pa", () => {
  assert.deepEqual(ragaSemitones("yaman"), [0, 2, 4, 6, 7, 9, 11]);
  assert.deepEqual(ragaSemitones("bhairav"), [0, 1, 4, 5, 7, 8, 11]);
  assert.deepEqual(ragaSemitones("malkauns"), [0, 3, 5, 8, 10]);
  assert.deepEqual(ragaSemitones("todi"), [0, 1, 3, 6, 7, 8, 11]);
  assert.deepEqual(parseSwaras(".N R G M D N S'"), [-1, 2, 4, 6, 9, 11, 12]);
});

test("Carnatic ragas share swaras with their Hindustani counterparts", () => {
  const carnatic = RAGAS.filter((r) => r.tradition === "carnatic");
  assert.ok(carnatic.every((r) => r.counterpart), "each names the Hindustani raga its vadi and samvadi come from");
  for (const r of carnatic) {
    const twin = RAGAS.find((h) => h.tradition === "hindustani" && h.name === r.counterpart);
    if (twin) assert.deepEqual([r.semitones, r.vadi, r.samvadi], [twin.semitones, twin.vadi, twin.samvadi], `${r.id} vs ${twin.id}`);
  }
  assert.deepEqual(ragaSemitones("mayamalavagowla"), [0, 1, 4, 5, 7, 8, 11], "melakarta 15: R1 G3 M1 D1 N3");
  assert.deepEqual(ragaSemitones("kharaharapriya"), [0, 2, 3, 5, 7, 9, 10], "melakarta 22: R2 G2 M1 D2 N2");
});

test("ragaPitchClasses: (saMidi + swara) mod 12 in MIDI semitones, C = 0, ascending", () => {
  // Bhupali with Sa at A3 (MIDI 57): A B C# E F#
  assert.deepEqual(ragaPitchClasses("bhupali", 57), [1, 4, 6, 9, 11]);
  // Sa on C: the raga's own semitones
  assert.deepEqual(ragaPitchClasses("yaman", 48), [0, 2, 4, 6, 7, 9, 11]);
  // a Sa found between keys keeps its cents: E3 + 13 cents
  const pcs = ragaPitchClasses("malkauns", 52.13);
  assert.deepEqual(pcs.map((p) => Number(p.toFixed(2))), [0.13, 2.13, 4.13, 7.13, 9.13]);
  assert.equal(ragaPitchClasses(null, 50).length, 12, "no raga: all twelve");
  assert.throws(() => ragaPitchClasses("yaman", NaN), /saMidi must be a MIDI note number/);
});

test("ragaMidiNotes lists the raga's notes in every octave of a range", () => {
  assert.deepEqual(ragaMidiNotes("hindolam", 60, 55, 72), [56, 58, 60, 63, 65, 68, 70, 72]);
});

test("the tanpura's first string: Pa, Ma where the raga has no Pa, Ni for Marwa", () => {
  assert.deepEqual(tanpuraFirstString("yaman"), { token: "P", ratio: 3 / 4 });
  assert.deepEqual(tanpuraFirstString("malkauns"), { token: "m", ratio: 2 / 3 });
  assert.deepEqual(tanpuraFirstString("marwa"), { token: "N", ratio: 15 / 16 });
  assert.deepEqual(tanpuraFirstString(null), { token: "P", ratio: 3 / 4 });
  for (const r of RAGAS) if (!r.semitones.includes(7)) assert.notEqual(r.tanpura, "P", `${r.id} has no Pa to tune to`);
});

test("unknown ragas and bad swaras are clear errors; 'none' is no raga", () => {
  assert.equal(getRaga("none"), null);
  assert.throws(() => getRaga("yamanx"), /unknown raga "yamanx"/);
  assert.throws(() => parseSwaras("S X"), /swara "X"/);
});
