// Onset marker shared by the capture and output worklets: the measured mic-to-output delay is
// the output's first loud sample minus the input's, both on the AudioContext's frame clock.

/** Index of the first sample whose magnitude exceeds `threshold`, or -1. */
export function firstAbove(samples, threshold) {
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]) > threshold) return i;
  return -1;
}
