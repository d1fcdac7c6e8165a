// The singer's choices, remembered on this device (localStorage): each read is validated, so a
// stale or hand-edited value falls back to the default instead of breaking the page.
import { parseSaMidi } from "../dsp/sargam.js";
import { RAGAS } from "../dsp/ragas.js";
import { OUTPUT_GAIN_DB_RANGE } from "../audio/mixer.js";

const PREFIX = "swara.";

const clamp = (v, lo, hi, dflt) => {
  const x = Number(v);
  return v !== null && v !== "" && Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : dflt;
};
const clamp01 = (v, dflt) => clamp(v, 0, 1, dflt);

/** Each setting: parse(stored string | null) → value. */
export const SETTINGS = {
  saMidi: parseSaMidi,
  naming: (v) => (v === "western" ? "western" : "sargam"),
  instrument: (v) => (typeof v === "string" && /^[a-z0-9_-]{1,64}$/.test(v) ? v : null),
  tanpuraVolume: (v) => clamp01(v, 0.5),
  instrumentMix: (v) => clamp01(v, 1), // instrument level in the mix
  dryMix: (v) => clamp01(v, 0), // the dry voice in the mix (0: headphones hear the instrument only)
  outputGainDb: (v) => clamp(v, ...OUTPUT_GAIN_DB_RANGE, 0),
  recordDry: (v) => v === "true",
  tarafLevel: (v) => clamp(v, 0, 2, 1), // 1: the instrument's own balance (metadata.json playing.taraf)
  chikari: (v) => (v === null ? null : v === "true"), // null: the instrument's own default
  vibratoLevel: (v) => clamp(v, 0, 2, 1), // 0 steady, 1 the instrument's own share of the vibrato, 2 as sung
  raga: (v) => (RAGAS.some((r) => r.id === v) ? v : "none"),
  ragaTuning: (v) => v === "true", // gentle raga tuning: off unless the singer turns it on
  ragaTuningStrength: (v) => clamp(v, 0.1, 1, 0.5),
};

/**
 * @param {Storage|null} storage localStorage, or null where it is unavailable (private mode)
 * @returns {{get(key:string):any, set(key:string, value:any):void}}
 */
export function createSettings(storage = globalThis.localStorage ?? null) {
  const read = (key) => {
    try {
      return storage ? storage.getItem(PREFIX + key) : null;
    } catch {
      return null; // storage disabled: defaults
    }
  };
  return {
    get(key) {
      if (!(key in SETTINGS)) throw new Error(`unknown setting "${key}"`);
      return SETTINGS[key](read(key));
    },
    set(key, value) {
      if (!(key in SETTINGS)) throw new Error(`unknown setting "${key}"`);
      try {
        if (storage) storage.setItem(PREFIX + key, String(value));
      } catch {
        // full or disabled: the choice holds for this visit only
      }
    },
  };
}
