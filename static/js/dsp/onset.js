// Onsets for the measured mic-to-output delay: the capture and the output worklets mark each
// phrase's first loud sample on the AudioContext's frame clock; the page pairs them (latency.js).

/** Index of the first sample whose magnitude exceeds `threshold`, or -1. */
export function firstAbove(samples, threshold) {
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]) > threshold) return i;
  return -1;
}

/**
 * A phrase onset is a sample above `threshold` after at least `minSilenceFrames` frames with none
 * above it (a waveform crosses zero every period, so silence is the absence of loud samples).
 */
export class OnsetDetector {
  constructor({ threshold, minSilenceFrames }) {
    this.threshold = threshold;
    this.minSilenceFrames = minSilenceFrames;
    this.lastLoudFrame = -Infinity;
  }

  /**
   * @param {Float32Array} samples one render quantum
   * @param {number} startFrame the context frame of samples[0]
   * @returns {number} the onset's context frame, or -1
   */
  process(samples, startFrame) {
    let onset = -1;
    const t = this.threshold;
    for (let i = 0; i < samples.length; i++) {
      if (samples[i] <= t && samples[i] >= -t) continue;
      const frame = startFrame + i;
      if (onset < 0 && frame - this.lastLoudFrame >= this.minSilenceFrames) onset = frame;
      this.lastLoudFrame = frame;
    }
    return onset;
  }
}
