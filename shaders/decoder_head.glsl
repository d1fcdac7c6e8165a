// Fused decoder, the head: a 1x1 conv from the trunk's last activations `x` [n, C] to the synth
// controls, each through ddsp's exp_sigmoid: max * sigmoid(v)^ln(exponent) + threshold.
// Output [n, 1 + H + N]: column 0 the overall amplitude, 1..H the harmonic distribution before
// its Nyquist mask and normalisation (the synth applies both, it knows each frame's f0), then
// the N noise magnitudes (their initial bias added first, as in the graph).
// Inputs `x`, `weights` [C, 1 + H + N], `bias` [1 + H + N]. Constants C, H, NOISE_BIAS,
// ES_MAX, ES_POWER (= ln exponent), ES_THRESHOLD prepended.

void main() {
  ivec2 rc = getOutputCoords();
  int t = rc.x;
  int u = rc.y;
  float acc = biasAt(0, u);
  for (int c = 0; c < C; c++) acc += xAt(t, c) * weightsAt(c, u);
  if (u > H) acc += NOISE_BIAS;
  float sigmoid = 1.0 / (1.0 + exp(-acc));
  setOutput(ES_MAX * pow(sigmoid, ES_POWER) + ES_THRESHOLD);
}
