// Idiom in the mapping stage (static/js/engine/idiom/): each shipped instrument's "playing" section
// on synthetic voices, through the real mapping stage. Frames are 4 ms (250 frames/s).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import { midiToHz, hzToMidi } from "../../static/js/dsp/notes.js";
import { Mapper } from "../../static/js/engine/mapping.js";
import { createIdiom } from "../../static/js/engine/idiom/index.js";
import { checkScale, nearestKey } from "../../static/js/engine/idiom/keys.js";
import { CONSONANT, JUMP, ONSET, Articulation } from "../../static/js/engine/idiom/articulation.js";

const meta = (name) => JSON.parse(readFileSync(new URL(`../../static/models/${name}/metadata.json`, import.meta.url)));
const FPS = 250;
const SA = 48; // C3, the page's default Sa

/**
 * A sung line as feature frames. parts: [midi | null (rest) | "c" (consonant), seconds, opts?];
 * opts: {vibratoCents, detuneCents, glideS (from the previous note), loudnessDb, tremoloDb, aperiodicity}.
 * @returns {{voice, n, notes:number[]}} voice: {f0Hz, loudnessDb, voiced, confidence} [n]; notes: the
 *   sung note (midi, NaN elsewhere) per frame
 */
function sing(parts) {
  const n = Math.round(parts.reduce((s, p) => s + p[1], 0) * FPS);
  const voice = { f0Hz: new Float32Array(n), loudnessDb: new Float32Array(n).fill(-80), voiced: new Uint8Array(n), confidence: new Float32Array(n) };
  const notes = new Float64Array(n).fill(NaN);
  let i = 0, prevMidi = null, lastHz = 0;
  for (const [m, seconds, o = {}] of parts) {
    const k = Math.round(seconds * FPS);
    for (let j = 0; j < k; j++, i++) {
      const t = j / FPS;
      if (typeof m === "number") {
        let midi = m + (o.detuneCents || 0) / 100 + ((o.vibratoCents || 0) / 100) * Math.sin(2 * Math.PI * 5.5 * t);
        const g = Math.round((o.glideS || 0) * FPS);
        if (prevMidi !== null && j < g) midi += (prevMidi - m) * (0.5 + 0.5 * Math.cos((Math.PI * j) / g));
        lastHz = voice.f0Hz[i] = midiToHz(midi);
        voice.loudnessDb[i] = (o.loudnessDb ?? -15) + (o.tremoloDb || 0) * Math.sin(2 * Math.PI * 5.5 * t);
        voice.voiced[i] = 1;
        voice.confidence[i] = 1 - (o.aperiodicity ?? 0.05);
        notes[i] = m;
      } else {
        voice.f0Hz[i] = lastHz; // the features hold the last voiced pitch
        voice.loudnessDb[i] = m === "c" ? -25 : -80; // a consonant is noise: unvoiced but sounding
        voice.confidence[i] = m === "c" ? 0.3 : 0;
      }
    }
    prevMidi = typeof m === "number" ? m : m === "c" ? prevMidi : null;
  }
  return { voice, n, notes };
}

/**
 * The voice through the mapping stage and the idiom, as the engine runs them (blocks of 1 frame).
 * later: {[frame]: controls} set between two blocks while singing, as a control moved mid-take is.
 */
function play(name, sung, controls = {}, later = {}) {
  const m = meta(name);
  const mapper = new Mapper(m, { octaveShift: 0 });
  const idiom = createIdiom(m);
  idiom.setControls(controls);
  const { voice, n } = sung;
  const out = { f0Hz: new Float32Array(n), loudnessDb: new Float32Array(n), gate: new Float32Array(n) };
  const mappedDb = new Float32Array(n); // the mapping stage's loudness, before the idiom
  const one = (k) => Object.fromEntries(Object.entries(voice).map(([key, a]) => [key, a.subarray(k, k + 1)]));
  for (let k = 0; k < n; k++) {
    if (later[k]) idiom.setControls(later[k]);
    const frame = one(k), o = { f0Hz: out.f0Hz.subarray(k, k + 1), loudnessDb: out.loudnessDb.subarray(k, k + 1), gate: out.gate.subarray(k, k + 1) };
    mapper.map(frame, 1, o);
    mappedDb[k] = o.loudnessDb[0];
    idiom.play(frame, o, 1, { gateDb: mapper.gateDb });
  }
  return { out, mappedDb, idiom, mapper };
}

