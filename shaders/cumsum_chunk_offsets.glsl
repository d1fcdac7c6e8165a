// Phase cumsum, top of the scan: exclusive prefix of the top level's block totals.
// Input `totals` [2, nBlocks] (nBlocks <= TOP_MAX = 64, see scanPlan in cumsum.js). Output
// [2, nBlocks]: the phase at the start of each block = starting phase (uniforms startHi,
// startLo: the phase carried from the previous call, as base-2048 digits) + every earlier
// block total, wrapped modulo one turn. Each thread walks the earlier totals serially.
const int TOP_MAX = 64;
const float RADIX = 2048.0;

void main() {
  ivec2 rc = getOutputCoords();
  float hi = startHi;
  float lo = startLo;
  for (int c = 0; c < TOP_MAX; c++) {
    if (c >= rc.y) break;
    hi += getTotals(0, c);
    lo += getTotals(1, c);
    // Renormalising every step keeps both digits below 4096, so any number of blocks is exact.
    float carry = floor(lo / RADIX);
    lo -= carry * RADIX;
    hi = mod(hi + carry, RADIX);
  }
  setOutput(rc.x == 0 ? hi : lo);
}
