// The Worker's decoder caches: a model's decoder per TF.js backend, and the plain-JS decoder's
// weights for the audio thread. A failed load is never cached (a retry loads again).
import { BLOCK_FRAMES_CHOICES } from "../config.js";
import { Engine } from "../engine/engine.js";
import { createPhaseAccumulator } from "../gpu/phase-scan.js";
import { tf } from "./backend.js";
import { loadCpuDecoderWeights, loadDecoder } from "./decoder-tfjs.js";
import { state } from "./state.js";

const decoders = new Map(); // `${backend}/${modelId}` -> Promise<Decoder>
const jsWeights = new Map(); // modelId -> Promise<weights> of the plain-JS decoder

/** Caches `load()`'s promise under `key`, dropping it if it fails. */
function cached(cache, key, load) {
  if (!cache.has(key)) {
    const p = load();
    p.catch(() => cache.delete(key)); // a failed load may succeed on a retry
    cache.set(key, p);
  }
  return cache.get(key);
}

/** The model's decoder on the active backend (loaded once per backend). */
export function decoderFor(model) {
  const warmupBlockFrames = state.blockFrames || BLOCK_FRAMES_CHOICES[0];
  return cached(decoders, `${tf.getBackend()}/${model.id}`, () => loadDecoder(model.url, model, { warmupBlockFrames }));
}

/** The plain-JS decoder's weights of `model` (name → Float32Array), for the audio thread. */
export function cpuWeightsFor(model) {
  return cached(jsWeights, model.id, () => loadCpuDecoderWeights(model.url, model));
}

/** Disposes the decoders of every backend but `backend`. */
export function disposeDecodersExcept(backend) {
  for (const [key, p] of decoders) {
    if (key.startsWith(`${backend}/`)) continue;
    decoders.delete(key);
    p.then((d) => d.dispose(), () => {});
  }
}

/** Forgets the decoders of `backend` without disposing them (its context is gone). */
export function forgetDecoders(backend) {
  for (const key of [...decoders.keys()]) if (key.startsWith(`${backend}/`)) decoders.delete(key);
}

/** A new engine on the active backend; `mapper` carries a take's octave across a backend switch. */
export async function buildEngine(model, blockFrames, mapper = null) {
  const decoder = await decoderFor(model);
  decoder.reset();
  const phaseAccumulator = createPhaseAccumulator(tf);
  return new Engine({ meta: model, decoder, phaseAccumulator, blockFrames, controls: state.controls, mapper });
}
