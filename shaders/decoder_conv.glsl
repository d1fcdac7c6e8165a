// Fused decoder, one causal dilated conv layer (conv + bias), one thread per (frame, channel).
// Input `hist`: the layer's input history [PAST + n, CIN], the cached past frames first (layer 0
// reads its rows from the block's upload, see histAt() in decoder-webgl.js); `weights` [K * CIN, C]
// (row j * CIN + c: tap j, input channel c), `bias` [C]. Output z [n, C]:
//   z[t, o] = bias[o] + sum_j sum_c hist[PAST + t - (K - 1 - j) * DIL, c] * weights[j * CIN + c, o]
// Constants K, CIN, DIL, PAST and histAt() are prepended per layer by decoder-webgl.js.

void main() {
  ivec2 rc = getOutputCoords();
  int t = rc.x;
  int o = rc.y;
  float acc = biasAt(0, o);
  for (int j = 0; j < K; j++) {
    int row = PAST + t - (K - 1 - j) * DIL;
    for (int c = 0; c < CIN; c++) {
      acc += histAt(row, c) * weightsAt(j * CIN + c, o);
    }
  }
  setOutput(acc);
}
