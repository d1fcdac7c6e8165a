// Tanpura (static/js/dsp/tanpura.js): tuned strings, the Pa–Sa–Sa–Sa cycle, a seamless loop.
import assert from "node:assert/strict";
import test from "node:test";

import { pluckString, renderTanpuraCycle, TANPURA_CYCLE_SECONDS, TANPURA_STRINGS } from "../../static/js/dsp/tanpura.js";

const SR = 48000;

/** Power of x at frequency f (Goertzel), per sample. */
function power(x, f, sampleRate = SR) {
  const w = (2 * Math.PI * f) / sampleRate, c = 2 * Math.cos(w);
  let s1 = 0, s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / x.length ** 2;
}

/** The frequency of the strongest partial near `guessHz` (±40 cents, 0.25-cent grid). */
function peakNear(x, guessHz) {
  let best = 0, bestHz = 0;
  for (let c = -40; c <= 40; c += 0.25) {
    const f = guessHz * 2 ** (c / 1200), p = power(x, f);
    if (p > best) [best, bestHz] = [p, f];
  }
  return bestHz;
}

const cents = (a, b) => 1200 * Math.log2(a / b);

test("a string sounds at its pitch within 2 cents, from 65 Hz to 300 Hz", () => {
  for (const f0Hz of [65.41, 98.0, 130.81, 196.0, 293.66]) {
    const x = pluckString({ f0Hz, sampleRate: SR, seconds: 2 });
    const measured = peakNear(x.subarray(SR / 4), f0Hz);
    assert.ok(Math.abs(cents(measured, f0Hz)) < 2, `${f0Hz} Hz string sounds at ${measured.toFixed(2)} Hz`);
  }
});

test("a string rings and decays: louder in its first second than its fifth, never silent early", () => {
  const x = pluckString({ f0Hz: 130.81, sampleRate: SR, seconds: 6 });
  const rms = (a, b) => Math.sqrt(x.subarray(a * SR, b * SR).reduce((s, v) => s + v * v, 0) / ((b - a) * SR));
  assert.ok(rms(0, 1) > 2 * rms(4, 5), `rms ${rms(0, 1)} then ${rms(4, 5)}`);
  assert.ok(rms(4, 5) > 0.01 * rms(0, 1), "a tanpura string still rings after 4 s");
});

test("the cycle is Pa Sa Sa Sa: the drone's spectrum has Sa, mandra Pa and mandra Sa, not komal Re", () => {
  const sa = 146.83; // D3
  const x = renderTanpuraCycle({ saHz: sa, sampleRate: SR });
  assert.equal(x.length, Math.round(TANPURA_CYCLE_SECONDS * SR));
  assert.equal(TANPURA_STRINGS.length, 4);
  const pSa = power(x, sa), pPa = power(x, sa * 0.75), pLowSa = power(x, sa / 2), pKomalRe = power(x, sa * 2 ** (1 / 12));
  for (const [name, p] of [["Sa", pSa], ["mandra Pa", pPa], ["mandra Sa", pLowSa]]) {
    assert.ok(p > 100 * pKomalRe, `${name} is not 20 dB above komal Re (${p} vs ${pKomalRe})`);
  }
});

test("the loop is seamless: the step across the wrap is no bigger than steps inside it", () => {
  const x = renderTanpuraCycle({ saHz: 130.81, sampleRate: SR });
  let maxStep = 0;
  for (let i = 1; i < x.length; i++) maxStep = Math.max(maxStep, Math.abs(x[i] - x[i - 1]));
  const wrapStep = Math.abs(x[0] - x[x.length - 1]);
  assert.ok(wrapStep <= maxStep, `wrap step ${wrapStep} vs largest inner step ${maxStep}`);
  // and the start is not silent: the previous round still rings into it
  const head = x.subarray(0, SR / 10).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(head > 0.02, `the loop's first 100 ms peak ${head}: the last strings' tails should carry over`);
});

test("peak 0.9, same audio for the same Sa (deterministic), bad Sa is a clear error", () => {
  const a = renderTanpuraCycle({ saHz: 110, sampleRate: 16000 });
  const b = renderTanpuraCycle({ saHz: 110, sampleRate: 16000 });
  assert.ok(Math.abs(a.reduce((m, v) => Math.max(m, Math.abs(v)), 0) - 0.9) < 1e-6);
  assert.deepEqual(a, b);
  assert.throws(() => renderTanpuraCycle({ saHz: 0, sampleRate: SR }), /Sa must be a positive frequency/);
});

test("the first string follows the raga: tuned to mandra Ma (2/3 of Sa), the drone has Ma and no Pa", () => {
  const sa = 146.83;
  const x = renderTanpuraCycle({ saHz: sa, sampleRate: SR, firstStringRatio: 2 / 3 });
  assert.ok(power(x, sa * 2 / 3) > 100 * power(x, sa * 0.75), "mandra Ma 20 dB above mandra Pa");
  assert.throws(() => renderTanpuraCycle({ saHz: sa, sampleRate: SR, firstStringRatio: 1.5 }), /first string's ratio/);
});
