// Ragas: the one table of ragas the page offers, Hindustani and Carnatic, and what the rest of
// Swara reads from it (the swaras as semitones above Sa or as absolute pitches, the tanpura's
// first string). Pure data and arithmetic: no DOM, no audio.
//
// Sources. Hindustani: V. N. Bhatkhande, Kramik Pustak Malika (thaat, aroha, avaroha, vadi and
// samvadi as standardised there); W. Kaufmann, The Ragas of North India (1968); J. Bor (ed.),
// The Raga Guide (Nimbus Records, 1999). Carnatic: Venkatamakhin's 72-melakarta scheme as given in
// P. Sambamoorthy, South Indian Music, and S. Bhagyalekshmy, Ragas in Carnatic Music (1990).
// Every entry was checked against the Wikipedia article of the raga, which cites these.
// Carnatic lakshana names jiva swaras rather than vadi and samvadi; a Carnatic raga here carries
// the vadi and samvadi of the Hindustani raga or thaat with the same swaras (its `counterpart`).
// Where ragas are sung with variants (Bihag's tivra Ma, Darbari's vakra avaroha), the table keeps
// the common teaching form.
//
// Notation (as in Bhatkhande's Roman transliterations): S r R g G m M P d D n N, lower case komal
// (for Ma: shuddha), upper case shuddha (for Ma: tivra); a leading "." is the lower octave
// (mandra, ".N"), a trailing "'" the upper (taar, "S'").

/** Semitones above Sa of each swara token. */
export const SWARA_TOKENS = Object.freeze({ S: 0, r: 1, R: 2, g: 3, G: 4, m: 5, M: 6, P: 7, d: 8, D: 9, n: 10, N: 11 });

/**
 * The tanpura's first string, tuned by ear to a beatless just interval in the lower octave:
 * Pa (3/4 of Sa), or Ma (2/3) where the raga omits or avoids Pa, or Ni (15/16) where customary
 * (Marwa, Puriya). Keyed by token: the ratio of the string's pitch to Sa.
 */
export const TANPURA_FIRST_STRING_RATIO = Object.freeze({ P: 3 / 4, m: 2 / 3, N: 15 / 16 });