const centsToNearestKey = (f0Hz, scale) => 100 * Math.abs(hzToMidi(f0Hz) - nearestKey(hzToMidi(f0Hz), checkScale(scale)));

// ---- keys -------------------------------------------------------------------------------------

test("keys lie at Sa plus the scale's degrees in every octave, Sa between piano keys included", () => {
  const yaman = checkScale({ saMidi: 50.3, degrees: [0, 2, 4, 6, 7, 9, 11] });
  assert.equal(nearestKey(50.3 + 12 + 2.4, yaman), 50.3 + 12 + 2);
  assert.equal(nearestKey(50.3 - 0.6, yaman), 50.3 - 1); // Ni below Sa
  assert.equal(nearestKey(50.3 + 5, yaman).toFixed(6), (50.3 + 4).toFixed(6)); // shuddh Ma is not Yaman's: Ga (tie -> lower)
  assert.throws(() => checkScale({ saMidi: 130.8, degrees: [0] }), /MIDI note number/);
  assert.throws(() => checkScale({ saMidi: 48, degrees: [0, 14] }), /integers 0-11/);
});

// ---- harmonium: keyed ---------------------------------------------------------------------------

test("harmonium: at least 90 % of voiced frames sit within 12 cents of a key of Sa, sung with 50-cent vibrato, detuning and glides", () => {
  const o = { vibratoCents: 50, glideS: 0.12 };
  const sung = sing([[null, 0.1], [48, 0.8, { ...o, detuneCents: 15 }], [50, 0.6, { ...o, detuneCents: -20 }], [52, 0.7, o],
    [53, 0.6, { ...o, detuneCents: 25 }], [55, 0.9, o], [null, 0.4], [57, 0.6, o], [55, 0.5, o], [52, 0.8, { ...o, detuneCents: -10 }], [null, 0.3]]);
  const { out } = play("harmonium", sung, { scale: { saMidi: SA, degrees: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } });
  let voiced = 0, onKey = 0, voiceOnKey = 0;
  for (let i = 0; i < sung.n; i++) {
    if (out.gate[i] < 1) continue;
    voiced++;
    if (centsToNearestKey(out.f0Hz[i], { saMidi: SA, degrees: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }) <= 12) onKey++;
    if (centsToNearestKey(sung.voice.f0Hz[i], { saMidi: SA, degrees: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }) <= 12) voiceOnKey++;
  }
  assert.ok(voiced > 1000);
  assert.ok(onKey / voiced >= 0.9, `${((100 * onKey) / voiced).toFixed(1)} % on a key (the voice: ${((100 * voiceOnKey) / voiced).toFixed(1)} %)`);
  assert.ok(voiceOnKey / voiced < 0.5, "the test voice itself is mostly off the keys");
});

test("harmonium: no vibrato on a held key, and a key change takes at most 12 ms", () => {
  const sung = sing([[null, 0.1], [57, 1.0, { vibratoCents: 40 }], [59, 0.6, { vibratoCents: 40 }]]);
  const { out } = play("harmonium", sung);
  const held = Array.from(out.f0Hz.subarray(100, 270)).map(hzToMidi);
  assert.ok(Math.max(...held) - Math.min(...held) < 1e-4, "one pitch on a held key");
  const change = [];
  for (let i = 271; i < sung.n; i++) if (Math.abs(hzToMidi(out.f0Hz[i]) - 57) > 1e-3 && Math.abs(hzToMidi(out.f0Hz[i]) - 59) > 1e-3) change.push(i);
  assert.ok(change.length >= 1 && change.length <= 3, `${change.length} frames between the keys (<= 12 ms)`);
});

