// In-page WebGL cost model, driven by bench/run.py: what one kernel dispatch, one read-back and
// one upload cost on this GL (SwiftShader here), and where a streaming-graph decoder block's time
// goes. Explains the engine's WebGL numbers; every figure is a median over repeats.
import { tf } from "../static/js/worker/backend.js";
import { loadDecoder } from "../static/js/worker/decoder-tfjs.js";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A program that adds a uniform to each of its input's values: the cheapest real dispatch. */
function addProgram(shape) {
  return {
    variableNames: ["x"], outputShape: shape, enableShapeUniforms: false,
    userCode: "void main() { ivec2 rc = getOutputCoords(); setOutput(getX(rc.x, rc.y) + addend); }",
    customUniforms: [{ name: "addend", type: "float" }],
  };
}

async function timed(fn, repeats) {
  const ms = [];
  for (let r = 0; r < repeats + 2; r++) {
    const t0 = performance.now();
    await fn();
    if (r >= 2) ms.push(performance.now() - t0); // 2 warm-up runs: compiles and texture pools
  }
  return median(ms);
}

/**
 * Dispatch, read-back and upload costs on the active WebGL backend, and one streaming-graph
 * decoder block of model `id` split into issuing its kernels and reading its controls back.
 * @returns {{dispatchMs, readSyncMs, readAsyncMs, uploadMs, decoder: {kernels, issueMs, readMs, blockMs}}}
 */
export async function benchWebglCosts({ id, blockFrames = 4, repeats = 30, chain = 100 }) {
  if (tf.getBackend() !== "webgl") throw new Error(`benchWebglCosts needs webgl, not ${tf.getBackend()}`);
  const backend = tf.backend(), shape = [1, 256], program = addProgram(shape);
  const x = tf.fill(shape, 1);
  const run = (input, k) => {
    let cur = input;
    for (let i = 0; i < k; i++) {
      const next = backend.runWebGLProgram(program, [cur], "float32", [[i]]);
      if (cur !== input) backend.disposeIntermediateTensorInfo(cur);
      cur = next;
    }
    return cur;
  };
  const readOnce = (k) => () => { const out = run(x, k); backend.readSync(out.dataId); backend.disposeIntermediateTensorInfo(out); };
  const oneMs = await timed(readOnce(1), repeats);
  const chainMs = await timed(readOnce(chain), repeats);
  const dispatchMs = (chainMs - oneMs) / (chain - 1);
  const readSyncMs = oneMs - dispatchMs;
  const readAsyncMs = await timed(async () => {
    const out = run(x, 1);
    await backend.read(out.dataId);
    backend.disposeIntermediateTensorInfo(out);
  }, repeats) - dispatchMs;
  // An upload: a fresh CPU tensor (1,024 floats, a block's worth of per-sample data) read by a dispatch.
  const fresh = new Float32Array(1024).fill(0.5);
  const uploadShape = [1, 1024], uploadProgram = addProgram(uploadShape), y = tf.fill(uploadShape, 1);
  const withInput = (make) => async () => {
    const input = make();
    const out = backend.runWebGLProgram(uploadProgram, [input], "float32", [[1]]);
    backend.readSync(out.dataId);
    backend.disposeIntermediateTensorInfo(out);
    if (input !== y) input.dispose();
  };
  const uploadMs = await timed(withInput(() => tf.tensor2d(fresh, uploadShape)), repeats) - await timed(withInput(() => y), repeats);
  x.dispose();
  y.dispose();
  return { renderer: rendererName(), dispatchMs, readSyncMs, readAsyncMs, uploadMs, decoder: id ? await decoderBlockCosts(id, blockFrames, repeats) : null };
}

/** A streaming-graph decoder block: kernels issued (JS time), then the controls read back. */
async function decoderBlockCosts(id, blockFrames, repeats) {
  const manifest = await (await fetch("/models/manifest.json")).json();
  const meta = manifest.models.find((m) => m.id === id);
  const decoder = await loadDecoder(meta.url, meta, { cpu: false, webgl: false, warmupBlockFrames: blockFrames }); // the converted graph
  const f0 = new Float32Array(blockFrames).fill(330), ld = new Float32Array(blockFrames).fill(-30);
  const issue = [], read = [];
  for (let r = 0; r < repeats + 2; r++) {
    const t0 = performance.now();
    const outputs = decoder.step(f0, ld);
    const t1 = performance.now();
    await Promise.all(outputs.map((t) => t.data()));
    const t2 = performance.now();
    tf.dispose(outputs);
    if (r >= 2) { issue.push(t1 - t0); read.push(t2 - t1); }
  }
  const profile = await tf.profile(async () => { tf.dispose(decoder.step(f0, ld)); });
  decoder.dispose();
  return { kernels: profile.kernels.length, issueMs: median(issue), readMs: median(read), blockMs: median(issue) + median(read),
    blocksPerS: meta.frame_rate / blockFrames };
}

function rendererName() {
  const gl = tf.backend().gpgpu.gl, ext = gl.getExtension("WEBGL_debug_renderer_info");
  return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : "unknown";
}

