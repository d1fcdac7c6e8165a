// Capture: microphone block (128 samples at the context rate) -> anti-aliased resample to the
// model rate -> SharedArrayBuffer ring for the engine, plus a live level and YIN pitch for the
// page, posted at most `reportHz` times a second.
import { Resampler } from "../dsp/resampler.js";
import { firstAbove } from "../dsp/onset.js";
import { RingBuffer } from "../dsp/ring.js";
import { Yin } from "../dsp/yin.js";

class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.targetSampleRate = o.targetSampleRate || 16000;
    this.reportHz = Math.min(60, o.reportHz || 30);
    this.resampler = new Resampler(sampleRate, this.targetSampleRate, 1024);
    this.ring = o.ringBuffer ? new RingBuffer(o.ringBuffer) : null;
    this.yin = new Yin({ sampleRate: this.targetSampleRate, minHz: 70, maxHz: 1100, windowSize: 512 });
    this.frame = new Float32Array(this.yin.frameSize);
    this.pitch = { f0Hz: 0, confidence: 0 };
    this.samplesPerReport = Math.round(this.targetSampleRate / this.reportHz);
    this.sinceReport = 0;
    this.sumSquares = 0;
    this.count = 0;
    this.dropped = 0;
    // First sample above the onset threshold, in context frames: the measured mic-to-output
    // delay is the output's onset frame minus this one (same clock, same context).
    this.onsetThreshold = o.onsetThreshold || 0.05;
    this.onsetFrame = -1;
    this.port.onmessage = (e) => {
      if (e.data && e.data.type === "stop") this.stopped = true;
    };
  }

  appendToFrame(samples) {
    const f = this.frame, n = samples.length;
    if (n >= f.length) {
      f.set(samples.subarray(n - f.length));
    } else {
      f.copyWithin(0, n);
      f.set(samples, f.length - n);
    }
  }

  report() {
    const rms = Math.sqrt(this.sumSquares / Math.max(1, this.count));
    const levelDb = 20 * Math.log10(rms + 1e-9);
    this.yin.detect(this.frame, this.pitch);
    const voiced = levelDb > -55 && this.pitch.confidence > 0.8;
    this.port.postMessage({
      type: "level",
      levelDb,
      f0Hz: voiced ? this.pitch.f0Hz : 0,
      confidence: this.pitch.confidence,
      dropped: this.dropped,
    });
    this.sumSquares = 0;
    this.count = 0;
  }

  detectOnset(channel) {
    const i = firstAbove(channel, this.onsetThreshold);
    if (i < 0) return;
    this.onsetFrame = currentFrame + i;
    this.port.postMessage({ type: "onset", frame: this.onsetFrame });
  }

  process(inputs) {
    if (this.stopped) return false;
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (this.onsetFrame < 0) this.detectOnset(channel);
    const out = this.resampler.process(channel);
    if (this.ring) {
      const written = this.ring.push(out);
      this.dropped += out.length - written; // the engine fell behind: count, never block
    }
    for (let i = 0; i < out.length; i++) this.sumSquares += out[i] * out[i];
    this.count += out.length;
    this.appendToFrame(out);
    this.sinceReport += out.length;
    if (this.sinceReport >= this.samplesPerReport) {
      this.sinceReport -= this.samplesPerReport;
      this.report();
    }
    return true;
  }
}

registerProcessor("capture-processor", CaptureProcessor);
