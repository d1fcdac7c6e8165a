// UI stage: everything that touches the DOM. Other stages call these; none reads the DOM.
import { describePitch, saChoices, saHzFromMidi } from "../dsp/sargam.js";
import { describeInstrument } from "./instruments.js";
import { UI_UPDATES_PER_SECOND } from "../config.js";
import { createFrameThrottle } from "./frame-throttle.js";
import { createSargamView } from "./sargam-view.js";
import { createSettings } from "./settings.js";

const $ = (id) => document.getElementById(id);

/** Sets an element's text only when it changes: an unchanged write still costs a layout. */
function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}
const settings = createSettings();
let sargamView = null; // made by bindControls, once the page is there
let latestLevel = { levelDb: -Infinity, f0Hz: 0 };
// Level reports and pitch messages arrive apart; the readouts repaint together, at most
// UI_UPDATES_PER_SECOND (config.js: software rasterising takes the audio threads' CPU).
const readouts = createFrameThrottle(renderReadouts, UI_UPDATES_PER_SECOND);
let shownModels = new Map(); // id → manifest entry of the instrument cards

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
  const onAudioThread = choice.host === "audio";
  el.textContent = onAudioThread ? "audio thread" : choice.name + threads;
  el.classList.toggle("ok", ok);
  el.title = onAudioThread ? choice.hostReason : choice.reason || "TF.js backend in use";
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
  const note = describePitch(f0Hz, { saHz: saHz(), naming: settings.get("naming") });
  setText("note", note ? note.name : "—");
  const saptak = note && note.saptak ? (note.saptak < 0 ? "mandra" : "taar") : "";
  if ($("note").dataset.saptak !== saptak) $("note").dataset.saptak = saptak;
  setText("pitch-hz", note ? f0Hz.toFixed(1) : "—");
  setText("cents", note ? `${note.cents >= 0 ? "+" : ""}${note.cents}¢` : "");
  if (sargamView) sargamView.draw();
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

/** Shows `modelId` as the chosen instrument (clears a past failure on it), its card, and remembers it. */
export function checkInstrument(modelId) {
  document.querySelectorAll("#instrument-list .chip").forEach((c) => {
    const on = c.dataset.id === modelId;
    c.setAttribute("aria-checked", on ? "true" : "false");
    c.tabIndex = on ? 0 : -1; // one tab stop for the group; arrows move within it
    if (on) {
      c.classList.remove("unavailable");
      c.removeAttribute("title");
    }
  });
  if (shownModels.has(modelId)) {
    showCard(describeInstrument(shownModels.get(modelId)));
    settings.set("instrument", modelId);
  }
}

export function showUnderruns(n) {
  setText("underruns", String(n));
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
    chip.addEventListener("click", () => {
      checkInstrument(m.id); // at once; the wiring checks the previous one again if loading fails
      onPick(m);
    });
    list.appendChild(chip);
    return chip;
  });
  shownModels = new Map(models.map((m) => [m.id, m]));
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
  checkInstrument(remembered.id);
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
  if (!sargamView) sargamView = createSargamView($("sargam"), { saHz: saHz(), naming: settings.get("naming"), requestDraw: () => readouts.request() });
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

/** The remembered value of a setting (e.g. "tanpuraVolume", "recordDry"), for the wiring. */
export function setting(key) {
  return settings.get(key);
}

/** Called with the new Sa in Hz whenever the singer picks one (the tanpura follows). */
export function onSaChange(handler) {
  $("sa").addEventListener("change", () => handler(saHz()));
}

/**
 * Tanpura button and volume. `onToggle(on)` may throw or reject: the button then stays off.
 * @param {{onToggle:(on:boolean)=>any, onVolume:(v:number)=>void}} h
 */
export function bindTanpura({ onToggle, onVolume }) {
  const button = $("tanpura"), volume = $("tanpura-volume");
  volume.value = String(settings.get("tanpuraVolume"));
  button.addEventListener("click", async () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    try {
      await onToggle(on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    } catch (err) {
      showError({ what: `The tanpura could not start (${err.message}).`, todo: "Tap Tanpura again; if it stays silent, reload the page." });
    }
  });
  volume.addEventListener("input", () => {
    settings.set("tanpuraVolume", volume.value);
    onVolume(Number(volume.value));
  });
}

/**
 * Instrument level, dry-voice level and output gain, remembered.
 * @param {{onInstrument:(v:number)=>void, onVoice:(v:number)=>void, onOutputGainDb:(db:number)=>void}} h
 * @returns {{instrumentLevel:number, voiceLevel:number, outputGainDb:number}} the current values
 */
