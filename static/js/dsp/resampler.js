// Streaming windowed-sinc resampler (Kaiser window) for arbitrary rate ratios, e.g. the
// microphone's 44.1/48 kHz down to the model's 16 kHz. The low-pass sits at 0.45 x the lower
// rate, so nothing above the output Nyquist folds back into the band the pitch tracker and the
// loudness meter see. All buffers are allocated once: safe inside an AudioWorklet.

const PHASES = 512; // table oversampling; linear interpolation between phases

function besselI0(x) {
  let sum = 1, term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/**
 * Kaiser-windowed sinc table, `PHASES` entries per input-sample step.
 * @returns {{table: Float32Array, halfTaps: number}}
 */
export function designKernel(inRate, outRate, { halfWidthOut = 12, beta = 8.6, cutoff = 0.45 } = {}) {
  const step = Math.max(1, inRate / outRate); // input samples per output sample when decimating
  const fc = (cutoff * Math.min(inRate, outRate)) / inRate; // cycles per input sample
  const halfTaps = Math.ceil(halfWidthOut * step);
  const n = halfTaps * PHASES + 1;
  const table = new Float32Array(n + 1);
  const i0b = besselI0(beta);
  for (let i = 0; i < n; i++) {
    const x = i / PHASES; // distance in input samples
    const sinc = x === 0 ? 1 : Math.sin(2 * Math.PI * fc * x) / (2 * Math.PI * fc * x);
    const r = x / halfTaps;
    const w = r >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0b;
    table[i] = 2 * fc * sinc * w;
  }
  return { table, halfTaps };
}

export class Resampler {
  /** @param {number} inRate @param {number} outRate @param {number} maxBlock largest input block */
  constructor(inRate, outRate, maxBlock = 4096) {
    this.inRate = inRate;
    this.outRate = outRate;
    this.ratio = inRate / outRate;
    const { table, halfTaps } = designKernel(inRate, outRate);
    this.table = table;
    this.halfTaps = halfTaps;
    this.history = new Float32Array(2 * halfTaps + maxBlock + 4);
    this.filled = 2 * halfTaps; // zeros of history ahead of the first sample
    this.time = halfTaps; // position of the next output sample, in history indices
    this.out = new Float32Array(Math.ceil(maxBlock / this.ratio) + 4);
  }

  /** Group delay in output samples. */
  get delaySamples() {
    return this.halfTaps / this.ratio;
  }

  /**
   * Feeds one input block; returns a view of the new output samples (valid until next call).
   * @param {Float32Array} input [n] samples at inRate
   */
  process(input) {
    const h = this.history, H = this.halfTaps, table = this.table;
    h.set(input, this.filled);
    this.filled += input.length;
    let nOut = 0;
    // An output at time t needs input up to floor(t) + H.
    while (Math.floor(this.time) + H < this.filled) {
      const t = this.time, center = Math.floor(t), frac = t - center;
      let acc = 0;
      for (let k = -H + 1; k <= H; k++) {
        const pos = Math.abs(k - frac) * PHASES;
        const i = pos | 0;
        if (i >= table.length - 1) continue;
        const c = table[i] + (table[i + 1] - table[i]) * (pos - i);
        acc += h[center + k] * c;
      }
      this.out[nOut++] = acc;
      this.time += this.ratio;
    }
    // Keep only the history the next outputs can reach.
    const keepFrom = Math.max(0, Math.floor(this.time) - H);
    h.copyWithin(0, keepFrom, this.filled);
    this.filled -= keepFrom;
    this.time -= keepFrom;
    return this.out.subarray(0, nOut);
  }
}
