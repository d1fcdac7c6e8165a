// The keys of an instrument tuned to the singer's Sa: a harmonium's keys, a taraf's strings.
// A scale is {saMidi, degrees}: Sa as a MIDI number (a float: a Sa found from the voice may lie
// between two piano keys) and the swaras played, in semitones above Sa (integers 0-11; all twelve
// when no raga is chosen). Degrees are relative to Sa, never pitch classes of C, so a key is
// always saMidi + degree + 12 * octave.
import { SA_MIDI_DEFAULT } from "../../dsp/sargam.js";

/** The twelve swaras of a saptak: a harmonium without a raga. */
export const ALL_DEGREES = Object.freeze([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

/** Sa and Pa: the strings every taraf has, whatever the raga. */
export const SA_PA_DEGREES = Object.freeze([0, 7]);

export const DEFAULT_SCALE = Object.freeze({ saMidi: SA_MIDI_DEFAULT, degrees: ALL_DEGREES });

/**
 * A checked copy of a scale, degrees sorted and unique. Throws on anything else (a pitch class of
 * C instead of a degree above Sa, a Hz value instead of a MIDI number).
 * @param {{saMidi:number, degrees:number[]}} scale
 */
export function checkScale(scale) {
  const { saMidi, degrees } = scale || {};
  if (!Number.isFinite(saMidi) || saMidi < 12 || saMidi > 120) {
    throw new Error(`scale.saMidi must be a MIDI note number (12-120), got ${saMidi}`);
  }
  if (!Array.isArray(degrees) || !degrees.length || !degrees.every((d) => Number.isInteger(d) && d >= 0 && d < 12)) {
    throw new Error(`scale.degrees must be semitones above Sa, integers 0-11, got ${JSON.stringify(degrees)}`);
  }
  return { saMidi, degrees: [...new Set(degrees)].sort((a, b) => a - b) };
}

/**
 * The key nearest `midi` among saMidi + degree + 12 * octave.
 * @param {number} midi
 * @param {{saMidi:number, degrees:number[]}} scale checked (sorted degrees)
 * @returns {number} the key's MIDI number
 */
export function nearestKey(midi, { saMidi, degrees }) {
  const rel = midi - saMidi;
  const octave = Math.floor(rel / 12);
  const within = rel - 12 * octave; // [0, 12)
  let best = degrees[0] + 12; // the next octave's lowest key is a candidate from above
  for (const d of degrees) if (Math.abs(within - d) < Math.abs(within - best)) best = d;
  if (Math.abs(within - (degrees[degrees.length - 1] - 12)) < Math.abs(within - best)) best = degrees[degrees.length - 1] - 12;
  return saMidi + 12 * octave + best;
}
