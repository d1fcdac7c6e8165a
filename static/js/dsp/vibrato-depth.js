// How much of a singer's vibrato an instrument plays. A voice's vibrato (5-7 Hz, up to about
// ±60 cents) is a singer's trait, and it is what an ear trained on recordings hears as "a singer"
// (docs/models.md, Idiom); a Hindustani instrumentalist holds a note steady (khada swar) and moves
// it on purpose: meend, andolan, gamak. The pitch is split into a trend and the oscillation around
// it, and the oscillation is played at `depth`:
// - the trend is a double moving average over one vibrato period: the first mean nulls a vibrato
//   of that period, the second takes out the first's lag on a glide (2·mean − mean of mean follows
//   a ramp exactly), so a slow meend is not dragged;
// - a move wider than `follow` from the trend (a new note, a gamak; in level, an onset or an
//   accent), or faster than a 7 Hz vibrato of that size moves (a meend's glide), is played as sung
//   and starts the trend afresh there;
// - a stretch's first period is played as sung (the trend is not known yet) and the depth comes in
//   over the second, so onsets and glides keep the voice's timing.
// The voice's tremolo (its level moving with the vibrato) is the same wobble in loudness: one class
// serves both. Per frame: MIDI semitones or loudness in dB; `null` means unvoiced.

/**
 * The depth played at the singer's Vibrato control: level 0 (steady) … 1 (the instrument's own
 * depth) … 2 (as sung), linear in between.
 * @param {number} ownDepth metadata.json playing.vibrato.depth @param {number} level 0-2
 */
export function depthAtLevel(ownDepth, level) {
  if (!(level >= 0 && level <= 2)) throw new Error(`vibratoLevel must be 0-2 (1: the instrument's own), got ${level}`);
  return level <= 1 ? ownDepth * level : ownDepth + (1 - ownDepth) * (level - 1);
}

export class VibratoDepth {
  /**
   * @param {{depth:number, periodFrames:number, follow:number}} p depth 0 (a steady note) … 1 (as
   *   sung); periodFrames: one vibrato period in frames; follow: wider moves (in the value's unit:
   *   semitones, dB) are played as sung.
   */
  constructor({ depth, periodFrames, follow }) {
    this.setDepth(depth);
    if (!(periodFrames >= 2)) throw new Error(`vibrato period must be at least 2 frames, got ${periodFrames}`);
    if (!(follow > 0)) throw new Error(`vibrato follow must be > 0, got ${follow}`);
    this.period = Math.round(periodFrames);
    this.follow = follow;
    // Up to `knee` from the trend the oscillation plays at `depth`, then more of it, all of it at
    // `follow`: the played pitch is never more than (1 - depth) · knee from the sung one (at knee =
    // follow / 2 the worst case is the knee itself), 45 cents for a sarangi, inside the 50 of "follows".
    this.knee = 0.5 * follow;
    // the widest vibrato tamed (0.6 · follow, ±60 cents) at 7 Hz moves at most 2π·7·0.6·follow a
    // second; a glide moves faster (a frame is 1/(5.6 · period) s)
    this.maxStep = (2 * Math.PI * (7 / 5.6) * 0.6 * follow) / this.period;
    this.value = new Float64Array(this.period); // rings of the last period: the value and its mean
    this.mean = new Float64Array(this.period);
    this.reset();
  }

  /** @param {number} depth 0 (a steady note) … 1 (as sung), from the next frame */
  setDepth(depth) {
    if (!(depth >= 0 && depth <= 1)) throw new Error(`vibrato depth must be 0-1, got ${depth}`);
    this.depth = depth;
  }

  /** Forget the stretch (an unvoiced frame, or a move the trend cannot follow). */
  reset() {
    this.count = 0;
    this.last = null;
  }

  /** @param {number|null} x the sung pitch or level (null: unvoiced) @returns {number|null} the one to play */
  step(x) {
    if (x === null) {
      this.reset();
      return x;
    }
    const glide = this.last !== null && Math.abs(x - this.last) > this.maxStep;
    this.last = x;
    const trend = this.push(x);
    const d = x - trend;
    const size = Math.abs(d);
    if (size > this.follow || glide) {
      this.reset();
      this.push(x);
      this.last = x;
      return x;
    }
    const steady = size <= this.knee ? this.depth
      : this.depth + ((1 - this.depth) * (size - this.knee)) / (this.follow - this.knee);
    // as sung for the first period, the depth coming in over the second
    const settle = Math.min(1, Math.max(0, (this.count - this.period) / this.period));
    const w = 1 + (steady - 1) * settle;
    return trend + w * d;
  }

  /** Adds a frame; @returns {number} the trend (2·mean − mean of the means over the last period). */
  push(x) {
    const P = this.period, k = this.count % P, n = Math.min(this.count + 1, P);
    this.value[k] = x;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.value[i];
    const mean = sum / n;
    this.mean[k] = mean;
    let sumMean = 0;
    for (let i = 0; i < n; i++) sumMean += this.mean[i];
    this.count++;
    return 2 * mean - sumMean / n;
  }
}