test("harmonium: the raga's keys only, and Sa follows the singer's (a found Sa 30 cents above C3)", () => {
  const scale = { saMidi: SA + 0.3, degrees: [0, 2, 4, 6, 7, 9, 11] }; // Yaman
  const sung = sing([[null, 0.1], [53, 0.6], [51, 0.6], [56, 0.6]]); // shuddh Ma, komal Ga, komal Dha: none in Yaman
  const { out } = play("harmonium", sung, { scale });
  for (let i = 1; i < sung.n; i++) {
    if (out.gate[i] < 1 || out.f0Hz[i] !== out.f0Hz[i - 1]) continue; // held keys, not a key change
    const rel = hzToMidi(out.f0Hz[i]) - scale.saMidi;
    const degree = ((Math.round(rel) % 12) + 12) % 12;
    if (Math.abs(rel - Math.round(rel)) < 1e-3) assert.ok(scale.degrees.includes(degree), `frame ${i} on degree ${degree}`);
  }
});

test("harmonium: a raga chosen while a key is held moves it to the raga's key at once, not at the next note", () => {
  // Sa C3, chromatic; Malkauns (S g M d n) is chosen 0.5 s into a held D (shuddh Re, not in it).
  const malkauns = { saMidi: SA, degrees: [0, 3, 5, 8, 10] };
  const sung = sing([[null, 0.1], [50, 1.5, { vibratoCents: 30 }], [null, 0.3], [53, 0.6, { vibratoCents: 30 }]]);
  const chosenAt = Math.round(0.6 * FPS);
  const { out } = play("harmonium", sung, { scale: { saMidi: SA, degrees: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } }, { [chosenAt]: { scale: malkauns } });
  const played = (i) => hzToMidi(out.f0Hz[i]) - SA;
  assert.ok(Math.abs(played(chosenAt - 1) - 2) < 1e-4, "Re is played before the raga is chosen");
  const changeFrames = Math.round((meta("harmonium").playing.key_change_ms / 1000) * FPS);
  const onRe = [];
  for (let i = chosenAt + changeFrames; i < sung.n; i++) if (out.gate[i] > 0 && Math.abs(played(i) - 2) < 0.5) onRe.push(i);
  assert.deepEqual(onRe, [], `frames on Re after the key change (${changeFrames} frames): ${onRe.length}`);
  assert.ok(Math.abs(played(chosenAt + changeFrames) - 3) < 1e-4, "the held Re went to komal Ga, its nearest key in Malkauns");
});

test("harmonium: a note fades in and out on its key (the synth glides each frame's pitch into the next)", () => {
  const malkauns = { saMidi: SA, degrees: [0, 3, 5, 8, 10] };
  const sung = sing([[null, 0.1], [50, 0.5, { vibratoCents: 30 }], [null, 0.3], [52, 0.5], ["c", 0.06], [50, 0.5], [null, 0.2]]);
  const { out } = play("harmonium", sung, { scale: malkauns });
  const heard = (i) => out.gate[i] > 0 || (i > 0 && out.gate[i - 1] > 0) || (i + 1 < sung.n && out.gate[i + 1] > 0);
  const off = [];
  for (let i = 0; i < sung.n; i++) if (heard(i) && centsToNearestKey(out.f0Hz[i], malkauns) > 1e-3) off.push(i);
  assert.ok(out.gate.some((g) => g === 1) && out.gate.some((g, i) => g === 0 && heard(i)), "notes start and end");
  assert.deepEqual(off, [], "frames the synth hears off the raga's keys");
});

test("harmonium: the bellows smooth the voice's 5.5 Hz tremolo to under half", () => {
  const tremolo = (r) => {
    const d = Array.from(r.out.loudnessDb.subarray(150, 400), (v, i) => v - flat.out.loudnessDb[150 + i]);
    const m = Array.from(r.mappedDb.subarray(150, 400), (v, i) => v - flat.mappedDb[150 + i]);
    return [Math.max(...d) - Math.min(...d), Math.max(...m) - Math.min(...m)];
  };
  const flat = play("harmonium", sing([[null, 0.1], [57, 1.5]]));
  const [out, voice] = tremolo(play("harmonium", sing([[null, 0.1], [57, 1.5, { tremoloDb: 3 }]])));
  assert.ok(voice > 3, `the mapped voice swings ${voice.toFixed(2)} dB`);
  assert.ok(out < voice / 2, `the bellows swing ${out.toFixed(2)} dB against the voice's ${voice.toFixed(2)} dB`);
});

