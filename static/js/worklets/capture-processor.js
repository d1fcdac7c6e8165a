// Capture: microphone quantum (context rate) -> anti-aliased resample to the model rate ->
// SharedArrayBuffer ring (its write index notified for an engine Worker that waits on it; an
// engine on the audio thread reads the ring in the same quantum). Also a live level and YIN
// pitch for the page (UI_UPDATES_PER_SECOND), and phrase onsets for the measured latency.
import { UI_UPDATES_PER_SECOND, ONSET, RENDER_QUANTUM_FRAMES } from "../config.js";
import { CAPTURE_EVENT, WORKLET_MESSAGE } from "../protocol.js";
import { OnsetDetector } from "../dsp/onset.js";
import { Resampler } from "../dsp/resampler.js";
import { RingBuffer } from "../dsp/ring.js";
import { Yin } from "../dsp/yin.js";

class CaptureProcessor extends AudioWorkletProcessor {
  /** processorOptions: {targetSampleRate, ringBuffer (SharedArrayBuffer or null: level only)} */
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.targetSampleRate = o.targetSampleRate;
    this.resampler = new Resampler(sampleRate, this.targetSampleRate, RENDER_QUANTUM_FRAMES * 8);
    this.ring = o.ringBuffer ? new RingBuffer(o.ringBuffer) : null;
    this.yin = new Yin({ sampleRate: this.targetSampleRate, minHz: 70, maxHz: 1100, windowSize: 512 });
    this.frame = new Float32Array(this.yin.frameSize);
    this.pitch = { f0Hz: 0, confidence: 0 };
    this.samplesPerReport = Math.round(this.targetSampleRate / UI_UPDATES_PER_SECOND);
    this.sinceReport = 0;
    this.sumSquares = 0;
    this.count = 0;
    this.dropped = 0;
    this.onsets = new OnsetDetector({ threshold: ONSET.inputThreshold, minSilenceFrames: Math.round(ONSET.minSilenceSeconds * sampleRate) });
    this.port.onmessage = (e) => {
      if (e.data && e.data.type === WORKLET_MESSAGE.STOP) this.stopped = true;
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
      type: CAPTURE_EVENT.LEVEL,
      levelDb,
      f0Hz: voiced ? this.pitch.f0Hz : 0,
      confidence: this.pitch.confidence,
      dropped: this.dropped,
    });
    this.sumSquares = 0;
    this.count = 0;
  }

  process(inputs) {
    if (this.stopped) return false;
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    const onset = this.onsets.process(channel, currentFrame);
    if (onset >= 0) this.port.postMessage({ type: CAPTURE_EVENT.ONSET, frame: onset });
    const out = this.resampler.process(channel);
    if (this.ring) {
      const written = this.ring.push(out);
      this.dropped += out.length - written; // the engine fell behind: count, never block
      this.ring.notify();
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
