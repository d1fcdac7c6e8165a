// Output: engine audio at the model rate from a SharedArrayBuffer ring -> resampled to the
// context rate -> speaker.
//
// The engine delivers whole blocks, so the buffer must hold one block plus a margin for a block
// that comes late. Playback starts with the engine's first blocks, once block + margin are
// buffered, so a take sounds from its first note; a restart after an underrun skips samples older
// than that (they would only add delay). The margin starts at what the engine's host needs (margins.startMs, from the
// page: audio/output.js outputMarginMs) and then follows the arrivals: while playing, buffer the
// arrivals never used is dropped, a step a window, where the output is silent (OUTPUT_TIGHTEN), never below
// margins.leastMs; an underrun (an empty ring mid-play: counted, silence played, re-started) grows
// it to what the arrivals since the last start needed (ArrivalJitter), at least by
// OUTPUT_MARGIN_MS.step, and tightening never again goes below the margin that ran dry + a step.
import { ONSET, OUTPUT_MARGIN_MS, OUTPUT_STATS_PER_SECOND, OUTPUT_TIGHTEN, RENDER_QUANTUM_FRAMES } from "../config.js";
import { OUTPUT_EVENT, OUTPUT_MESSAGE } from "../protocol.js";
import { ArrivalJitter } from "../dsp/arrival-jitter.js";
import { OnsetDetector } from "../dsp/onset.js";
import { Resampler } from "../dsp/resampler.js";
import { RingBuffer } from "../dsp/ring.js";

const peakOf = (samples) => {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
  return peak;
};

class OutputProcessor extends AudioWorkletProcessor {
  /**
   * processorOptions: {ringBuffer (SharedArrayBuffer), sourceSampleRate, blockSamples,
   * margins {startMs, leastMs}}: the margin playback starts with, and the least it is tightened to
   */
  constructor(options) {
    super();
    const o = options.processorOptions;
    const { startMs, leastMs } = o.margins || {};
    if (!(leastMs >= 0 && startMs >= leastMs)) throw new Error(`output-processor: margins need 0 <= leastMs <= startMs, got ${JSON.stringify(o.margins)}`);
    this.ring = new RingBuffer(o.ringBuffer);
    this.sourceSampleRate = o.sourceSampleRate;
    this.msToSamples = (ms) => Math.round((ms * this.sourceSampleRate) / 1000);
    this.maxMarginSamples = this.msToSamples(OUTPUT_MARGIN_MS.max);
    this.marginSamples = Math.min(this.maxMarginSamples, this.msToSamples(startMs));
    this.marginFloor = this.msToSamples(leastMs); // tightening stops here; underruns raise it
    this.blockSamples = o.blockSamples;
    this.jitter = new ArrivalJitter((RENDER_QUANTUM_FRAMES * this.sourceSampleRate) / sampleRate);
    this.tightenQuanta = Math.round((OUTPUT_TIGHTEN.windowSeconds * sampleRate) / RENDER_QUANTUM_FRAMES);
    this.lastWrite = this.ring.writePosition;
    this.resampler = new Resampler(this.sourceSampleRate, sampleRate, 2 * RENDER_QUANTUM_FRAMES);
    this.pending = new Float32Array(8 * RENDER_QUANTUM_FRAMES); // resampled samples not yet played
    this.pendingStart = 0;
    this.pendingEnd = 0;
    this.chunk = new Float32Array(Math.ceil((RENDER_QUANTUM_FRAMES * this.sourceSampleRate) / sampleRate) + 2);
    this.playing = false;
    this.started = false;
    this.underruns = 0;
    this.trimmedSamples = 0;
    this.statsEvery = Math.round(sampleRate / RENDER_QUANTUM_FRAMES / OUTPUT_STATS_PER_SECOND);
    this.quanta = 0;
    this.onsets = new OnsetDetector({ threshold: ONSET.outputThreshold, minSilenceFrames: Math.round(ONSET.minSilenceSeconds * sampleRate) });
    this.port.onmessage = (e) => this.receive(e.data);
  }

  receive(msg) {
    if (msg.type === OUTPUT_MESSAGE.STOP) this.stopped = true;
    if (msg.type === OUTPUT_MESSAGE.BLOCK) this.blockSamples = msg.blockSamples;
    if (msg.type === OUTPUT_MESSAGE.MARGINS) {
      // The engine moved (to the Worker): its blocks come less evenly; the next start uses these.
      this.marginFloor = Math.max(this.marginFloor, this.msToSamples(msg.margins.leastMs));
      this.marginSamples = Math.min(this.maxMarginSamples, Math.max(this.marginSamples, this.msToSamples(msg.margins.startMs)));
    }
  }

