// Gentle raga tuning: held notes (nyas) drift toward the raga's swaras; ornaments pass as sung.
// The tuner adds a slowly moving offset (in cents) to the sung pitch, so whatever the voice does
// on a note (its jitter, its slight life) is kept, only moved. The offset grows only while a note
// is held: steady within a narrow band for a quarter second, not trending, not arching, not
// swinging (config.js RAGA_TUNING). Meend (a glide), andolan (a
// slow swing), gamak (a fast one) and kan (a grace note too short to be held) are never held, so
// they pass unchanged, and the offset carried out of a held note lets go within `releaseSeconds`.
//
// Notes outside the raga: a held note moves only onto its nearest swara, and only when that
// swara is in the raga and within `captureCents`, so the tuning can change how in tune a swara
// is, never which swara it is. A held note whose nearest swara is not in the raga is sung as
// meant (a vivadi or anya swara, a touch of another raga, a singer learning the raga): bending
// it to the raga's nearest swara, 100 cents away, would change the note, and no intonation for
// it follows from the raga, so it is left as sung. A note far from every swara (between two) is
// left alone too: which one the singer means cannot be known.
import { RAGA_TUNING } from "../config.js";

export class RagaTuner {
  /** @param {{frameRate:number}} o frames per second of the pitch it tunes */
  constructor({ frameRate }) {
    this.frameRate = frameRate;
    this.heldFrames = Math.round(RAGA_TUNING.heldSeconds * frameRate);
    this.releaseStep = 1 - Math.exp(-1 / (RAGA_TUNING.releaseSeconds * frameRate));
    this.settings = null;
    this.offsetCents = 0;
    this.resetNote();
  }

  /**
   * @param {{saHz:number, semitones:number[], strength:number}|null} tuning the raga's swaras as
   *   semitones above Sa (0…11), strength 0 (off) … 1 (full); null turns the tuning off
   */
  set(tuning) {
    if (tuning === null || tuning.strength === 0) {
      this.settings = null; // the offset still lets go over releaseSeconds
      return;
    }
    const { saHz, semitones, strength } = tuning;
    if (!(saHz > 0)) throw new Error(`raga tuning: saHz must be a positive frequency, got ${saHz}`);
    if (!(strength > 0 && strength <= 1)) throw new Error(`raga tuning: strength must be in [0, 1], got ${strength}`);
    if (!Array.isArray(semitones) || !semitones.length || !semitones.every((s) => Number.isInteger(s) && s >= 0 && s < 12)) {
      throw new Error(`raga tuning: semitones must be whole semitones above Sa in 0…11, got ${JSON.stringify(semitones)}`);
    }
    if (this.settings === null) this.resetNote();
    this.settings = {
      saHz,
      inRaga: new Set(semitones),
      engageStep: 1 - Math.exp(-strength / (RAGA_TUNING.fullStrengthSeconds * this.frameRate)),
    };
  }

  /** Forgets the note being followed (a rest, or the tuning just turned on). */
  resetNote() {
    this.window = new Float64Array(this.heldFrames); // the last heldFrames pitches, cents from Sa (a ring)
    this.count = 0; // voiced frames since the reset
    this.held = false;
    this.swing = { dir: 0, low: 0, high: 0, extreme: 0 }; // the pitch's zigzag, reversals of a band or more
    this.swingCents = null; // where the pitch last swung back (an andolan's or gamak's centre)
  }

  /**
   * Tunes f0 in place.
   * @param {Float32Array} f0Hz [>= n] the sung pitch @param {Uint8Array} voiced [>= n] 1 where voiced
   * @param {number} n frames
   */
  process(f0Hz, voiced, n) {
    for (let i = 0; i < n; i++) {
      const s = this.settings, sung = voiced[i] === 1 && f0Hz[i] > 0;
      if (!sung) this.resetNote();
      const goal = s && sung ? this.follow(1200 * Math.log2(f0Hz[i] / s.saHz)) : null;
      this.offsetCents += (goal === null ? this.releaseStep : s.engageStep) * ((goal ?? 0) - this.offsetCents);
      if (f0Hz[i] > 0 && this.offsetCents !== 0) f0Hz[i] *= 2 ** (this.offsetCents / 1200);
    }
  }

  /**
   * Follows the note with one more frame. @returns {number|null} the offset the held note should
   * reach (cents; 0 for one on its swara or left as sung), or null when no note is held
   */
  follow(cents) {
    const swung = this.trackSwing(cents);
    this.window[this.count++ % this.heldFrames] = cents;
    if (this.count < this.heldFrames) return null;
    const { range, mean, drift, arc } = this.shape();
    const inBand = range <= 2 * RAGA_TUNING.heldCents;
    if (this.held && (swung || !inBand || Math.abs(drift) > RAGA_TUNING.releaseDriftCents)) {
      this.held = false;
    } else if (!this.held && inBand && Math.abs(drift) <= RAGA_TUNING.driftCents && Math.abs(arc) <= RAGA_TUNING.arcCents) {
      // A steady stretch of a note that swings (an andolan's crest, a pause in a gamak) is not a nyas.
      this.held = this.swingCents === null || Math.abs(mean - this.swingCents) >= RAGA_TUNING.newNoteCents;
    }
    return this.held ? this.goalCents(mean) : null;
  }

  /**
   * Follows the pitch's zigzag: a reversal by more than the held band (a glide is one way; an
   * andolan, a gamak go and come back). @returns {boolean} true when the pitch just swung back
   */
  trackSwing(cents) {
    const z = this.swing, band = 2 * RAGA_TUNING.heldCents;
    if (this.count === 0) {
      Object.assign(z, { dir: 0, low: cents, high: cents, extreme: cents });
      return false;
    }
    if (z.dir === 0) {
      z.low = Math.min(z.low, cents);
      z.high = Math.max(z.high, cents);
      if (cents - z.low > band) Object.assign(z, { dir: 1, extreme: cents });
      else if (z.high - cents > band) Object.assign(z, { dir: -1, extreme: cents });
      return false;
    }
    if (z.dir * (cents - z.extreme) > 0) {
      z.extreme = cents; // still going the same way
      return false;
    }
    if (Math.abs(cents - z.extreme) <= band) return false;
    this.swingCents = (z.extreme + cents) / 2;
    Object.assign(z, { dir: -z.dir, extreme: cents });
    return true;
  }

  /**
   * The window's range, mean, drift (last third's mean − first third's) and arc (middle third's
   * mean − the outer thirds'), in cents.
   */
  shape() {
    const w = this.window, n = this.heldFrames, third = Math.floor(n / 3), start = this.count % n; // the oldest
    let min = Infinity, max = -Infinity, sum = 0;
    const thirds = [0, 0, 0];
    for (let k = 0; k < n; k++) {
      const c = w[(start + k) % n];
      min = Math.min(min, c);
      max = Math.max(max, c);
      sum += c;
      if (k < third) thirds[0] += c / third;
      else if (k >= n - third) thirds[2] += c / third;
      else thirds[1] += c / (n - 2 * third);
    }
    return { range: max - min, mean: sum / n, drift: thirds[2] - thirds[0], arc: thirds[1] - (thirds[0] + thirds[2]) / 2 };
  }

  /** The offset that puts a held note at `mean` cents onto its swara, or 0 (left as sung). */
  goalCents(mean) {
    const step = Math.round(mean / 100);
    const inRaga = this.settings.inRaga.has(((step % 12) + 12) % 12);
    const off = 100 * step - mean;
    return inRaga && Math.abs(off) <= RAGA_TUNING.captureCents ? off : 0;
  }
}
