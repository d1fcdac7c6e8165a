// Filter design for the noise synth, as ddsp designs it.

const TWO_PI = 2 * Math.PI;

/**
 * ddsp.core.frequency_impulse_response: zero-phase IR by inverse real DFT of the magnitudes,
 * Hann-windowed (tf.signal.hann_window, periodic) and rotated into causal form.
 */
export class ImpulseResponseDesigner {
  /** @param {number} nMagnitudes bins 0..Nyquist @param {number} windowSize ddsp window_size */
  constructor(nMagnitudes, windowSize) {
    const N = 2 * (nMagnitudes - 1); // irfft length
    this.nMagnitudes = nMagnitudes;
    this.irfftSize = N;
    const ws = windowSize <= 0 || windowSize > N ? N : windowSize;
    this.windowSize = ws;
    // irfft of a real, even spectrum is a cosine series: precompute its basis [nMagnitudes, N].
    this.basis = new Float64Array(nMagnitudes * N);
    for (let k = 0; k < nMagnitudes; k++) {
      const weight = k === 0 || k === nMagnitudes - 1 ? 1 / N : 2 / N;
      for (let i = 0; i < N; i++) this.basis[k * N + i] = weight * Math.cos((TWO_PI * k * i) / N);
    }
    const hann = new Float64Array(ws);
    for (let i = 0; i < ws; i++) hann[i] = 0.5 - 0.5 * Math.cos((TWO_PI * i) / ws);
    this.zeroPhaseWindow = new Float64Array(N);
    this.causalIndex = []; // causal IR tap -> index in the zero-phase IR
    if (ws < N) {
      const half = (ws + 1) >> 1;
      for (let i = half; i < ws; i++) this.zeroPhaseWindow[i - half] = hann[i];
      for (let i = 0; i < half; i++) this.zeroPhaseWindow[N - half + i] = hann[i];
      const firstHalfStart = N - (half - 1) + 1;
      for (let i = firstHalfStart; i < N; i++) this.causalIndex.push(i);
      for (let i = 0; i < half + 1; i++) this.causalIndex.push(i);
    } else {
      const shift = N >> 1; // fftshift: out[i] = in[(i - N/2) mod N]
      for (let i = 0; i < N; i++) this.zeroPhaseWindow[i] = hann[(i - shift + N) % N];
      for (let i = 0; i < N; i++) this.causalIndex.push((i - shift + N) % N);
    }
    this.irSize = this.causalIndex.length;
    this.zeroPhase = new Float64Array(N);
  }

  /** @param {Float32Array} mags [nMagnitudes] @param {Float32Array} ir [irSize] causal IR out */
  design(mags, magsOffset, ir) {
    const N = this.irfftSize, M = this.nMagnitudes, zp = this.zeroPhase.fill(0), B = this.basis;
    for (let k = 0; k < M; k++) {
      const m = mags[magsOffset + k];
      if (m === 0) continue;
      for (let i = 0; i < N; i++) zp[i] += m * B[k * N + i];
    }
    for (let j = 0; j < this.irSize; j++) {
      const i = this.causalIndex[j];
      ir[j] = zp[i] * this.zeroPhaseWindow[i];
    }
    return ir;
  }
}

