// Synth (static/js/engine/synth/synth.js) against ddsp 3.7 golden fixtures (tests/fixtures/make_golden.py),
// with the float64 JS phase accumulator. The WebGL shader accumulator runs the same harmonic
// parity check in Chromium: tests/e2e/test_synth.py.
import assert from "node:assert/strict";
import { register } from "node:module";
import test from "node:test";

// synth.js imports cumsum.js, which imports GLSL as text (esbuild's "text" loader): same here.
register(
  "data:text/javascript," +
    encodeURIComponent(`
    import { readFile } from "node:fs/promises";
    export async function load(url, context, next) {
      if (!url.endsWith(".glsl")) return next(url, context);
      const source = "export default " + JSON.stringify(await readFile(new URL(url), "utf8")) + ";";
      return { format: "module", source, shortCircuit: true };
    }`),
);
const { Synth } = await import("../../static/js/engine/synth/synth.js");
const { HarmonicSynth } = await import("../../static/js/engine/synth/harmonic.js");
const { FilteredNoiseSynth } = await import("../../static/js/engine/synth/noise.js");
const { mulberry32 } = await import("../../static/js/dsp/prng.js");

import { loadFixture } from "../fixtures/load.mjs";


function snrDb(reference, x) {
  let signal = 0, error = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i] ** 2;
    error += (reference[i] - x[i]) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(error, 1e-30));
}

