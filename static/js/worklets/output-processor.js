// Output: engine audio at the model rate from a SharedArrayBuffer ring -> resampled to the
// context rate -> speaker.
//
// The engine delivers whole blocks, so the buffer must hold one block plus a margin for a block
// that comes late. Playback starts with exactly block + margin buffered (older samples beyond it
// are skipped: they would only add delay), so the delay through the output is block + margin
// whatever the timing of the start. The margin starts at OUTPUT_MARGIN_MS.start and grows by
// .step after each underrun (an empty ring mid-play: counted, silence played, re-started).
import { ONSET, OUTPUT_MARGIN_MS, RENDER_QUANTUM_FRAMES } from "../config.js";
import { OnsetDetector } from "../dsp/onset.js";
import { Resampler } from "../dsp/resampler.js";
import { RingBuffer } from "../dsp/ring.js";

class OutputProcessor extends AudioWorkletProcessor {
  /** processorOptions: {ringBuffer (SharedArrayBuffer), sourceSampleRate, blockSamples} */
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.ring = new RingBuffer(o.ringBuffer);
    this.sourceSampleRate = o.sourceSampleRate;
    this.msToSamples = (ms) => Math.round((ms * this.sourceSampleRate) / 1000);
    this.marginSamples = this.msToSamples(OUTPUT_MARGIN_MS.start);
    this.blockSamples = o.blockSamples;
    this.resampler = new Resampler(this.sourceSampleRate, sampleRate, 2 * RENDER_QUANTUM_FRAMES);
    this.pending = new Float32Array(8 * RENDER_QUANTUM_FRAMES); // resampled samples not yet played
    this.pendingStart = 0;
    this.pendingEnd = 0;
    this.chunk = new Float32Array(Math.ceil((RENDER_QUANTUM_FRAMES * this.sourceSampleRate) / sampleRate) + 2);
    this.playing = false;
    this.underruns = 0;
    this.statsEvery = Math.round(sampleRate / RENDER_QUANTUM_FRAMES / 20); // 20 messages a second
    this.quanta = 0;
    this.onsets = new OnsetDetector({ threshold: ONSET.outputThreshold, minSilenceFrames: Math.round(ONSET.minSilenceSeconds * sampleRate) });
    this.port.onmessage = (e) => {
      if (e.data.type === "stop") this.stopped = true;
      if (e.data.type === "block") this.blockSamples = e.data.blockSamples;
    };
  }

  /** Samples buffered when playback starts: one block plus the margin. */
  get targetSamples() {
    return this.blockSamples + this.marginSamples;
  }

  /** Starts playback once block + margin are buffered, skipping what is older than that. */
  maybeStart() {
    const available = this.ring.availableRead();
    if (available < this.targetSamples) return;
    this.ring.skip(available - this.targetSamples);
    this.playing = true;
  }

  refill(needed) {
    // Pull source samples only as needed, so the ring, not this processor, holds the buffer.
    while (this.pendingEnd - this.pendingStart < needed) {
      const n = this.ring.pop(this.chunk, Math.min(this.chunk.length, this.ring.availableRead()));
      if (n === 0) return false;
      const out = this.resampler.process(this.chunk.subarray(0, n));
      if (this.pendingEnd + out.length > this.pending.length) {
        this.pending.copyWithin(0, this.pendingStart, this.pendingEnd);
        this.pendingEnd -= this.pendingStart;
        this.pendingStart = 0;
      }
      this.pending.set(out, this.pendingEnd);
      this.pendingEnd += out.length;
    }
    return true;
  }

  underrun(out) {
    out.fill(0);
    this.underruns++;
    this.playing = false;
    this.marginSamples = Math.min(this.msToSamples(OUTPUT_MARGIN_MS.max), this.marginSamples + this.msToSamples(OUTPUT_MARGIN_MS.step));
  }

  process(_inputs, outputs) {
    if (this.stopped) return false;
    const out = outputs[0][0];
    if (!this.playing) this.maybeStart();
    if (this.playing) {
      if (this.refill(out.length)) {
        out.set(this.pending.subarray(this.pendingStart, this.pendingStart + out.length));
        this.pendingStart += out.length;
      } else {
        this.underrun(out);
      }
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    const onset = this.onsets.process(out, currentFrame);
    if (onset >= 0) this.port.postMessage({ type: "onset", frame: onset });
    if (++this.quanta % this.statsEvery === 0) {
      this.port.postMessage({ type: "stats", underruns: this.underruns, marginSamples: this.marginSamples, bufferedSamples: this.ring.availableRead() });
    }
    return true;
  }
}

registerProcessor("output-processor", OutputProcessor);
