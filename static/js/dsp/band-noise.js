// Band-limited noise: seeded white noise through a band-pass biquad (RBJ cookbook, 0 dB peak).
// A wind player's breath, or the burst with which a plectrum strikes a string.
import { mulberry32 } from "./prng.js";

export class BandNoise {
  /** @param {{sampleRate:number, lowHz:number, highHz:number, seed?:number}} o */
  constructor({ sampleRate, lowHz, highHz, seed = 1 }) {
    if (!(lowHz > 0 && highHz > lowHz && highHz < sampleRate / 2)) {
      throw new Error(`band noise: need 0 < lowHz < highHz < ${sampleRate / 2} Hz, got ${lowHz}-${highHz}`);
    }
    const centreHz = Math.sqrt(lowHz * highHz), q = centreHz / (highHz - lowHz);
    const w = (2 * Math.PI * centreHz) / sampleRate, alpha = Math.sin(w) / (2 * q), a0 = 1 + alpha;
    this.b0 = alpha / a0;
    this.a1 = (-2 * Math.cos(w)) / a0;
    this.a2 = (1 - alpha) / a0;
    this.random = mulberry32(seed);
    this.x1 = this.x2 = this.y1 = this.y2 = 0;
  }

  /** The next sample (unit-variance white noise in, band-passed). */
  next() {
    const x = Math.sqrt(3) * (2 * this.random() - 1);
    const y = this.b0 * (x - this.x2) - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }

  /** Fills out [n] with the next n samples. */
  fill(out, n = out.length) {
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }
}
