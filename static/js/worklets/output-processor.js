// Output: engine audio at the model rate from a SharedArrayBuffer ring -> resampled to the
// context rate -> speaker. Starts once `primeSamples` are buffered (the output buffer of the
// latency budget); an empty ring mid-play is an underrun: counted, silence played, re-primed.
import { Resampler } from "../dsp/resampler.js";
import { firstAbove } from "../dsp/onset.js";
import { RingBuffer } from "../dsp/ring.js";

class OutputProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.ring = new RingBuffer(o.ringBuffer);
    // Optional tap (tests, benchmarks): what is played, at the context rate, and when sound starts.
    this.tap = o.tapBuffer ? new RingBuffer(o.tapBuffer) : null;
    this.onsetThreshold = o.onsetThreshold || 0.01;
    this.onsetFrame = -1;
    this.sourceSampleRate = o.sourceSampleRate;
    this.primeSamples = o.primeSamples;
    this.resampler = new Resampler(this.sourceSampleRate, sampleRate, 256);
    this.pending = new Float32Array(1024); // resampled samples not yet played
    this.pendingStart = 0;
    this.pendingEnd = 0;
    this.chunk = new Float32Array(Math.ceil((128 * this.sourceSampleRate) / sampleRate) + 2);
    this.playing = false;
    this.underruns = 0;
    this.statsEvery = Math.round(sampleRate / 128 / 20); // 20 messages a second
    this.blocks = 0;
    this.port.onmessage = (e) => {
      if (e.data && e.data.type === "stop") this.stopped = true;
    };
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

  detectOnset(out) {
    const i = firstAbove(out, this.onsetThreshold);
    if (i < 0) return;
    this.onsetFrame = currentFrame + i;
    this.port.postMessage({ type: "onset", frame: this.onsetFrame });
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
        out.fill(0);
        this.underruns++;
        this.playing = false;
      }
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (this.tap) this.tap.push(out);
    if (this.onsetFrame < 0) this.detectOnset(out);
    if (++this.blocks % this.statsEvery === 0) {
      this.port.postMessage({ type: "stats", underruns: this.underruns, bufferedSamples: this.ring.availableRead() });
    }
    return true;
  }
}

registerProcessor("output-processor", OutputProcessor);
