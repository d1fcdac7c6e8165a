// Find my Sa: the singer's tonic from a few seconds of their sung pitch.
// A raga is a set of swaras at fixed places above Sa, and a singer dwells on them: the folded
// pitch histogram (one octave, 1-cent bins, held notes weighted over glides) has peaks at the
// swaras. Sa is the rotation of a template of swara weights that best fits those peaks (Sa
// heaviest, then Pa and the raga's vadi and samvadi; swaras outside the raga count against), the
// approach of the tonic-identification literature (Chordia & Rae 2007, pitch-class distributions;
// Gulati et al. 2014, "Automatic tonic identification in Indian art music"), here on the voice
// alone. With no raga chosen, every raga's template is tried and the best fit wins. The octave is
// the one that puts most of the singing in the madhya saptak. Order does not matter: a phrase may
// start and dwell on any swara.
import { hzToMidi, midiToHz } from "./notes.js";
import { RAGAS, ragaSemitones } from "./ragas.js";
import { SA_MIDI_MAX, SA_MIDI_MIN } from "./sargam.js";

const BINS = 1200; // one octave in 1-cent bins
const SMOOTH_CENTS = 12; // Gaussian smoothing of the histogram: a singer's scatter on a held swara
const STEADY_SECONDS = 0.08; // a frame is steady when its neighbours this far away are near it
const STEADY_CENTS = 25;
const GLIDE_WEIGHT = 0.1; // a frame inside a meend or gamak counts this much of a held one
const PHRASE_END_WEIGHT = 3; // the held note that ends a phrase (before a rest, or the last): most often Sa
const SNAP_CENTS = 35; // Sa is refined to the histogram's own peak within this distance
/** Template weights per role; swaras outside the raga weigh OUTSIDE. */
const WEIGHT = { sa: 1, pa: 0.8, vadi: 0.55, samvadi: 0.45, other: 0.35, outside: -0.5 };
/** Octave choice: a note in the madhya saptak counts 1, in mandra (down to Pa) or taar 0.4. */
const OCTAVE = { madhya: [-50, 1150], around: [-550, 1750], aroundWeight: 0.4 };
/** Less singing than this gives no answer. */
export const TONIC_MIN_VOICED_SECONDS = 1;

/**
 * Weight of each of the 12 swaras (semitones above Sa) in a raga's template.
 * @param {object|null} raga a RAGAS entry, or null for the raga-free template (Sa and Pa only)
 * @returns {number[]} [12]
 */
export function swaraTemplate(raga) {
  if (!raga) return Array.from({ length: 12 }, (_, s) => (s === 0 ? WEIGHT.sa : s === 7 ? WEIGHT.pa : 0));
  const inRaga = new Set(ragaSemitones(raga));
  const fold = (s) => ((s % 12) + 12) % 12;
  return Array.from({ length: 12 }, (_, s) => {
    if (!inRaga.has(s)) return WEIGHT.outside;
    if (s === 0) return WEIGHT.sa;
    if (s === fold(raga.vadiSemitone)) return WEIGHT.vadi;
    if (s === fold(raga.samvadiSemitone)) return WEIGHT.samvadi;
    return s === 7 ? WEIGHT.pa : WEIGHT.other;
  });
}

/**
 * Weight of each voiced frame: 1 where the pitch holds (a swara), GLIDE_WEIGHT where it moves.
 * @param {Float64Array} cents [n] absolute cents (MIDI × 100), NaN where unvoiced
 * @param {number} frameRate frames per second
 * @returns {Float64Array} [n], 0 where unvoiced
 */
export function steadyWeights(cents, frameRate) {
  const k = Math.max(1, Math.round(STEADY_SECONDS * frameRate));
  const w = new Float64Array(cents.length);
  for (let i = 0; i < cents.length; i++) {
    if (Number.isNaN(cents[i])) continue;
    const a = cents[i - k], b = cents[i + k];
    const steady = Math.abs(a - cents[i]) <= STEADY_CENTS && Math.abs(b - cents[i]) <= STEADY_CENTS;
    w[i] = steady ? 1 : GLIDE_WEIGHT; // at a phrase's ends (a or b unvoiced) a frame counts as moving
  }
  // The note that ends each phrase: from the last voiced frame back over its steady run.
  for (let i = cents.length - 1; i >= 0; i--) {
    if (Number.isNaN(cents[i]) || !(i === cents.length - 1 || Number.isNaN(cents[i + 1]))) continue;
    let j = i;
    while (j >= 0 && !Number.isNaN(cents[j]) && w[j] !== 1) j--; // the release's glide
    for (; j >= 0 && w[j] === 1; j--) w[j] = PHRASE_END_WEIGHT;
  }
  return w;
}

/**
 * The folded pitch histogram: weight per cent of the octave above C, smoothed (circular).
 * @returns {Float64Array} [1200]
 */
