// Features benchmark (node): ms of CPU per second of 16 kHz audio for the live analysis
// (FeatureExtractor: loudness spectrum + YIN, 250 frames/s), with YIN's difference function by
// FFT (the default) and by the direct sum (the old path, the baseline), in the same run.
//   node bench/features.mjs [--seconds 20] [--repeats 7] [--json]
import { FeatureExtractor, LoudnessMeter } from "../static/js/engine/features.js";
import { Yin } from "../static/js/dsp/yin.js";
import { shippedAnalysis } from "../tests/fixtures/load.mjs";

const SAMPLE_RATE = 16000;
const analysis = shippedAnalysis(); // the shipped models' f0 range and loudness floor
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seconds = opt("seconds", 20), repeats = opt("repeats", 7);

/** A sung-like voice: glides between notes, vibrato, 12 harmonics, a little noise. */
function voice(n) {
  const x = new Float32Array(n);
  let phase = 0, seed = 7;
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    const f0 = 220 * 2 ** ((Math.floor(t * 1.5) % 5) / 6 + (0.3 / 12) * Math.sin(2 * Math.PI * 5.5 * t));
    phase += (2 * Math.PI * f0) / SAMPLE_RATE;
    let s = 0;
    for (let k = 1; k <= 12; k++) s += Math.sin(k * phase) / k;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    x[i] = 0.2 * s + 0.002 * (seed / 2147483648 - 0.5);
  }
  return x;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function msPerSecond(fn) {
  fn(); // warm-up (JIT)
  const ms = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    ms.push((performance.now() - t0) / seconds);
  }
  return { median: median(ms), min: Math.min(...ms) };
}

const audio = voice(seconds * SAMPLE_RATE);
const BLOCK = 128; // the capture worklet's quantum-sized pushes
const rows = [];
for (const nFft of [512, 256, 1024]) {
  for (const method of ["fft", "direct"]) {
    const fx = new FeatureExtractor({ sampleRate: SAMPLE_RATE, frameRate: 250, analysis, nFft, referenceNFft: nFft });
    fx.yin.method = method;
    const whole = msPerSecond(() => {
      for (let i = 0; i < audio.length; i += BLOCK) fx.push(audio.subarray(i, i + BLOCK));
      fx.flush();
    });
    // The two analyses alone, on the same frames (hop 64).
    const yin = new Yin({ sampleRate: SAMPLE_RATE, minHz: fx.minHz, maxHz: fx.maxHz, windowSize: fx.yin.windowSize, method });
    const out = { f0Hz: 0, confidence: 0 };
    const yinMs = msPerSecond(() => {
      for (let end = yin.frameSize; end <= audio.length; end += fx.hop) yin.detect(audio.subarray(end - yin.frameSize, end), out);
    });
    const meter = new LoudnessMeter({ sampleRate: SAMPLE_RATE, nFft, floorDb: analysis.loudnessFloorDb });
    const loudMs = msPerSecond(() => {
      for (let start = 0; start + nFft <= audio.length; start += fx.hop) meter.measure(audio, start);
    });
    rows.push({ nFft, yinMethod: method, featuresMsPerS: whole, yinMsPerS: yinMs, loudnessMsPerS: loudMs });
  }
}
if (args.includes("--json")) {
  console.log(JSON.stringify({ seconds, repeats, rows }));
} else {
  console.log(`features, ms per second of 16 kHz audio (median of ${repeats}, min), ${seconds} s of voice`);
  console.log("n_fft  yin     features          yin alone         loudness alone");
  const f = (x) => `${x.median.toFixed(2).padStart(6)} (${x.min.toFixed(2)})`;
  for (const r of rows) console.log(`${String(r.nFft).padEnd(6)} ${r.yinMethod.padEnd(7)} ${f(r.featuresMsPerS)}   ${f(r.yinMsPerS)}   ${f(r.loudnessMsPerS)}`);
}
