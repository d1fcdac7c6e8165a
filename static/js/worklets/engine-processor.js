// The engine on the audio thread: features -> mapping -> decoder -> synth inside the render
// quantum that captured the voice. It runs where the plain-JS engine (decoder-cpu.js, the JS
// synth) takes a small share of a block (config.js AUDIO_THREAD, chosen at load by the Worker).
//
// The graph orders the three processors in every quantum (silent connections: capture ->
// engine -> output), so a block rendered from this quantum's voice is in the output ring before
// output-processor reads it. From the Worker a block can only follow the audio callback that
// captured it: one callback later (a callback may render several quanta at once).
//
// The same contract as the Worker's live loop (worker/session.js): capture ring in,
// output ring out, backlog beyond MAX_BACKLOG_MS dropped, an instrument switch between two blocks.
// Engine.renderBlock is async (one decoder contract), but with the JS decoder nothing in it
// waits: it completes in the microtask checkpoint that follows this process() call, before the
// next processor in the quantum runs.
//
// Messages: protocol.js (ENGINE_NODE_MESSAGE in; ENGINE_EVENT out: STARTED, PITCH, BLOCK, STATS
// with the take, for the Worker to go on with, and how late the audio thread has been since the
// last stats (the page slows its repaints then), and ERROR).
import { BlockReporter } from "../engine/block-report.js";
import { ENGINE_STATS_PER_SECOND, FALLING_BEHIND, MAX_BACKLOG_MS, RENDER_QUANTUM_FRAMES } from "../config.js";
import { inStepPrerollSamples } from "../dsp/arrival-jitter.js";
import { ENGINE_EVENT, ENGINE_NODE_MESSAGE } from "../protocol.js";
import { CpuStreamingDecoder } from "../engine/decoder-cpu.js";
import { RingBuffer } from "../dsp/ring.js";
import { Engine } from "../engine/engine.js";
import { LateQuanta } from "../engine/late-quanta.js";
import { LoadMeter } from "../engine/load-meter.js";

