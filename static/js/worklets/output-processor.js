// Output: engine audio at the model rate from a SharedArrayBuffer ring -> resampled to the
// context rate -> speaker.
//
// The engine delivers whole blocks, so the buffer must hold one block plus a margin for a block
// that comes late. Playback starts with exactly block + margin buffered (older samples beyond it
// are skipped: they would only add delay), so the delay through the output is block + margin
// whatever the timing of the start. The margin is measured, not guessed: before the first start
// the processor watches the blocks arrive for OUTPUT_MARGIN_MS.observe ms (once .settle ms have
// passed since the first block) and takes the margin
// those arrivals needed (ArrivalJitter: the audio callback's bursts, the Worker's wake-ups, a
// throttled device's stalls), at least OUTPUT_MARGIN_MS.start of the engine's host. An underrun (an empty ring
// mid-play: counted, silence played, re-started) grows it to what the arrivals since the last
// start needed, and at least by .step.
import { ONSET, OUTPUT_MARGIN_MS, OUTPUT_STATS_PER_SECOND, RENDER_QUANTUM_FRAMES } from "../config.js";
import { OUTPUT_EVENT, OUTPUT_MESSAGE } from "../protocol.js";
import { ArrivalJitter } from "../dsp/arrival-jitter.js";
import { OnsetDetector } from "../dsp/onset.js";
import { Resampler } from "../dsp/resampler.js";
import { RingBuffer } from "../dsp/ring.js";

class OutputProcessor extends AudioWorkletProcessor {
  /** processorOptions: {ringBuffer (SharedArrayBuffer), sourceSampleRate, blockSamples, host ("worker"|"audio")} */
  constructor(options) {
    super();
    const o = options.processorOptions;
    if (!(o.host in OUTPUT_MARGIN_MS.start)) throw new Error(`output-processor: unknown engine host "${o.host}"`);
    this.ring = new RingBuffer(o.ringBuffer);
    this.sourceSampleRate = o.sourceSampleRate;
    this.msToSamples = (ms) => Math.round((ms * this.sourceSampleRate) / 1000);
    this.marginSamples = this.msToSamples(OUTPUT_MARGIN_MS.start[o.host]);
    this.maxMarginSamples = this.msToSamples(OUTPUT_MARGIN_MS.max);
    this.marginFloor = this.marginSamples; // the least margin the next start takes
    this.blockSamples = o.blockSamples;
    this.jitter = new ArrivalJitter((RENDER_QUANTUM_FRAMES * this.sourceSampleRate) / sampleRate);
    const msToQuanta = (ms) => Math.ceil((ms / 1000) * (sampleRate / RENDER_QUANTUM_FRAMES));
    this.settleQuanta = msToQuanta(OUTPUT_MARGIN_MS.settle);
    this.observeQuanta = msToQuanta(OUTPUT_MARGIN_MS.observe);
    this.settled = false;
    this.started = false; // the first start waits for the observation
    this.lastWrite = this.ring.writePosition;
    this.resampler = new Resampler(this.sourceSampleRate, sampleRate, 2 * RENDER_QUANTUM_FRAMES);
    this.pending = new Float32Array(8 * RENDER_QUANTUM_FRAMES); // resampled samples not yet played
    this.pendingStart = 0;
    this.pendingEnd = 0;
    this.chunk = new Float32Array(Math.ceil((RENDER_QUANTUM_FRAMES * this.sourceSampleRate) / sampleRate) + 2);
    this.playing = false;
    this.underruns = 0;
    this.statsEvery = Math.round(sampleRate / RENDER_QUANTUM_FRAMES / OUTPUT_STATS_PER_SECOND);
    this.quanta = 0;
    this.onsets = new OnsetDetector({ threshold: ONSET.outputThreshold, minSilenceFrames: Math.round(ONSET.minSilenceSeconds * sampleRate) });
    this.port.onmessage = (e) => {
      if (e.data.type === OUTPUT_MESSAGE.STOP) this.stopped = true;
      if (e.data.type === OUTPUT_MESSAGE.BLOCK) this.blockSamples = e.data.blockSamples;
      // The engine moved to the Worker: its blocks come less evenly than the audio thread's.
      if (e.data.type === OUTPUT_MESSAGE.HOST) this.marginFloor = Math.max(this.marginFloor, this.msToSamples(OUTPUT_MARGIN_MS.start[e.data.host]));
    };
  }

  /** Samples buffered when playback starts: one block plus the margin. */
  get targetSamples() {
    return this.blockSamples + this.marginSamples;
  }

  /** The first start's observation of the arrivals is complete. */
  get observed() {
    return this.settled && this.jitter.quanta >= this.observeQuanta;
  }

  /** Starts playback once block + margin are buffered, skipping what is older than that. */
  maybeStart() {
    if (!this.started && !this.observed) return;
    const available = this.ring.availableRead();
    if (available < this.targetSamples) return;
    this.ring.skip(available - this.targetSamples);
    this.playing = true;
    this.started = true;
    this.jitter.reset(); // the next underrun sizes the margin from the arrivals of this start on
  }

  /** The margin the arrivals seen since the last start needed, at least `floorSamples`. */
  measuredMargin(floorSamples) {
    const needed = this.jitter.neededSamples - this.blockSamples;
    return Math.min(this.maxMarginSamples, Math.max(floorSamples, needed));
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

  underrun(out) {
    out.fill(0);
    this.underruns++;
    this.playing = false;
    this.marginFloor = Math.min(this.maxMarginSamples, this.marginSamples + this.msToSamples(OUTPUT_MARGIN_MS.step));
  }

  process(_inputs, outputs) {
    if (this.stopped) return false;
    const out = outputs[0][0];
    this.jitter.update(this.arrived());
    if (!this.settled && this.jitter.quanta >= this.settleQuanta) {
      this.settled = true;
      this.jitter.reset(); // the observation starts once the session's first rush is over
    }
    if (!this.playing) {
      // Until the (re)start the margin follows the arrivals, so it covers a stall still going on.
      if (this.started || this.observed) this.marginSamples = this.measuredMargin(this.marginFloor);
      this.maybeStart();
    }
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
    if (onset >= 0) this.port.postMessage({ type: OUTPUT_EVENT.ONSET, frame: onset });
    if (++this.quanta % this.statsEvery === 0) {
      this.port.postMessage({ type: OUTPUT_EVENT.STATS, underruns: this.underruns, marginSamples: this.marginSamples, bufferedSamples: this.ring.availableRead() });
    }
    return true;
  }
}

registerProcessor("output-processor", OutputProcessor);
