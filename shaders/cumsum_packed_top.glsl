// Phase cumsum on packed textures (whole clips), top: exclusive prefix of the top level's
// block totals (<= TOP_MAX entries), two entries a thread. Packed layout as in
// cumsum_packed_totals.glsl. Output texel (2t, 2t + 1): the phase at the start of each block
// = the carried phase (uniforms startHi, startLo) + every earlier block total, wrapped.
const int TOP_TEXELS = 32; // TOP_MAX / 2
// RADIX and wrapDigits: cumsum_digits.glsl, prepended.

void main() {
  ivec2 rc = getOutputCoords();
  vec2 acc = vec2(startHi, startLo);
  for (int c = 0; c < TOP_TEXELS; c++) {
    if (2 * c >= rc.y) break;
    vec4 t = getTotals(0, 2 * c);
    acc = wrapDigits(acc.x + t.x + t.y, acc.y + t.z + t.w);
  }
  vec4 own = getTotals(0, rc.y);
  vec2 next = wrapDigits(acc.x + own.x, acc.y + own.z);
  setOutput(vec4(acc.x, next.x, acc.y, next.y));
}
