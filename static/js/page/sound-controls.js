// The sound controls: octave, semitone and reverb; the tanpura; the monitor mix. Remembered
// where the singer expects it (tanpura volume, mix levels).
import { $ } from "./dom.js";
import { preferences } from "./preferences.js";
import { showError } from "./ui.js";

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

/**
 * Tanpura button and volume. `onToggle(on)` may throw or reject: the button then stays off.
 * @param {{onToggle:(on:boolean)=>any, onVolume:(v:number)=>void}} h
 */
export function bindTanpura({ onToggle, onVolume }) {
  const button = $("tanpura"), volume = $("tanpura-volume");
  volume.value = String(preferences.get("tanpuraVolume"));
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
    preferences.set("tanpuraVolume", volume.value);
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
    input.value = String(preferences.get(key));
    out.textContent = format(Number(input.value));
    input.addEventListener("input", () => {
      const v = Number(input.value);
      out.textContent = format(v);
      preferences.set(key, v);
      handler(v);
    });
  }
  return { instrumentLevel: preferences.get("instrumentMix"), voiceLevel: preferences.get("dryMix"), outputGainDb: preferences.get("outputGainDb") };
}
