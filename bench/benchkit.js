// In-page benchmarks, driven by bench/run.py through Playwright. Every timing is a median over
// repeats after warm-up, with its spread; every comparison is measured in the same page.
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { tf } from "../static/js/worker/backend.js";
import * as cumsum from "../static/js/gpu/phase-scan.js";
import { loadDecoder } from "../static/js/worker/decoder-tfjs.js";
import { Engine } from "../static/js/engine/engine.js";

export { benchDecoder } from "./benchdecoder.js";
export { benchWebglCosts, benchWebglPaths } from "./benchgpu.js";

const TWO_PI = 2 * Math.PI;

/** {median, p25, p75, min, max, n} of a list of numbers. */
export function summarize(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  return { median: q(0.5), p25: q(0.25), p75: q(0.75), min: s[0], max: s[s.length - 1], n: s.length };
}

async function timeRepeats(fn, { repeats, warmup }) {
  for (let i = 0; i < warmup; i++) await fn();
  const ms = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return summarize(ms);
}

export function backendInfo() {
  const backend = tf.getBackend();
  const info = { backend, crossOriginIsolated: globalThis.crossOriginIsolated };
  if (backend === "wasm") info.wasmThreads = getThreadsCount();
  if (backend === "webgl") {
    info.f16Textures = tf.env().getBool("WEBGL_FORCE_F16_TEXTURES") || !tf.env().getBool("WEBGL_RENDER_FLOAT32_ENABLED");
    const gl = tf.backend().gpgpu && tf.backend().gpgpu.gl;
    const ext = gl && gl.getExtension("WEBGL_debug_renderer_info");
    info.renderer = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : "unknown";
  }
  return info;
}

export async function loadModel(id) {
  const manifest = await (await fetch("/models/manifest.json")).json();
  const meta = manifest.models.find((m) => m.id === id);
  if (!meta) throw new Error(`no model ${id} in the manifest`);
  const t0 = performance.now();
  const decoder = await loadDecoder(meta.url, meta);
  return { meta, decoder, loadMs: performance.now() - t0 };
}

/**
 * Streams `voice` [n] (16 kHz) through the whole engine; per-stage cost per second of audio.
 * @returns {{featuresMsPerS, decoderMsPerS, synthMsPerS, engineMsPerS, realTimeFactor, phase}}
 */
export async function benchEngine({ id, voice, blockFrames = 4, repeats = 5, warmup = 1 }) {
  const { meta, decoder, loadMs } = await loadModel(id);
  const phaseAccumulator = cumsum.createPhaseAccumulator(tf);
  const seconds = voice.length / meta.sample_rate;
  const per = { featuresMs: [], decoderMs: [], synthMs: [], totalMs: [] };
  let phase = phaseAccumulator.kind;
  for (let r = 0; r < warmup + repeats; r++) {
    decoder.reset();
    phaseAccumulator.reset();
    const engine = new Engine({ meta, decoder, phaseAccumulator, blockFrames });
    if (engine.voice) phase = "gpu-voice"; // the synth (and its phase) inside the decoder's GPU passes
    const t0 = performance.now();
    await engine.renderClip(voice, { streaming: true });
    const total = performance.now() - t0;
    engine.dispose();
    if (r < warmup) continue;
    per.featuresMs.push(engine.timings.featuresMs / seconds);
    per.decoderMs.push(engine.timings.decoderMs / seconds);
    per.synthMs.push(engine.timings.synthMs / seconds);
    per.totalMs.push(total / seconds);
  }
  phaseAccumulator.dispose();
  decoder.dispose();
  const engineMsPerS = summarize(per.totalMs);
  return {
    ...backendInfo(),
    id,
    blockFrames,
    loadMs,
    phaseAccumulator: phase,
    featuresMsPerS: summarize(per.featuresMs),
    decoderMsPerS: summarize(per.decoderMs),
    synthMsPerS: summarize(per.synthMs),
    engineMsPerS,
    realTimeFactor: engineMsPerS.median / 1000,
  };
}

/** Float64 reference of the wrapped running phase. */
function referencePhase(omega) {
  const out = new Float64Array(omega.length);
  let phase = 0;
  for (let i = 0; i < omega.length; i++) {
    phase += omega[i];
    if (phase >= TWO_PI) phase -= TWO_PI * Math.floor(phase / TWO_PI);
    out[i] = phase;
  }
  return out;
}

function maxWrappedError(phase, reference) {
  let worst = 0;
  for (let i = 0; i < phase.length; i++) {
    let d = Math.abs(phase[i] - reference[i]) % TWO_PI;
    if (d > Math.PI) d = TWO_PI - d;
    if (d > worst) worst = d;
  }
  return worst;
}

/** The JS baseline on wasm/cpu: float64 running sum, wrapped. */
function jsFloat64Cumsum(omega, out) {
  let phase = 0;
  for (let i = 0; i < omega.length; i++) {
    phase += omega[i];
    phase -= TWO_PI * Math.floor(phase / TWO_PI);
    out[i] = phase;
  }
  return out;
}

/**
 * Our WebGL cumsum shader vs tf.cumsum on the same backend vs a JS float64 loop, on the synth's
 * real phase arrays (a 440 Hz sung note with vibrato), for each size.
 */
