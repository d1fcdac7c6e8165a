// The synth on the GPU: one thread per output sample p of the block, harmonic + filtered noise.
// As synth.js (one frame of look-ahead), block frame f's samples are the audio between the
// previous frame's controls and frame f's: ctl(f, .) and ctl(f + 1, .), row 0 being the previous
// block's last frame. On a stream's first block the first `leadFrames` frames are silent (no
// frame before them), as HarmonicSynth and FilteredNoiseSynth.
//
// Harmonic (== ddsp.synths.Harmonic, amp_resample_method='linear'): amplitude * distribution of
// each harmonic glides linearly over the hop; the distribution is normalised over the harmonics
// below Nyquist at that frame's f0, and a harmonic at or above Nyquist at the sample is silent.
// The phase of sample p arrives in the upload as an integer count of 2^-22 turns (two base-2048
// digits, exact even in float16 textures); harmonic k's phase is k * steps modulo one turn in
// integer arithmetic, so sin() always gets an angle in [0, 2*pi) with no float32 range loss.
//
// Noise (== ddsp.core.frequency_filter with FilteredNoiseSynth's crop): output frame j's sample
// s is the overlap-add of each nearby frame's white noise (uploaded from the JS PRNG) convolved
// with that frame's IR (noise_ir.glsl), START samples later.
//
// Inputs: `head` [n, 1 + H + N], `prevHead` [nPrev, 1 + H + N], `ir` [P + n, L], `block`.
// Uniforms: prevLast (prevHead's last row), leadFrames, f0Offset, gateOffset, phaseOffset,
// noiseOffset (into `block`: f0 and gate [n + 1] with the previous frame first, phase digits
// [2 * n * HOP], noise [(P + n) * HOP]). Constants HOP, H, L, P, START, BACK, FWD, NYQUIST,
// NORM_EPS, RADIX, STEPS, RAD_PER_STEP prepended.

float ctl(int row, int u) {
  return row == 0 ? getPrevHead(prevLast, u) : getHead(row - 1, u);
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
  float f0a = getBlock(f0Offset + f);
  float f0b = getBlock(f0Offset + f + 1);
  float f0 = f0a + (f0b - f0a) * x;
  float sumA = 0.0;
  float sumB = 0.0;
  for (int k = 0; k < H; k++) {
    if (float(k + 1) * f0a < NYQUIST) sumA += ctl(f, 1 + k);
    if (float(k + 1) * f0b < NYQUIST) sumB += ctl(f + 1, 1 + k);
  }
  float ampA = getBlock(gateOffset + f) * ctl(f, 0) / max(sumA, NORM_EPS);
  float ampB = getBlock(gateOffset + f + 1) * ctl(f + 1, 0) / max(sumB, NORM_EPS);
  int steps = int(getBlock(phaseOffset + 2 * p) + 0.5) * RADIX + int(getBlock(phaseOffset + 2 * p + 1) + 0.5);
  float y = 0.0;
  for (int k = 0; k < H; k++) {
    float harmonic = float(k + 1);
    if (harmonic * f0 >= NYQUIST) break;
    float a = harmonic * f0a < NYQUIST ? ampA * ctl(f, 1 + k) : 0.0;
    float b = harmonic * f0b < NYQUIST ? ampB * ctl(f + 1, 1 + k) : 0.0;
    int turn = ((k + 1) * steps) & (STEPS - 1);
    y += (a + (b - a) * x) * sin(float(turn) * RAD_PER_STEP);
  }
  for (int dt = -BACK; dt <= FWD; dt++) {
    int row = P - 1 + f + dt; // IR / noise history row of output frame (f - 1) + dt
    int m = s + START - dt * HOP; // index into that frame's noise * IR
    int iLo = max(0, m - L + 1);
    int iHi = min(HOP - 1, m);
    for (int i = iLo; i <= iHi; i++) y += getBlock(noiseOffset + row * HOP + i) * getIr(row, m - i);
  }
  setOutput(y);
}
