// Capture: microphone quantum (context rate) -> anti-aliased resample to the model rate ->
// SharedArrayBuffer ring (its write index notified for an engine Worker that waits on it; an
// engine on the audio thread reads the ring in the same quantum). Also a live level and pitch
// for the page (UI_UPDATES_PER_SECOND; the engine's pitch tracker), and phrase onsets for the
// measured latency.
import { ONSET, PITCH, RENDER_QUANTUM_FRAMES, UI_UPDATES_PER_SECOND } from "../config.js";
import { CAPTURE_EVENT, WORKLET_MESSAGE } from "../protocol.js";
import { OnsetDetector } from "../dsp/onset.js";
import { Resampler } from "../dsp/resampler.js";
import { RingBuffer } from "../dsp/ring.js";
import { PitchTracker } from "../engine/pitch-tracker.js";

class CaptureProcessor extends AudioWorkletProcessor {
  /**
   * processorOptions: {targetSampleRate, ringBuffer (SharedArrayBuffer or null: level only),
   * analysis (the model's, engine/analysis.js; null without a model: level only, no pitch)}
   */
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.targetSampleRate = o.targetSampleRate;
    this.resampler = new Resampler(sampleRate, this.targetSampleRate, RENDER_QUANTUM_FRAMES * 8);
    this.ring = o.ringBuffer ? new RingBuffer(o.ringBuffer) : null;
    this.tracker = o.analysis ? new PitchTracker({ sampleRate: this.targetSampleRate, analysis: o.analysis, threshold: PITCH.yinThreshold }) : null;
    this.frame = new Float32Array(this.tracker ? this.tracker.frameSize : 0);
    this.unvoiced = { f0Hz: 0, confidence: 0 };
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
    if (!f.length) return;
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
    const pitch = this.tracker ? this.tracker.track(this.frame, this.frame.length) : this.unvoiced;
    const voiced = levelDb > PITCH.minLoudnessDb && pitch.confidence > PITCH.minConfidence;
    this.port.postMessage({
      type: CAPTURE_EVENT.LEVEL,
      levelDb,
      f0Hz: voiced ? pitch.f0Hz : 0,
      confidence: pitch.confidence,
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
