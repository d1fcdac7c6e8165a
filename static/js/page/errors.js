// Failures in words a singer can act on: what happened and what to do next.

const MIC_HELP_SECURE = "Open Swara over HTTPS: on the computer run `make run-https` and use the address it prints.";

/**
 * @param {Error|DOMException|{name?:string, message?:string}} err
 * @param {{stage?: "microphone"|"audio"|"model"|"engine"|"share", model?: string}} where
 * @returns {{what: string, todo: string}}
 */
export function explainError(err, { stage = "microphone", model = "" } = {}) {
  const name = (err && err.name) || "";
  const detail = (err && err.message) || String(err);
  if (stage === "model") {
    return { what: `The ${model || "instrument"} could not be loaded (${detail}).`, todo: "Check the connection and reload the page, or pick another instrument." };
  }
  if (stage === "share") {
    return { what: `Sharing did not work (${detail}).`, todo: "Use Download instead: the file stays on this device." };
  }
  if (name === "NoAudioWorklet" || (stage === "audio" && /audioWorklet/i.test(detail))) {
    return { what: "This browser cannot run Swara's audio engine (it has no AudioWorklet).", todo: "Use a current Chrome, Edge, Firefox or Safari (iOS 14.5 or later)." };
  }
  if (name === "InsecureContext" || name === "SecurityError") {
    return { what: "The browser will not open the microphone on a page that is not secure.", todo: MIC_HELP_SECURE };
  }
  if (name === "NotAllowedError" || name === "PermissionDeniedError") {
    return { what: "The microphone is blocked for this page.", todo: "Allow the microphone in the site settings (the icon left of the address), then tap Sing again." };
  }
  if (name === "NotFoundError" || name === "DevicesNotFoundError" || name === "OverconstrainedError") {
    return { what: "No microphone was found.", todo: "Plug in a headset or check the device's microphone, then tap Sing again." };
  }
  if (name === "NotReadableError" || name === "TrackStartError") {
    return { what: "The microphone is in use by another app.", todo: "Close the other app (a call, a recorder) and tap Sing again." };
  }
  if (stage === "engine") {
    return { what: `The engine stopped (${detail}).`, todo: "Tap Sing to start again; if it keeps stopping, reload the page." };
  }
  return { what: `Could not start (${detail}).`, todo: "Reload the page and tap Sing again." };
}

/** The checks made before asking for the microphone: an Error with a `name` explainError knows, or null. */
export function missingCapability(g = globalThis) {
  const fail = (name, message) => Object.assign(new Error(message), { name });
  if (g.isSecureContext === false) return fail("InsecureContext", "not a secure context");
  if (!g.navigator || !g.navigator.mediaDevices || !g.navigator.mediaDevices.getUserMedia) return fail("InsecureContext", "no mediaDevices.getUserMedia");
  if (typeof g.AudioWorkletNode !== "function") return fail("NoAudioWorklet", "no AudioWorkletNode");
  return null;
}
