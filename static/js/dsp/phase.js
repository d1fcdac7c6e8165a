// Phase accumulation in float64 JS: phase[i] = (phase0 + sum_{j<=i} omega[j]) mod 2*pi, carried
// across blocks (ddsp's inclusive cumsum of angular frequency). Exact enough for hours of audio,
// where a float32 running sum drifts by radians in seconds. Pure JS: the engine's DSP core uses it
// wherever it runs (the Worker's CPU backends, the audio thread, node tests); gpu/phase-scan.js holds the
// WebGL scan behind the same API.

const TWO_PI = 2 * Math.PI;

/** Wraps a phase in radians into [0, 2*pi). */
export function wrapPhase(phaseRad) {
  return phaseRad - TWO_PI * Math.floor(phaseRad / TWO_PI);
}

/** The float64 accumulator (see the file comment), API as gpu/phase-scan.js's WebGL one. */
export class Float64PhaseAccumulator {
  constructor() {
    this.kind = "float64-js";
    this.phase = 0;
  }

  /** Current phase in radians, [0, 2*pi). */
  get phaseRad() {
    return this.phase;
  }

  /**
   * @param {Float32Array} omegaPerSample [n] phase increments, rad/sample
   * @param {Float32Array} [out] [n] destination
   * @returns {Float32Array} [n] wrapped phase after each sample's increment, rad
   */
  accumulate(omegaPerSample, out = new Float32Array(omegaPerSample.length)) {
    let p = this.phase;
    for (let i = 0; i < omegaPerSample.length; i++) {
      p += omegaPerSample[i];
      if (p >= TWO_PI || p < 0) p = wrapPhase(p);
      out[i] = p;
    }
    this.phase = p;
    return out;
  }

  async accumulateAsync(omegaPerSample, out) {
    return this.accumulate(omegaPerSample, out);
  }

  /** Restarts from `phaseRad` (default 0). */
  reset(phaseRad = 0) {
    this.phase = wrapPhase(phaseRad);
  }

  dispose() {}
}

