// The riyaz report (static/js/dsp/riyaz-stats.js) on takes with offsets injected per swara,
// read at the page's 20 pitch readings a second.
import assert from "node:assert/strict";
import test from "node:test";

import { midiToHz } from "../../static/js/dsp/notes.js";
import { getRaga, ragaSemitones } from "../../static/js/dsp/ragas.js";
import { compareWithEarlier, describeSwaraStat, riyazCsv, riyazStats } from "../../static/js/dsp/riyaz-stats.js";
import { phraseContour, ragaWalk } from "../kit/sung-phrases.js";

const FPS = 20;
const SA_MIDI = 52; // E3
const SA_HZ = midiToHz(SA_MIDI);
// The singer: Ga 12 cents sharp, Re 8 flat, Pa 3 sharp, Ni 15 sharp; 6 cents of jitter on every note.
const INJECTED = [0, 0, -8, 0, 12, 0, 0, 3, 0, 0, 0, 15];
const JITTER_CENTS = 6;

function take({ seed = 1, nNotes = 60, raga = getRaga("bilaval") } = {}) {
  const notes = ragaWalk(raga, { seed, nNotes, startSemitone: 4 });
  const f0Hz = phraseContour(notes, { saMidi: SA_MIDI, frameRate: FPS, seed, intonationCents: INJECTED, jitterCents: JITTER_CENTS });
  return { notes, f0Hz };
}
const row = (report, semitone) => report.swaras.find((r) => r.semitone === semitone);

test("each swara's mean offset is the one injected, within ±2.5 cents (3 standard errors of 6-cent jitter)", () => {
  const report = riyazStats(take().f0Hz, { frameRate: FPS, saHz: SA_HZ });
  for (const [semitone, injected] of [[2, -8], [4, 12], [7, 3], [11, 15], [0, 0]]) {
    const r = row(report, semitone);
    assert.ok(r, `${semitone} was sung`);
    assert.ok(Math.abs(r.meanOffsetCents - injected) <= 2.5, `${r.label}: ${r.meanOffsetCents.toFixed(1)} for ${injected}`);
  }
});

test("steadiness is the jitter about each note: 6 cents within ±1.5", () => {
  const report = riyazStats(take().f0Hz, { frameRate: FPS, saHz: SA_HZ });
  for (const r of report.swaras.filter((x) => x.seconds >= 2)) {
    assert.ok(Math.abs(r.steadyCents - JITTER_CENTS) <= 1.5, `${r.label} steady ±${r.steadyCents.toFixed(1)}`);
  }
});

test("time per swara is the time it was held, within 20 %; glides between notes count for no swara", () => {
  const { notes, f0Hz } = take();
  const report = riyazStats(f0Hz, { frameRate: FPS, saHz: SA_HZ });
  for (const r of report.swaras.filter((x) => x.seconds >= 2)) {
    const sung = notes.filter((n) => ((n.semitone % 12) + 12) % 12 === r.semitone).reduce((s, n) => s + n.seconds, 0);
    assert.ok(Math.abs(r.seconds - sung) <= 0.2 * sung, `${r.label}: ${r.seconds.toFixed(2)} s for ${sung.toFixed(2)} s`);
  }
  // one slow meend from Sa to Pa: through Re, Ga, Ma on the way, none held
  const glide = phraseContour([{ semitone: 0, seconds: 1 }, { semitone: 7, seconds: 1 }], { saMidi: SA_MIDI, frameRate: FPS, meendShare: 1, meendSeconds: 0.8 });
  assert.deepEqual(riyazStats(glide, { frameRate: FPS, saHz: SA_HZ }).swaras.map((r) => r.label), ["Sa", "Pa"]);
});

test("swaras outside the chosen raga are marked", () => {
  const f0Hz = phraseContour([{ semitone: 4, seconds: 1 }, { semitone: 10, seconds: 1 }], { saMidi: SA_MIDI, frameRate: FPS });
  const report = riyazStats(f0Hz, { frameRate: FPS, saHz: SA_HZ, semitones: ragaSemitones("yaman") });
  assert.deepEqual(report.swaras.map((r) => [r.label, r.inRaga]), [["Ga", true], ["komal Ni", false]]);
});

test("in words: 'Ga +12 ¢, steady ±6 ¢'", () => {
  assert.equal(describeSwaraStat({ label: "Ga", meanOffsetCents: 11.6, steadyCents: 6.2 }), "Ga +12 ¢, steady ±6 ¢");
  assert.equal(describeSwaraStat({ label: "komal Re", meanOffsetCents: -8.4, steadyCents: 3.5 }), "komal Re −8 ¢, steady ±4 ¢");
});

test("compared with earlier takes, each weighted by the time it held the swara; CSV for export", () => {
  const report = riyazStats(take().f0Hz, { frameRate: FPS, saHz: SA_HZ });
  const earlier = [
    { swaras: [{ semitone: 4, seconds: 1, meanOffsetCents: 20, steadyCents: 10 }] },
    { swaras: [{ semitone: 4, seconds: 3, meanOffsetCents: 16, steadyCents: 6 }, { semitone: 0, seconds: 2, meanOffsetCents: 1, steadyCents: 2 }] },
  ];
  const comparison = compareWithEarlier(report, earlier);
  const ga = comparison.find((c) => c.semitone === 4);
  assert.deepEqual([ga.earlierOffsetCents, ga.earlierSteadyCents, ga.earlierTakes], [17, 7, 2]);
  assert.equal(comparison.find((c) => c.semitone === 7).earlierOffsetCents, null, "Pa never sung before");
  const csv = riyazCsv(report, { raga: "Bilaval", saHz: SA_HZ, at: "2026-12-03T04:00:00Z" }, comparison);
  const lines = csv.trim().split("\n");
  assert.match(lines[0], /^"raga","Bilaval"$/);
  assert.ok(lines.some((l) => /^"Ga",[\d.]+,1[0-4]\.\d,[\d.]+,true,17\.0,7\.0,2$/.test(l)), csv);
});

test("bad input is a clear error; silence is an empty report", () => {
  assert.throws(() => riyazStats([], { frameRate: 0, saHz: SA_HZ }), /frameRate must be frames per second/);
  assert.throws(() => riyazStats([], { frameRate: FPS, saHz: -1 }), /saHz must be a positive frequency/);
  assert.deepEqual(riyazStats(new Float64Array(40), { frameRate: FPS, saHz: SA_HZ }), { voicedSeconds: 0, heldSeconds: 0, swaras: [] });
});
