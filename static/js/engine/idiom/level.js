// Sounds the idiom adds after the synth (breath, a chikari pluck) are set in the decoder's own
// loudness scale (ddsp's compute_loudness, as the mapping stage's loudnessDb), so "breath 20 dB
// under the note" means what it says whatever the model's output level.
import { analysisOf } from "../analysis.js";
import { LoudnessMeter } from "../features.js";

/**
 * compute_loudness of a source at unit gain, in dB, with the model's analysis (its n_fft and
 * floor): the mean over the 7 windows of n_fft after its first (a steady noise, or the first
 * 0.25 s of a struck string at 16 kHz). The source at loudness L dB is the source times
 * gainForDb(L, unitDb).
 * @param {{fill:(out:Float32Array)=>Float32Array}} source a fresh source (it is consumed)
 * @param {object} meta the model's metadata.json (sample_rate, analysis)
 */
export function unitLoudnessDb(source, meta) {
  const { loudnessNFft: nFft, loudnessFloorDb: floorDb } = analysisOf(meta);
  const meter = new LoudnessMeter({ sampleRate: meta.sample_rate, nFft, floorDb });
  const x = source.fill(new Float32Array(8 * nFft));
  let sum = 0;
  for (let k = 1; k < 8; k++) sum += meter.measure(x, k * nFft);
  return sum / 7;
}

/** Linear gain that brings a source of unit loudness `unitDb` to `loudnessDb`. */
export function gainForDb(loudnessDb, unitDb) {
  return 10 ** ((loudnessDb - unitDb) / 20);
}
