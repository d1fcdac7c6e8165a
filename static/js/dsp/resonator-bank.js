// Sympathetic strings: a bank of undamped strings that nobody plucks. Each is a Karplus-Strong
// loop (a delay line one period long, an all-pass for the fractional part so the tuning is exact,
// a gentle loss filter so upper partials die first) fed a little of the instrument's sound. A
// string only builds up where the sound has energy at its partials, so the bank rings at its
// tuned pitches after the notes that excite them, and goes on ringing into the rests: a
// sarangi's or a sitar's taraf. Struck by a short burst instead, the same strings are a chikari.

/** Loss filter y = (1 - b) x[n] + b x[n-1]: upper partials decay faster; delay b samples (low f). */
const LOSS_B = 0.1;

/**
 * Loop constants of a string at `f0Hz`: integer delay, all-pass coefficient, per-period gain for
 * a 60 dB decay in `ringSeconds`.
 * @returns {{delay:number, apC:number, rho:number}}
 */
export function stringLoop(f0Hz, sampleRate, ringSeconds) {
  if (!(f0Hz > 0) || f0Hz > sampleRate / 8) throw new Error(`resonator: ${f0Hz} Hz is out of range at ${sampleRate} Hz (0 < f0 <= ${sampleRate / 8})`);
  if (!(ringSeconds > 0)) throw new Error(`resonator: ringSeconds must be positive, got ${ringSeconds}`);
  const period = sampleRate / f0Hz;
  const delay = Math.floor(period - LOSS_B - 0.1);
  const frac = period - LOSS_B - delay; // in [0.1, 1.1): the all-pass stays near-flat in delay
  return { delay, apC: (1 - frac) / (1 + frac), rho: 10 ** (-3 / (ringSeconds * f0Hz)) };
}

export class ResonatorBank {
  /**
   * @param {{sampleRate:number, ringSeconds:number, minHz:number, struck?:boolean}} o
   *   minHz: the lowest pitch a string may be tuned to (sizes the delay lines);
   *   struck: the input plucks the strings (enters at full gain) rather than driving them
   *   sympathetically (at 1 - rho, so a steady tone at a string's pitch builds up to its own level)
   */
  constructor({ sampleRate, ringSeconds, minHz, struck = false }) {
    this.sampleRate = sampleRate;
    this.struck = struck;
    this.ringSeconds = ringSeconds;
    this.lineLength = Math.ceil(sampleRate / minHz) + 2;
    this.strings = [];
    this.excitation = new Float64Array(0);
  }

  /**
   * Tunes the bank to `pitchesHz` (one string each). A string whose pitch is unchanged keeps
   * ringing; new ones start silent.
   * @param {number[]} pitchesHz
   */
  tune(pitchesHz) {
    const old = new Map(this.strings.map((s) => [s.f0Hz, s]));
    this.strings = pitchesHz.map((f0Hz) => old.get(f0Hz) || this.newString(f0Hz));
  }

  newString(f0Hz) {
    if (f0Hz < this.sampleRate / (this.lineLength - 2)) throw new Error(`resonator: ${f0Hz} Hz is below the bank's lowest pitch`);
    const loop = stringLoop(f0Hz, this.sampleRate, this.ringSeconds);
    return { f0Hz, ...loop, gainIn: this.struck ? 1 : 1 - loop.rho, line: new Float64Array(this.lineLength), state: new Float64Array(4) };
  }

  /** Silences every string. */
  reset() {
    for (const s of this.strings) (s.line.fill(0), s.state.fill(0));
  }

  /**
   * Feeds `input` [n] to every string and adds the strings' sound times `gain` to `out` [n]
   * (`out` may be `input`: every string hears the input as it came). Allocates nothing.
   */
  process(input, out, n, gain) {
    if (this.excitation.length < n) this.excitation = new Float64Array(n);
    const x = this.excitation;
    for (let i = 0; i < n; i++) x[i] = input[i];
    for (const s of this.strings) {
      const line = s.line, L = line.length, delay = s.delay, apC = s.apC, rho = s.rho, gainIn = s.gainIn;
      const st = s.state; // [w, apIn, apOut, lossPrev]
      let w = st[0], apIn = st[1], apOut = st[2], lossPrev = st[3];
      for (let i = 0; i < n; i++) {
        let r = w - delay;
        if (r < 0) r += L;
        const d = line[r];
        apOut = apC * d + apIn - apC * apOut; // fractional delay
        apIn = d;
        const loss = (1 - LOSS_B) * apOut + LOSS_B * lossPrev;
        lossPrev = apOut;
        const y = rho * loss;
        line[w] = y + gainIn * x[i];
        if (++w === L) w = 0;
        out[i] += gain * y;
      }
      st[0] = w;
      st[1] = apIn;
      st[2] = apOut;
      st[3] = lossPrev;
    }
  }
}