export function pitchClassHistogram(cents, weights) {
  const raw = new Float64Array(BINS);
  for (let i = 0; i < cents.length; i++) {
    if (weights[i] > 0) raw[((Math.round(cents[i]) % BINS) + BINS) % BINS] += weights[i];
  }
  const half = 3 * SMOOTH_CENTS;
  const kernel = Array.from({ length: 2 * half + 1 }, (_, j) => Math.exp(-0.5 * ((j - half) / SMOOTH_CENTS) ** 2));
  const out = new Float64Array(BINS);
  for (let b = 0; b < BINS; b++) {
    if (raw[b] === 0) continue;
    for (let j = -half; j <= half; j++) out[(b + j + BINS) % BINS] += raw[b] * kernel[j + half];
  }
  return out;
}

/** Template fit of every Sa pitch class (cents above C, 1-cent steps). @returns {Float64Array} [1200] */
function templateScores(hist, template) {
  const scores = new Float64Array(BINS);
  for (let sa = 0; sa < BINS; sa++) {
    let s = 0;
    for (let k = 0; k < 12; k++) if (template[k] !== 0) s += template[k] * hist[(sa + 100 * k) % BINS];
    scores[sa] = s;
  }
  return scores;
}

const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

/**
 * Sa moved onto the histogram's own peak when one lies within SNAP_CENTS (Sa was sung), then to
 * the weighted mean of the frames on that peak (sub-cent; the bins are 1 cent wide).
 * @returns {number} cents above C, maybe outside [0, 1200)
 */
function snapToPeak(hist, saCents, cents, weights) {
  const peak = hist[argmax(hist)];
  let best = null, bestH = 0.2 * peak;
  for (let d = -SNAP_CENTS; d <= SNAP_CENTS; d++) {
    const b = (((saCents + d) % BINS) + BINS) % BINS, h = hist[b];
    const isPeak = h >= hist[(b + 1) % BINS] && h >= hist[(b + BINS - 1) % BINS];
    if (isPeak && h > bestH) [best, bestH] = [saCents + d, h];
  }
  if (best === null) return saCents;
  let sum = 0, total = 0;
  for (let i = 0; i < cents.length; i++) {
    const d = ((((cents[i] - best) % BINS) + BINS + BINS / 2) % BINS) - BINS / 2; // circular, in [-600, 600)
    if (weights[i] > 0 && Math.abs(d) <= SMOOTH_CENTS * 2) [sum, total] = [sum + weights[i] * d, total + weights[i]];
  }
  return best + sum / total;
}

/** The octave of a Sa pitch class (cents above C) that puts most of the held notes in madhya saptak. */
function chooseOctave(cents, weights, saPitchClass, [loMidi, hiMidi]) {
  let best = null, bestScore = -1;
  for (let sa = saPitchClass; sa <= 100 * hiMidi + 50; sa += BINS) {
    if (sa < 100 * loMidi - 50) continue;
    let score = 0;
    for (let i = 0; i < cents.length; i++) {
      const d = cents[i] - sa; // NaN (unvoiced) is in neither range
      if (d >= OCTAVE.madhya[0] && d < OCTAVE.madhya[1]) score += weights[i];
      else if (d >= OCTAVE.around[0] && d < OCTAVE.around[1]) score += OCTAVE.aroundWeight * weights[i];
    }
    if (score > bestScore) [best, bestScore] = [sa, score];
  }
  return best;
}

/**
 * The singer's Sa from their sung pitch.
 * @param {ArrayLike<number>} f0Hz [nFrames] the sung pitch, 0 (or not finite) where unvoiced
 * @param {{frameRate:number, raga?:object|null, saMidiRange?:[number, number]}} o
 *   raga: the chosen raga (its prior), null to try every raga; saMidiRange: where Sa may lie
 * @returns {{saHz:number, saMidi:number, voicedSeconds:number} | null} saMidi fractional
 *   (52.13: E3 + 13 cents); null when fewer than TONIC_MIN_VOICED_SECONDS were sung
 */
export function findSa(f0Hz, { frameRate, raga = null, saMidiRange = [SA_MIDI_MIN, SA_MIDI_MAX] }) {
  if (!(frameRate > 0)) throw new Error(`findSa: frameRate must be frames per second, got ${frameRate}`);
  const cents = Float64Array.from(f0Hz, (f) => (f > 0 && Number.isFinite(f) ? 100 * hzToMidi(f) : NaN));
  const voicedSeconds = cents.reduce((n, c) => n + !Number.isNaN(c), 0) / frameRate;
  if (voicedSeconds < TONIC_MIN_VOICED_SECONDS) return null;
  const weights = steadyWeights(cents, frameRate);
  const hist = pitchClassHistogram(cents, weights);
  let fit = null;
  for (const candidate of raga ? [raga] : RAGAS) {
    const scores = templateScores(hist, swaraTemplate(candidate));
    const sa = argmax(scores);
    if (!fit || scores[sa] > fit.score) fit = { sa, score: scores[sa] };
  }
  const saPitchClass = snapToPeak(hist, fit.sa, cents, weights);
  const saCents = chooseOctave(cents, weights, ((saPitchClass % BINS) + BINS) % BINS, saMidiRange);
  return { saHz: midiToHz(saCents / 100), saMidi: saCents / 100, voicedSeconds };
}
