// Streaming Kaiser-sinc resampler (static/js/dsp/resampler.js): mic rates down to 16 kHz.
import assert from "node:assert/strict";
import test from "node:test";

import { Resampler } from "../../static/js/dsp/resampler.js";

const OUT_RATE = 16000;

function tone(freqHz, rate, seconds, amplitude = 0.5) {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * freqHz * i) / rate));
}

/** Streams `x` through a resampler in blocks of 128 (an AudioWorklet quantum). */
function resampleStream(x, inRate, block = 128) {
  const r = new Resampler(inRate, OUT_RATE, block);
  const parts = [];
  for (let i = 0; i < x.length; i += block) parts.push(Float32Array.from(r.process(x.subarray(i, Math.min(x.length, i + block)))));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return { out, resampler: r };
}

/** Amplitude and phase of the component at freqHz (least squares over whole periods). */
function sineFit(y, freqHz, rate) {
  let c = 0, s = 0;
  for (let i = 0; i < y.length; i++) {
    c += y[i] * Math.cos((2 * Math.PI * freqHz * i) / rate);
    s += y[i] * Math.sin((2 * Math.PI * freqHz * i) / rate);
  }
  return { amplitude: (2 * Math.hypot(c, s)) / y.length, phase: Math.atan2(c, s) };
}

const rms = (y) => Math.sqrt(y.reduce((a, v) => a + v * v, 0) / y.length);

for (const inRate of [48000, 44100]) {
  test(`${inRate} -> 16000: a 1 kHz tone keeps its frequency and its amplitude within 0.1 dB`, () => {
    const { out } = resampleStream(tone(1000, inRate, 1.0), inRate);
    assert.ok(Math.abs(out.length - OUT_RATE) <= 40, `${out.length} output samples for 1 s`);
    const steady = out.subarray(1600, 1600 + 12000); // 0.75 s, 750 whole periods, past the warm-up
    const { amplitude } = sineFit(steady, 1000, OUT_RATE);
    const gainDb = 20 * Math.log10(amplitude / 0.5);
    assert.ok(Math.abs(gainDb) <= 0.1, `gain ${gainDb.toFixed(4)} dB`);
    // Frequency: everything is at 1 kHz, nothing left over once the fitted sine is removed.
    const residualDb = 20 * Math.log10(Math.sqrt(Math.max(0, rms(steady) ** 2 - amplitude ** 2 / 2)) / (amplitude / Math.SQRT2));
    assert.ok(residualDb < -60, `energy off 1 kHz ${residualDb.toFixed(1)} dB`);
  });
}

test("48000 -> 16000: a 9 kHz tone (above the new Nyquist) is attenuated by at least 60 dB", () => {
  const { out } = resampleStream(tone(9000, 48000, 1.0), 48000);
  const levelDb = 20 * Math.log10(rms(out.subarray(1600, 14400)) / (0.5 / Math.SQRT2));
  assert.ok(levelDb <= -60, `9 kHz leaks through at ${levelDb.toFixed(1)} dB`);
});

for (const inRate of [48000, 44100]) {
  test(`${inRate} -> 16000: the group delay equals delaySamples`, () => {
    // A 500 Hz tone: output sample n should equal the input sine at time (n - delay) / 16000.
    const f = 500;
    const { out, resampler } = resampleStream(tone(f, inRate, 0.5), inRate);
    const steady = out.subarray(1000, 1000 + 4800);
    const { phase } = sineFit(steady, f, OUT_RATE);
    // Fitted phase is relative to index 1000: sin(2 pi f (n + 1000 - delay)/fs) => phase = 2 pi f (1000 - delay)/fs.
    const expected = (2 * Math.PI * f * (1000 - resampler.delaySamples)) / OUT_RATE;
    let diff = (phase - expected) % (2 * Math.PI);
    if (diff > Math.PI) diff -= 2 * Math.PI;
    if (diff < -Math.PI) diff += 2 * Math.PI;
    const delayErrorSamples = (diff / (2 * Math.PI * f)) * OUT_RATE;
    assert.ok(Math.abs(delayErrorSamples) < 0.05, `delay off by ${delayErrorSamples.toFixed(3)} samples (delaySamples ${resampler.delaySamples})`);
  });
}

test("any block sizes give the same output as 128-sample quanta", () => {
  const x = tone(700, 48000, 0.2);
  const a = resampleStream(x, 48000, 128).out;
  const b = resampleStream(x, 48000, 480).out;
  const n = Math.min(a.length, b.length);
  assert.ok(n > 3000);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `sample ${i}`);
});
