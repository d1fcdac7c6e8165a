// Phase cumsum, pass 2 of 3: chunk offsets (exclusive prefix of the chunk totals).
// Input `totals` [2, nChunks] from pass 1. Output [2, nChunks]: the phase at the start of each
// chunk = starting phase (uniforms startHi, startLo: the phase carried from the previous block,
// as base-2048 digits) + every earlier chunk total, wrapped modulo one turn. Each thread walks the
// earlier totals serially; nChunks is small (~sqrt of the block), so this pass is cheap.
const int MAX_CHUNKS = 65536;
const float RADIX = 2048.0;

void main() {
  ivec2 rc = getOutputCoords();
  float hi = startHi;
  float lo = startLo;
  for (int c = 0; c < MAX_CHUNKS; c++) {
    if (c >= rc.y) break;
    hi += getTotals(0, c);
    lo += getTotals(1, c);
    // Renormalising every step keeps both digits below 4096, so any number of chunks is exact.
    float carry = floor(lo / RADIX);
    lo -= carry * RADIX;
    hi = mod(hi + carry, RADIX);
  }
  setOutput(rc.x == 0 ? hi : lo);
}
