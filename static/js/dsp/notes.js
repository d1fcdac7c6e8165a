// Pitch names: Western and sargam (Sa = the chosen tonic).
const NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

/** MIDI note number (float) of a frequency. */
export function hzToMidi(f0Hz) {
  return 69 + 12 * Math.log2(f0Hz / 440);
}

export function midiToHz(midi) {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** {name:"A4", cents:+3} for a frequency, or null when not a pitch. */
export function noteName(f0Hz) {
  if (!(f0Hz > 0) || !Number.isFinite(f0Hz)) return null;
  const midi = hzToMidi(f0Hz);
  const nearest = Math.round(midi);
  const octave = Math.floor(nearest / 12) - 1;
  return { name: `${NAMES[((nearest % 12) + 12) % 12]}${octave}`, cents: Math.round((midi - nearest) * 100) };
}
