// Phase cumsum, pass 3 of 3: per-sample phases.
// Inputs `digits` [2, nSamples] (pass 1's input) and `offsets` [2, nChunks] (pass 2).
// Output [2, nSamples]: phase AFTER each sample's increment (ddsp's inclusive cumsum) =
// its chunk's offset + the serial prefix of the chunk up to and including the sample,
// wrapped modulo one turn, as two base-2048 digits (exact in float16 textures).
// The low digit does not depend on the high digits, so its threads read half as much.
// Uniform: int chunkSize (<= MAX_CHUNK).
const int MAX_CHUNK = 4096;
const float RADIX = 2048.0;

void main() {
  ivec2 rc = getOutputCoords();
  int chunk = rc.y / chunkSize;
  int start = chunk * chunkSize;
  int len = rc.y - start + 1;
  bool wantHigh = rc.x == 0;
  float hi = wantHigh ? getOffsets(0, chunk) : 0.0;
  float lo = getOffsets(1, chunk);
  for (int j = 0; j < MAX_CHUNK; j++) {
    if (j >= len) break;
    lo += getDigits(1, start + j);
    if (wantHigh) hi += getDigits(0, start + j);
  }
  float carry = floor(lo / RADIX);
  lo -= carry * RADIX;
  hi = mod(hi + carry, RADIX);
  setOutput(wantHigh ? hi : lo);
}
