// How much of real time the live engine takes: compute time against the audio time it rendered,
// over a window the caller closes (reset) once it is full. Both engine hosts keep one
// (worker/session.js, worklets/engine-processor.js): above FALLING_BEHIND.load (AUDIO_THREAD.maxLoad on the
// audio thread) the engine is falling behind. Two sums, no allocation: it runs on the audio thread.

export class LoadMeter {
  /** @param {number} windowMs audio time a window spans */
  constructor(windowMs) {
    this.windowMs = windowMs;
    this.reset();
  }

  /** One block: `computeMs` spent rendering `audioMs` of audio. */
  add(computeMs, audioMs) {
    this.computeMs += computeMs;
    this.audioMs += audioMs;
  }

  /** The window holds (almost) windowMs of audio. */
  get full() {
    return this.audioMs >= this.windowMs * 0.95;
  }

  /** Compute over audio time in the window: > 1 means falling behind. */
  get load() {
    return this.audioMs ? this.computeMs / this.audioMs : 0;
  }

  reset() {
    this.computeMs = 0;
    this.audioMs = 0;
  }
}
