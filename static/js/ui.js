// UI stage: everything that touches the DOM. Other stages call these; none reads the DOM.
import { describePitch, saChoices, saHzFromMidi } from "./dsp/sargam.js";
import { describeInstrument } from "./instruments.js";
import { createSargamView } from "./sargam-view.js";
import { createSettings } from "./settings.js";

const $ = (id) => document.getElementById(id);
const settings = createSettings();
let sargamView = null; // made by bindControls, once the page is there

/** The singer's Sa in Hz (the chosen one, remembered). */
export function saHz() {
  return saHzFromMidi(settings.get("saMidi"));
}

/**
 * The engine's backend and how it was chosen.
 * @param {{name:string, blockFrames?:number, p50Ms?:number, p99Ms?:number, threads?:number,
 *          reason?:string, keepsUp?:boolean}} choice
 */
export function showBackend(choice, ok = true) {
  const el = $("backend");
  const threads = choice.threads > 1 ? ` ×${choice.threads}` : "";
  el.textContent = choice.name + threads;
  el.classList.toggle("ok", ok);
  el.title = choice.reason || "TF.js backend in use";
  $("block-ms").textContent = Number.isFinite(choice.p50Ms) ? `${choice.p50Ms.toFixed(1)} ms / ${choice.blockFrames}-frame block` : "—";
}

/** Marks the page's state on <body data-state>: loading, ready, singing, error. */
export function setPageState(name) {
  document.body.dataset.state = name;
}

export function showStatus(text) {
  $("status-text").textContent = text;
}

/** Live input level and pitch: {levelDb, f0Hz} (f0Hz 0 when unvoiced); the sung trace too. */
export function showLevel({ levelDb, f0Hz }) {
  const pct = Math.max(0, Math.min(100, ((levelDb + 60) / 60) * 100));
  $("level-fill").style.width = `${pct.toFixed(0)}%`;
  $("level-db").textContent = Number.isFinite(levelDb) ? levelDb.toFixed(0) : "—";
  const note = describePitch(f0Hz, { saHz: saHz(), naming: settings.get("naming") });
  $("note").textContent = note ? note.name : "—";
  $("note").dataset.saptak = note && note.saptak ? (note.saptak < 0 ? "mandra" : "taar") : "";
  $("pitch-hz").textContent = note ? f0Hz.toFixed(1) : "—";
  $("cents").textContent = note ? `${note.cents >= 0 ? "+" : ""}${note.cents}¢` : "";
  if (sargamView) sargamView.pushSung(f0Hz);
}

/** The pitch asked of the instrument, per engine block: {f0Hz} (0 when silent). */
export function showInstrumentPitch({ f0Hz }) {
  if (sargamView) sargamView.pushInstrument(f0Hz);
}

/** Latency in ms: measured mic-to-output (median of the phrase onsets so far) and the budget. */
export function showLatency({ measuredMs, budgetMs }) {
  $("latency").textContent = Number.isFinite(measuredMs) ? measuredMs.toFixed(0) : "—";
  $("latency-budget").textContent = Number.isFinite(budgetMs) ? budgetMs.toFixed(0) : "—";
}

/** An instrument that failed to load: its chip says why; tapping it again retries. */
export function markUnavailable(modelId, reason) {
  const chip = document.querySelector(`.chip[data-id="${modelId}"]`);
  if (!chip) return;
  chip.classList.add("unavailable");
  chip.title = `Unavailable: ${reason}. Tap to retry.`;
}

/** Shows `modelId` as the chosen instrument (and clears a past failure on it). */
export function checkInstrument(modelId) {
  document.querySelectorAll("#instrument-list .chip").forEach((c) => {
    const on = c.dataset.id === modelId;
    c.setAttribute("aria-checked", on ? "true" : "false");
    if (on) {
      c.classList.remove("unavailable");
      c.removeAttribute("title");
    }
  });
}

export function showUnderruns(n) {
  $("underruns").textContent = String(n);
}

export function setSinging(on) {
  const b = $("sing");
  b.setAttribute("aria-pressed", on ? "true" : "false");
  b.querySelector(".sing-label").textContent = on ? "Stop" : "Sing";
}

export function enableSing(onToggle) {
  const b = $("sing");
  b.disabled = false;
  b.addEventListener("click", onToggle);
}

