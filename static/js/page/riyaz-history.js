// Earlier riyaz takes, kept on this device (localStorage) for the report's comparison. Each read
// is validated: a stale or hand-edited entry is dropped, not trusted.
const KEY = "swara.riyazTakes";
/** Takes kept: the newest this many (a few KB). */
export const RIYAZ_TAKES_KEPT = 30;

const isSwaraRow = (r) => r && Number.isInteger(r.semitone) && r.semitone >= 0 && r.semitone < 12
  && [r.seconds, r.meanOffsetCents, r.steadyCents].every(Number.isFinite) && r.seconds > 0;
const isTake = (t) => t && typeof t.at === "string" && typeof t.raga === "string" && Number.isFinite(t.saHz)
  && Array.isArray(t.swaras) && t.swaras.every(isSwaraRow);

/**
 * @param {Storage|null} storage localStorage, or null where it is unavailable
 * @returns {{takes(raga?:string):object[], remember(take:object):void}}
 *   a take: {at (ISO time), raga (id or "none"), saHz, swaras: [{semitone, seconds, meanOffsetCents, steadyCents}]}
 */
export function createRiyazHistory(storage = globalThis.localStorage ?? null) {
  const read = () => {
    try {
      const parsed = JSON.parse(storage?.getItem(KEY) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter(isTake) : [];
    } catch {
      return []; // unreadable or disabled: no history
    }
  };
  return {
    /** Earlier takes, oldest first; of one raga when given. */
    takes(raga) {
      return read().filter((t) => raga === undefined || t.raga === raga);
    },
    remember(take) {
      if (!isTake(take)) throw new Error("riyaz history: a take needs at, raga, saHz and swaras [{semitone, seconds, meanOffsetCents, steadyCents}]");
      const slim = { ...take, swaras: take.swaras.map(({ semitone, seconds, meanOffsetCents, steadyCents }) => ({ semitone, seconds, meanOffsetCents, steadyCents })) };
      try {
        storage?.setItem(KEY, JSON.stringify([...read(), slim].slice(-RIYAZ_TAKES_KEPT)));
      } catch {
        // full or disabled: this take is compared but not kept
      }
    },
  };
}
