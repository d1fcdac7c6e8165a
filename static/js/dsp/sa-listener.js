// Find my Sa, listening: collects the sung pitch reading by reading and decides when it has
// heard enough, then finds Sa (dsp/tonic.js). Enough is a phrase that has come to rest after at
// least `minSeconds` of singing (a held Sa, or a phrase home to Sa), or `maxSeconds` of singing
// with no rest. Pure: the page feeds it the capture worklet's pitch readings.
import { findSa } from "./tonic.js";

/** Seconds of voice before a rest may end the listening; the most it listens for; a rest. */
export const SA_LISTENING = { minSeconds: 3, maxSeconds: 10, restSeconds: 0.5 };

export class SaListener {
  /** @param {{frameRate:number}} o pitch readings a second */
  constructor({ frameRate }) {
    this.frameRate = frameRate;
    this.readings = null; // null: not listening
  }

  get listening() {
    return this.readings !== null;
  }

  /** Starts listening afresh; `raga` (a RAGAS entry or null) is the prior. */
  start(raga = null) {
    this.raga = raga;
    this.readings = [];
    this.voiced = 0;
    this.silentRun = 0;
  }

  cancel() {
    this.readings = null;
  }

  /**
   * One pitch reading (Hz, 0 when unvoiced). @returns {object|null|undefined} undefined while
   * still listening (or not listening); when done, findSa's result (null: too little singing)
   */
  feed(f0Hz) {
    if (!this.listening) return undefined;
    const voiced = f0Hz > 0 && Number.isFinite(f0Hz);
    if (!voiced && this.voiced === 0) return undefined; // not begun: waits for the voice
    this.readings.push(voiced ? f0Hz : 0);
    this.voiced += voiced;
    this.silentRun = voiced ? 0 : this.silentRun + 1;
    const seconds = (n) => n / this.frameRate;
    const rested = seconds(this.silentRun) >= SA_LISTENING.restSeconds && seconds(this.voiced) >= SA_LISTENING.minSeconds;
    if (rested || seconds(this.voiced) >= SA_LISTENING.maxSeconds) return this.finish();
    return undefined;
  }

  /** Finds Sa in what was heard so far and stops listening. @returns findSa's result, or null */
  finish() {
    const readings = this.readings;
    this.readings = null;
    return readings ? findSa(readings, { frameRate: this.frameRate, raga: this.raga }) : null;
  }
}