// ---- sitar: plucked -------------------------------------------------------------------------------

/** Frames at which the loudness asked of the decoder starts rising (a strike). */
function strikes(out) {
  const at = [];
  for (let i = 1; i < out.loudnessDb.length; i++) {
    const rising = out.gate[i] > 0 && out.loudnessDb[i] > out.loudnessDb[i - 1] + 0.5;
    const wasRising = i > 1 && out.gate[i - 1] > 0 && out.loudnessDb[i - 1] > out.loudnessDb[i - 2] + 0.5;
    if (rising && !wasRising) at.push(i);
  }
  return at;
}

test("sitar: a held note has decayed at least 6 dB 0.6 s after its strike, though the voice holds", () => {
  const sung = sing([[null, 0.1], [57, 1.2]]);
  const { out } = play("sitar", sung);
  const peakAt = out.loudnessDb.indexOf(Math.max(...out.loudnessDb));
  const strike = strikes(out)[0];
  const drop = out.loudnessDb[peakAt] - out.loudnessDb[strike + 0.6 * FPS];
  assert.ok(drop >= 6, `${drop.toFixed(1)} dB at 0.6 s`);
  assert.ok(drop <= 30, `${drop.toFixed(1)} dB: still sounding`);
});

test("sitar: re-struck at each articulated note (onset, consonant, jump), never inside a 5-semitone meend", () => {
  const sung = sing([[null, 0.1], [57, 0.5], [null, 0.3], [59, 0.5], ["c", 0.06], [59, 0.5], [61, 0.5], // onset, onset, consonant, jump
    [66, 0.6, { glideS: 0.12 }], [62, 0.5, { glideS: 0.12 }]]); // meend up 5, down 4: one stroke
  const { out } = play("sitar", sung);
  const at = strikes(out).map((i) => +(i / FPS).toFixed(2));
  const expected = [0.1, 0.9, 1.46, 1.96];
  assert.equal(at.length, expected.length, `strikes at ${at} s`);
  at.forEach((t, k) => assert.ok(Math.abs(t - expected[k]) <= 0.03, `strike ${k} at ${t} s, expected ${expected[k]} s`));
  // Through the meends the level keeps falling and the pitch follows the voice.
  const meend = out.loudnessDb.subarray(Math.round(2.5 * FPS), Math.round(3.5 * FPS));
  assert.ok(meend.every((v, i) => i === 0 || v <= meend[i - 1] + 1e-6), "no strike inside the meend");
  const k = Math.round(2.51 * FPS);
  assert.ok(Math.abs(out.f0Hz[k] - sung.voice.f0Hz[k]) < 1e-3, "the meend bends the string as the voice glides");
});

test("sitar: a meend wider than a string bends (7 semitones) is plucked again; meends of 4 and 5 in turn are not", () => {
  assert.equal(strikes(play("sitar", sing([[null, 0.1], [57, 0.5], [64, 0.6, { glideS: 0.2 }]])).out).length, 2);
  const turns = sing([[null, 0.1], [57, 0.5], [61, 0.5, { glideS: 0.12, vibratoCents: 50 }], [59, 0.5, { glideS: 0.12, vibratoCents: 50 }], [64, 0.5, { glideS: 0.12 }]]);
  assert.equal(strikes(play("sitar", turns).out).length, 1, "each meend bends from where the last one stopped");
});

test("articulation: a consonant, a jump and a rest are told apart", () => {
  const a = new Articulation(meta("sitar").playing.strike, FPS);
  const seq = [];
  const run = (k, gate, midi, sounding) => { for (let i = 0; i < k; i++) seq.push(a.step(gate, midi, sounding)); };
  run(1, 0.5, 57, true); run(20, 1, 57, true);
  run(1, 0.5, 57, true); run(10, 0, 57, true); run(1, 0.5, 57, true); run(20, 1, 57, true); // consonant
  run(1, 0.5, 57, true); run(1, 0, 57, true); run(1, 0.5, 59, true); run(20, 1, 59, true); // jump across a voicing break
  run(20, 1, 61, true); // jump while voiced
  run(1, 0.5, 61, false); run(100, 0, 61, false); run(1, 0.5, 61, true); // rest
  assert.deepEqual(seq.filter((k) => k).map((k) => ({ [ONSET]: "onset", [CONSONANT]: "consonant", [JUMP]: "jump" })[k]),
    ["onset", "consonant", "jump", "jump", "onset"]);
});

