// In-page WebGL cost model, driven by bench/run.py: what one kernel dispatch, one read-back and
// one upload cost on this GL (SwiftShader here), and where a streaming-graph decoder block's time
// goes. Explains the engine's WebGL numbers; every figure is a median over repeats.
import { tf } from "../static/js/backend.js";
import { loadDecoder } from "../static/js/decoder.js";

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
  const decoder = await loadDecoder(meta.url, meta, { cpu: false, warmupBlockFrames: blockFrames });
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
