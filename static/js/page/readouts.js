// The live readouts: input level and pitch, the sargam trace (sung and instrument), the Sa and
// naming pickers it follows, latency, underruns and where the engine runs.
import { UI_UPDATES_PER_SECOND } from "../config.js";
import { describePitch, saChoices } from "../dsp/sargam.js";
import { $, setText } from "./dom.js";
import { createFrameThrottle } from "./frame-throttle.js";
import { preferences, saHz } from "./preferences.js";
import { createSargamView } from "./sargam-view.js";

let sargamView = null; // made by bindPitchSettings, once the page is there
let latestLevel = { levelDb: -Infinity, f0Hz: 0 };
// Level reports and pitch messages arrive apart; the readouts repaint together, at most
// UI_UPDATES_PER_SECOND (config.js: software rasterising takes the audio threads' CPU).
const readouts = createFrameThrottle(renderReadouts, UI_UPDATES_PER_SECOND);

/** Repaints a second from now on (page/repaint-rate.js: fewer while the audio thread is late). */
export function setRepaintRate(perSecond) {
  readouts.setPerSecond(perSecond);
}

/** Live input level and pitch: {levelDb, f0Hz} (f0Hz 0 when unvoiced); the sung trace too. */
export function showLevel({ levelDb, f0Hz }) {
  latestLevel = { levelDb, f0Hz };
  if (sargamView) sargamView.pushSung(f0Hz);
  readouts.request();
}

/** The pitch asked of the instrument, per engine block: {f0Hz} (0 when silent). */
export function showInstrumentPitch({ f0Hz }) {
  if (sargamView) sargamView.pushInstrument(f0Hz);
  readouts.request();
}

/** One frame of the live readouts: level meter, pitch, and the sargam trace (readouts throttle). */
function renderReadouts() {
  const { levelDb, f0Hz } = latestLevel;
  const fraction = Math.max(0, Math.min(1, (levelDb + 60) / 60));
  // A transform, not a width: no layout; no transition, which would repaint every frame.
  $("level-fill").style.transform = `scaleX(${fraction.toFixed(2)})`;
  setText("level-db", Number.isFinite(levelDb) ? levelDb.toFixed(0) : "—");
  const note = describePitch(f0Hz, { saHz: saHz(), naming: preferences.get("naming") });
  setText("note", note ? note.name : "—");
  const saptak = note && note.saptak ? (note.saptak < 0 ? "mandra" : "taar") : "";
  if ($("note").dataset.saptak !== saptak) $("note").dataset.saptak = saptak;
  setText("pitch-hz", note ? f0Hz.toFixed(1) : "—");
  setText("cents", note ? `${note.cents >= 0 ? "+" : ""}${note.cents}¢` : "");
  if (sargamView) sargamView.draw();
}

/** Sa picker and naming (sargam / Western), remembered; the sargam view follows them. */
export function bindPitchSettings() {
  const sa = $("sa"), naming = $("naming");
  fillSaChoices();
  naming.value = preferences.get("naming");
  if (!sargamView) sargamView = createSargamView($("sargam"), { saHz: saHz(), naming: preferences.get("naming"), requestDraw: () => readouts.request() });
  sa.addEventListener("change", () => {
    preferences.set("saMidi", sa.value);
    fillSaChoices(); // a Sa found between the keys is offered while it is the chosen one
    sargamView.setSa(saHz());
  });
  naming.addEventListener("change", () => {
    preferences.set("naming", naming.value);
    sargamView.setNaming(naming.value);
  });
}

function fillSaChoices() {
  const sa = $("sa"), current = preferences.get("saMidi");
  sa.replaceChildren(...saChoices(current).map((c) => new Option(c.label, String(c.midi))));
  sa.value = String(current);
}

/** Sets Sa (a MIDI number, to the cent: Find my Sa's) as if the singer picked it: all who follow the picker follow. */
export function setSa(midi) {
  preferences.set("saMidi", midi);
  fillSaChoices();
  $("sa").dispatchEvent(new Event("change"));
}

/** The chosen raga's swaras (semitones above Sa) marked on the sargam trace; null: none. */
export function setRaga(semitones) {
  sargamView?.setRaga(semitones);
}

/** Called with the new Sa in Hz whenever the singer picks one (the tanpura follows). */
export function onSaChange(handler) {
  $("sa").addEventListener("change", () => handler(saHz()));
}

/** Latency in ms: measured mic-to-output (median of the phrase onsets so far) and the budget. */
export function showLatency({ measuredMs, budgetMs }) {
  $("latency").textContent = Number.isFinite(measuredMs) ? measuredMs.toFixed(0) : "—";
  $("latency-budget").textContent = Number.isFinite(budgetMs) ? budgetMs.toFixed(0) : "—";
}

export function showUnderruns(n) {
  setText("underruns", String(n));
}

/**
 * The engine's backend and how it was chosen.
 * @param {{name:string, blockFrames?:number, p50Ms?:number, p99Ms?:number, threads?:number,
 *          reason?:string, keepsUp?:boolean, host?:string, hostReason?:string}} choice
 */
export function showBackend(choice, ok = true) {
  const el = $("backend");
  const threads = choice.threads > 1 ? ` ×${choice.threads}` : "";
  const onAudioThread = choice.host === "audio";
  el.textContent = onAudioThread ? "audio thread" : choice.name + threads;
  el.classList.toggle("ok", ok);
  el.title = onAudioThread ? choice.hostReason : choice.reason || "TF.js backend in use";
  $("block-ms").textContent = Number.isFinite(choice.p50Ms) ? `${choice.p50Ms.toFixed(1)} ms / ${choice.blockFrames}-frame block` : "—";
}
