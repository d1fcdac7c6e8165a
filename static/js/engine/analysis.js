// The analysis a model was trained with, as its metadata.json states it (`analysis`, written by
// factory/analysis.py): the one source of the loudness window and floor and the voice's f0 range
// that the factory and the page share. No default here: a model without it is refused.

/**
 * @typedef {{loudnessNFft:number, loudnessFloorDb:number, f0MinHz:number, f0MaxHz:number}} Analysis
 *   loudnessNFft: compute_loudness's n_fft the model was trained on; loudnessFloorDb: its floor
 *   (the models' silence); f0MinHz…f0MaxHz: the range the pitch tracker searches
 */

const FIELDS = { loudnessNFft: "loudness_n_fft", loudnessFloorDb: "loudness_floor_db", f0MinHz: "f0_min_hz", f0MaxHz: "f0_max_hz" };

/**
 * @param {object} meta a model's metadata.json (or manifest entry)
 * @returns {Analysis}
 */
export function analysisOf(meta) {
  const a = meta && meta.analysis;
  const name = (meta && (meta.id || meta.name)) || "model";
  if (!a || typeof a !== "object") {
    throw new Error(`${name}: metadata.json has no "analysis" section (python -m factory.analysis static/models/${name} writes it)`);
  }
  const out = {};
  for (const [key, field] of Object.entries(FIELDS)) {
    if (!Number.isFinite(a[field])) throw new Error(`${name}: metadata.json analysis.${field} must be a number, found ${JSON.stringify(a[field])}`);
    out[key] = a[field];
  }
  if (!(out.f0MinHz > 0 && out.f0MinHz < out.f0MaxHz)) throw new Error(`${name}: metadata.json analysis f0 range ${out.f0MinHz}–${out.f0MaxHz} Hz is empty`);
  return out;
}
