// The synth on the GPU, step 2: one thread per output sample p of the block, harmonic + noise.
// As synth.js (one frame of look-ahead), block frame f's samples are the audio between the
// previous frame and frame f: rows P - 1 + f and P + f of `frames` (synth_frames.glsl). On a
// stream's first block the first `leadFrames` frames are silent (no frame before them), as
// HarmonicSynth and FilteredNoiseSynth.
//
// Harmonic (== ddsp.synths.Harmonic, amp_resample_method='linear'): each harmonic's amplitude
// glides linearly over the hop; a harmonic at or above Nyquist at the sample is silent. The
// phase of sample p arrives in the upload as an integer count of 2^-22 turns (two base-2048
// digits, exact even in float16 textures), made by a float64 loop in JS (voice-webgl.js).
// Harmonic k's phase is k * steps modulo one turn in integer arithmetic (exact), and its sine
// our own (sinSteps): SwiftShader's sin() is off by ~1e-5 rad-sized amounts, which a harmonic
// sum turns into a noise floor near -65 dB.
//
// Noise (== ddsp.core.frequency_filter with FilteredNoiseSynth's crop): output frame j's sample
// s is the overlap-add of each nearby frame's white noise (uploaded from the JS PRNG) convolved
// with that frame's FIR, START samples later.
//
// Inputs: `frames` [P + n, L + H], `block`. Uniforms: leadFrames, f0Offset, phaseOffset,
// noiseOffset (into `block`: f0 [n + 1] with the previous frame first, phase digits [2 n HOP],
// noise [(P + n) HOP]). Constants HOP, H, L, P, START, BACK, FWD, NYQUIST, RADIX, STEPS, RAD_PER_STEP
// prepended, with QUARTER = STEPS / 4 and STEPS = 2^22.

/** sin of `steps` 2^-22 turns: reduced to the nearest quarter turn (exact, integers), then Taylor
 * series on [-pi/4, pi/4] (truncation < 3e-8), so to float32 rounding. */
float sinSteps(int steps) {
  int quadrant = (steps + QUARTER / 2) / QUARTER;
  float th = float(steps - quadrant * QUARTER) * RAD_PER_STEP;
  float t2 = th * th;
  quadrant = quadrant - 4 * (quadrant / 4);
  if (quadrant == 0 || quadrant == 2) {
    float sn = th * (1.0 + t2 * (-1.0 / 6.0 + t2 * (1.0 / 120.0 + t2 * (-1.0 / 5040.0 + t2 * (1.0 / 362880.0)))));
    return quadrant == 0 ? sn : -sn;
  }
  float cs = 1.0 + t2 * (-0.5 + t2 * (1.0 / 24.0 + t2 * (-1.0 / 720.0 + t2 * (1.0 / 40320.0 - t2 / 3628800.0))));
  return quadrant == 1 ? cs : -cs;
}

void main() {
  int p = getOutputCoords();
  int f = p / HOP;
  int s = p - f * HOP;
  if (f < leadFrames) {
    setOutput(0.0);
    return;
  }
  float x = float(s) / float(HOP);
  float f0a = blockAt(f0Offset + f);
  float f0 = f0a + (blockAt(f0Offset + f + 1) - f0a) * x;
  int steps = int(blockAt(phaseOffset + 2 * p) + 0.5) * RADIX + int(blockAt(phaseOffset + 2 * p + 1) + 0.5);
  int rowA = P - 1 + f;
  float y = 0.0;
  for (int k = 0; k < H; k++) {
    if (float(k + 1) * f0 >= NYQUIST) break;
    float a = framesAt(rowA, L + k);
    y += (a + (framesAt(rowA + 1, L + k) - a) * x) * sinSteps(((k + 1) * steps) & (STEPS - 1));
  }
  for (int dt = -BACK; dt <= FWD; dt++) {
    int row = rowA + dt; // history row of output frame (f - 1) + dt's neighbour
    int m = s + START - dt * HOP; // index into that frame's noise * FIR
    int iLo = max(0, m - L + 1);
    int iHi = min(HOP - 1, m);
    for (int i = iLo; i <= iHi; i++) y += blockAt(noiseOffset + row * HOP + i) * framesAt(row, m - i);
  }
  setOutput(y);
}
