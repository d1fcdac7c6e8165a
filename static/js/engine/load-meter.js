// How much of real time the live engine typically takes: compute time against the audio time it
// rendered, over a window the caller closes (reset) once it is full. Both engine hosts keep one
// (worker/session.js, worklets/engine-processor.js): above FALLING_BEHIND.load (AUDIO_THREAD.maxLoad on the
// audio thread) the engine is falling behind.
//
// Typical, not total: the window is cut into parts and the load is the median part's. A thread
// preempted by a burst on the other cores (a phone is rarely idle) spends a few long blocks in
// some parts, and the engine is no heavier for it: moving it would only break the take. An engine
// too heavy for its thread is heavy in every part. Sums, no allocation: it runs on the audio thread.

const PARTS = 8;

export class LoadMeter {
  /** @param {number} windowMs audio time a window spans */
  constructor(windowMs) {
    this.windowMs = windowMs;
    this.partMs = windowMs / PARTS;
    this.partLoads = new Float64Array(PARTS);
    this.sorted = new Float64Array(PARTS);
    this.reset();
  }

  /** One block: `computeMs` spent rendering `audioMs` of audio. */
  add(computeMs, audioMs) {
    this.computeMs += computeMs;
    this.audioMs += audioMs;
    this.partComputeMs += computeMs;
    this.partAudioMs += audioMs;
    if (this.partAudioMs >= this.partMs && this.parts < PARTS) {
      this.partLoads[this.parts++] = this.partComputeMs / this.partAudioMs;
      this.partComputeMs = 0;
      this.partAudioMs = 0;
    }
  }

  /** The window holds (almost) windowMs of audio. */
  get full() {
    return this.audioMs >= this.windowMs * 0.95;
  }

  /** Compute over audio time in the window's median part (its total until a part is complete): > 1 is falling behind. */
  get load() {
    if (!this.parts) return this.audioMs ? this.computeMs / this.audioMs : 0;
    const s = this.sorted.subarray(0, this.parts);
    s.set(this.partLoads.subarray(0, this.parts));
    s.sort();
    return s[(this.parts - 1) >> 1];
  }

  reset() {
    this.computeMs = 0;
    this.audioMs = 0;
    this.partComputeMs = 0;
    this.partAudioMs = 0;
    this.parts = 0;
  }
}