const H = "hindustani", C = "carnatic";
// [id, name, tradition, family, swaras, aroha, avaroha, vadi, samvadi, tanpura, counterpart]
const TABLE = [
  ["yaman", "Yaman", H, "Kalyan thaat", "S R G M P D N", ".N R G M D N S'", "S' N D P M G R S", "G", "N", "P"],
  ["bhairav", "Bhairav", H, "Bhairav thaat", "S r G m P d N", "S r G m P d N S'", "S' N d P m G r S", "d", "r", "P"],
  ["bhimpalasi", "Bhimpalasi", H, "Kafi thaat", "S R g m P D n", ".n S g m P n S'", "S' n D P m g R S", "m", "S", "P"],
  ["malkauns", "Malkauns", H, "Bhairavi thaat", "S g m d n", ".n S g m d n S'", "S' n d m g S", "m", "S", "m"],
  ["kafi", "Kafi", H, "Kafi thaat", "S R g m P D n", "S R g m P D n S'", "S' n D P m g R S", "P", "S", "P"],
  ["bhupali", "Bhupali", H, "Kalyan thaat", "S R G P D", "S R G P D S'", "S' D P G R S", "G", "D", "P"],
  ["darbari", "Darbari Kanada", H, "Asavari thaat", "S R g m P d n", ".n S R g m P d n S'", "S' d n P m P g m R S", "R", "P", "P"],
  ["todi", "Todi (Miyan ki Todi)", H, "Todi thaat", "S r g M P d N", "S r g M d N S'", "S' N d P M g r S", "d", "g", "P"],
  ["bageshri", "Bageshri", H, "Kafi thaat", "S R g m P D n", ".n S g m D n S'", "S' n D m g R S", "m", "S", "m"],
  ["des", "Des", H, "Khamaj thaat", "S R G m P D n N", "S R m P N S'", "S' n D P m G R S", "R", "P", "P"],
  ["khamaj", "Khamaj", H, "Khamaj thaat", "S R G m P D n N", "S G m P D N S'", "S' n D P m G R S", "G", "N", "P"],
  ["marwa", "Marwa", H, "Marwa thaat", "S r G M D N", ".N r G M D N S'", "S' N D M G r S", "r", "D", "N"],
  ["puriya", "Puriya", H, "Marwa thaat", "S r G M D N", ".N r G M D N S'", "S' N D M G r S", "G", "N", "N"],
  ["bhairavi", "Bhairavi", H, "Bhairavi thaat", "S r g m P d n", "S r g m P d n S'", "S' n d P m g r S", "m", "S", "P"],
  ["asavari", "Asavari", H, "Asavari thaat", "S R g m P d n", "S R m P d S'", "S' n d P m g R S", "d", "g", "P"],
  ["bihag", "Bihag", H, "Bilaval thaat", "S R G m M P D N", ".N S G m P N S'", "S' N D P M P G m G R S", "G", "N", "P"],
  ["durga", "Durga", H, "Bilaval thaat", "S R m P D", "S R m P D S'", "S' D P m R S", "m", "S", "P"],
  ["puriya-dhanashree", "Puriya Dhanashree", H, "Poorvi thaat", "S r G M P d N", ".N r G M P d N S'", "S' N d P M G r S", "P", "S", "P"],
  ["lalit", "Lalit", H, "Marwa thaat", "S r G m M d N", ".N r G m M d N S'", "S' N d M m G r S", "m", "S", "m"],
  ["brindavani-sarang", "Brindavani Sarang", H, "Kafi thaat", "S R m P n N", ".N S R m P N S'", "S' n P m R S", "R", "P", "P"],
  ["bilaval", "Bilaval (Alhaiya)", H, "Bilaval thaat", "S R G m P D n N", "S R G P D N S'", "S' N D n D P m G R S", "D", "G", "P"],
  ["kalyani", "Kalyani", C, "melakarta 65", "S R G M P D N", "S R G M P D N S'", "S' N D P M G R S", "G", "N", "P", "Yaman"],
  ["mohanam", "Mohanam", C, "janya of melakarta 28 (Harikambhoji)", "S R G P D", "S R G P D S'", "S' D P G R S", "G", "D", "P", "Bhupali"],
  ["shankarabharanam", "Shankarabharanam", C, "melakarta 29", "S R G m P D N", "S R G m P D N S'", "S' N D P m G R S", "D", "G", "P", "Bilaval thaat"],
  ["hindolam", "Hindolam", C, "janya of melakarta 20 (Natabhairavi)", "S g m d n", "S g m d n S'", "S' n d m g S", "m", "S", "m", "Malkauns"],
  ["kharaharapriya", "Kharaharapriya", C, "melakarta 22", "S R g m P D n", "S R g m P D n S'", "S' n D P m g R S", "P", "S", "P", "Kafi"],
  ["mayamalavagowla", "Mayamalavagowla", C, "melakarta 15", "S r G m P d N", "S r G m P d N S'", "S' N d P m G r S", "d", "r", "P", "Bhairav"],
  ["hanumatodi", "Hanumatodi (Todi)", C, "melakarta 8", "S r g m P d n", "S r g m P d n S'", "S' n d P m g r S", "m", "S", "P", "Bhairavi"],
  ["natabhairavi", "Natabhairavi", C, "melakarta 20", "S R g m P d n", "S R g m P d n S'", "S' n d P m g R S", "d", "g", "P", "Asavari"],
  ["madhyamavati", "Madhyamavati", C, "janya of melakarta 22 (Kharaharapriya)", "S R m P n", "S R m P n S'", "S' n P m R S", "R", "P", "P", "Madhmad Sarang"],
  ["abhogi", "Abhogi", C, "janya of melakarta 22 (Kharaharapriya)", "S R g m D", "S R g m D S'", "S' D m g R S", "S", "m", "m", "Abhogi Kanada"],
  ["hamsadhwani", "Hamsadhwani", C, "janya of melakarta 29 (Shankarabharanam)", "S R G P N", "S R G P N S'", "S' N P G R S", "S", "P", "P", "Hansadhwani"],
];

/**
 * One swara token as semitones from madhya Sa, octave marks included: ".N" → -1, "S'" → 12.
 * @param {string} token
 * @returns {number}
 */
