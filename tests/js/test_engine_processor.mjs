// The engine on the audio thread (worklets/engine-processor.js), driven quantum by quantum in node
// inside the globals an AudioWorkletGlobalScope gives it: from the capture ring to the output ring
// it plays exactly what the Engine renders offline, finishing each quantum's blocks before the
// next processor would run (the microtask checkpoint after process()).
import assert from "node:assert/strict";
import { test } from "node:test";

import { CpuStreamingDecoder } from "../../static/js/engine/decoder-cpu.js";
import { RingBuffer } from "../../static/js/dsp/ring.js";
import { Engine } from "../../static/js/engine/engine.js";
import { firstModel } from "../kit/shipped-model.js";
import { loadProcessor } from "../kit/worklet-scope.js";

const CONTEXT_RATE = 44100;
const QUANTUM = 128;

/** A sung phrase at the model rate: a glide with vibrato, a rest, a second note. */
function voice(sampleRate, seconds = 2) {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const rest = t > 0.9 && t < 1.2;
    const f0 = (t < 0.9 ? 220 + 40 * t : 262) * (1 + 0.01 * Math.sin(2 * Math.PI * 5.5 * t));
    phase += (2 * Math.PI * f0) / sampleRate;
    out[i] = rest ? 0 : 0.3 * Math.sin(phase) + 0.12 * Math.sin(2 * phase) + 0.05 * Math.sin(3 * phase);
  }
  return out;
}

const afterMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

test("on the audio thread the engine plays exactly what it renders offline, quantum by quantum", async () => {
  const { meta, weights } = await firstModel();
  const EngineProcessor = await loadProcessor(new URL("../../static/js/worklets/engine-processor.js", import.meta.url).href, {
    sampleRate: CONTEXT_RATE,
    currentFrame: 0,
    currentTime: 0,
  });
  const capture = RingBuffer.create(meta.sample_rate), output = RingBuffer.create(meta.sample_rate);
  const proc = new EngineProcessor({
    processorOptions: {
      captureRing: capture.sab, outputRing: output.sab, meta, weights, blockFrames: 1, controls: {}, probe: false, lateToleranceMs: 9,
    },
  });
  const started = proc.port.sent.find((m) => m.type === "started");
  assert.equal(started.params.host, "audio");
  assert.equal(started.params.blockFrames, 1);

  const sung = voice(meta.sample_rate);
  const perQuantum = (QUANTUM * meta.sample_rate) / CONTEXT_RATE; // model-rate samples a quantum captures
  const played = [];
  const drained = new Float32Array(meta.sample_rate);
  let pushed = 0, quanta = 0;
  const lookahead = started.params.analysisSamples; // frame t is complete once t * hop + lookahead samples are in
  while (pushed < sung.length) {
    const n = Math.min(sung.length - pushed, Math.floor((quanta + 1) * perQuantum) - pushed);
    capture.push(sung.subarray(pushed, pushed + n));
    pushed += n;
    globalThis.currentFrame = quanta * QUANTUM;
    globalThis.currentTime = (quanta++ * QUANTUM) / CONTEXT_RATE;
    assert.equal(proc.process([[new Float32Array(QUANTUM)]], [[new Float32Array(QUANTUM)]]), true);
    await afterMicrotasks(); // the checkpoint after process(): the quantum's blocks are done
    const got = output.pop(drained);
    played.push(Float32Array.from(drained.subarray(0, got)));
    // Every frame complete by the end of this quantum was rendered in it: none waits a quantum.
    const complete = pushed < lookahead ? 0 : Math.floor((pushed - lookahead) / meta.hop_samples) + 1;
    assert.equal(proc.stats.blocks, complete, `quantum ${quanta}: a complete frame waited`);
  }
  const preroll = proc.stats.prerollSamples; // silence ahead of the first block, once a take
  assert.ok(preroll >= 0 && preroll <= Math.ceil(perQuantum) + meta.hop_samples + 1, `pre-roll ${preroll} samples`);
  const live = Float32Array.from(played.flatMap((c) => [...c])).subarray(preroll);

  const decoder = new CpuStreamingDecoder(weights, meta, { maxBlockFrames: 1 });
  decoder.warmUp();
  const offline = await new Engine({ meta, decoder, blockFrames: 1 }).renderClip(sung, { streaming: true });
  assert.equal(live.length, offline.length);
  let worst = 0;
  for (let i = 0; i < live.length; i++) worst = Math.max(worst, Math.abs(live[i] - offline[i]));
  assert.ok(worst <= 1e-7, `live differs from offline by up to ${worst}`);
  assert.ok(Math.max(...live.map(Math.abs)) > 0.01, "the phrase sounds");
  // its stats say how late the thread has been since the last (the page slows its repaints on them)
  const stats = proc.port.sent.filter((m) => m.type === "stats");
  assert.ok(stats.length > 0, "stats were posted");
  for (const m of stats) assert.ok(Number.isFinite(m.lateMs) && m.lateMs >= 0 && m.lateToleranceMs === 9, JSON.stringify(m));

  proc.port.onmessage({ data: { type: "stop" } });
  assert.equal(proc.process([[new Float32Array(QUANTUM)]], [[new Float32Array(QUANTUM)]]), false, "stopped: the node may go");
});

test("after a stall the engine drops the backlog beyond 100 ms, oldest first, and keeps the rest", async () => {
  const { meta, weights } = await firstModel();
  const decoder = new CpuStreamingDecoder(weights, meta, { maxBlockFrames: 1 });
  decoder.warmUp();
  const engine = new Engine({ meta, decoder, blockFrames: 1 });
  engine.pushAudio(voice(meta.sample_rate, 0.5)); // half a second waited unrendered
  const waiting = engine.pendingFrames;
  const loudnessDb = Float32Array.from(engine.queue.loudnessDb.subarray(0, waiting));
  const kept = Math.round(0.1 * meta.frame_rate);
  assert.equal(engine.dropBacklog(100), waiting - kept);
  assert.equal(engine.pendingFrames, kept);
  assert.deepEqual(engine.queue.loudnessDb.subarray(0, kept), loudnessDb.subarray(waiting - kept), "the newest frames are kept");
  assert.equal(engine.dropBacklog(100), 0, "nothing more to drop");
});
