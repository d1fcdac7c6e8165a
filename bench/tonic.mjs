// Find my Sa benchmark (node): the error in cents and the seconds of singing needed, on generated
// phrases with a known Sa from C3 to F4 (every semitone, and 13-26 cents off the keys), read at
// the page's 20 pitch readings a second. Three cases: a held Sa; a phrase of each raga starting
// on another swara with that raga chosen; the same phrases with no raga chosen.
// "Seconds needed": the shortest start of the phrase from which every longer start finds Sa
// within ±20 cents (0.5 s steps).
//   node bench/tonic.mjs [--json]
import { RAGAS } from "../static/js/dsp/ragas.js";
import { findSa } from "../static/js/dsp/tonic.js";
import { phraseContour, ragaWalk } from "../tests/kit/sung-phrases.js";

const FRAME_RATE = 20; // the capture worklet's pitch readings a second
const TOLERANCE_CENTS = 20;
const SA_MIDI = { lo: 48, hi: 65 }; // C3 … F4
const STEP_SECONDS = 0.5;

/** The cases: per Sa and raga, a contour and the raga passed to findSa. */
function* cases() {
  let seed = 0;
  for (let midi = SA_MIDI.lo; midi <= SA_MIDI.hi; midi++) {
    for (const raga of RAGAS) {
      seed++;
      const saMidi = midi + 0.13 * ((seed % 5) - 2);
      const others = raga.semitones.filter((s) => s !== 0);
      const notes = ragaWalk(raga, { seed, nNotes: 10, startSemitone: others[seed % others.length] });
      const intonationCents = Array.from({ length: 12 }, (_, k) => (k === 0 ? 0 : ((k * 37 + seed) % 17) - 8));
      const f0Hz = phraseContour(notes, { saMidi, frameRate: FRAME_RATE, seed, intonationCents });
      yield { kind: "phrase, raga chosen", saMidi, f0Hz, raga };
      yield { kind: "phrase, no raga", saMidi, f0Hz, raga: null };
    }
    const saMidi = midi + 0.21;
    yield { kind: "held Sa", saMidi, f0Hz: phraseContour([{ semitone: 0, seconds: 4 }], { saMidi, frameRate: FRAME_RATE, seed: midi }), raga: null };
  }
}

const errorCents = (f0Hz, raga, saMidi) => {
  const found = findSa(f0Hz, { frameRate: FRAME_RATE, raga });
  return found ? 100 * (found.saMidi - saMidi) : NaN;
};

/** Seconds of the phrase from which on every longer start is within tolerance (Infinity: never). */
function secondsNeeded(f0Hz, raga, saMidi) {
  const step = Math.round(STEP_SECONDS * FRAME_RATE);
  let needed = Infinity;
  for (let n = f0Hz.length; n > 0; n -= step) {
    if (!(Math.abs(errorCents(f0Hz.subarray(0, n), raga, saMidi)) <= TOLERANCE_CENTS)) break;
    needed = n / FRAME_RATE;
  }
  return needed;
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

function run() {
  const rows = new Map();
  for (const c of cases()) {
    if (!rows.has(c.kind)) rows.set(c.kind, { errors: [], seconds: [], phraseSeconds: [] });
    const r = rows.get(c.kind);
    r.errors.push(errorCents(c.f0Hz, c.raga, c.saMidi));
    r.seconds.push(secondsNeeded(c.f0Hz, c.raga, c.saMidi));
    r.phraseSeconds.push(c.f0Hz.length / FRAME_RATE);
  }
  return [...rows].map(([kind, { errors, seconds, phraseSeconds }]) => {
    const ok = errors.filter((e) => Math.abs(e) <= TOLERANCE_CENTS);
    return {
      kind, n: errors.length, withinTolerance: ok.length / errors.length,
      medianAbsErrorCents: quantile(ok.map(Math.abs), 0.5), p95AbsErrorCents: quantile(ok.map(Math.abs), 0.95),
      wrongNoteErrors: errors.length - ok.length,
      medianSecondsNeeded: quantile(seconds, 0.5), p90SecondsNeeded: quantile(seconds, 0.9),
      medianPhraseSeconds: quantile(phraseSeconds, 0.5),
    };
  });
}

/** The report's section (docs/benchmarks.md "## Find my Sa"), markdown lines. */
function markdown(results) {
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "never");
  return [
    "## Find my Sa (node, generated phrases, Sa C3–F4)", "",
    `Error of the Sa found and the singing it needs, at the page's ${FRAME_RATE} pitch readings a second. Phrases: a walk over each of the ${RAGAS.length} ragas' swaras (10 notes, ` +
      "mandra Pa to taar Ga, starting on a swara other than Sa, ending on Sa; nyas on Sa, Pa, vadi and samvadi; half the note changes by meend; the singer's " +
      "intonation within ±8 cents per swara, 4 cents of jitter; `tests/kit/sung-phrases.js`) with Sa on every semitone from C3 to F4, 0–26 cents off the key. " +
      `Seconds needed: the shortest start of the phrase from which every longer start finds Sa within ±${TOLERANCE_CENTS} cents (${STEP_SECONDS} s steps). ` +
      "`node bench/tonic.mjs` reproduces.", "",
    `| case | takes | within ±${TOLERANCE_CENTS} ¢ | median / p95 error of those (¢) | another note as Sa (a swara or octave) | seconds needed (median / p90) | phrase length (median, s) |`,
    "|---|---|---|---|---|---|---|",
    ...results.map((r) => `| ${r.kind} | ${r.n} | ${(100 * r.withinTolerance).toFixed(1)} % | ${f(r.medianAbsErrorCents)} / ${f(r.p95AbsErrorCents)} | ` +
      `${r.wrongNoteErrors} | ${f(r.medianSecondsNeeded)} / ${f(r.p90SecondsNeeded)} | ${f(r.medianPhraseSeconds)} |`),
    "",
  ];
}

const results = run();
console.log(process.argv.includes("--json") ? JSON.stringify({ rows: results, markdown: markdown(results) }) : markdown(results).join("\n"));
