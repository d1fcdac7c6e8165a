// How late the audio thread renders, seen from inside it: each quantum's wall-clock time against
// its place on the audio clock. Their difference has a floor (the earliest a quantum is rendered
// relative to its audio time); a quantum rendered more than `toleranceMs` beyond that floor came
// later than a device's buffer allows: on a speaker, a glitch (the device played silence), which
// no ring's underrun counter sees, and which a fake audio device (headless) hides. After a stall
// a device either catches up (the difference falls back to the floor) or skips the lost time for
// good (the difference stays up): the floor follows such a lasting shift at FLOOR_RISE, so a stall
// counts once and the next one counts again.
// Where a callback renders several quanta at once its quanta spread over the callback's duration
// even when nothing is late, so the tolerance must exceed one callback.

/** Late quanta closer than this on the audio clock belong to one event (one stall, caught up). */
const EVENT_GAP_MS = 100;

/** How fast the floor follows a lasting shift: ms per ms of audio (50 ms a second). */
const FLOOR_RISE = 0.05;

export class LateQuanta {
  /** @param {number} toleranceMs lateness beyond the floor that counts as late */
  constructor(toleranceMs) {
    this.toleranceMs = toleranceMs;
    this.floorMs = Infinity;
    this.events = 0; // stalls: late quanta, EVENT_GAP_MS apart or more
    this.lateQuanta = 0;
    this.worstMs = 0; // the latest any quantum came, beyond the floor, late or not
    this.lastLateAudioMs = -Infinity;
    this.lastAudioMs = null;
  }

  /**
   * One quantum: rendered at `wallMs` (Date.now()), its first frame at `audioMs` on the audio clock.
   * @returns {number} how late it came beyond the floor, in ms
   */
  update(wallMs, audioMs) {
    const offsetMs = wallMs - audioMs;
    if (this.lastAudioMs !== null) this.floorMs += FLOOR_RISE * (audioMs - this.lastAudioMs);
    this.lastAudioMs = audioMs;
    if (offsetMs < this.floorMs) this.floorMs = offsetMs;
    const lateMs = offsetMs - this.floorMs;
    this.worstMs = Math.max(this.worstMs, lateMs);
    if (lateMs <= this.toleranceMs) return lateMs;
    this.lateQuanta++;
    if (audioMs - this.lastLateAudioMs > EVENT_GAP_MS) this.events++;
    this.lastLateAudioMs = audioMs;
    return lateMs;
  }
}