  /** Samples buffered when playback starts: one block plus the margin. */
  get targetSamples() {
    return this.blockSamples + this.marginSamples;
  }

  /**
   * Starts playback once block + margin are buffered. A restart skips what is older than that (it
   * would only add delay); the first start keeps it: it is the take's first note, and what it adds
   * is tightened away at the first silence.
   */
  maybeStart() {
    const available = this.ring.availableRead();
    if (available < this.targetSamples) return;
    if (this.started) this.ring.skip(available - this.targetSamples);
    this.started = true;
    this.playing = true;
    this.jitter.reset(); // the next underrun sizes the margin from the arrivals of this start on
    this.startWindow();
  }

  /** A new tightening window: the lowest buffer level seen while playing through it. */
  startWindow() {
    this.lowWater = Infinity;
    this.windowQuanta = 0;
  }

  /** Samples the engine wrote to the ring since the last quantum. */
  arrived() {
    const w = this.ring.writePosition, n = (w - this.lastWrite + this.ring.size) % this.ring.size;
    this.lastWrite = w;
    return n;
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

  /** The ring ran dry: the margin it had was too small, so the least margin becomes a step more. */
  underrun(out) {
    out.fill(0);
    this.underruns++;
    this.playing = false;
    this.marginFloor = Math.min(this.maxMarginSamples, Math.max(this.marginFloor, this.marginSamples + this.msToSamples(OUTPUT_MARGIN_MS.step)));
    this.growMargin();
  }

  /**
   * Until the restart after an underrun: at least the floor and what the arrivals since the last
   * start needed, so it covers a stall still going on (tightened back later if it was a one-off).
   */
  growMargin() {
    const needed = this.jitter.neededSamples - this.blockSamples;
    this.marginSamples = Math.min(this.maxMarginSamples, Math.max(this.marginSamples, this.marginFloor, needed));
  }

  /**
   * After a quantum played: tracks the window's lowest buffer level. Once the window is full, a
   * step of the margin that level left unused (less a step of slack, never below the floor) is
   * dropped as soon as the cut can be unheard: a step a window, since a busy device's rare stalls
   * are not in every window.
   */
  tighten(played) {
    this.lowWater = Math.min(this.lowWater, this.ring.availableRead());
    if (++this.windowQuanta < this.tightenQuanta) return;
    const step = this.msToSamples(OUTPUT_MARGIN_MS.step);
    const spare = Math.min(step, this.lowWater - step, this.marginSamples - this.marginFloor);
    if (spare <= 0) return this.startWindow();
    if (!this.silentAround(played, spare)) return;
    this.ring.skip(spare);
    this.marginSamples -= spare;
    this.trimmedSamples += spare;
    this.startWindow();
  }

  /** The quantum just played, the resampled samples after it and the next `n` in the ring are silent. */
  silentAround(played, n) {
    const quiet = OUTPUT_TIGHTEN.silenceAmplitude;
    return peakOf(played) < quiet && peakOf(this.pending.subarray(this.pendingStart, this.pendingEnd)) < quiet
      && this.ring.peakAmplitude(n) < quiet;
  }

  process(_inputs, outputs) {
    if (this.stopped) return false;
    const out = outputs[0][0];
    this.jitter.update(this.arrived());
    if (!this.playing) {
      if (this.underruns) this.growMargin();
      this.maybeStart();
    }
    if (this.playing) {
      if (this.refill(out.length)) {
        out.set(this.pending.subarray(this.pendingStart, this.pendingStart + out.length));
        this.pendingStart += out.length;
        this.tighten(out);
      } else {
        this.underrun(out);
      }
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    const onset = this.onsets.process(out, currentFrame);
    if (onset >= 0) this.port.postMessage({ type: OUTPUT_EVENT.ONSET, frame: onset });
    if (++this.quanta % this.statsEvery === 0) {
      this.port.postMessage({
        type: OUTPUT_EVENT.STATS, underruns: this.underruns, marginSamples: this.marginSamples, trimmedSamples: this.trimmedSamples,
        bufferedSamples: this.ring.availableRead(),
      });
    }
    return true;
  }
}

registerProcessor("output-processor", OutputProcessor);
