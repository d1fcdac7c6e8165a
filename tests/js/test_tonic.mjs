// Find my Sa (static/js/dsp/tonic.js) on generated sung phrases with a known Sa (tests/kit).
// The page reads the sung pitch 20 times a second (the capture worklet's level reports).
import assert from "node:assert/strict";
import test from "node:test";

import { midiToHz } from "../../static/js/dsp/notes.js";
import { getRaga, RAGAS } from "../../static/js/dsp/ragas.js";
import { findSa, TONIC_MIN_VOICED_SECONDS } from "../../static/js/dsp/tonic.js";
import { phraseContour, ragaWalk } from "../kit/sung-phrases.js";

const FRAME_RATE = 20;
const TOLERANCE_CENTS = 20;
const C3 = 48, E4 = 64, F4 = 65;

/** A phrase of `raga` with Sa at `saMidi`, starting on a swara other than Sa, the singer's own intonation. */
function phrase(raga, saMidi, seed) {
  const others = raga.semitones.filter((s) => s !== 0);
  const notes = ragaWalk(raga, { seed, nNotes: 10, startSemitone: others[seed % others.length] });
  // the singer's intonation: each swara within ±8 cents of equal temperament, Sa itself exact
  const intonationCents = Array.from({ length: 12 }, (_, k) => (k === 0 ? 0 : ((k * 37 + seed) % 17) - 8));
  return { f0Hz: phraseContour(notes, { saMidi, frameRate: FRAME_RATE, seed, intonationCents }), firstSemitone: notes[0].semitone };
}

const errorCents = (found, saMidi) => 100 * (found.saMidi - saMidi);

test("a held Sa is found within 2 cents, between the keys too, C3 to F4", () => {
  for (let saMidi = C3; saMidi <= F4; saMidi += 0.37) {
    const f0Hz = phraseContour([{ semitone: 0, seconds: 2 }], { saMidi, frameRate: FRAME_RATE, seed: Math.round(saMidi * 10) });
    for (const raga of [null, getRaga("yaman"), getRaga("malkauns")]) {
      const found = findSa(f0Hz, { frameRate: FRAME_RATE, raga });
      assert.ok(Math.abs(errorCents(found, saMidi)) <= 2, `Sa ${saMidi.toFixed(2)} (${raga?.id}): found ${found.saMidi.toFixed(2)}`);
    }
  }
});

test("phrases that start on another swara: Sa at C3 and at E4 for every raga named in the issue, within ±20 cents", () => {
  const named = ["yaman", "bhairav", "bhimpalasi", "malkauns", "kafi", "bhupali", "darbari", "todi", "bageshri", "des", "khamaj", "marwa",
    "kalyani", "mohanam", "shankarabharanam", "hindolam", "kharaharapriya", "mayamalavagowla"];
  for (const id of named) {
    for (const saMidi of [C3, E4]) {
      const raga = getRaga(id);
      const { f0Hz, firstSemitone } = phrase(raga, saMidi, 3);
      assert.notEqual(firstSemitone % 12, 0);
      const found = findSa(f0Hz, { frameRate: FRAME_RATE, raga });
      assert.ok(Math.abs(errorCents(found, saMidi)) <= TOLERANCE_CENTS, `${id}, Sa ${saMidi}: off by ${errorCents(found, saMidi).toFixed(0)} cents`);
    }
  }
});

test("over every raga and every Sa from C3 to F4 (off the keys too): ≥ 90 % within ±20 cents with the raga, ≥ 75 % without", () => {
  let n = 0, withRaga = 0, without = 0;
  for (const raga of RAGAS) {
    for (let saMidi = C3; saMidi <= F4; saMidi += 1) {
      const seed = n++;
      const trueSa = saMidi + 0.13 * ((seed % 5) - 2);
      const { f0Hz } = phrase(raga, trueSa, seed);
      withRaga += Math.abs(errorCents(findSa(f0Hz, { frameRate: FRAME_RATE, raga }), trueSa)) <= TOLERANCE_CENTS;
      without += Math.abs(errorCents(findSa(f0Hz, { frameRate: FRAME_RATE }), trueSa)) <= TOLERANCE_CENTS;
    }
  }
  assert.ok(withRaga / n >= 0.9, `with the raga: ${withRaga}/${n}`);
  assert.ok(without / n >= 0.75, `without a raga: ${without}/${n}`);
});

test("the Sa found is the one the singer sings, not the nearest key: 30 cents sharp of D3 stays 30 cents sharp", () => {
  const saMidi = 50.3;
  const { f0Hz } = phrase(getRaga("bhupali"), saMidi, 11);
  const found = findSa(f0Hz, { frameRate: FRAME_RATE, raga: getRaga("bhupali") });
  assert.ok(Math.abs(errorCents(found, saMidi)) <= 5, `found ${found.saMidi}`);
  assert.ok(Math.abs(found.saHz - midiToHz(found.saMidi)) < 1e-9);
});

test("too little singing gives no answer; a bad frame rate is a clear error", () => {
  const short = phraseContour([{ semitone: 0, seconds: TONIC_MIN_VOICED_SECONDS * 0.9 }], { saMidi: C3, frameRate: FRAME_RATE });
  assert.equal(findSa(short, { frameRate: FRAME_RATE }), null);
  assert.equal(findSa(new Float64Array(200), { frameRate: FRAME_RATE }), null, "silence");
  assert.throws(() => findSa(short, { frameRate: 0 }), /frameRate must be frames per second/);
});
