// The output worklet (static/js/worklets/output-processor.js), driven quantum by quantum in node
// inside the globals an AudioWorkletGlobalScope gives it, with the engine's blocks arriving as
// each host delivers them: it plays from the first block, tightens its margin only where the
// output is silent, and after an underrun grows the margin and later tightens it back.
import assert from "node:assert/strict";
import test from "node:test";

import { outputMarginMs } from "../../static/js/audio/output.js";
import { inStepPrerollSamples } from "../../static/js/dsp/arrival-jitter.js";
import { designKernel } from "../../static/js/dsp/resampler.js";
import { RingBuffer } from "../../static/js/dsp/ring.js";
import { loadProcessor } from "../kit/worklet-scope.js";

const CONTEXT_RATE = 44100;
const SOURCE_RATE = 16000;
const QUANTUM = 128;
const HOP = 64;
const PER_QUANTUM = (QUANTUM * SOURCE_RATE) / CONTEXT_RATE; // source samples a quantum plays
const RESAMPLER_SAMPLES = designKernel(SOURCE_RATE, CONTEXT_RATE).halfTaps; // its group delay, source samples
const LOUD = 1e-3; // a tone sample's magnitude is above this; the output's silence is exact zeros

const OutputProcessor = await loadProcessor(new URL("../../static/js/worklets/output-processor.js", import.meta.url).href, {
  sampleRate: CONTEXT_RATE,
  currentFrame: 0,
});

/** Tones of `toneSeconds` (5 ms fades) between exact silences of `restSeconds`, at the source rate. */
function phrases(seconds, toneSeconds = 0.4, restSeconds = 0.3) {
  const out = new Float32Array(Math.round(seconds * SOURCE_RATE));
  const period = toneSeconds + restSeconds, fade = 0.005;
  for (let i = 0; i < out.length; i++) {
    const t = (i / SOURCE_RATE) % period;
    if (t >= toneSeconds) continue;
    const gain = Math.min(1, t / fade, (toneSeconds - t) / fade);
    out[i] = 0.3 * gain * Math.sin((2 * Math.PI * 440 * i) / SOURCE_RATE);
  }
  return out;
}

/**
 * Plays `source` through the processor: each quantum the engine captures PER_QUANTUM samples and,
 * when `runs(t)`, writes every whole block it has into the ring; with `preroll` (the audio
 * thread's engine) the silence inStepPrerollSamples asks for goes before the first block, and
 * `captured0` samples were captured before the first quantum (the phase of the blocks against
 * the quanta). Returns the output and the processor (its port's messages in proc.port.sent).
 */
function play(source, runs, margins, { preroll = false, captured0 = 0 } = {}) {
  const ring = RingBuffer.create(SOURCE_RATE);
  const proc = new OutputProcessor({ processorOptions: { ringBuffer: ring.sab, sourceSampleRate: SOURCE_RATE, blockSamples: HOP, margins } });
  const quanta = Math.floor(source.length / PER_QUANTUM) - 2;
  const out = new Float32Array(quanta * QUANTUM);
  let produced = 0, captured = captured0;
  for (let t = 0; t < quanta; t++) {
    captured += PER_QUANTUM;
    if (runs(t)) {
      const blocks = Math.floor((captured - produced) / HOP);
      if (preroll && produced === 0 && blocks > 0) {
        const pendingSamples = Math.floor(captured - produced - blocks * HOP);
        ring.push(new Float32Array(inStepPrerollSamples({ samplesPerQuantum: PER_QUANTUM, blockSamples: HOP, writtenSamples: blocks * HOP, pendingSamples })));
      }
      ring.push(source.subarray(produced, produced + blocks * HOP));
      produced += blocks * HOP;
    }
    globalThis.currentFrame = t * QUANTUM;
    const q = out.subarray(t * QUANTUM, (t + 1) * QUANTUM);
    proc.process([], [[q]]);
  }
  return { out, proc };
}

/** [start, end) of each run of loud samples, gaps shorter than `gap` samples joined. */
function loudRuns(x, gap) {
  const runs = [];
  let start = -1, last = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]) <= LOUD) continue;
    if (i - last > gap) {
      if (start >= 0) runs.push([start, last + 1]);
      start = i;
    }
    last = i;
  }
  if (start >= 0) runs.push([start, last + 1]);
  return runs;
}

const lastStats = (proc) => proc.port.sent.filter((m) => m.type === "stats").at(-1);
const audioMargins = outputMarginMs({ host: "audio", contextSampleRate: CONTEXT_RATE });