export function parseSwara(token) {
  const m = /^(\.?)([SrRgGmMPdDnN])('?)$/.exec(token);
  if (!m) throw new Error(`swara "${token}": expected one of S r R g G m M P d D n N, with "." (mandra) before or "'" (taar) after`);
  return SWARA_TOKENS[m[2]] + (m[1] ? -12 : 0) + (m[3] ? 12 : 0);
}

/** A space-separated phrase of swara tokens → semitones from madhya Sa (mandra negative). */
export function parseSwaras(text) {
  return text.trim().split(/\s+/).map(parseSwara);
}

const fold = (semitone) => ((semitone % 12) + 12) % 12;

function buildRaga([id, name, tradition, family, swaras, aroha, avaroha, vadi, samvadi, tanpura, counterpart = null]) {
  const semitones = parseSwaras(swaras);
  const inRaga = (s) => semitones.includes(fold(s));
  for (const [what, text] of [["aroha", aroha], ["avaroha", avaroha], ["vadi", vadi], ["samvadi", samvadi], ["tanpura", tanpura]]) {
    if (!parseSwaras(text).every(inRaga)) throw new Error(`raga ${id}: its ${what} "${text}" uses a swara outside "${swaras}"`);
  }
  if (!(tanpura in TANPURA_FIRST_STRING_RATIO)) throw new Error(`raga ${id}: tanpura string "${tanpura}" must be P, m or N`);
  return Object.freeze({
    id, name, tradition, family, counterpart,
    swaras, aroha, avaroha, vadi, samvadi, tanpura,
    /** Semitones above Sa of the raga's swaras, ascending, each in 0…11. */
    semitones: Object.freeze(semitones),
    arohaSemitones: Object.freeze(parseSwaras(aroha)),
    avarohaSemitones: Object.freeze(parseSwaras(avaroha)),
    vadiSemitone: parseSwara(vadi),
    samvadiSemitone: parseSwara(samvadi),
  });
}

/** Every raga the page offers: Hindustani first, then Carnatic, each in the table's order. */
export const RAGAS = Object.freeze(TABLE.map(buildRaga));

const BY_ID = new Map(RAGAS.map((r) => [r.id, r]));

/**
 * The raga with this id; null for "none" or null (no raga: today's twelve swaras).
 * @param {string|null} id
 */
export function getRaga(id) {
  if (id === null || id === "none") return null;
  const raga = BY_ID.get(id);
  if (!raga) throw new Error(`unknown raga "${id}": use one of ${[...BY_ID.keys()].join(", ")} or "none"`);
  return raga;
}

const resolve = (raga) => (typeof raga === "string" ? getRaga(raga) : raga);

/**
 * Semitones above Sa of the raga's swaras (0…11, ascending); all twelve for no raga.
 * @param {object|string|null} raga a RAGAS entry, its id, or null
 * @returns {number[]}
 */
export function ragaSemitones(raga) {
  const r = resolve(raga);
  return r ? [...r.semitones] : Object.values(SWARA_TOKENS);
}

/**
 * The raga's swaras as pitch classes with Sa at MIDI note `saMidi`: each (saMidi + semitone)
 * mod 12, in MIDI semitones, where 0 is C, 1 C#, … 11 B; ascending, each in [0, 12). A Sa between
 * two keys (Find my Sa gives e.g. 52.13, E3 + 13 cents) gives pitch classes 0.13 off the keys.
 * @param {object|string|null} raga a RAGAS entry, its id, or null (all twelve swaras)
 * @param {number} saMidi Sa as a (fractional) MIDI note number, e.g. 48 for C3
 * @returns {number[]} [nSwaras]
 */
export function ragaPitchClasses(raga, saMidi) {
  if (!Number.isFinite(saMidi)) throw new Error(`ragaPitchClasses: saMidi must be a MIDI note number, got ${saMidi}`);
  return ragaSemitones(raga).map((s) => ((saMidi + s) % 12 + 12) % 12).sort((a, b) => a - b);
}

/**
 * Every note of the raga, in any octave, between MIDI notes `loMidi` and `hiMidi` (inclusive):
 * absolute (fractional) MIDI note numbers, ascending. For keys and sympathetic strings.
 * @returns {number[]}
 */
export function ragaMidiNotes(raga, saMidi, loMidi, hiMidi) {
  const semitones = ragaSemitones(raga), out = [];
  for (let octave = Math.floor((loMidi - saMidi) / 12); saMidi + 12 * octave <= hiMidi; octave++) {
    for (const s of semitones) {
      const midi = saMidi + 12 * octave + s;
      if (midi >= loMidi && midi <= hiMidi) out.push(midi);
    }
  }
  return out;
}

/**
 * The tanpura's first string for a raga: its token and its pitch as a ratio to Sa (below 1:
 * the lower octave). No raga: Pa, the common tuning.
 * @returns {{token:string, ratio:number}}
 */
export function tanpuraFirstString(raga) {
  const token = resolve(raga)?.tanpura ?? "P";
  return { token, ratio: TANPURA_FIRST_STRING_RATIO[token] };
}