// ---- vibrato depth ------------------------------------------------------------------------------

test("each instrument plays a held note's 50-cent vibrato at its playing.vibrato.depth (within 8 cents)", () => {
  const named = ["bansuri", "sarangi", "shehnai", "sitar"];
  for (const name of named) {
    const { depth } = meta(name).playing.vibrato;
    const sung = sing([[null, 0.1], [57, 1.6, { vibratoCents: 50 }]]);
    const { out } = play(name, sung);
    const settled = Array.from(out.f0Hz.subarray(Math.round(0.6 * FPS)), (hz) => 100 * hzToMidi(hz));
    const played = (Math.max(...settled) - Math.min(...settled)) / 2;
    assert.ok(Math.abs(played - 50 * depth) <= 8, `${name}: ±${played.toFixed(1)} cents played, depth ${depth} of ±50`);
  }
  assert.equal(meta("harmonium").playing.vibrato, undefined, "the harmonium's keys hold their pitch without a vibrato section");
});

test("the Vibrato control: 0 holds the note, 1 plays the instrument's own depth, 2 the vibrato as sung", () => {
  const sung = sing([[null, 0.1], [57, 1.6, { vibratoCents: 50 }]]);
  const played = (level) => {
    const { out } = play("sarangi", sung, { vibratoLevel: level });
    const settled = Array.from(out.f0Hz.subarray(Math.round(0.6 * FPS)), (hz) => 100 * hzToMidi(hz));
    return (Math.max(...settled) - Math.min(...settled)) / 2;
  };
  const own = meta("sarangi").playing.vibrato.depth;
  assert.ok(played(0) <= 3, `level 0: ±${played(0).toFixed(1)} cents`);
  assert.ok(Math.abs(played(1) - 50 * own) <= 8, `level 1: ±${played(1).toFixed(1)} cents, own depth ${own}`);
  assert.ok(Math.abs(played(2) - 50) <= 3, `level 2: ±${played(2).toFixed(1)} cents of the sung ±50`);
  assert.throws(() => createIdiom(meta("sarangi")).setControls({ vibratoLevel: 3 }), /vibratoLevel must be 0-2/);
});

// ---- sarangi: bowed -------------------------------------------------------------------------------

test("sarangi: meend passes through unchanged; a jump is a bow change (a dip of about bow_change_db)", () => {
  const sung = sing([[null, 0.1], [57, 0.6], [62, 0.6, { glideS: 0.12 }], [60, 0.6]]);
  const { out, mappedDb } = play("sarangi", sung);
  // the glide is played as sung (the vibrato depth lets a meend through): within 20 cents (its slow
  // first 16 ms, until the glide moves faster than a vibrato can, lag by up to 18)
  for (let i = Math.round(0.71 * FPS); i < Math.round(0.9 * FPS); i++) {
    const cents = 1200 * Math.abs(Math.log2(out.f0Hz[i] / sung.voice.f0Hz[i]));
    assert.ok(cents <= 20, `frame ${i}: ${cents.toFixed(1)} cents from the voice in the meend`);
  }
  const p = meta("sarangi").playing;
  const change = Array.from(out.loudnessDb, (v, i) => (out.gate[i] > 0 ? mappedDb[i] - v : 0)); // dB taken off by the bow
  const attack = Math.round(0.1 * FPS + 1);
  assert.ok(change[attack] > 10, `a bow takes the string from silence (${change[attack].toFixed(1)} dB under the voice at first)`);
  // no bow change in a meend (under 0.5 dB: the level's own wobble plays at the vibrato depth)
  const inMeend = Math.max(...change.slice(Math.round(0.3 * FPS), Math.round(1.29 * FPS)));
  assert.ok(inMeend < 0.5, `no bow change in a meend: ${inMeend.toFixed(2)} dB taken off`);
  const dip = Math.max(...change.slice(Math.round(1.29 * FPS), Math.round(1.4 * FPS)));
  assert.ok(Math.abs(dip - p.bow_change_db) < 1, `the bow change dips ${dip.toFixed(1)} dB`);
});

