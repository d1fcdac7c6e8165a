// The synth on the GPU, step 1: what each frame contributes, computed once per frame (not once
// per sample in synth_mix.glsl). Output [P + n, L + H], one row per frame:
//  - columns 0..L-1: the frame's noise FIR, as ddsp.core.frequency_filter designs it (irfft of
//    the magnitudes, Hann window, rotated causal): a fixed linear map of the magnitudes,
//    ir[j] = gate * sum_k mags[k] * basis[k, j], `basis` [M, L] precomputed in JS from
//    dsp/impulse-response.js (its cosine basis times the window, in causal order);
//  - columns L..L+H-1: the frame's harmonic amplitudes, gate * amplitude * distribution, the
//    distribution zeroed at or above Nyquist at the frame's f0 and normalised over the rest
//    (as the graph and decoder-cpu.js do).
// Rows below P are the previous history's newest P rows (frames the synth still needs from
// earlier blocks), read in place from `prev` at prevShift; the rest are the block's frames.
// Inputs: `head` [n, 1 + H + N] (the decoder's controls, fused decoder_head.glsl), `prev`
// [P + nPrev, L + H], `block` (this block's upload: f0 and gate of block frame t at
// f0Offset + 1 + t and gateOffset + 1 + t), `basis` [M, L].
// Constants P, M, L, H, NOISE0 (= 1 + H), NYQUIST, NORM_EPS prepended.

void main() {
  ivec2 rc = getOutputCoords();
  int r = rc.x;
  int j = rc.y;
  if (r < P) {
    setOutput(prevAt(r + prevShift, j));
    return;
  }
  int t = r - P;
  float gate = blockAt(gateOffset + 1 + t);
  if (j < L) {
    float acc = 0.0;
    for (int k = 0; k < M; k++) acc += headAt(t, NOISE0 + k) * basisAt(k, j);
    setOutput(gate * acc);
    return;
  }
  int h = j - L; // harmonic h + 1
  float f0 = blockAt(f0Offset + 1 + t);
  if (float(h + 1) * f0 >= NYQUIST) {
    setOutput(0.0);
    return;
  }
  float total = 0.0;
  for (int k = 0; k < H; k++) {
    if (float(k + 1) * f0 < NYQUIST) total += headAt(t, 1 + k);
  }
  setOutput(gate * headAt(t, 0) * (headAt(t, 1 + h) / max(total, NORM_EPS)));
}
