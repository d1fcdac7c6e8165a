// The backend measurement of an earlier visit on this device, so a returning singer skips most of
// the measurement at load (seconds, more on a throttled device):
// the engine Worker confirms the remembered choice with one measurement of that backend and
// measures everything again when it no longer keeps up. Only a choice at the shortest block is
// remembered (a longer one may have been a bad moment; the next visit measures again), and only
// for the same browser build, core count and instrument, for BACKEND_MEMORY.days.
import { BACKEND_MEMORY, BLOCK_FRAMES_CHOICES } from "../config.js";

const KEY = "swara.backendMeasurement";
const DAY_MS = 24 * 3600 * 1000;

/** What identifies "this device" for a measurement: browser build, cores, memory class. */
export function deviceKey(nav = globalThis.navigator) {
  return [nav.userAgent, nav.hardwareConcurrency, nav.deviceMemory ?? ""].join("|");
}

const FIELDS = ["backend", "blockFrames", "blockMs", "p50Ms", "p99Ms", "error"];
const compact = (m) => Object.fromEntries(FIELDS.filter((k) => m[k] !== undefined).map((k) => [k, m[k]]));

/**
 * @param {Storage|null} storage
 * @param {{choice:{backend:string, blockFrames:number, keepsUp:boolean}, measurements:object[]}} result
 *   the Worker's `backend` message after a measurement
 * @param {{modelId:string, nowMs:number, device:string}} at
 */
export function rememberMeasurement(storage, { choice, measurements }, { modelId, nowMs, device }) {
  if (!storage || !choice.keepsUp || choice.remembered) return;
  try {
    if (choice.blockFrames !== BLOCK_FRAMES_CHOICES[0]) return storage.removeItem(KEY);
    const record = { device, modelId, measuredAt: nowMs, choice: compact(choice), measurements: measurements.map(compact) };
    storage.setItem(KEY, JSON.stringify(record));
  } catch {
    // storage full or disabled: the next visit measures again
  }
}

/**
 * The remembered measurement for this device, or null (none, stale, another device or browser
 * build, or unreadable: each read is validated). The Worker uses it for the same instrument only.
 * @returns {{modelId:string, choice:{backend:string, blockFrames:number}, measurements:object[],
 *            measuredAt:number}|null}
 */
export function recallMeasurement(storage, { nowMs, device }) {
  let record;
  try {
    record = storage ? JSON.parse(storage.getItem(KEY)) : null;
  } catch {
    return null;
  }
  if (!record || typeof record !== "object" || !record.choice || !Array.isArray(record.measurements)) return null;
  const { choice, measurements, measuredAt } = record;
  const fresh = Number.isFinite(measuredAt) && nowMs - measuredAt >= 0 && nowMs - measuredAt < BACKEND_MEMORY.days * DAY_MS;
  const valid = typeof choice.backend === "string" && choice.blockFrames === BLOCK_FRAMES_CHOICES[0]
    && measurements.every((m) => m && typeof m.backend === "string" && Number.isFinite(m.blockFrames));
  if (!fresh || !valid || record.device !== device || typeof record.modelId !== "string") return null;
  return { modelId: record.modelId, choice, measurements, measuredAt };
}
