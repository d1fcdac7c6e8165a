// UI stage: everything that touches the DOM. Other stages call these; none reads the DOM.
import { noteName } from "./dsp/notes.js";

const $ = (id) => document.getElementById(id);

export function showBackend(name, ok = true) {
  const el = $("backend");
  el.textContent = name;
  el.classList.toggle("ok", ok);
}

export function showStatus(text) {
  $("status-text").textContent = text;
}

/** Live input level and pitch: {levelDb, f0Hz} (f0Hz 0 when unvoiced). */
export function showLevel({ levelDb, f0Hz }) {
  const pct = Math.max(0, Math.min(100, ((levelDb + 60) / 60) * 100));
  $("level-fill").style.width = `${pct.toFixed(0)}%`;
  $("level-db").textContent = Number.isFinite(levelDb) ? levelDb.toFixed(0) : "—";
  const note = noteName(f0Hz);
  $("note").textContent = note ? note.name : "—";
  $("pitch-hz").textContent = note ? f0Hz.toFixed(1) : "—";
  $("cents").textContent = note ? `${note.cents >= 0 ? "+" : ""}${note.cents}¢` : "";
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
  return read();
}
