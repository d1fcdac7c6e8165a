// Phase cumsum, up-sweep: block totals (run once per level of the scan, from the samples up).
// Input `digits` [2, nSamples]: each entry a phase as a fixed-point fraction of a turn, 22 bits
// split into two base-2048 digits (row 0 high, row 1 low) — a sample's increment at level 0, a
// block's total above. Integers <= 2047 are exact in float16 and float32 textures alike.
// Output [2, nSamples / chunkSize]: thread (digit, block) sums the block's `chunkSize` entries
// and writes that digit of the total, normalised (carry low into high) and wrapped modulo one
// turn, so every value written is again an integer in [0, 2048).
// Uniforms: int chunkSize (<= MAX_BLOCK), int nSamples (entries at this level).
const int MAX_BLOCK = 16;
const float RADIX = 2048.0;

void main() {
  ivec2 rc = getOutputCoords();
  int start = rc.y * chunkSize;
  int len = min(chunkSize, nSamples - start);
  // Sums stay below 2047 * 16 < 2^24: exact integers in float32 arithmetic.
  // The low digit does not depend on the high digits, so its threads read half as much.
  bool wantHigh = rc.x == 0;
  float hi = 0.0;
  float lo = 0.0;
  for (int j = 0; j < MAX_BLOCK; j++) {
    if (j >= len) break;
    lo += getDigits(1, start + j);
    if (wantHigh) hi += getDigits(0, start + j);
  }
  float carry = floor(lo / RADIX);
  lo -= carry * RADIX;
  hi = mod(hi + carry, RADIX);
  setOutput(wantHigh ? hi : lo);
}
