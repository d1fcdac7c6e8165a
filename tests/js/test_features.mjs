// FeatureExtractor (static/js/engine/features.js) against ddsp 3.7's compute_loudness on a sung phrase
// (tests/fixtures/loudness.*, written by tests/fixtures/make_golden.py).
import assert from "node:assert/strict";
import test from "node:test";

import { VOICING } from "../../static/js/config.js";
import { FeatureExtractor, aWeightingDb } from "../../static/js/engine/features.js";

import { loadFixture, shippedAnalysis } from "../fixtures/load.mjs";


/** Runs the extractor over `audio` in pushes of `chunk` samples, then flushes; collects frames. */
function extract(audio, chunk, options = {}) {
  const fx = new FeatureExtractor({ sampleRate: 16000, frameRate: 250, analysis: shippedAnalysis(), nFft: 512, ...options });
  const out = { f0Hz: [], confidence: [], loudnessDb: [], voiced: [] };
  const take = (fr) => {
    for (const k of Object.keys(out)) out[k].push(...fr[k].subarray(0, fr.count));
  };
  for (let i = 0; i < audio.length; i += chunk) take(fx.push(audio.subarray(i, Math.min(audio.length, i + chunk))));
  take(fx.flush());
  return { ...out, latencySamples: fx.latencySamples };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const { params, arrays } = loadFixture("loudness");
const whole = extract(arrays.audio, arrays.audio.length);

test("a clip of n samples gives floor(n/hop)+1 frames, as compute_loudness(padding='center')", () => {
  assert.equal(whole.loudnessDb.length, params.n_frames);
  assert.equal(whole.latencySamples, 256);
});

test("A-weighting matches librosa's at its reference points", () => {
  assert.ok(Math.abs(aWeightingDb(1000)) < 0.01, "0 dB at 1 kHz");
  assert.ok(Math.abs(aWeightingDb(100) - -19.1) < 0.1);
  assert.equal(aWeightingDb(0), -80);
});

for (const variant of ["np", "tf"]) {
  test(`loudness matches ddsp compute_loudness(use_tf=${variant === "tf" ? "True" : "False"}) within 1 dB median`, () => {
    const ref = arrays[`loudness_db_${variant}`];
    const errors = Array.from(ref, (v, i) => Math.abs(v - whole.loudnessDb[i]));
    const med = median(errors), max = Math.max(...errors);
    assert.ok(med <= 1.0, `median |error| ${med.toFixed(4)} dB`);
    assert.ok(med <= 0.01, `aiming far below the bar: median ${med.toFixed(4)} dB, max ${max.toFixed(4)} dB`);
    console.log(`# loudness vs ddsp (${variant}): median ${med.toExponential(2)} dB, max ${max.toExponential(2)} dB`);
  });
}

for (const nFft of params.other_n_fft) {
  test(`at n_fft ${nFft} loudness matches compute_loudness(n_fft=${nFft}) as closely, with n_fft/2 of look-ahead`, () => {
    const other = extract(arrays.audio, 128, { nFft, referenceNFft: nFft }); // its own n_fft, unreferenced
    const ref = arrays[`loudness_db_np_nfft${nFft}`];
    assert.equal(other.loudnessDb.length, ref.length);
    assert.equal(other.latencySamples, nFft / 2);
    const errors = Array.from(ref, (v, i) => Math.abs(v - other.loudnessDb[i]));
    const med = median(errors), max = Math.max(...errors);
    assert.ok(med <= 0.01 && max <= 0.1, `median ${med.toExponential(2)} dB, max ${max.toExponential(2)} dB`);
    // YIN still finds the sung pitch where the phrase is voiced.
    const sung = [...arrays.f0_hz.keys()].filter((t) => arrays.voiced[t] > 0 && other.voiced[t]);
    assert.ok(sung.length > 0.5 * arrays.voiced.filter((v) => v > 0).length, `${sung.length} voiced frames`);
    const cents = sung.map((t) => Math.abs(1200 * Math.log2(other.f0Hz[t] / arrays.f0_hz[t])));
    assert.ok(median(cents) <= 15, `median |f0 error| ${median(cents).toFixed(2)} cents`);
  });
}

test("pushing any chunk sizes gives exactly the frames of one push", () => {
  for (const chunk of [1, 63, 64, 128, 333, 4096]) {
    const s = extract(arrays.audio, chunk);
    assert.deepEqual(s.loudnessDb, whole.loudnessDb, `chunk ${chunk}`);
    assert.deepEqual(s.f0Hz, whole.f0Hz, `chunk ${chunk}`);
    assert.deepEqual(s.voiced, whole.voiced, `chunk ${chunk}`);
  }
});

/** Frames well inside sung notes: voiced truth over +-10 frames (40 ms) around them. */
function steadyVoicedFrames() {
  const v = arrays.voiced, idx = [];
  for (let t = 10; t < v.length - 10; t++) {
    let ok = true;
    for (let d = -10; d <= 10 && ok; d++) ok = v[t + d] > 0.5;
    if (ok) idx.push(t);
  }
  return idx;
}

test("YIN f0 on a sung phrase is within 15 cents of the true pitch (median), voiced where sung", () => {
  const idx = steadyVoicedFrames();
  const cents = idx.map((t) => Math.abs(1200 * Math.log2(whole.f0Hz[t] / arrays.f0_hz[t])));
  const med = median(cents);
  const p90 = [...cents].sort((a, b) => a - b)[Math.floor(0.9 * cents.length)];
  assert.ok(med <= 15, `median |error| ${med.toFixed(2)} cents`);
  assert.ok(p90 <= 40, `90th percentile |error| ${p90.toFixed(2)} cents`);
  const voicedShare = idx.filter((t) => whole.voiced[t]).length / idx.length;
  assert.ok(voicedShare >= 0.95, `only ${(100 * voicedShare).toFixed(1)}% of steady sung frames voiced`);
  // No octave slips anywhere a note is sung (glides included): every voiced frame within 100 cents.
  for (let t = 0; t < arrays.voiced.length; t++) {
    if (!whole.voiced[t] || arrays.f0_hz[t] <= 0) continue;
    const c = 1200 * Math.log2(whole.f0Hz[t] / arrays.f0_hz[t]);
    assert.ok(Math.abs(c) < 100, `frame ${t}: ${whole.f0Hz[t].toFixed(1)} Hz is ${c.toFixed(0)} cents off`);
  }
  console.log(`# YIN on sung phrase: median ${med.toFixed(2)} cents, p90 ${p90.toFixed(2)} cents`);
});

test("rests are unvoiced, hold the last voiced f0 (no jumps), and loudness still flows", () => {
  const truth = arrays.voiced;
  const rest = [];
  for (let t = 0; t < truth.length; t++) if (truth[t] < 0.5 && t > 20 && t < truth.length - 70) rest.push(t);
  assert.ok(rest.length > 20, "the fixture has a rest");
  const quiet = rest.filter((t) => whole.loudnessDb[t] < -60);
  assert.ok(quiet.length > 10, "loudness drops in the rest");
  for (const t of quiet) assert.equal(whole.voiced[t], 0, `frame ${t} in the rest is voiced`);
  // f0 never leaves the range of sung pitches, even across unvoiced frames.
  const started = whole.f0Hz.findIndex((f) => f > 0);
  for (let t = started; t < whole.f0Hz.length; t++) {
    assert.ok(whole.f0Hz[t] >= 150 && whole.f0Hz[t] <= 650, `frame ${t}: f0 ${whole.f0Hz[t]} Hz`);
    if (!whole.voiced[t]) assert.equal(whole.f0Hz[t], whole.f0Hz[t - 1], `frame ${t} holds f0`);
  }
});

test("silence is the model's loudness floor and unvoiced with f0 0 before anything was sung", () => {
  const s = extract(new Float32Array(16000), 320);
  assert.ok(s.loudnessDb.every((v) => v === shippedAnalysis().loudnessFloorDb));
  assert.ok(s.voiced.every((v) => v === 0));
  assert.ok(s.f0Hz.every((v) => v === 0));
});

test("with the engine's rule a note starts on its first confident frame, and a one-frame octave slip inside it stays out", () => {
  const fx = new FeatureExtractor({
    sampleRate: 16000, frameRate: 250, analysis: shippedAnalysis(), minVoicedRun: VOICING.minVoicedRun, onsetRun: VOICING.onsetRun,
  });
  const f0 = [0, 0, 220, 221, 222, 444, 222, 221, 220];
  for (const [i, hz] of f0.entries()) fx.gate(i, hz || 100, hz ? 0.95 : 0.1, -20);
  assert.deepEqual(Array.from(fx.frames.voiced.subarray(0, f0.length)), [0, 0, 1, 1, 1, 0, 1, 1, 1]);
  assert.equal(fx.frames.f0Hz[5], 222, "the slip's frame holds the note's f0");
});
