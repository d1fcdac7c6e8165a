// Seeded noise for the filtered-noise synth: the same stream in JS and in make_golden.py.

/** Seeded uniform PRNG in [0, 1) (mulberry32); make_golden.py has its bit-exact twin. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