// ---- taraf: sympathetic strings ---------------------------------------------------------------------

const SR = 16000;
function tone(hz, seconds, amp = 0.3) {
  const x = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / SR);
  return x;
}
const rmsDb = (x) => 10 * Math.log10(x.reduce((s, v) => s + v * v, 0) / x.length + 1e-20);

/** The taraf's sound alone (instrument removed) for `audio` followed by `restS` of silence. */
function tarafRing(name, audio, restS, controls = {}) {
  const m = meta(name), idiom = createIdiom(m);
  idiom.setControls(controls);
  const x = new Float32Array(audio.length + Math.round(restS * SR));
  x.set(audio);
  const y = Float32Array.from(x);
  const hop = m.hop_samples;
  for (let f = 0; f < x.length / hop; f++) idiom.render(y.subarray(f * hop, (f + 1) * hop), 1);
  return y.map((v, i) => v - x[i]);
}

test("taraf: a note at Pa leaves the strings ringing into the rest, 20 dB more than a note a quarter-tone off", () => {
  const controls = { scale: { saMidi: SA, degrees: [0, 2, 4, 5, 7, 9, 11] } };
  const idiom = createIdiom(meta("sarangi"));
  idiom.setControls(controls);
  const pa = idiom.tarafPitchesMidi().find((m) => (((Math.round(m - SA) % 12) + 12) % 12) === 7);
  const rest = (y) => y.subarray(Math.round(1.1 * SR), Math.round(1.4 * SR)); // 0.1-0.4 s into the rest
  const onPa = rmsDb(rest(tarafRing("sarangi", tone(midiToHz(pa), 1), 0.5, controls)));
  const off = rmsDb(rest(tarafRing("sarangi", tone(midiToHz(pa + 0.5), 1), 0.5, controls)));
  assert.ok(onPa - off >= 20, `selectivity ${(onPa - off).toFixed(1)} dB`);
});

test("taraf: strings on Sa, Pa and the raga's swaras; they ring for ring_s (60 dB), the level control scales them", () => {
  const m = meta("sarangi"), idiom = createIdiom(m);
  idiom.setControls({ scale: { saMidi: SA, degrees: [0, 3, 5, 8, 10] } }); // Malkauns: no Pa
  const degrees = idiom.tarafPitchesMidi().map((x) => (((Math.round(x - SA) % 12) + 12) % 12));
  assert.deepEqual([...new Set(degrees)].sort((a, b) => a - b), [0, 3, 5, 7, 8, 10]);
  const sa = idiom.tarafPitchesMidi()[0];
  const y = tarafRing("sarangi", tone(midiToHz(sa), 1), 1.5);
  const at = (s) => rmsDb(y.subarray(Math.round(s * SR), Math.round((s + 0.1) * SR)));
  const fallDbPerS = (at(1.1) - at(2.1)) / 1.0;
  assert.ok(Math.abs(fallDbPerS - 60 / m.playing.taraf.ring_s) < 8, `rings down ${fallDbPerS.toFixed(1)} dB/s`);
  const half = tarafRing("sarangi", tone(midiToHz(sa), 1), 0.5, { tarafLevel: 0.5 });
  const full = tarafRing("sarangi", tone(midiToHz(sa), 1), 0.5);
  assert.ok(Math.abs(rmsDb(full) - rmsDb(half) - 6.02) < 0.1);
  assert.equal(rmsDb(tarafRing("sarangi", tone(midiToHz(sa), 1), 0.5, { tarafLevel: 0 })), -200);
});

