// YIN (static/js/dsp/yin.js): pitch of tones and voice-like harmonic signals, confidence.
import assert from "node:assert/strict";
import test from "node:test";

import { Yin } from "../../static/js/dsp/yin.js";
import { shippedAnalysis } from "../fixtures/load.mjs";

const SR = 16000;
const { f0MinHz: minHz, f0MaxHz: maxHz } = shippedAnalysis(); // the models' voice range
const cents = (a, b) => 1200 * Math.log2(a / b);

/** Harmonic signal with 1/k amplitudes (voice-like), random-ish phases, n samples. */
function harmonic(f0Hz, n, { nHarmonics = 20, sampleRate = SR } = {}) {
  const x = new Float32Array(n);
  for (let k = 1; k <= nHarmonics && k * f0Hz < sampleRate / 2; k++) {
    const phase = (k * 2.39996) % (2 * Math.PI);
    for (let i = 0; i < n; i++) x[i] += Math.sin((2 * Math.PI * k * f0Hz * i) / sampleRate + phase) / k;
  }
  return x;
}

test("pure tones from 80 to 1000 Hz within 5 cents, confident", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  for (const f of [80, 110.5, 196, 261.6, 440, 659.3, 987.8]) {
    const x = Float32Array.from({ length: yin.frameSize }, (_, i) => Math.sin((2 * Math.PI * f * i) / SR));
    const { f0Hz, confidence } = yin.detect(x);
    assert.ok(Math.abs(cents(f0Hz, f)) < 5, `${f} Hz read as ${f0Hz.toFixed(2)} Hz`);
    assert.ok(confidence > 0.9, `${f} Hz confidence ${confidence}`);
  }
});

test("voice-like harmonic signals read at the fundamental (no octave errors), within 5 cents", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  for (const f of [98, 146.8, 220, 349.2, 523.3, 784]) {
    const { f0Hz } = yin.detect(harmonic(f, yin.frameSize));
    assert.ok(Math.abs(cents(f0Hz, f)) < 5, `${f} Hz read as ${f0Hz.toFixed(2)} Hz`);
  }
});

test("a missing fundamental still reads at the fundamental", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  const f = 200, x = harmonic(f, yin.frameSize);
  const fund = Float32Array.from({ length: x.length }, (_, i) => Math.sin((2 * Math.PI * f * i) / SR + 2.39996));
  for (let i = 0; i < x.length; i++) x[i] -= fund[i];
  const { f0Hz } = yin.detect(x);
  assert.ok(Math.abs(cents(f0Hz, f)) < 10, `read as ${f0Hz.toFixed(2)} Hz`);
});

test("white noise has low confidence; silence reports no confident pitch", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const noise = Float32Array.from({ length: yin.frameSize }, rand);
  assert.ok(yin.detect(noise).confidence < 0.5, "noise is aperiodic");
  assert.ok(yin.detect(new Float32Array(yin.frameSize)).confidence < 0.5, "silence");
});

test("detect reads only the newest frameSize samples of a longer buffer", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  const x = new Float32Array(3 * yin.frameSize);
  x.set(harmonic(300, yin.frameSize), 2 * yin.frameSize);
  x.fill(0.9, 0, yin.frameSize); // garbage before the frame is ignored
  assert.ok(Math.abs(cents(yin.detect(x).f0Hz, 300)) < 5);
});

test("preallocated: detect reuses its output object", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  const out = { f0Hz: 0, confidence: 0 };
  assert.equal(yin.detect(harmonic(220, yin.frameSize), out), out);
});

test("a sweep of voice-like and pure tones 80-1050 Hz never errs by more than 8 cents", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  let worst = 0;
  for (let f = 80; f < 1050; f *= 1.013) {
    const tone = Float32Array.from({ length: yin.frameSize }, (_, i) => Math.sin((2 * Math.PI * f * i) / SR));
    for (const x of [harmonic(f, yin.frameSize), tone]) worst = Math.max(worst, Math.abs(cents(yin.detect(x).f0Hz, f)));
  }
  assert.ok(worst < 8, `worst error ${worst.toFixed(2)} cents`);
});

test("a very quiet voice (-100 dBFS) reads as accurately as a loud one", () => {
  const yin = new Yin({ sampleRate: SR, minHz, maxHz });
  const loud = harmonic(233.1, yin.frameSize), quiet = loud.map((v) => v * 1e-5);
  const a = yin.detect(loud).f0Hz, b = yin.detect(quiet).f0Hz;
  assert.ok(Math.abs(cents(b, a)) < 0.5, `${b} Hz quiet vs ${a} Hz loud`);
});

test("the FFT difference function equals the direct double sum, for every window the features use", () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (const windowSize of [64, 281, 793]) { // FeatureExtractor's YIN window at n_fft 128/256, 512, 1024
    const fft = new Yin({ sampleRate: SR, minHz, maxHz, windowSize });
    const direct = new Yin({ sampleRate: SR, minHz, maxHz, windowSize, method: "direct" });
    const voice = harmonic(233, fft.frameSize);
    const noise = Float32Array.from({ length: fft.frameSize }, rand);
    for (const x of [voice, noise, new Float32Array(fft.frameSize)]) {
      fft.differenceFft(x, 0);
      direct.differenceDirect(x, 0);
      let energy = 0;
      for (const v of x) energy += v * v;
      for (let tau = 1; tau <= fft.maxLag + 1; tau++) {
        // Both are float64 sums of the same products, in another order.
        assert.ok(Math.abs(fft.raw[tau] - direct.raw[tau]) <= 1e-9 * (energy + 1e-30), `W ${windowSize} tau ${tau}`);
      }
      const a = fft.detect(x), b = direct.detect(x);
      assert.ok(Math.abs(a.f0Hz - b.f0Hz) <= 1e-6 * b.f0Hz && Math.abs(a.confidence - b.confidence) <= 1e-6);
    }
  }
});

test("an unknown method is refused by name", () => {
  assert.throws(() => new Yin({ sampleRate: SR, minHz, maxHz, method: "autocorr" }), /method "autocorr"/);
});

test("a tracker without an f0 range is refused: the range is the model's, never a default", () => {
  assert.throws(() => new Yin({ sampleRate: SR }), /f0 range undefined–undefined Hz/);
  assert.throws(() => new Yin({ sampleRate: SR, minHz: 500, maxHz: 400 }), /f0 range 500–400 Hz/);
});