test("on the audio thread the first block plays at once after its pre-roll, at every phase, and it never runs dry", () => {
  const source = phrases(5);
  const firstLoudSource = source.findIndex((v) => Math.abs(v) > LOUD);
  for (let captured0 = 0; captured0 < HOP; captured0 += 3) {
    const { out, proc } = play(source, () => true, audioMargins, { preroll: true, captured0 });
    assert.equal(lastStats(proc).underruns, 0, `phase ${captured0}: ran dry`);
    // capture-to-play delay in source samples: the least this arrival pattern allows is one block
    // (a block completes up to HOP - 1 samples after its first), plus the resampler and the
    // pre-roll's rounding
    const played = (out.findIndex((v) => Math.abs(v) > LOUD) / QUANTUM) * PER_QUANTUM;
    const delaySamples = played + captured0 - firstLoudSource;
    assert.ok(delaySamples <= HOP + RESAMPLER_SAMPLES + 3 && delaySamples > 0, `phase ${captured0}: played ${delaySamples.toFixed(1)} samples after capture`);
    assert.equal(lastStats(proc).trimmedSamples, 0, "nothing to tighten on the audio thread");
  }
});

test("from the Worker a generous start margin is tightened to what the arrivals need, and only where the output is silent", () => {
  // blocks come after the audio callback's bursts of 4 quanta: at least 4 quanta of margin
  const margins = outputMarginMs({ host: "worker", contextSampleRate: CONTEXT_RATE, callbackSeconds: (4 * QUANTUM) / CONTEXT_RATE, workerLatenessMs: 20 });
  const source = phrases(16);
  const { out, proc } = play(source, (t) => t % 4 === 3, margins);
  const s = lastStats(proc);
  const marginMs = (1000 * s.marginSamples) / SOURCE_RATE;
  assert.equal(s.underruns, 0);
  assert.ok(marginMs < margins.startMs - 10 && marginMs >= margins.leastMs, `margin ${marginMs.toFixed(1)} ms (started at ${margins.startMs.toFixed(1)}, least ${margins.leastMs.toFixed(1)})`);
  // Every tone plays whole: a cut inside one would shorten it by what was dropped (>= 1 sample)
  const ratio = CONTEXT_RATE / SOURCE_RATE;
  const sung = loudRuns(source, 100).map(([a, b]) => (b - a) * ratio);
  const played = loudRuns(out, 100).slice(0, -1).map(([a, b]) => b - a); // the last may be cut by the end
  assert.ok(played.length >= 8, `${played.length} tones played`);
  for (const [i, n] of played.entries()) assert.ok(Math.abs(n - sung[i]) < 2 * ratio, `tone ${i}: ${n} samples played of ${sung[i].toFixed(0)}`);
});

test("an underrun grows the margin to cover the stall, and a one-off stall's margin is tightened back later", () => {
  const stall = (t) => !(t >= 300 && t < 312); // the engine's thread stalls for 12 quanta (35 ms) once
  const source = phrases(30);
  const { proc } = play(source, stall, audioMargins, { preroll: true });
  const margins = proc.port.sent.filter((m) => m.type === "stats").map((m) => m.marginSamples);
  const grown = Math.max(...margins), final = margins.at(-1);
  assert.equal(lastStats(proc).underruns, 1);
  assert.ok(grown >= 10 * PER_QUANTUM, `grown to ${grown} samples for a ${(12 * PER_QUANTUM).toFixed(0)}-sample stall`);
  assert.ok(final < grown / 2, `tightened back to ${final} samples`);
});

test("margins: the audio thread needs none (its pre-roll); the Worker's least is one callback and it starts with its lateness on top", () => {
  assert.deepEqual(audioMargins, { startMs: 0, leastMs: 0 });
  assert.deepEqual(outputMarginMs({ host: "worker", contextSampleRate: CONTEXT_RATE, callbackSeconds: 0.01, workerLatenessMs: 1.5 }), { startMs: 11.5, leastMs: 10 });
  assert.throws(() => outputMarginMs({ host: "gpu", contextSampleRate: CONTEXT_RATE }), /unknown engine host "gpu"/);
  const ring = RingBuffer.create(16);
  assert.throws(() => new OutputProcessor({ processorOptions: { ringBuffer: ring.sab, sourceSampleRate: SOURCE_RATE, blockSamples: HOP, margins: { startMs: 1, leastMs: 2 } } }), /0 <= leastMs <= startMs/);
});
