// How often the page repaints its live readouts: UI_UPDATES_PER_SECOND, or fewer while the audio
// thread is late. Where the page is rasterised in software (no GPU, or a starved phone), every
// repaint takes CPU from the audio threads; a late audio thread is a glitch the singer hears, a
// slower sargam trace is not. The engine's stats carry the audio thread's lateness (the latest a
// render quantum came since the last stats, engine/late-quanta.js); UI_UPDATES_WHEN_LATE.reports
// late reports in a row slow the readouts to its perSecond, and they come back after
// recoverSeconds without a late report.
import { UI_UPDATES_PER_SECOND, UI_UPDATES_WHEN_LATE } from "../config.js";

export class RepaintRate {
  constructor({ normal = UI_UPDATES_PER_SECOND, late = UI_UPDATES_WHEN_LATE } = {}) {
    this.normal = normal;
    this.late = late;
    this.slowUntilMs = -Infinity;
    this.lateInARow = 0;
  }

  /**
   * One engine stats report.
   * @param {{lateMs?:number, lateToleranceMs?:number}} stats  without lateMs (the Worker's): no news
   * @param {number} nowMs  performance.now()
   * @returns {number} repaints a second from now on
   */
  update({ lateMs, lateToleranceMs }, nowMs) {
    if (lateMs === undefined) return this.perSecond(nowMs);
    this.lateInARow = lateMs > lateToleranceMs ? this.lateInARow + 1 : 0;
    const slowing = this.lateInARow >= this.late.reports || (this.lateInARow > 0 && nowMs < this.slowUntilMs);
    if (slowing) this.slowUntilMs = nowMs + 1000 * this.late.recoverSeconds;
    return this.perSecond(nowMs);
  }

  /** @param {number} nowMs @returns {number} repaints a second */
  perSecond(nowMs) {
    return nowMs < this.slowUntilMs ? this.late.perSecond : this.normal;
  }
}
