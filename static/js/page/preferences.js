// The singer's remembered choices for this page: one store (settings.js) shared by the views.
import { saHzFromMidi } from "../dsp/sargam.js";
import { createSettings } from "./settings.js";

export const preferences = createSettings();

/** The singer's Sa in Hz (the chosen one, remembered). */
export function saHz() {
  return saHzFromMidi(preferences.get("saMidi"));
}

/** The remembered value of a setting (e.g. "tanpuraVolume", "recordDry"), for the wiring. */
export function setting(key) {
  return preferences.get(key);
}