function concat(parts) {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

/** Renders frames [0, nFrames) in blocks of `blockFrames` (all at once when 0), then flushes. */
function renderStream(synth, controls, nFrames, blockFrames, perFrame) {
  const parts = [];
  const step = blockFrames || nFrames;
  for (let t = 0; t < nFrames; t += step) {
    const e = Math.min(nFrames, t + step);
    const block = {};
    for (const [k, v] of Object.entries(controls)) block[k] = v.subarray(t * perFrame[k], e * perFrame[k]);
    parts.push(Float32Array.from(synth.render(block)));
  }
  parts.push(Float32Array.from(synth.flush()));
  return concat(parts);
}

const harmonicFixture = loadFixture("harmonic");
const noiseFixture = loadFixture("noise");
const H = harmonicFixture.params.n_harmonics, HOP = harmonicFixture.params.hop_samples;
const harmonicControls = {
  f0Hz: harmonicFixture.arrays.f0_hz,
  amplitudes: harmonicFixture.arrays.amplitudes,
  harmonicDistribution: harmonicFixture.arrays.harmonic_distribution,
};
const harmonicPerFrame = { f0Hz: 1, amplitudes: 1, harmonicDistribution: H };

function harmonicStream(blockFrames) {
  const synth = new HarmonicSynth({ sampleRate: 16000, hopSamples: HOP, nHarmonics: H });
  return renderStream(synth, harmonicControls, harmonicFixture.params.n_frames, blockFrames, harmonicPerFrame);
}

test("harmonic synth matches ddsp.synths.Harmonic(amp_resample_method='linear') >= 40 dB SNR", () => {
  const stream = harmonicStream(0);
  const reference = harmonicFixture.arrays.audio;
  assert.equal(stream.length, reference.length + HOP, "one hop of look-ahead, then the whole clip");
  assert.ok(stream.subarray(0, HOP).every((v) => v === 0), "the look-ahead hop is silent");
  const snr = snrDb(reference, stream.subarray(HOP));
  assert.ok(snr >= 40, `harmonic SNR vs ddsp ${snr.toFixed(1)} dB`);
  console.log(`# harmonic synth vs ddsp: ${snr.toFixed(1)} dB SNR`);
});

test("harmonic synth in 5-frame blocks equals one whole-clip call >= 40 dB SNR", () => {
  const whole = harmonicStream(0);
  for (const blockFrames of [5, 4, 1, 7]) {
    const snr = snrDb(whole, harmonicStream(blockFrames));
    assert.ok(snr >= 40, `${blockFrames}-frame blocks vs whole clip: ${snr.toFixed(1)} dB`);
  }
});

test("block edges add no jump larger than the largest inside a block", () => {
  const stream = harmonicStream(5);
  const blockSamples = 5 * HOP;
  let edge = 0, inside = 0;
  for (let i = 1; i < stream.length; i++) {
    const d = Math.abs(stream[i] - stream[i - 1]);
    if (i % blockSamples === 0) edge = Math.max(edge, d);
    else inside = Math.max(inside, d);
  }
  assert.ok(edge <= inside, `largest step at a block edge ${edge} vs inside blocks ${inside}`);
});

test("mulberry32 white noise is bit-identical to the Python twin in make_golden.py", () => {
  const random = mulberry32(noiseFixture.params.seed);
  const expected = noiseFixture.arrays.noise;
  for (let i = 0; i < expected.length; i++) assert.equal(Math.fround(2 * random() - 1), expected[i], `sample ${i}`);
});

const nNoise = noiseFixture.params.n_noise;
function noiseStream(blockFrames) {
  const synth = new FilteredNoiseSynth({
    hopSamples: HOP, nNoise, windowSize: noiseFixture.params.noise_window_size, seed: noiseFixture.params.seed,
  });
  const controls = { noiseMagnitudes: noiseFixture.arrays.noise_magnitudes };
  const nFrames = noiseFixture.params.n_frames;
  return { synth, stream: renderStream(synth, controls, nFrames, blockFrames, { noiseMagnitudes: nNoise }) };
}

test("filtered noise matches ddsp.core.frequency_filter on the same noise >= 40 dB SNR", () => {
  const { synth, stream } = noiseStream(0);
  assert.equal(synth.latencySamples, HOP, "33 magnitudes -> 64-tap IR -> one frame of look-ahead");
  const reference = noiseFixture.arrays.audio;
  const snr = snrDb(reference, stream.subarray(HOP));
  assert.ok(snr >= 40, `noise SNR vs ddsp ${snr.toFixed(1)} dB`);
  console.log(`# filtered noise vs ddsp (same seed): ${snr.toFixed(1)} dB SNR`);
});

/** Log power of `x` in nBands equal-width bands (DFT by definition; short clips only). */
function bandLevelsDb(x, nBands = 16, n = 512) {
  const levels = new Float64Array(nBands);
  for (let start = 0; start + n <= x.length; start += n) {
    for (let k = 1; k < n / 2; k++) {
      let re = 0, im = 0;
      for (let i = 0; i < n; i++) {
        re += x[start + i] * Math.cos((2 * Math.PI * k * i) / n);
        im -= x[start + i] * Math.sin((2 * Math.PI * k * i) / n);
      }
      levels[Math.floor(((k - 1) * nBands) / (n / 2 - 1))] += re * re + im * im;
    }
  }
  return Array.from(levels, (p) => 10 * Math.log10(p + 1e-20));
}

test("filtered noise in blocks keeps ddsp's spectral envelope within 1.5 dB median over bands", () => {
  const { stream } = noiseStream(5);
  const ours = bandLevelsDb(stream.subarray(HOP, HOP + 8192));
  const ddsp = bandLevelsDb(noiseFixture.arrays.audio.subarray(0, 8192));
  const diffs = ours.map((v, i) => Math.abs(v - ddsp[i])).sort((a, b) => a - b);
  const median = diffs[diffs.length >> 1];
  assert.ok(median <= 1.5, `median band level difference ${median.toFixed(3)} dB`);
});

test("filtered noise in 5-frame blocks equals the whole-clip render", () => {
  const whole = noiseStream(0).stream, blocks = noiseStream(5).stream;
  const snr = snrDb(whole, blocks);
  assert.ok(snr >= 40, `noise blocks vs whole ${snr.toFixed(1)} dB`);
});

test("Synth from metadata sums harmonic and noise with one hop of latency", () => {
  const meta = { sample_rate: 16000, hop_samples: HOP, n_harmonics: H, n_noise: nNoise, noise_window_size: 257 };
  const nFrames = 100;
  const controls = {
    f0Hz: harmonicControls.f0Hz.subarray(0, nFrames),
    amplitudes: harmonicControls.amplitudes.subarray(0, nFrames),
    harmonicDistribution: harmonicControls.harmonicDistribution.subarray(0, nFrames * H),
    noiseMagnitudes: noiseFixture.arrays.noise_magnitudes.subarray(0, nFrames * nNoise),
  };
  const perFrame = { ...harmonicPerFrame, noiseMagnitudes: nNoise };
  const synth = new Synth(meta, { seed: noiseFixture.params.seed });
  assert.equal(synth.latencySamples, HOP);
  const mixed = renderStream(synth, controls, nFrames, 5, perFrame);
  const h = renderStream(new HarmonicSynth({ sampleRate: 16000, hopSamples: HOP, nHarmonics: H }), controls, nFrames, 5, perFrame);
  const n = renderStream(
    new FilteredNoiseSynth({ hopSamples: HOP, nNoise, windowSize: 257, seed: noiseFixture.params.seed }),
    controls, nFrames, 5, perFrame,
  );
  assert.equal(mixed.length, (nFrames + 1) * HOP);
  for (let i = 0; i < mixed.length; i++) assert.ok(Math.abs(mixed[i] - (h[i] + n[i])) < 1e-6, `sample ${i}`);
});

test("reverb is off at wet 0, and at wet 0.5 adds a decaying tail", () => {
  const meta = { sample_rate: 16000, hop_samples: HOP, n_harmonics: 4, n_noise: 0, noise_window_size: 257 };
  const dry = new Synth(meta), wet = new Synth(meta, { reverbWet: 0.5 });
  const nFrames = 50;
  const burst = (t) => ({
    f0Hz: new Float32Array(5).fill(220),
    amplitudes: new Float32Array(5).fill(t < 25 ? 0.5 : 0),
    harmonicDistribution: new Float32Array(5 * 4).fill(0.25),
  });
  const energy = (a) => a.reduce((s, v) => s + v * v, 0);
  let tailDry = 0, tailWet = 0, lastWet = 0;
  for (let t = 0; t < nFrames; t += 5) {
    const d = Float32Array.from(dry.render(burst(t))), w = Float32Array.from(wet.render(burst(t)));
    assert.ok(w.every(Number.isFinite));
    if (t >= 30) ((tailDry += energy(d)), (tailWet += energy(w)));
    if (t === 45) lastWet = energy(w);
  }
  assert.equal(tailDry, 0);
  assert.ok(tailWet > 0 && lastWet < tailWet, `tail energy ${tailWet}, last block ${lastWet}`);
});

for (const [name, delayFrames] of [["noise_short_window", 1], ["noise_long_ir", 2]]) {
  test(`filtered noise matches ddsp for ${name} (${delayFrames} frame(s) of look-ahead), whole and in blocks`, () => {
    const { params, arrays } = loadFixture(name);
    const make = () => new FilteredNoiseSynth({
      hopSamples: params.hop_samples, nNoise: params.n_noise, windowSize: params.noise_window_size, seed: params.seed,
    });
    const controls = { noiseMagnitudes: arrays.noise_magnitudes };
    const synth = make();
    assert.equal(synth.latencySamples, delayFrames * HOP);
    const whole = renderStream(synth, controls, params.n_frames, 0, { noiseMagnitudes: params.n_noise });
    const blocks = renderStream(make(), controls, params.n_frames, 5, { noiseMagnitudes: params.n_noise });
    const snr = snrDb(arrays.audio, whole.subarray(delayFrames * HOP));
    assert.ok(snr >= 40, `${name}: SNR vs ddsp ${snr.toFixed(1)} dB`);
    assert.ok(snrDb(whole, blocks) >= 40, `${name}: blocks vs whole`);
  });
}

test("Synth delays the harmonic part to line up with a two-frame noise filter", () => {
  const { params, arrays } = loadFixture("noise_long_ir");
  const meta = { sample_rate: 16000, hop_samples: HOP, n_harmonics: H, n_noise: params.n_noise, noise_window_size: 257 };
  const nFrames = params.n_frames;
  const controls = {
    f0Hz: harmonicControls.f0Hz.subarray(0, nFrames),
    amplitudes: harmonicControls.amplitudes.subarray(0, nFrames),
    harmonicDistribution: harmonicControls.harmonicDistribution.subarray(0, nFrames * H),
    noiseMagnitudes: arrays.noise_magnitudes,
  };
  const perFrame = { ...harmonicPerFrame, noiseMagnitudes: params.n_noise };
  const synth = new Synth(meta, { seed: params.seed });
  assert.equal(synth.latencySamples, 2 * HOP);
  const mixed = renderStream(synth, controls, nFrames, 5, perFrame);
  const h = renderStream(new HarmonicSynth({ sampleRate: 16000, hopSamples: HOP, nHarmonics: H }), controls, nFrames, 5, perFrame);
  assert.equal(mixed.length, (nFrames + 2) * HOP);
  // mixed[n] = harmonic[n - hop] + noise[n], and the noise alone is ddsp's, two hops late.
  for (let i = 0; i < mixed.length; i++) {
    const noiseRef = i >= 2 * HOP ? arrays.audio[i - 2 * HOP] : 0;
    const harmonic = i >= HOP ? h[i - HOP] : 0;
    assert.ok(Math.abs(mixed[i] - harmonic - noiseRef) < 1e-4, `sample ${i}: ${mixed[i]} vs ${harmonic + noiseRef}`);
  }
});
