// How late the engine's audio arrives at the output, measured the way a VoIP jitter buffer does.
//
// The output consumes the ring at a constant rate (one render quantum's worth of source samples
// per process() call); the engine writes whole blocks whenever its thread gets to run: after the
// audio callback's burst of quanta, after a wake-up delay, after a stall when the device is busy.
// With L(t) = samples consumed - samples arrived (any offset), playback that starts with B samples
// buffered at time t0 never runs dry while B >= L(t) - L(t0) + one quantum. The largest rise of L
// over a window (its max drawup) is therefore the buffer that window's arrivals needed.

export class ArrivalJitter {
  /** @param {number} samplesPerQuantum source samples one render quantum consumes (fractional) */
  constructor(samplesPerQuantum) {
    this.samplesPerQuantum = samplesPerQuantum;
    this.reset();
  }

  /** Forgets what was seen: the next arrival starts a new window. */
  reset() {
    this.started = false;
    this.lateness = 0;
    this.minLateness = 0;
    this.maxRise = 0;
    this.quanta = 0;
  }

  /**
   * One render quantum: `arrived` source samples were written to the ring since the last call.
   * The window starts at the first arrival (before it, nothing was sent, so nothing was late).
   */
  update(arrived) {
    if (!this.started) {
      if (arrived === 0) return;
      this.started = true;
    }
    this.quanta++;
    this.lateness += this.samplesPerQuantum - arrived;
    if (this.lateness < this.minLateness) this.minLateness = this.lateness;
    const rise = this.lateness - this.minLateness;
    if (rise > this.maxRise) this.maxRise = rise;
  }

  /** Source samples buffered at a start that this window's arrivals would never have drained. */
  get neededSamples() {
    return Math.ceil(this.maxRise + this.samplesPerQuantum);
  }
}
