// Output: engine audio at the model rate from a SharedArrayBuffer ring -> resampled to the
// context rate -> speaker. Playback starts once `primeSamples` are buffered. The buffer starts
// small (OUTPUT_PRIME_START_BLOCKS) and grows only after an underrun: an empty ring mid-play is
// counted, played as silence, and re-primed with OUTPUT_PRIME_STEP_BLOCKS more, up to the max.
import {
  ONSET, OUTPUT_PRIME_MAX_BLOCKS, OUTPUT_PRIME_START_BLOCKS, OUTPUT_PRIME_STEP_BLOCKS, RENDER_QUANTUM_FRAMES,
} from "../config.js";
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
    this.setBlockSamples(o.blockSamples);
    this.primeSamples = Math.round(OUTPUT_PRIME_START_BLOCKS * this.blockSamples);
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
      if (e.data.type === "block") this.setBlockSamples(e.data.blockSamples);
    };
  }

  /** The engine's block length (model-rate samples): the unit the buffer grows by. */
  setBlockSamples(blockSamples) {
    this.blockSamples = blockSamples;
    this.maxPrimeSamples = Math.round(OUTPUT_PRIME_MAX_BLOCKS * blockSamples);
    this.primeSamples = Math.max(this.primeSamples || 0, Math.round(OUTPUT_PRIME_START_BLOCKS * blockSamples));
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
    this.primeSamples = Math.min(this.maxPrimeSamples, Math.round(this.primeSamples + OUTPUT_PRIME_STEP_BLOCKS * this.blockSamples));
  }

  process(_inputs, outputs) {
    if (this.stopped) return false;
    const out = outputs[0][0];
    if (!this.playing && this.ring.availableRead() >= this.primeSamples) this.playing = true;
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
      this.port.postMessage({ type: "stats", underruns: this.underruns, primeSamples: this.primeSamples, bufferedSamples: this.ring.availableRead() });
    }
    return true;
  }
}

registerProcessor("output-processor", OutputProcessor);
