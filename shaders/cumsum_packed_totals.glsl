// Phase cumsum on packed textures (whole clips), up-sweep: block totals, two blocks a thread.
// Packed [2, n]: one RGBA texel holds entries (2i, 2i+1) of both digit rows:
// (hi[2i], hi[2i+1], lo[2i], lo[2i+1]), so a fetch reads two entries' digits at once.
// Input `digits` [2, nSamples] (the level's entries); output [2, nSamples / chunkSize]: this
// thread's texel is the totals of blocks (b, b + 1), each the sum of its chunkSize entries,
// normalised and wrapped modulo one turn (integers in [0, 2048), exact in float16).
// Uniforms: int chunkSize (even, <= MAX_BLOCK), int nSamples (unused: levels divide evenly,
// and a missing last block only fills a component nobody reads).
const int MAX_TEXELS = 8; // MAX_BLOCK / 2
// RADIX and wrapDigits: cumsum_digits.glsl, prepended.

void main() {
  ivec2 rc = getOutputCoords();
  int b = rc.y;
  int texels = chunkSize / 2;
  vec4 sum = vec4(0.0); // (hi of b, hi of b + 1, lo of b, lo of b + 1)
  for (int j = 0; j < MAX_TEXELS; j++) {
    if (j >= texels) break;
    vec4 first = getDigits(0, b * chunkSize + 2 * j);
    vec4 second = getDigits(0, (b + 1) * chunkSize + 2 * j);
    sum += vec4(first.x + first.y, second.x + second.y, first.z + first.w, second.z + second.w);
  }
  vec2 t0 = wrapDigits(sum.x, sum.z);
  vec2 t1 = wrapDigits(sum.y, sum.w);
  setOutput(vec4(t0.x, t1.x, t0.y, t1.y));
}
