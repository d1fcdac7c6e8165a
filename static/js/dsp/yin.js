// YIN pitch tracker (de Cheveigné & Kawahara 2002) with preallocated buffers, so it can run
// inside an AudioWorklet without garbage. Cumulative-mean-normalised difference, absolute
// threshold, parabolic interpolation: sub-sample lags keep the error well under 5 cents.
// The difference function comes from one FFT cross-correlation (O(N log N) a frame instead of
// the direct sum's W x maxLag products, 15x fewer operations at 16 kHz); "direct" keeps the sum.
import FFT from "fft.js";

export class Yin {
  /**
   * @param {{sampleRate:number, minHz:number, maxHz:number, windowSize?:number, threshold?:number,
   *          method?:"fft"|"direct"}} o
   * minHz…maxHz: the range searched (a model's analysis.f0_min_hz…f0_max_hz: engine/pitch-tracker.js);
   * windowSize: integration window W in samples; the frame analysed is W + maxLag samples.
   */
  constructor({ sampleRate, minHz, maxHz, windowSize = 384, threshold = 0.15, method = "fft" }) {
    if (!(minHz > 0 && minHz < maxHz)) throw new Error(`Yin: the f0 range ${minHz}–${maxHz} Hz is not a range`);
    this.sampleRate = sampleRate;
    this.minLag = Math.max(2, Math.floor(sampleRate / maxHz));
    this.maxLag = Math.ceil(sampleRate / minHz);
    this.windowSize = windowSize;
    this.frameSize = windowSize + this.maxLag + 1;
    this.threshold = threshold;
    if (method !== "fft" && method !== "direct") throw new Error(`Yin method "${method}": use "fft" or "direct"`);
    this.method = method;
    this.diff = new Float32Array(this.maxLag + 2);
    this.raw = new Float64Array(this.maxLag + 2); // d(tau) before normalisation, for interpolation
    // Lags up to maxLag + 1 of a window of W samples read frame[0, frameSize): an FFT of at least
    // frameSize points correlates them without wrap-around.
    let n = 1;
    while (n < this.frameSize) n *= 2;
    this.fftSize = n;
    this.fft = new FFT(n);
    this.packed = this.fft.createComplexArray();
    this.spectrum = this.fft.createComplexArray();
    this.product = this.fft.createComplexArray();
    this.correlation = this.fft.createComplexArray();
  }

  /** d(tau) = sum_{j<W} (x_j - x_{j+tau})^2 into raw[1..maxLag+1], by the direct double sum. */
  differenceDirect(frame, off) {
    const W = this.windowSize, maxLag = this.maxLag + 1, r = this.raw;
    for (let tau = 1; tau <= maxLag; tau++) {
      let s = 0;
      for (let j = 0; j < W; j++) {
        const x = frame[off + j] - frame[off + j + tau];
        s += x * x;
      }
      r[tau] = s;
    }
  }

  /**
   * The same d(tau) as e(0) + e(tau) - 2 c(tau): e(tau) the energy of x[tau, tau + W) (a running
   * sum), c(tau) = sum_{j<W} x_j x_{j+tau} the cross-correlation of the window with the frame,
   * from one complex FFT of (window + i frame) and one inverse. Float64 throughout.
   */
  differenceFft(frame, off) {
    const W = this.windowSize, maxLag = this.maxLag + 1, N = this.fftSize, F = this.frameSize;
    const z = this.packed, S = this.spectrum, P = this.product, c = this.correlation, r = this.raw;
    for (let i = 0; i < N; i++) {
      const x = i < F ? frame[off + i] : 0;
      z[2 * i] = i < W ? x : 0;
      z[2 * i + 1] = x;
    }
    this.fft.transform(S, z);
    // A = FFT(window), B = FFT(frame) from Z = A + iB (both real signals); P = conj(A) B.
    for (let k = 0; k < N; k++) {
      const m = k === 0 ? 0 : N - k;
      const zr = S[2 * k], zi = S[2 * k + 1], wr = S[2 * m], wi = -S[2 * m + 1];
      const ar = 0.5 * (zr + wr), ai = 0.5 * (zi + wi);
      const br = 0.5 * (zi - wi), bi = 0.5 * (wr - zr);
      P[2 * k] = ar * br + ai * bi;
      P[2 * k + 1] = ar * bi - ai * br;
    }
    this.fft.inverseTransform(c, P);
    let e0 = 0;
    for (let j = 0; j < W; j++) e0 += frame[off + j] * frame[off + j];
    let e = e0;
    for (let tau = 1; tau <= maxLag; tau++) {
      const out = frame[off + tau - 1], inn = frame[off + tau - 1 + W];
      e += inn * inn - out * out;
      // Rounding can leave a hair below 0 where the frame is exactly periodic.
      r[tau] = Math.max(0, e0 + e - 2 * c[2 * tau]);
    }
  }

  /**
   * Pitch of the newest `frameSize` samples of `frame`.
   * @param {Float32Array} frame at least `frameSize` samples; the last `frameSize` are used.
   * @returns {{f0Hz:number, confidence:number}} f0Hz 0 when no period was found.
   */
  detect(frame, out = { f0Hz: 0, confidence: 0 }) {
    return this.detectAt(frame, frame.length, out);
  }

  /** detect() on x[end - frameSize, end): no subarray view a frame (streaming callers). */
  detectAt(x, end, out = { f0Hz: 0, confidence: 0 }) {
    const maxLag = this.maxLag + 1, d = this.diff, frame = x;
    const off = end - this.frameSize;
    if (off < 0) throw new Error(`Yin needs ${this.frameSize} samples before index ${end}`);
    if (this.method === "fft") this.differenceFft(frame, off);
    else this.differenceDirect(frame, off);
    for (let tau = 1; tau <= maxLag; tau++) d[tau] = this.raw[tau];
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
