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

/**
 * Silence to put in front of the first block when blocks come in step with the quanta (the
 * engine on the audio thread), so that playback can start on that block with no margin. Each
 * quantum captures `samplesPerQuantum` source samples and consumes as many; a block is written
 * once the capture completes it, so the ring is lowest just before a block completes, when
 * up to a block's worth less one sample waits in the capture. With `pendingSamples` captured
 * towards the next block and `writtenSamples` written in the quantum playback starts, the ring
 * never runs short while it holds at least a quantum beyond what the capture still owes:
 * pre-roll = samplesPerQuantum + blockSamples - writtenSamples - pendingSamples (+ 1 for the
 * fraction of a sample a quantum may take more), never below 0. The delay this leaves is the
 * least this pattern allows: one block of capture plus nothing waiting in the ring.
 * @param {{samplesPerQuantum:number, blockSamples:number, writtenSamples:number, pendingSamples:number}} o
 * @returns {number} whole samples of silence
 */
export function inStepPrerollSamples({ samplesPerQuantum, blockSamples, writtenSamples, pendingSamples }) {
  return Math.max(0, Math.ceil(samplesPerQuantum + blockSamples - writtenSamples - pendingSamples) + 1);
}
