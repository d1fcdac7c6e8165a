// The instrument chooser: a radio group of chips (picture and name) and the chosen one's card
// (sound, SoundFont, demo), remembered.
import { $ } from "./dom.js";
import { describeInstrument } from "./instruments.js";
import { preferences } from "./preferences.js";

let shownModels = new Map(); // id → manifest entry of the instrument cards

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
    preferences.set("instrument", modelId);
  }
}

/** One chip of the group: picture and name; a click checks it and calls `onPick(model)`. */
function makeChip(model, onPick) {
  const card = describeInstrument(model);
  const chip = document.createElement("button");
  chip.type = "button";
  chip.className = "chip";
  chip.setAttribute("role", "radio");
  chip.dataset.id = model.id;
  const img = document.createElement("img");
  img.src = card.pictureUrl;
  img.alt = "";
  img.width = img.height = 40;
  const name = document.createElement("span");
  name.textContent = card.name;
  chip.append(img, name);
  chip.addEventListener("click", () => {
    checkInstrument(model.id); // at once; the wiring checks the previous one again if loading fails
    onPick(model);
  });
  return chip;
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
    hint.textContent = unavailable || "No instruments installed yet: build them with `python build_models.py`. The level meter works meanwhile (the pitch range comes with an instrument).";
    showCard(null);
    return null;
  }
  hint.textContent = unavailable;
  const remembered = models.find((m) => m.id === preferences.get("instrument")) || models[0];
  const chips = models.map((m) => list.appendChild(makeChip(m, onPick)));
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
