// Phase cumsum, down-sweep: block prefixes (run once per level of the scan, from the top down).
// Inputs `digits` [2, nEntries] (this level's entries: block totals, or the samples' increments
// at level 0) and `offsets` [2, nEntries / chunkSize] (the phase at the start of each block,
// from the level above). Output [2, nEntries]: the block's offset + the serial prefix of the
// block up to the entry — excluding it (inclusive = 0: the next level's block offsets) or
// including it (inclusive = 1, level 0: the phase AFTER each sample, ddsp's inclusive cumsum) —
// wrapped modulo one turn, as two base-2048 digits (exact in float16 textures).
// The low digit does not depend on the high digits, so its threads read half as much.
// Uniforms: int chunkSize (<= MAX_BLOCK), int inclusive (0 or 1).
const int MAX_BLOCK = 16;
const float RADIX = 2048.0;

void main() {
  ivec2 rc = getOutputCoords();
  int chunk = rc.y / chunkSize;
  int start = chunk * chunkSize;
  int len = rc.y - start + inclusive;
  bool wantHigh = rc.x == 0;
  float hi = wantHigh ? getOffsets(0, chunk) : 0.0;
  float lo = getOffsets(1, chunk);
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
