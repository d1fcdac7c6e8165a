// Sung pitch contours with a known Sa, for the raga tests and benchmarks (Find my Sa, the riyaz
// report): a phrase walks a raga's swaras as a singer does, dwelling on some (nyas), joining
// others by meend, with the singer's own intonation per swara, a pitch tracker's jitter, rests.
// Frames only (f0 in Hz, 0 where unvoiced): the tested modules read what the page reads.
import { mulberry32 } from "../../static/js/dsp/prng.js";
import { midiToHz } from "../../static/js/dsp/notes.js";
import { ragaSemitones } from "../../static/js/dsp/ragas.js";

/** A standard normal draw from a uniform PRNG (Box-Muller). */
function gauss(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * Notes of a phrase: a walk over the raga's swaras from mandra Pa to taar Ga (an alap in the
 * madhya saptak), starting on `startSemitone`, ending on Sa; Sa, Pa, vadi and samvadi are dwelt
 * on longer.
 * @returns {{semitone:number, seconds:number}[]} semitone: above madhya Sa (mandra negative)
 */
export function ragaWalk(raga, { seed = 1, nNotes = 12, startSemitone = null } = {}) {
  const rand = mulberry32(seed);
  const scale = [];
  for (const octave of [-12, 0, 12]) for (const s of ragaSemitones(raga)) if (s + octave >= -5 && s + octave <= 16) scale.push(s + octave);
  const nyas = new Set([0, 7, raga?.vadiSemitone, raga?.samvadiSemitone].map((s) => (s ?? 0) % 12));
  let i = scale.indexOf(startSemitone ?? scale[Math.floor(rand() * scale.length)]);
  if (i < 0) throw new Error(`ragaWalk: start ${startSemitone} is not a swara of the raga`);
  const notes = [];
  for (let k = 0; k < nNotes; k++) {
    const s = k === nNotes - 1 ? 0 : scale[i];
    const held = nyas.has(((s % 12) + 12) % 12);
    notes.push({ semitone: s, seconds: held ? 0.6 + 0.8 * rand() : 0.2 + 0.3 * rand() });
    const step = rand() < 0.7 ? 1 : 2;
    i = Math.max(0, Math.min(scale.length - 1, i + (rand() < 0.5 + (scale[i] < 0 ? 0.3 : scale[i] >= 12 ? -0.3 : 0) ? step : -step)));
  }
  return notes;
}

/**
 * The pitch contour of a phrase, frame by frame.
 * @param {{semitone:number, seconds:number}[]} notes
 * @param {{saMidi:number, frameRate:number, seed?:number, intonationCents?:number[]|number,
 *          jitterCents?:number, meendSeconds?:number, meendShare?:number, restSeconds?:number,
 *          restShare?:number}} o
 *   intonationCents: the singer's offset from each swara (12 numbers, by semitone) or for all;
 *   meendShare: the share of note changes joined by a glide of `meendSeconds` (else 20 ms)
 * @returns {Float64Array} [nFrames] f0 in Hz, 0 where unvoiced
 */
export function phraseContour(notes, {
  saMidi, frameRate, seed = 1, intonationCents = 0, jitterCents = 4, meendSeconds = 0.15, meendShare = 0.5, restSeconds = 0.25, restShare = 0.15,
}) {
  const rand = mulberry32(seed + 1000);
  const offset = (s) => (typeof intonationCents === "number" ? intonationCents : intonationCents[((s % 12) + 12) % 12]);
  const out = [];
  let prevCents = null;
  for (const { semitone, seconds } of notes) {
    const target = 100 * (saMidi + semitone) + offset(semitone);
    const n = Math.max(1, Math.round(seconds * frameRate));
    const glide = prevCents !== null && rand() < meendShare ? Math.round(meendSeconds * frameRate) : Math.round(0.02 * frameRate);
    for (let i = 0; i < n; i++) {
      const t = prevCents === null || i >= glide ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * i) / glide);
      const c = prevCents === null ? target : prevCents + t * (target - prevCents);
      out.push(midiToHz((c + jitterCents * gauss(rand)) / 100));
    }
    prevCents = target;
    if (rand() < restShare) {
      for (let i = 0; i < Math.round(restSeconds * frameRate); i++) out.push(0);
      prevCents = null;
    }
  }
  return Float64Array.from(out);
}
