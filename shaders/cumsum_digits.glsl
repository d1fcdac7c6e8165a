// Shared by the packed cumsum programs (prepended to each by static/js/cumsum.js): a phase is
// two base-2048 digits (hi, lo), exact in float16; wrapDigits carries lo into hi and wraps hi
// modulo one turn.
const float RADIX = 2048.0;

vec2 wrapDigits(float hi, float lo) {
  float carry = floor(lo / RADIX);
  return vec2(mod(hi + carry, RADIX), lo - carry * RADIX);
}