export function bindMix({ onInstrument, onVoice, onOutputGainDb }) {
  const rows = [
    ["mix-instrument", "instrumentMix", onInstrument, (v) => `${Math.round(v * 100)}%`],
    ["mix-voice", "dryMix", onVoice, (v) => `${Math.round(v * 100)}%`],
    ["output-gain", "outputGainDb", onOutputGainDb, (v) => `${v > 0 ? "+" : ""}${v} dB`],
  ];
  for (const [id, key, handler, format] of rows) {
    const input = $(id), out = $(`${id}-out`);
    input.value = String(settings.get(key));
    out.textContent = format(Number(input.value));
    input.addEventListener("input", () => {
      const v = Number(input.value);
      out.textContent = format(v);
      settings.set(key, v);
      handler(v);
    });
  }
  return { instrumentLevel: settings.get("instrumentMix"), voiceLevel: settings.get("dryMix"), outputGainDb: settings.get("outputGainDb") };
}

const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
let takeUrl = null;

/**
 * Record button (enabled while singing, see enableRecord), the dry-voice checkbox, the take.
 * @param {{onStart:(withVoice:boolean)=>Promise<void>, onStop:()=>Promise<void>}} h
 */
export function bindRecorder({ onStart, onStop }) {
  const button = $("record"), dry = $("record-dry");
  dry.checked = settings.get("recordDry");
  dry.addEventListener("change", () => settings.set("recordDry", dry.checked));
  button.addEventListener("click", async () => {
    const recording = button.getAttribute("aria-pressed") === "true";
    button.disabled = true; // until the recorder has started or the take is ready
    try {
      if (recording) await onStop();
      else await onStart(dry.checked);
      setRecording(!recording);
    } catch (err) {
      setRecording(false);
      showError({ what: `Recording failed (${err.message}).`, todo: "Tap Record again while singing." });
    } finally {
      button.disabled = !document.getElementById("sing").matches('[aria-pressed="true"]');
    }
  });
}

function setRecording(on) {
  const button = $("record");
  button.setAttribute("aria-pressed", on ? "true" : "false");
  button.textContent = on ? "Stop recording" : "Record";
  if (on) showRecordingTime(0);
}

/** Record is possible only while singing (the instrument is playing). */
export function enableRecord(on) {
  const button = $("record");
  button.disabled = !on;
  button.title = on ? "" : "Tap Sing first";
}

export function showRecordingTime(seconds) {
  $("record-time").textContent = clock(seconds);
}

/**
 * A finished take: plays in the page, downloads as a WAV, and shares where the Web Share API
 * takes files. Nothing is uploaded: the file is a blob: URL in this page.
 * @param {{wav: ArrayBuffer, seconds: number, tracks: number, name: string}} take
 */
export function showTake({ wav, seconds, tracks, name }) {
  if (takeUrl) URL.revokeObjectURL(takeUrl);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
  const filename = `swara-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${stamp}.wav`;
  const blob = new Blob([wav], { type: "audio/wav" });
  takeUrl = URL.createObjectURL(blob);
  $("take").hidden = false;
  $("take-audio").src = takeUrl;
  const download = $("take-download");
  download.href = takeUrl;
  download.download = filename;
  showRecordingTime(seconds);
  $("record-time").title = tracks === 2 ? "2 tracks: instrument, your voice" : "the instrument";
  const share = $("take-share");
  const file = typeof File === "function" ? new File([blob], filename, { type: "audio/wav" }) : null;
  share.hidden = !(file && navigator.canShare && navigator.canShare({ files: [file] }));
  share.onclick = async () => {
    try {
      await navigator.share({ files: [file], title: `Swara: ${name}` });
    } catch (err) {
      if (err.name !== "AbortError") showError({ what: `Sharing did not work (${err.message}).`, todo: "Use Download instead: the file stays on this device." });
    }
  };
}

/** A failure: what happened and what to do (see errors.js); null clears it. */
export function showError(message) {
  const box = $("message");
  box.hidden = !message;
  $("message-what").textContent = message ? message.what : "";
  $("message-todo").textContent = message ? message.todo : "";
}

/**
 * Loading progress: `label` with `fraction` 0…1, or undefined fraction when the share done is
 * not known (an indeterminate bar); `label` null hides it.
 */
export function showLoading(label, fraction) {
  const box = $("loading"), bar = $("load-progress");
  box.hidden = label === null;
  if (label === null) return;
  $("load-label").textContent = label;
  if (fraction === undefined) bar.removeAttribute("value");
  else bar.value = Math.max(0, Math.min(1, fraction));
}
