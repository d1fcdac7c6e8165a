// Phase cumsum on packed textures (whole clips), down-sweep: block prefixes, two entries a
// thread. Packed layout as in cumsum_packed_totals.glsl. Inputs `digits` [2, nEntries] (this
// level's entries) and `offsets` [2, nEntries / chunkSize] (each block's starting phase, from
// the level above). Output texel (2t, 2t + 1): the block's offset + the entries of the block
// before each of them (inclusive = 0: the next level's block offsets) or up to and including
// it (inclusive = 1, level 0: the phase AFTER each sample), wrapped modulo one turn.
// Uniforms: int chunkSize (even, <= MAX_BLOCK), int inclusive (0 or 1).
const int MAX_TEXELS = 8; // MAX_BLOCK / 2
// RADIX and wrapDigits: cumsum_digits.glsl, prepended.

void main() {
  ivec2 rc = getOutputCoords();
  int e = rc.y; // even: the texel's first entry
  int block = e / chunkSize;
  int start = block * chunkSize;
  vec4 off = getOffsets(0, block);
  bool oddBlock = block - 2 * (block / 2) == 1;
  float hi = oddBlock ? off.y : off.x;
  float lo = oddBlock ? off.w : off.z;
  for (int j = 0; j < MAX_TEXELS; j++) {
    if (start + 2 * j >= e) break;
    vec4 d = getDigits(0, start + 2 * j);
    hi += d.x + d.y;
    lo += d.z + d.w;
  }
  vec4 own = getDigits(0, e);
  float inc = float(inclusive);
  vec2 first = wrapDigits(hi + inc * own.x, lo + inc * own.z);
  vec2 second = wrapDigits(hi + own.x + inc * own.y, lo + own.z + inc * own.w);
  setOutput(vec4(first.x, second.x, first.y, second.y));
}