/**
 * Renders the instrument cards (a radio group: picture and name; the chosen one's sound and
 * SoundFont below). `onPick(model)` fires on a choice, which is remembered. Returns the model
 * to start with: the remembered one if it is still installed, else the first.
 */
export function showInstruments(models, errors, onPick) {
  const list = $("instrument-list");
  list.replaceChildren();
  const hint = $("instrument-hint");
  // Each manifest error names the instrument and why it is unavailable (app/manifest.py).
  const unavailable = errors.length ? `Unavailable: ${errors.map((e) => e.error).join("; ")}` : "";
  if (!models.length) {
    hint.textContent = unavailable || "No instruments installed yet: build them with `python build_models.py`. Pitch readout works meanwhile.";
    showCard(null);
    return null;
  }
  hint.textContent = unavailable;
  const remembered = models.find((m) => m.id === settings.get("instrument")) || models[0];
  const chips = models.map((m) => {
    const card = describeInstrument(m);
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.setAttribute("role", "radio");
    chip.dataset.id = m.id;
    const img = document.createElement("img");
    img.src = card.pictureUrl;
    img.alt = "";
    img.width = img.height = 40;
    const name = document.createElement("span");
    name.textContent = card.name;
    chip.append(img, name);
    chip.addEventListener("click", () => select(chip, m, true));
    list.appendChild(chip);
    return chip;
  });
  function select(chip, m, picked) {
    chips.forEach((c) => {
      c.setAttribute("aria-checked", c === chip ? "true" : "false");
      c.tabIndex = c === chip ? 0 : -1; // one tab stop for the group; arrows move within it
    });
    showCard(describeInstrument(m));
    if (picked) {
      settings.set("instrument", m.id);
      onPick(m);
    }
  }
  list.onkeydown = (e) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (!step) return;
    e.preventDefault();
    const enabled = chips.filter((c) => !c.disabled);
    const i = enabled.indexOf(document.activeElement);
    const next = enabled[(i + step + enabled.length) % enabled.length];
    next.focus();
    next.click();
  };
  select(chips[models.indexOf(remembered)], remembered, false);
  return remembered;
}

function showCard(card) {
  $("instrument-card").hidden = !card;
  if (!card) return;
  $("instrument-picture").src = card.pictureUrl;
  $("instrument-name").textContent = card.name;
  $("instrument-sound").textContent = card.sound;
  $("instrument-source").textContent = card.source;
  // The demo player (hidden if this instrument has no demo file: a model built elsewhere).
  const demo = $("instrument-demo");
  if (demo.dataset.url !== card.demoUrl) {
    demo.pause();
    demo.dataset.url = card.demoUrl;
    demo.hidden = false;
    demo.onerror = () => { demo.hidden = true; };
    demo.src = card.demoUrl;
  }
}

/** Octave (null = automatic register matching), semitone and reverb controls. */
export function bindControls(onChange) {
  const read = () => {
    const oct = Number($("octave").value), semi = Number($("semitone").value), rev = Number($("reverb").value);
    $("octave-out").textContent = oct === 0 ? "auto" : (oct > 0 ? `+${oct}` : `${oct}`);
    $("semitone-out").textContent = semi > 0 ? `+${semi}` : `${semi}`;
    $("reverb-out").textContent = `${Math.round(rev * 100)}%`;
    return { octaveShift: oct === 0 ? null : oct, semitoneShift: semi, reverbWet: rev };
  };
  ["octave", "semitone", "reverb"].forEach((id) => $(id).addEventListener("input", () => onChange(read())));
  bindPitchSettings();
  return read();
}

/** Sa picker and naming (sargam / Western), remembered; the sargam view follows them. */
function bindPitchSettings(onSa = () => {}) {
  const sa = $("sa"), naming = $("naming");
  sa.replaceChildren(...saChoices().map((c) => new Option(c.label, String(c.midi))));
  sa.value = String(settings.get("saMidi"));
  naming.value = settings.get("naming");
  if (!sargamView) sargamView = createSargamView($("sargam"), { saHz: saHz(), naming: settings.get("naming") });
  sa.addEventListener("change", () => {
    settings.set("saMidi", sa.value);
    sargamView.setSa(saHz());
    onSa(saHz());
  });
  naming.addEventListener("change", () => {
    settings.set("naming", naming.value);
    sargamView.setNaming(naming.value);
  });
}
