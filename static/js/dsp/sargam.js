// Sargam: a pitch as a swara relative to the singer's Sa, with its cents from the nearest swara.
// The twelve swara positions are equal-tempered (100 cents apart), like a harmonium or a tuner:
// the readout then agrees with the Western names the page also offers.
import { midiToHz, noteName } from "./notes.js";

/**
 * The twelve swaras of one saptak, in semitones above Sa. `komal` (flat) Re Ga Dha Ni are
 * written underlined, `tivra` (sharp) Ma with a mark above, as in Bhatkhande notation.
 */
export const SWARAS = Object.freeze([
  { semitone: 0, name: "Sa", komal: false, tivra: false },
  { semitone: 1, name: "Re", komal: true, tivra: false },
  { semitone: 2, name: "Re", komal: false, tivra: false },
  { semitone: 3, name: "Ga", komal: true, tivra: false },
  { semitone: 4, name: "Ga", komal: false, tivra: false },
  { semitone: 5, name: "Ma", komal: false, tivra: false },
  { semitone: 6, name: "Ma", komal: false, tivra: true },
  { semitone: 7, name: "Pa", komal: false, tivra: false },
  { semitone: 8, name: "Dha", komal: true, tivra: false },
  { semitone: 9, name: "Dha", komal: false, tivra: false },
  { semitone: 10, name: "Ni", komal: true, tivra: false },
  { semitone: 11, name: "Ni", komal: false, tivra: false },
].map(Object.freeze));

/** Sa choices offered to singers, as MIDI notes: A2 (110 Hz) … B4 (494 Hz). */
export const SA_MIDI_MIN = 45;
export const SA_MIDI_MAX = 71;
export const SA_MIDI_DEFAULT = 48; // C3, 130.8 Hz: a common Sa for men; women often pick G3–C4

/** Text label of a swara: "Sa", "komal Re", "tivra Ma". */
export function swaraLabel(s) {
  return s.komal ? `komal ${s.name}` : s.tivra ? `tivra ${s.name}` : s.name;
}

/** Short label for the chart axis: komal in lower case ("re"), tivra with a tick ("Ma'"). */
export function swaraShort(s) {
  return s.komal ? s.name.toLowerCase() : s.tivra ? `${s.name}'` : s.name;
}

/**
 * The short label of a swara `step` semitones from madhya Sa, its saptak marked as in
 * Bhatkhande notation: a dot below for mandra ("Pạ"), above for taar ("Ṡa" on its last letter).
 */
export function swaraShortAt(step) {
  const saptak = Math.floor(step / 12);
  return swaraShort(SWARAS[step - 12 * saptak]) + (saptak < 0 ? "\u0323" : saptak > 0 ? "\u0307" : "");
}

/** Cents of `f0Hz` above `saHz` (negative below). */
export function centsFromSa(f0Hz, saHz) {
  return 1200 * Math.log2(f0Hz / saHz);
}

/**
 * The swara nearest `f0Hz` with Sa at `saHz`, or null when `f0Hz` is not a pitch.
 * @returns {{swara:object, label:string, saptak:number, cents:number, centsFromSa:number} | null}
 *   saptak: 0 the singer's (madhya) octave, -1 below (mandra), +1 above (taar);
 *   cents: rounded, −50 … +50 from the nearest swara.
 */
export function hzToSwara(f0Hz, saHz) {
  if (!(f0Hz > 0) || !Number.isFinite(f0Hz) || !(saHz > 0)) return null;
  const fromSa = centsFromSa(f0Hz, saHz);
  const step = Math.round(fromSa / 100) + 0; // + 0: −0 (just under Sa) becomes 0
  const saptak = Math.floor(step / 12);
  const swara = SWARAS[step - saptak * 12];
  return { swara, label: swaraLabel(swara), saptak, cents: Math.round(fromSa - step * 100) + 0, centsFromSa: fromSa };
}

/** Readout of a pitch in either naming: {name, cents, saptak?} or null. */
export function describePitch(f0Hz, { saHz, naming = "sargam" }) {
  if (naming === "western") {
    const n = noteName(f0Hz);
    return n && { name: n.name, cents: n.cents };
  }
  const s = hzToSwara(f0Hz, saHz);
  return s && { name: s.label, cents: s.cents, saptak: s.saptak };
}

/**
 * Every swara line between `loCents` and `hiCents` from Sa (inclusive), for drawing.
 * @returns {{centsFromSa:number, swara:object, saptak:number}[]} low to high
 */
export function swaraLines(loCents, hiCents) {
  const out = [];
  for (let step = Math.ceil(loCents / 100); step * 100 <= hiCents; step++) {
    const saptak = Math.floor(step / 12);
    out.push({ centsFromSa: step * 100, swara: SWARAS[step - saptak * 12], saptak });
  }
  return out;
}

/** Sa in Hz from its MIDI note (the picker stores MIDI numbers). */
export function saHzFromMidi(midi) {
  return midiToHz(midi);
}

/**
 * A stored Sa (string from localStorage) as a MIDI number in range, or the default. A Sa found
 * by singing lies between the keys: kept to the cent (52.13 is E3 + 13 cents).
 */
export function parseSaMidi(stored) {
  const m = stored === null || stored === "" ? NaN : Number(stored);
  return Number.isFinite(m) && m >= SA_MIDI_MIN && m <= SA_MIDI_MAX ? Math.round(m * 100) / 100 : SA_MIDI_DEFAULT;
}

/** A Sa's label: "C3 (130.8 Hz)" on a key, "E4 +13 ¢ (332.1 Hz)" between keys (nearest note and cents). */
export function saLabel(midi) {
  const hz = midiToHz(midi), n = noteName(hz);
  const cents = n.cents === 0 ? "" : ` ${n.cents > 0 ? "+" : "−"}${Math.abs(n.cents)} ¢`;
  return `${n.name}${cents} (${hz.toFixed(1)} Hz)`;
}

/**
 * The Sa choices for the picker, low to high: every key, and `currentMidi` where it lies between
 * two (a Sa found by singing). @returns {{midi:number, label:string}[]}
 */
export function saChoices(currentMidi = null) {
  const out = [];
  for (let m = SA_MIDI_MIN; m <= SA_MIDI_MAX; m++) out.push({ midi: m, label: saLabel(m) });
  if (currentMidi !== null && !Number.isInteger(currentMidi)) {
    out.splice(out.findIndex((c) => c.midi > currentMidi), 0, { midi: currentMidi, label: saLabel(currentMidi) });
  }
  return out;
}