export async function benchCumsum({ sizes, repeats = 20, warmup = 3, sampleRate = 16000 }) {
  const rows = [];
  for (const n of sizes) {
    const omega = new Float32Array(n);
    for (let i = 0; i < n; i++) omega[i] = (TWO_PI * 440 * 2 ** ((30 / 1200) * Math.sin((TWO_PI * 5.5 * i) / sampleRate))) / sampleRate;
    const reference = referencePhase(omega);
    const ours = cumsum.createPhaseAccumulator(tf);
    let phase;
    const oursMs = await timeRepeats(async () => { ours.reset(); phase = await ours.accumulate(omega); }, { repeats, warmup });
    const oursError = maxWrappedError(phase, reference);
    ours.dispose();
    let tfPhase;
    const tfMs = await timeRepeats(async () => {
      const t = tf.tidy(() => tf.cumsum(tf.tensor1d(omega)));
      tfPhase = await t.data();
      t.dispose();
    }, { repeats, warmup });
    const tfError = maxWrappedError(tfPhase, reference);
    const js = new Float64Array(n);
    const jsMs = await timeRepeats(() => jsFloat64Cumsum(omega, js), { repeats, warmup });
    rows.push({ n, kind: ours.kind, oursMs, tfCumsumMs: tfMs, jsFloat64Ms: jsMs, oursMaxErrorRad: oursError,
      tfCumsumMaxErrorRad: tfError, jsMaxErrorRad: maxWrappedError(js, reference),
      ratioOursToTfCumsum: oursMs.median / tfMs.median });
  }
  return { ...backendInfo(), rows };
}

/**
 * Tensor count and bytes over `blocks` engine blocks (flat or not), and the peak bytes of one
 * decoder block with the graph executor's early disposal vs with every intermediate kept.
 */
export async function benchMemory({ id, blocks = 1000, blockFrames = 4, every = 100 }) {
  const { meta, decoder } = await loadModel(id);
  const phaseAccumulator = cumsum.createPhaseAccumulator(tf);
  const engine = new Engine({ meta, decoder, phaseAccumulator, blockFrames });
  const hop = meta.hop_samples;
  const voice = new Float32Array(blockFrames * hop);
  const series = [];
  let k = 0;
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < voice.length; i++, k++) voice[i] = 0.3 * Math.sin((TWO_PI * 220 * k) / meta.sample_rate);
    engine.pushAudio(voice);
    while (engine.blockReady) await engine.renderBlock();
    if (b % every === 0 || b === blocks - 1) {
      const m = tf.memory();
      series.push({ block: b, numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU ?? null });
    }
  }
  const f0 = new Float32Array(blockFrames).fill(220), ld = new Float32Array(blockFrames).fill(-30);
  const peak = async (keep) => {
    tf.env().set("KEEP_INTERMEDIATE_TENSORS", keep);
    decoder.reset();
    const info = await tf.profile(async () => { await decoder.run(f0, ld); });
    tf.env().set("KEEP_INTERMEDIATE_TENSORS", false);
    if (decoder.model && decoder.model.disposeIntermediateTensors) decoder.model.disposeIntermediateTensors(); // the CPU decoder has no graph
    return info.peakBytes;
  };
  const peakEarly = await peak(false);
  const peakKept = await peak(true);
  engine.dispose();
  phaseAccumulator.dispose();
  decoder.dispose();
  const first = series[1] || series[0], last = series[series.length - 1];
  return { ...backendInfo(), id, blocks, series, flat: first.numTensors === last.numTensors,
    peakBytesEarlyDisposal: peakEarly, peakBytesKeepIntermediates: peakKept,
    peakRatio: peakEarly / peakKept };
}

/** Whole-clip and streamed renders of `voice` [n] (16 kHz), for the sound metrics. */
export async function renderBoth({ id, voice, blockFrames = 4 }) {
  const { meta, decoder } = await loadModel(id);
  const phaseAccumulator = cumsum.createPhaseAccumulator(tf);
  const render = async (streaming) => {
    decoder.reset();
    phaseAccumulator.reset();
    const engine = new Engine({ meta, decoder, phaseAccumulator, blockFrames });
    const f0Trace = [];
    const onBlock = (b) => { for (let i = 0; i < b.n; i++) f0Trace.push(b.gate[i] > 0 ? b.f0Hz[i] : 0); };
    const audio = await engine.renderClip(voice, { streaming, onBlock });
    return { audio, octaves: engine.mapper.autoOctaves, f0Trace: Float32Array.from(f0Trace) };
  };
  const streamed = await render(true);
  const whole = await render(false);
  phaseAccumulator.dispose();
  decoder.dispose();
  // mappedF0Hz [nFrames]: the pitch asked of the instrument (after octave matching), 0 where gated.
  return { streamed: streamed.audio, whole: whole.audio, octaves: whole.octaves, mappedF0Hz: whole.f0Trace };
}

/**
 * The same voice [n] streamed through the engine with each loudness window in `fftSizes`
 * (the analysis look-ahead is half of it): what a shorter window changes in the output.
 * @returns {{[nFft:number]: Float32Array}} audio per window size
 */
export async function renderAnalysisWindows({ id, voice, fftSizes, blockFrames = 4 }) {
  const { meta, decoder } = await loadModel(id);
  const phaseAccumulator = cumsum.createPhaseAccumulator(tf);
  const out = {};
  for (const analysisFftSize of fftSizes) {
    decoder.reset();
    phaseAccumulator.reset();
    const engine = new Engine({ meta, decoder, phaseAccumulator, blockFrames, analysisFftSize });
    out[analysisFftSize] = await engine.renderClip(voice, { streaming: true });
  }
  phaseAccumulator.dispose();
  decoder.dispose();
  return out;
}