test("chikari: off by default; on, each stroke rings the Sa strings", () => {
  const sung = sing([[null, 0.1], [57, 0.5], [null, 0.3], [59, 0.5]]);
  const ring = (controls) => {
    const m = meta("sitar"), mapper = new Mapper(m, { octaveShift: 0 }), idiom = createIdiom(m);
    idiom.setControls({ tarafLevel: 0, ...controls });
    const out = { f0Hz: new Float32Array(1), loudnessDb: new Float32Array(1), gate: new Float32Array(1) };
    const y = new Float32Array(sung.n * m.hop_samples);
    for (let k = 0; k < sung.n; k++) {
      const frame = Object.fromEntries(Object.entries(sung.voice).map(([key, a]) => [key, a.subarray(k, k + 1)]));
      mapper.map(frame, 1, out);
      idiom.play(frame, out, 1, { gateDb: mapper.gateDb });
      idiom.render(y.subarray(k * m.hop_samples, (k + 1) * m.hop_samples), 1);
    }
    return y;
  };
  assert.equal(rmsDb(ring({})), -200);
  const y = ring({ chikari: true });
  const at = (s) => rmsDb(y.subarray(Math.round(s * SR), Math.round((s + 0.05) * SR)));
  assert.ok(at(0.15) > -80 && at(0.95) > -80, `rings after each stroke: ${at(0.15).toFixed(1)}, ${at(0.95).toFixed(1)} dB`);
  assert.ok(at(0.15) - at(0.75) > 20, "and dies away before the next");
});

// ---- bansuri, shehnai: breath ---------------------------------------------------------------------

/** Breath alone (the instrument silent) per frame: rms dB. */
function breathDb(name, sung) {
  const m = meta(name), mapper = new Mapper(m, { octaveShift: 0 }), idiom = createIdiom(m);
  const out = { f0Hz: new Float32Array(1), loudnessDb: new Float32Array(1), gate: new Float32Array(1) };
  const hop = m.hop_samples, db = new Float64Array(sung.n), ld = new Float64Array(sung.n);
  const y = new Float32Array(hop);
  for (let k = 0; k < sung.n; k++) {
    const frame = Object.fromEntries(Object.entries(sung.voice).map(([key, a]) => [key, a.subarray(k, k + 1)]));
    mapper.map(frame, 1, out);
    idiom.play(frame, out, 1, { gateDb: mapper.gateDb });
    idiom.render(y.fill(0), 1);
    db[k] = rmsDb(y);
    ld[k] = out.loudnessDb[0];
  }
  return { db, ld };
}
const mean = (a, from, to) => a.slice(Math.round(from * FPS), Math.round(to * FPS)).reduce((s, v) => s + v, 0) / Math.round((to - from) * FPS);

for (const name of ["bansuri", "shehnai"]) {
  test(`${name}: breath at each onset (at least 6 dB above the held note's), more from a breathier voice and on soft notes`, () => {
    const { db } = breathDb(name, sing([[null, 0.1], [69, 0.8], [null, 0.3], [69, 0.8, { aperiodicity: 0.3 }], [null, 0.3], [69, 0.8, { loudnessDb: -30 }]]));
    const onset = Math.max(...db.slice(Math.round(0.1 * FPS), Math.round(0.16 * FPS))), held = mean(db, 0.5, 0.8);
    assert.ok(onset - held >= 6, `onset ${onset.toFixed(1)} dB vs held ${held.toFixed(1)} dB`);
    assert.ok(held > -90, "breath is heard on the held note too");
    assert.ok(mean(db, 1.6, 1.9) - held >= 6, "a breathy voice (aperiodicity 0.3) makes a breathy note");
    assert.ok(mean(db, 2.7, 3.0) - (held - 15) >= 3, "a soft note is breathier relative to its level");
  });
}

test("bansuri: a consonant is tongued: the note comes back with an accent and more air than after a rest", () => {
  const p = meta("bansuri").playing;
  const { db, ld } = breathDb("bansuri", sing([[null, 0.1], [69, 0.6], ["c", 0.06], [69, 0.6], [null, 0.3], [69, 0.6]]));
  const afterConsonant = Math.round(0.76 * FPS);
  const accent = Math.max(...ld.slice(afterConsonant, afterConsonant + 10)) - ld[afterConsonant + 50];
  assert.ok(accent >= p.tongue_db / 2, `accent ${accent.toFixed(1)} dB`);
  assert.ok(mean(db, 0.76, 0.8) > mean(db, 1.66, 1.7), "the tongued onset has more air");
});
