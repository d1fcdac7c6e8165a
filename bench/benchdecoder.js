// In-page decoder benchmark: our decoder (plain JS on the CPU backends, fused programs on webgl)
// against the TF.js streaming graph it is computed from (the baseline) in the same page, same
// backend, same input. Driven by bench/run.py.
import { tf } from "../static/js/worker/backend.js";
import { cpuDecoderFits, loadDecoder } from "../static/js/worker/decoder-tfjs.js";
import { webglDecoderFits } from "../static/js/gpu/decoder-webgl.js";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A sung-like control line: f0 [n] Hz and loudness [n] dB at the model's frame rate. */
function controlLine(nFrames, frameRate) {
  const f0Hz = new Float32Array(nFrames), loudnessDb = new Float32Array(nFrames);
  for (let i = 0; i < nFrames; i++) {
    const t = i / frameRate;
    f0Hz[i] = 330 * 2 ** ((3 * Math.sin(2 * Math.PI * 0.7 * t) + 0.3 * Math.sin(2 * Math.PI * 5.5 * t)) / 12);
    loudnessDb[i] = -30 + 20 * Math.sin(2 * Math.PI * 0.4 * t);
  }
  return { f0Hz, loudnessDb };
}

/**
 * Decoder ms per second of audio (median and min over repeats) and kernel dispatches per block
 * for each decoder kind of model `id`, and the tensor count before/after every block.
 * @returns {{id, blockFrames, streaming: object, cpu?: object, fused?: object}}
 */
export async function benchDecoder({ id, blockFrames = 4, seconds = 2, repeats = 5, warmup = 1 }) {
  const manifest = await (await fetch("/models/manifest.json")).json();
  const meta = manifest.models.find((m) => m.id === id);
  if (!meta) throw new Error(`no model ${id} in the manifest`);
  const nFrames = Math.floor((seconds * meta.frame_rate) / blockFrames) * blockFrames;
  const { f0Hz, loudnessDb } = controlLine(nFrames, meta.frame_rate);
  const result = { backend: tf.getBackend(), id, blockFrames, seconds: nFrames / meta.frame_rate };
  // The TF.js streaming graph (the baseline) and our own form of the same network: plain JS on the
  // CPU backends (decoder-cpu.js), fused programs on webgl (decoder-webgl.js).
  const ours = cpuDecoderFits(meta) ? "cpu" : webglDecoderFits(meta) ? "fused" : null;
  const kinds = [["streaming", { cpu: false, webgl: false }], [ours, {}]].filter(([kind]) => kind);
  const runs = [];
  for (const [kind, options] of kinds) {
    const t0 = performance.now();
    const decoder = await loadDecoder(meta.url, meta, { ...options, warmupBlockFrames: blockFrames });
    runs.push({ kind, decoder, loadMs: performance.now() - t0, perS: [] });
  }
  const tensorsBefore = tf.memory().numTensors;
  // Repeats interleave the kinds, so a busy machine slows both alike.
  for (let r = 0; r < warmup + repeats; r++) {
    for (const run of runs) {
      run.decoder.reset();
      const t1 = performance.now();
      for (let s = 0; s < nFrames; s += blockFrames) {
        await run.decoder.run(f0Hz.subarray(s, s + blockFrames), loudnessDb.subarray(s, s + blockFrames));
      }
      if (r >= warmup) run.perS.push((performance.now() - t1) / result.seconds);
    }
  }
  runs.forEach((run) => run.decoder.reset());
  // Flat: the blocks left nothing behind (old caches disposed, reads released).
  result.tensors = { before: tensorsBefore, after: tf.memory().numTensors };
  for (const run of runs) {
    // TF.js kernels as tf.profile sees them; the fused decoder's passes are our own programs (counted by it).
    const passesBefore = run.decoder.dispatches || 0;
    const profile = await tf.profile(async () => {
      await run.decoder.run(f0Hz.subarray(0, blockFrames), loudnessDb.subarray(0, blockFrames));
    });
    const kernelsPerBlock = run.kind === "fused" ? run.decoder.dispatches - passesBefore : profile.kernels.length;
    run.decoder.dispose();
    result[run.kind] = { loadMs: run.loadMs, msPerS: median(run.perS), minMsPerS: Math.min(...run.perS),
      msPerSAll: run.perS, kernelsPerBlock };
  }
  return result;
}
