// The riyaz report: how each swara sat in a take. A note is a stretch of the sung pitch nearest
// one swara for at least MIN_NOTE_SECONDS; its steady core (without EDGE_SECONDS at either end,
// and only the frames within CORE_CENTS of the note's median) is what counts, so the glide into a
// note and out of it does not, and a meend passing through swaras holds none. Per swara, over its notes: the time held, the mean offset in cents from its
// equal-tempered place (as the sargam readout names pitches), and the steadiness, the spread of
// the pitch about each note's own mean (a root mean square, pooled).
import { hzToSwara, SWARAS, swaraLabel } from "./sargam.js";

const MIN_NOTE_SECONDS = 0.15;
const CORE_CENTS = 35;
const EDGE_SECONDS = 0.05; // a note's first and last 50 ms: arriving and leaving

/**
 * Notes of a take: runs of voiced frames nearest one swara.
 * @param {Float64Array} cents [n] cents from Sa, NaN where unvoiced
 * @returns {{step:number, frames:number, cents:number[]}[]} step: semitones from Sa (saptak
 *   included); frames: the note's length; cents: its core's pitches
 */
function notesOf(cents, frameRate) {
  const minFrames = Math.max(2, Math.round(MIN_NOTE_SECONDS * frameRate));
  const edge = Math.max(1, Math.round(EDGE_SECONDS * frameRate));
  const notes = [];
  let start = 0;
  for (let i = 1; i <= cents.length; i++) {
    const step = (k) => (Number.isNaN(cents[k]) ? null : Math.round(cents[k] / 100));
    if (i < cents.length && step(i) === step(start)) continue;
    if (step(start) !== null && i - start >= minFrames) {
      const run = Array.from(cents.subarray(start + edge, i - edge));
      const median = [...run].sort((a, b) => a - b)[run.length >> 1];
      const core = run.filter((c) => Math.abs(c - median) <= CORE_CENTS);
      if (core.length >= minFrames - 2 * edge) notes.push({ step: step(start), frames: i - start, cents: core });
    }
    start = i;
  }
  return notes;
}

/**
 * How each swara sat in a take.
 * @param {ArrayLike<number>} f0Hz [nFrames] the sung pitch, 0 where unvoiced
 * @param {{frameRate:number, saHz:number, semitones?:number[]|null}} o semitones: the raga's swaras
 *   (0…11), to mark the swaras sung outside it; null: no raga
 * @returns {{voicedSeconds:number, heldSeconds:number, swaras:{semitone:number, label:string,
 *   seconds:number, notes:number, meanOffsetCents:number, steadyCents:number, inRaga:boolean}[]}}
 *   swaras: only those sung, by semitone above Sa (0…11; every saptak together)
 */
export function riyazStats(f0Hz, { frameRate, saHz, semitones = null }) {
  if (!(frameRate > 0)) throw new Error(`riyazStats: frameRate must be frames per second, got ${frameRate}`);
  if (!(saHz > 0)) throw new Error(`riyazStats: saHz must be a positive frequency, got ${saHz}`);
  const cents = Float64Array.from(f0Hz, (f) => (f > 0 && Number.isFinite(f) ? hzToSwara(f, saHz).centsFromSa : NaN));
  const acc = Array.from({ length: 12 }, () => ({ frames: 0, coreFrames: 0, notes: 0, offsetSum: 0, squareSum: 0 }));
  for (const note of notesOf(cents, frameRate)) {
    const a = acc[((note.step % 12) + 12) % 12];
    const mean = note.cents.reduce((s, c) => s + c, 0) / note.cents.length;
    a.frames += note.frames;
    a.coreFrames += note.cents.length;
    a.notes += 1;
    for (const c of note.cents) {
      a.offsetSum += c - 100 * note.step;
      a.squareSum += (c - mean) ** 2;
    }
  }
  const swaras = [];
  acc.forEach((a, semitone) => {
    if (!a.frames) return;
    swaras.push({
      semitone, label: swaraLabel(SWARAS[semitone]), seconds: a.frames / frameRate, notes: a.notes,
      meanOffsetCents: a.offsetSum / a.coreFrames, steadyCents: Math.sqrt(a.squareSum / a.coreFrames),
      inRaga: !semitones || semitones.includes(semitone),
    });
  });
  const voicedSeconds = cents.reduce((n, c) => n + !Number.isNaN(c), 0) / frameRate;
  return { voicedSeconds, heldSeconds: swaras.reduce((s, r) => s + r.seconds, 0), swaras };
}

const signed = (x) => `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x))}`;

/** One swara in words: "Ga +12 ¢, steady ±6 ¢". */
export function describeSwaraStat({ label, meanOffsetCents, steadyCents }) {
  return `${label} ${signed(meanOffsetCents)} ¢, steady ±${Math.round(steadyCents)} ¢`;
}

/**
 * Each swara of a take beside the same swara in earlier takes (their mean, each take weighted
 * by the time it held the swara).
 * @param {{swaras:object[]}} report riyazStats' result @param {{swaras:object[]}[]} earlier older takes
 * @returns {{semitone:number, earlierOffsetCents:number|null, earlierSteadyCents:number|null, earlierTakes:number}[]}
 */
export function compareWithEarlier(report, earlier) {
  return report.swaras.map(({ semitone }) => {
    const past = earlier.flatMap((take) => take.swaras.filter((r) => r.semitone === semitone));
    const seconds = past.reduce((s, r) => s + r.seconds, 0);
    const weighted = (key) => (seconds > 0 ? past.reduce((s, r) => s + r[key] * r.seconds, 0) / seconds : null);
    return { semitone, earlierOffsetCents: weighted("meanOffsetCents"), earlierSteadyCents: weighted("steadyCents"), earlierTakes: past.length };
  });
}

/**
 * The report as CSV, for a file beside the take's WAV.
 * @param {{swaras:object[]}} report @param {{raga:string, saHz:number, at:string}} take what was sung, when
 * @param {ReturnType<typeof compareWithEarlier>} comparison
 * @returns {string}
 */
export function riyazCsv(report, { raga, saHz, at }, comparison) {
  const row = (cells) => cells.map((c) => (typeof c === "number" ? c.toFixed(1) : `"${String(c).replaceAll('"', '""')}"`)).join(",");
  const lines = [
    row(["raga", raga]), row(["sa_hz", saHz]), row(["taken_at", at]), "",
    "swara,seconds,mean_offset_cents,steady_cents,in_raga,earlier_offset_cents,earlier_steady_cents,earlier_takes",
  ];
  report.swaras.forEach((r, i) => {
    const c = comparison[i];
    const maybe = (x) => (x === null ? "" : x.toFixed(1));
    lines.push(`${row([r.label, r.seconds, r.meanOffsetCents, r.steadyCents])},${r.inRaga},${maybe(c.earlierOffsetCents)},${maybe(c.earlierSteadyCents)},${c.earlierTakes}`);
  });
  return lines.join("\n") + "\n";
}
