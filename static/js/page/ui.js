// The page's state, status line, Sing button, messages and loading bar. The views beside it:
// readouts.js (level, pitch, sargam trace, latency, engine), instrument-view.js, take-view.js,
// sound-controls.js. Other stages call these; none reads the DOM.
import { $ } from "./dom.js";

/** Marks the page's state on <body data-state>: loading, ready, singing, error. */
export function setPageState(name) {
  document.body.dataset.state = name;
}

export function showStatus(text) {
  $("status-text").textContent = text;
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
