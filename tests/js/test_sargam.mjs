// Sargam (static/js/dsp/sargam.js): Hz → swara and cents relative to the singer's Sa.
import assert from "node:assert/strict";
import test from "node:test";

import { describePitch, hzToSwara, parseSaMidi, SA_MIDI_DEFAULT, saChoices, saLabel, swaraShortAt, swaraLines, SWARAS } from "../../static/js/dsp/sargam.js";

const SA = 130.81; // C3
const above = (hz, cents) => hz * 2 ** (cents / 1200);

test("each of the twelve equal-tempered steps above Sa is named, komal and tivra marked", () => {
  const labels = SWARAS.map((_, k) => hzToSwara(above(SA, 100 * k), SA).label);
  assert.deepEqual(labels, ["Sa", "komal Re", "Re", "komal Ga", "Ga", "Ma", "tivra Ma", "Pa", "komal Dha", "Dha", "komal Ni", "Ni"]);
  for (let k = 0; k < 12; k++) assert.equal(hzToSwara(above(SA, 100 * k), SA).cents, 0);
});

test("cents are from the nearest swara, signed, within ±50", () => {
  assert.deepEqual([hzToSwara(above(SA, 700 + 23), SA).label, hzToSwara(above(SA, 700 + 23), SA).cents], ["Pa", 23]);
  assert.deepEqual([hzToSwara(above(SA, 700 - 31), SA).label, hzToSwara(above(SA, 700 - 31), SA).cents], ["Pa", -31]);
  // 60 cents above Pa is nearer komal Dha (40 below it)
  assert.deepEqual([hzToSwara(above(SA, 760), SA).label, hzToSwara(above(SA, 760), SA).cents], ["komal Dha", -40]);
  for (let c = -1300; c <= 2500; c += 7) {
    const s = hzToSwara(above(SA, c), SA);
    assert.ok(Math.abs(s.cents) <= 50, `${c} cents read as ${s.label} ${s.cents}`);
    assert.ok(Math.abs(s.centsFromSa - c) < 1e-6);
  }
});

test("saptak: mandra below Sa, madhya from Sa, taar from the upper Sa", () => {
  assert.deepEqual(pick(hzToSwara(SA * 0.75, SA)), ["Pa", -1]); // the tanpura's low Pa (3/4 of Sa)
  assert.deepEqual(pick(hzToSwara(SA / 2, SA)), ["Sa", -1]);
  assert.deepEqual(pick(hzToSwara(above(SA, 1100), SA)), ["Ni", 0]);
  assert.deepEqual(pick(hzToSwara(SA * 2, SA)), ["Sa", 1]);
  assert.deepEqual(pick(hzToSwara(above(SA, -20), SA)), ["Sa", 0], "just under Sa is still Sa (−20 cents), not mandra");
  function pick(s) { return [s.label, s.saptak]; }
});

test("the tanpura's just Pa (3/2) reads as Pa, 2 cents sharp of equal temperament", () => {
  const s = hzToSwara(SA * 1.5, SA);
  assert.equal(s.label, "Pa");
  assert.equal(s.cents, 2);
});

test("no pitch gives null, not a swara", () => {
  for (const f of [0, -1, NaN, Infinity, undefined]) assert.equal(hzToSwara(f, SA), null);
  assert.equal(hzToSwara(220, 0), null, "no Sa: no swara");
  assert.equal(describePitch(0, { saHz: SA }), null);
});

test("describePitch gives Western names as a setting", () => {
  assert.deepEqual(describePitch(220, { saHz: SA, naming: "western" }), { name: "A3", cents: 0 });
  assert.deepEqual(describePitch(220, { saHz: 220 }), { name: "Sa", cents: 0, saptak: 0 });
});

test("swaraLines lists every line in range, low to high", () => {
  const lines = swaraLines(-500, 1200);
  assert.equal(lines.length, 18);
  assert.deepEqual([lines[0].swara.name, lines[0].saptak], ["Pa", -1]);
  assert.deepEqual([lines.at(-1).swara.name, lines.at(-1).saptak], ["Sa", 1]);
  assert.ok(lines.every((l, i) => i === 0 || l.centsFromSa - lines[i - 1].centsFromSa === 100));
});

test("a stored Sa is kept when valid (to the cent: a Sa found by singing), else the default", () => {
  assert.equal(parseSaMidi("50"), 50);
  assert.equal(parseSaMidi("52.134"), 52.13);
  for (const bad of [null, "", "abc", "12", "200", "NaN"]) assert.equal(parseSaMidi(bad), SA_MIDI_DEFAULT, String(bad));
  const choices = saChoices();
  assert.equal(choices[0].label, "A2 (110.0 Hz)");
  assert.ok(choices.some((c) => c.midi === SA_MIDI_DEFAULT && c.label === "C3 (130.8 Hz)"));
});

test("a Sa between the keys is offered in its place, named by its nearest note and cents", () => {
  const choices = saChoices(64.13);
  const i = choices.findIndex((c) => c.midi === 64.13);
  assert.deepEqual([choices[i - 1].midi, choices[i + 1].midi], [64, 65]);
  assert.equal(choices[i].label, "E4 +13 ¢ (332.1 Hz)");
  assert.equal(saLabel(47.8), "C3 −20 ¢ (129.3 Hz)");
  assert.equal(saChoices(50).length, saChoices().length, "a key is not offered twice");
});

test("short labels mark the saptak: a dot below for mandra, above for taar", () => {
  assert.deepEqual([-5, -1, 0, 6, 10, 12].map(swaraShortAt), ["Pa\u0323", "Ni\u0323", "Sa", "Ma'", "ni", "Sa\u0307"]);
});
