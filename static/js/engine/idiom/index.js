// The idiom a model declares (metadata.json "playing".idiom, docs/models.md): one class each.
// A model without a "playing" section plays as the voice sings (the mapping stage alone).
import { BowedIdiom } from "./bowed.js";
import { BreathIdiom } from "./breath.js";
import { Idiom } from "./idiom.js";
import { KeyedIdiom } from "./keyed.js";
import { PluckedIdiom } from "./plucked.js";

export const IDIOMS = Object.freeze({ voice: Idiom, keyed: KeyedIdiom, plucked: PluckedIdiom, bowed: BowedIdiom, breath: BreathIdiom });

/** @param {object} meta metadata.json @returns {Idiom} */
export function createIdiom(meta) {
  const kind = meta.playing ? meta.playing.idiom : "voice";
  const Kind = IDIOMS[kind];
  if (!Kind) throw new Error(`${meta.name}: metadata.json playing.idiom ${JSON.stringify(kind)} is not one of ${Object.keys(IDIOMS).join(", ")}`);
  return new Kind(meta);
}
