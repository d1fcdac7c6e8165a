// Phase cumsum, pass 1 of 3: chunk totals.
// Input `digits` [2, nSamples]: each sample's phase increment as a fixed-point fraction of a
// turn, 22 bits split into two base-2048 digits (row 0 high, row 1 low). Integers <= 2047 are
// exact in float16 and float32 textures alike, so nothing is lost in any texture format.
// Output [2, nChunks]: thread (digit, chunk) serially sums the chunk's `chunkSize` samples and
// writes that digit of the total, normalised (carry low into high) and wrapped modulo one turn,
// so every value written is again an integer in [0, 2048).
// Uniforms: int chunkSize (<= MAX_CHUNK), int nSamples.
const int MAX_CHUNK = 4096;
const float RADIX = 2048.0;

void main() {
  ivec2 rc = getOutputCoords();
  int start = rc.y * chunkSize;
  int len = min(chunkSize, nSamples - start);
  // Sums stay below 2047 * 4096 < 2^24: exact integers in float32 arithmetic.
  float hi = 0.0;
  float lo = 0.0;
  for (int j = 0; j < MAX_CHUNK; j++) {
    if (j >= len) break;
    hi += getDigits(0, start + j);
    lo += getDigits(1, start + j);
  }
  float carry = floor(lo / RADIX);
  lo -= carry * RADIX;
  hi = mod(hi + carry, RADIX);
  setOutput(rc.x == 0 ? hi : lo);
}
