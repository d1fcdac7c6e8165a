// UI stage: everything that touches the DOM. Other stages call these; none reads the DOM.
import { describePitch, saChoices, saHzFromMidi } from "./dsp/sargam.js";
import { createSargamView } from "./sargam-view.js";
import { createSettings } from "./settings.js";

const $ = (id) => document.getElementById(id);
const settings = createSettings();
let sargamView = null; // made by bindControls, once the page is there

/** The singer's Sa in Hz (the chosen one, remembered). */
export function saHz() {
  return saHzFromMidi(settings.get("saMidi"));
}

export function showBackend(name, ok = true) {
  const el = $("backend");
  el.textContent = name;
  el.classList.toggle("ok", ok);
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

export function showLatency(ms) {
  $("latency").textContent = Number.isFinite(ms) ? ms.toFixed(0) : "—";
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

/** Renders instrument chips; `onPick(model)` fires on selection. Returns the first model. */
export function showInstruments(models, errors, onPick) {
  const list = $("instrument-list");
  list.replaceChildren();
  const hint = $("instrument-hint");
  if (!models.length) {
    hint.textContent = "No instruments installed yet: build them with `python build_models.py`. Pitch readout works meanwhile.";
    return null;
  }
  hint.textContent = errors.length ? `${errors.length} model(s) skipped: ${errors.map((e) => e.model).join(", ")}` : "";
  models.forEach((m, i) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.setAttribute("role", "radio");
    chip.dataset.id = m.id;
    chip.textContent = m.display_name || m.name;
    chip.setAttribute("aria-checked", i === 0 ? "true" : "false");
    chip.addEventListener("click", () => {
      list.querySelectorAll(".chip").forEach((c) => c.setAttribute("aria-checked", c === chip ? "true" : "false"));
      onPick(m);
    });
    list.appendChild(chip);
  });
  return models[0];
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
