// Fused decoder, the rest of a conv layer: layer norm over the channels of each frame (the
// graph's LRN form d / sqrt(EPS + mean(d^2)) with d = z - mean(z)), gain and offset, leaky ReLU,
// the residual (layers after the first add their input), written straight into the NEXT layer's
// input history: output [PAST_NEXT + n, C]. Rows below PAST_NEXT are that layer's cache, the
// newest PAST_NEXT rows of its previous history `prev` (rows prevRows - PAST_NEXT ...), so the
// cache update costs no pass of its own; the rest are this block's activations.
// Inputs: `z` [n, C] (decoder_conv.glsl), `hist` [PAST + n, C] (this layer's input, for the
// residual), `prev` [PAST_NEXT + nPrev, C], `gain` [C], `offset` [C]. Uniform int prevShift =
// prev's rows - PAST_NEXT. Constants C, PAST, PAST_NEXT, EPS, ALPHA, RESIDUAL prepended.

void main() {
  ivec2 rc = getOutputCoords();
  int r = rc.x;
  int o = rc.y;
#if PAST_NEXT > 0
  if (r < PAST_NEXT) {
    setOutput(prevAt(r + prevShift, o));
    return;
  }
#endif
  int t = r - PAST_NEXT;
  float mean = 0.0;
  for (int c = 0; c < C; c++) mean += zAt(t, c);
  mean /= float(C);
  float sq = 0.0;
  for (int c = 0; c < C; c++) {
    float d = zAt(t, c) - mean;
    sq += d * d;
  }
  float scale = 1.0 / sqrt(EPS + sq / float(C));
  float v = (zAt(t, o) - mean) * scale * gainAt(0, o) + offsetAt(0, o);
  float y = v > 0.0 ? v : ALPHA * v;
#if RESIDUAL
  y += histAt(PAST + t, o);
#endif
  setOutput(y);
}
