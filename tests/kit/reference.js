// The decoders' reference in tests: the whole-sequence graph run at once over the silence a
// stream starts from (receptive_field_frames - 1 frames) followed by the phrase.
import { tf } from "../../static/js/worker/backend.js";
import { SILENCE_DB } from "../../static/js/config.js";

/**
 * @param {object} window a decoder loaded with {streaming: false} (the whole-sequence graph)
 * @param {object} meta metadata.json @param {Float32Array} f0Hz [n] @param {Float32Array} loudnessDb [n]
 * @returns {Promise<Float32Array[]>} each graph output for the phrase's n frames, row-major [n, width]
 */
export async function wholeSequenceControls(window, meta, f0Hz, loudnessDb) {
  const n = f0Hz.length, context = meta.receptive_field_frames - 1, total = context + n;
  const f0 = new Float32Array(total), ld = new Float32Array(total).fill(SILENCE_DB);
  f0.set(f0Hz, context);
  ld.set(loudnessDb, context);
  const outputs = tf.tidy(() => window.model.execute({
    [window.inputName("f0_hz")]: tf.tensor3d(f0, [1, total, 1]),
    [window.inputName("loudness_db")]: tf.tensor3d(ld, [1, total, 1]) }, window.outputNames)
    .map((t) => tf.slice(t, [0, context, 0], [1, n, t.shape[2]])));
  const values = await Promise.all(outputs.map((t) => t.data()));
  tf.dispose(outputs);
  return values;
}