class EngineProcessor extends AudioWorkletProcessor {
  /**
   * processorOptions: {captureRing, outputRing (SharedArrayBuffers), meta, weights, blockFrames, controls, probe,
   * lateToleranceMs (config.js lateToleranceMs)}
   */
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.captureRing = new RingBuffer(o.captureRing);
    this.outputRing = new RingBuffer(o.outputRing);
    this.blockFrames = o.blockFrames;
    this.controls = o.controls || {};
    this.scratch = new Float32Array(this.captureRing.capacity);
    this.stats = { blocks: 0, droppedFrames: 0, overflowSamples: 0, prerollSamples: 0 };
    this.meter = new LoadMeter(FALLING_BEHIND.windowSeconds * 1000);
    this.load = 0; // the last full window's
    this.late = new LateQuanta(o.lateToleranceMs);
    this.lateMs = 0; // the latest a quantum came since the last stats
    this.rendering = false;
    this.nextModel = null;
    this.reporter = new BlockReporter((msg) => this.port.postMessage(msg), { probe: Boolean(o.probe) });
    this.nextStatsTime = 0;
    this.engine = this.build(o.meta, o.weights);
    this.prerolled = false;
    this.zeros = new Float32Array(Math.ceil(this.samplesPerQuantum) + this.blockSamples + 2);
    this.captureRing.clear();
    const e = this.engine;
    this.port.postMessage({
      type: ENGINE_EVENT.STARTED,
      params: {
        host: "audio", backend: "js", blockFrames: e.blockFrames, hopSamples: e.hop, sampleRate: e.meta.sample_rate,
        analysisSamples: e.analysisSamples, synthLookaheadSamples: e.synthLookaheadSamples,
      },
    });
    this.port.onmessage = (ev) => this.receive(ev.data);
  }

  /** An engine for `meta` on the plain-JS decoder, its histories warmed on silence. */
  build(meta, weights) {
    const decoder = new CpuStreamingDecoder(weights, meta, { maxBlockFrames: this.blockFrames });
    decoder.warmUp();
    return new Engine({ meta, decoder, blockFrames: this.blockFrames, controls: this.controls });
  }

  receive(msg) {
    if (msg.type === ENGINE_NODE_MESSAGE.STOP) this.stopped = true;
    if (msg.type === ENGINE_NODE_MESSAGE.MODEL) this.nextModel = msg;
    if (msg.type === ENGINE_NODE_MESSAGE.CONTROLS) {
      this.controls = msg.controls;
      this.engine.setControls(msg.controls);
    }
  }

  /** Model-rate samples one render quantum captures (and the output plays). */
  get samplesPerQuantum() {
    return (RENDER_QUANTUM_FRAMES * this.engine.meta.sample_rate) / sampleRate;
  }

  get blockSamples() {
    return this.blockFrames * this.engine.hop;
  }

  /**
   * Before the take's first block: the silence that lets the output start on it with no margin
   * (output-processor.js starts once a block is in the ring; dsp/arrival-jitter.js
   * inStepPrerollSamples), sized from where this quantum's capture leaves the next block.
   */
  preroll() {
    const e = this.engine, blocks = Math.floor(e.pendingFrames / this.blockFrames);
    const written = blocks * this.blockSamples;
    const n = inStepPrerollSamples({
      samplesPerQuantum: this.samplesPerQuantum, blockSamples: this.blockSamples, writtenSamples: written,
      pendingSamples: e.pendingSamples - written,
    });
    this.outputRing.push(this.zeros.subarray(0, n));
    this.stats.prerollSamples = n;
    this.prerolled = true;
  }

  get blockMs() {
    return (1000 * this.blockSamples) / this.engine.meta.sample_rate;
  }

  process() {
    if (this.stopped) return false;
    this.lateMs = Math.max(this.lateMs, this.late.update(Date.now(), (1000 * currentFrame) / sampleRate));
    if (!this.rendering) {
      this.rendering = true;
      this.renderAvailable().then(
        () => { this.rendering = false; },
        (err) => {
          this.stopped = true;
          this.port.postMessage({ type: ENGINE_EVENT.ERROR, message: `engine stopped: ${err.message}` });
        },
      );
    }
    return true;
  }

  /** Everything the capture ring holds: features, then every complete block into the output ring. */
  async renderAvailable() {
    if (this.nextModel) this.swapModel();
    const n = this.captureRing.pop(this.scratch);
    if (n) this.engine.pushAudio(this.scratch.subarray(0, n));
    this.stats.droppedFrames += this.engine.dropBacklog(MAX_BACKLOG_MS);
    if (!this.prerolled && this.engine.blockReady) this.preroll();
    while (this.engine.blockReady) {
      const t0 = Date.now();
      const block = await this.engine.renderBlock();
      const written = this.outputRing.push(block.audio);
      this.stats.overflowSamples += block.audio.length - written;
      this.stats.blocks++;
      this.meter.add(Date.now() - t0, this.blockMs);
      this.reporter.report(block, this.engine.mapper.autoOctaves, 1000 * currentTime);
    }
    if (this.meter.full) {
      this.load = this.meter.load;
      this.meter.reset();
    }
    this.postStats();
  }

  swapModel() {
    const { meta, weights } = this.nextModel;
    this.nextModel = null;
    this.engine.dispose();
    this.engine = this.build(meta, weights);
    this.captureRing.clear(); // what waited was sung for the old instrument
  }

  postStats() {
    if (currentTime < this.nextStatsTime) return;
    this.nextStatsTime = currentTime + 1 / ENGINE_STATS_PER_SECOND;
    this.port.postMessage({
      type: ENGINE_EVENT.STATS, host: "audio", modelId: this.engine.meta.id, backend: "js", blockFrames: this.blockFrames,
      ...this.stats, load: this.load, octaveShift: this.engine.mapper.autoOctaves, take: this.engine.mapper.take,
      lateMs: this.lateMs, lateToleranceMs: this.late.toleranceMs,
    });
    this.lateMs = 0;
  }
}

registerProcessor("engine-processor", EngineProcessor);
