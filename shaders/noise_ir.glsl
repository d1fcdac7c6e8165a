// Filtered noise on the GPU, step 1: each frame's causal FIR, as ddsp.core.frequency_filter
// designs it (irfft of the magnitudes, Hann window, rotated causal): a fixed linear map of the
// magnitudes, so ir[t, j] = gate[t] * sum_k mags[t, k] * basis[k, j] with `basis` [M, L]
// precomputed in JS from dsp/impulse-response.js (its cosine basis times the window, causal order).
// Output: the IR history [P + n, L]; rows below P are the previous history's newest P rows (the
// frames the synth still needs from earlier blocks), read in place from `prevIr` at prevShift.
// Inputs: `head` [n, 1 + H + N] (the decoder's controls; magnitudes from column NOISE0),
// `prevIr` [P + nPrev, L], `block` (this block's upload; the gate of block frame t at
// gateOffset + 1 + t), `basis` [M, L]. Constants P, M, NOISE0 prepended.

void main() {
  ivec2 rc = getOutputCoords();
  int r = rc.x;
  int j = rc.y;
  if (r < P) {
    setOutput(getPrevIr(r + prevShift, j));
    return;
  }
  int t = r - P;
  float acc = 0.0;
  for (int k = 0; k < M; k++) acc += getHead(t, NOISE0 + k) * getBasis(k, j);
  setOutput(getBlock(gateOffset + 1 + t) * acc);
}
