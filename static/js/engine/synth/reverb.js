// Room for the dry instrument: a small mono Freeverb, off (no work at all) while wet is 0.

/** Mono Freeverb (Jezar's tunings scaled to the sample rate): 8 damped combs, 4 allpasses. */
export class Reverb {
  constructor({ sampleRate, roomSize = 0.84, damping = 0.2, wet = 0 }) {
    const scale = sampleRate / 44100;
    this.combs = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617].map((d) => ({
      buf: new Float32Array(Math.round(d * scale)), i: 0, store: 0,
    }));
    this.allpasses = [556, 441, 341, 225].map((d) => ({ buf: new Float32Array(Math.round(d * scale)), i: 0 }));
    this.feedback = roomSize;
    this.damping = damping;
    this.wet = wet;
  }

  setWet(wet) {
    this.wet = Math.max(0, Math.min(1, wet));
  }

  reset() {
    for (const c of this.combs) (c.buf.fill(0), (c.i = 0), (c.store = 0));
    for (const a of this.allpasses) (a.buf.fill(0), (a.i = 0));
  }

  /** In place: x <- (1 - wet) x + wet * reverb(x). No work at all while wet is 0. */
  process(x) {
    if (this.wet <= 0) return x;
    const fb = this.feedback, d = this.damping, wet = this.wet, gainIn = 0.015;
    for (let n = 0; n < x.length; n++) {
      const input = x[n] * gainIn;
      let y = 0;
      for (const c of this.combs) {
        const v = c.buf[c.i];
        c.store = v * (1 - d) + c.store * d; // one-pole low-pass in the loop: highs die first
        c.buf[c.i] = input + c.store * fb;
        if (++c.i === c.buf.length) c.i = 0;
        y += v;
      }
      for (const a of this.allpasses) {
        const v = a.buf[a.i];
        a.buf[a.i] = y + v * 0.5;
        y = v - y;
        if (++a.i === a.buf.length) a.i = 0;
      }
      x[n] = (1 - wet) * x[n] + wet * y;
    }
    return x;
  }
}