/**
 * Counts, while `fn` runs: GL programs (tfjs's kernels and internal programs, ours, an upload's
 * encode pass and a read-back's decode pass), uploads (CPU values to a texture) and read-backs of
 * a texture (read, readSync of data that lives on the GPU; reads of values already on the CPU,
 * e.g. the shapes a converted graph's Fill reads, cost no GPU round trip and are not counted).
 */
async function countGpuWork(fn) {
  const backend = tf.backend(), counts = { programs: 0, uploads: 0, readBacks: 0 };
  const onGpu = (dataId) => { const d = backend.texData.get(dataId); return d && d.values == null; };
  const wrap = (name, count) => {
    const method = backend[name];
    backend[name] = function (...args) { count(...args); return method.apply(this, args); };
  };
  wrap("runWebGLProgram", () => counts.programs++);
  wrap("uploadToGPU", (dataId) => { const d = backend.texData.get(dataId); if (d && d.texture == null && d.values != null) counts.uploads++; });
  wrap("read", (dataId) => { if (onGpu(dataId)) counts.readBacks++; });
  wrap("readSync", (dataId) => { if (onGpu(dataId)) counts.readBacks++; });
  try {
    await fn();
  } finally {
    // The counters are own properties over the class's methods: deleting them restores those.
    for (const name of ["runWebGLProgram", "uploadToGPU", "read", "readSync"]) delete backend[name];
  }
  return counts;
}

/**
 * The webgl engine three ways, on the same voice [n] in the same page, repeats interleaved:
 *  - "graph + JS synth": the converted streaming graph (its controls read back), then the JS
 *    synth with our WebGL cumsum for the phase (its own upload and read-back): the old path;
 *  - "GPU voice": the fused decoder and the synth on the GPU, one read-back (the engine's path);
 *  - "fused decoder + JS synth": the fused decoder's controls read back once, the float64 JS synth.
 * Per path: GL programs and read-backs in one block (counted), decoder / synth / whole-engine ms
 * per second of audio (medians over repeats; on the GPU voice the synth is inside "decoder").
 */
export async function benchWebglPaths({ id, voice, blockFrames = 4, repeats = 3, warmup = 1 }) {
  if (tf.getBackend() !== "webgl") throw new Error(`benchWebglPaths needs webgl, not ${tf.getBackend()}`);
  const { Engine } = await import("../static/js/engine/engine.js");
  const cumsum = await import("../static/js/gpu/phase-scan.js");
  const manifest = await (await fetch("/models/manifest.json")).json();
  const meta = manifest.models.find((m) => m.id === id);
  const graph = await loadDecoder(meta.url, meta, { webgl: false, cpu: false, warmupBlockFrames: blockFrames });
  const fused = await loadDecoder(meta.url, meta, { warmupBlockFrames: blockFrames });
  // The fused decoder behind the plain decoder contract (no createVoice): the engine then runs the JS synth.
  const fusedControlsOnly = { kind: fused.kind, run: (f0, ld) => fused.run(f0, ld), reset: () => fused.reset() };
  const paths = [
    { name: "graph + JS synth", decoder: graph, phase: () => cumsum.createPhaseAccumulator(tf) },
    { name: "GPU voice", decoder: fused, phase: () => cumsum.createPhaseAccumulator() },
    { name: "fused decoder + JS synth", decoder: fusedControlsOnly, phase: () => cumsum.createPhaseAccumulator() },
  ].map((p) => ({ ...p, decoderMs: [], synthMs: [], engineMs: [] }));
  const seconds = voice.length / meta.sample_rate;
  const engineFor = (p) => {
    p.decoder.reset();
    return new Engine({ meta, decoder: p.decoder, phaseAccumulator: p.phase(), blockFrames });
  };
  for (let r = 0; r < warmup + repeats; r++) {
    for (const p of paths) {
      const engine = engineFor(p);
      const t0 = performance.now();
      await engine.renderClip(voice, { streaming: true });
      const total = performance.now() - t0;
      engine.dispose();
      if (r < warmup) continue;
      p.decoderMs.push(engine.timings.decoderMs / seconds);
      p.synthMs.push(engine.timings.synthMs / seconds);
      p.engineMs.push(total / seconds);
    }
  }
  const rows = [];
  for (const p of paths) {
    const engine = engineFor(p);
    const hop = meta.hop_samples, block = voice.subarray(0, 8 * blockFrames * hop);
    engine.pushAudio(block);
    while (engine.pendingFrames >= 2 * blockFrames) await engine.renderBlock(); // warm; one block left
    const counts = await countGpuWork(() => engine.renderBlock());
    const tensorsBefore = tf.memory().numTensors;
    engine.pushAudio(voice.subarray(0, 64 * blockFrames * hop));
    while (engine.blockReady) await engine.renderBlock();
    const tensorsAfter = tf.memory().numTensors;
    engine.dispose();
    rows.push({ path: p.name, decoderKind: p.decoder.kind, ...counts, tensorsFlat: tensorsBefore === tensorsAfter,
      decoderMsPerS: median(p.decoderMs), synthMsPerS: median(p.synthMs), engineMsPerS: median(p.engineMs),
      engineMsPerSAll: p.engineMs });
  }
  graph.dispose();
  fused.dispose();
  return { id, blockFrames, seconds, renderer: rendererName(), rows };
}
