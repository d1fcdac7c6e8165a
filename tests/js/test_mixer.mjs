// The limiter's curve (static/js/audio/mixer.js): identity below the knee, monotonic, never past full scale.
import assert from "node:assert/strict";
import test from "node:test";

import { LIMITER, limiterCurve } from "../../static/js/audio/mixer.js";

test("limiter curve: identity below the knee, rising, bounded by full scale, odd", () => {
  const c = limiterCurve();
  const x = (i) => LIMITER.headroom * ((2 * i) / (c.length - 1) - 1);
  for (let i = 0; i < c.length; i++) {
    if (Math.abs(x(i)) <= LIMITER.kneeLevel) assert.ok(Math.abs(c[i] - x(i)) < 1e-6, `x=${x(i)} → ${c[i]}`);
    assert.ok(Math.abs(c[i]) <= 1, `x=${x(i)} → ${c[i]}`);
    if (i) assert.ok(c[i] >= c[i - 1], "monotonic: louder in is never quieter out");
    assert.ok(Math.abs(c[i] + c[c.length - 1 - i]) < 1e-6, "symmetric for both polarities");
  }
  assert.ok(c[c.length - 1] > 0.999, "the full headroom reaches full scale");
});
