// The page's side of the engine: the Worker's typed requests with replies, and its events; and,
// where the Worker's measurement put the engine on the audio thread (choice.host "audio"), that
// engine's node (engine-node.js), whose events come out the same way. The page never touches
// TF.js: the Worker owns it. Messages: protocol.js.
import { AUDIO_THREAD, FALLING_BEHIND } from "../config.js";
import { startAudioEngine } from "../audio/engine-node.js";
import { ENGINE_EVENT, ENGINE_NODE_MESSAGE, WORKER_REQUEST } from "../protocol.js";

export class EngineClient {
  /** @param {{backend?:string, blockFrames?:number, host?:string, wasmThreads?:number|null, forceF16?:boolean, probe?:boolean}} options */
  constructor(options) {
    this.options = options;
    this.worker = new Worker("/static/build/engine-worker.js", { type: "module" });
    this.pending = new Map();
    this.nextId = 0;
    this.listeners = new Map();
    this.choice = null; // the Worker's backend choice, with `host`
    this.model = null;
    this.audio = null; // {engine, underruns, windowStart, take} while on the audio thread
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => this.emit(ENGINE_EVENT.ERROR, { message: `engine worker failed: ${e.message || "could not load"}` });
    this.on(ENGINE_EVENT.BACKEND, (m) => (this.choice = m.choice));
    this.ready = this.request(WORKER_REQUEST.INIT, { options });
  }

  receive(msg) {
    if (msg.type !== ENGINE_EVENT.REPLY) return this.emit(msg.type, msg);
    const p = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  }

  request(type, body = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type, id, ...body });
    });
  }

  /** `fn(msg)` for every `type` message (protocol.js ENGINE_EVENT). */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  emit(type, msg) {
    for (const fn of this.listeners.get(type) || []) fn(msg);
  }

  /** Loads an instrument (measuring the backends on the first call); while singing, swaps to it. */
  async load(model) {
    const loaded = await this.request(WORKER_REQUEST.LOAD, { model });
    this.model = model;
    if (this.audio) {
      const { meta, weights } = await this.request(WORKER_REQUEST.AUDIO_ENGINE, { model });
      if (this.audio) this.audio.engine.post({ type: ENGINE_NODE_MESSAGE.MODEL, meta, weights }); // swapped between two blocks
    }
    return loaded;
  }

  /** Where the next start runs the engine: "audio" (thread) or "worker". */
  get host() {
    return this.choice && this.choice.host === "audio" ? "audio" : "worker";
  }

  /** Block size the next start runs at (the audio thread's is always 1 frame). */
  get blockFrames() {
    return this.host === "audio" ? 1 : this.choice.blockFrames;
  }

  /**
   * Starts streaming from the capture ring to the output ring, on the audio thread or in the
   * Worker as measured; resolves to the engine's parameters ({host, blockFrames, ...}).
   * @param {{context:AudioContext, capture:object, output:object, controls:object}} s
   */
  async start(s) {
    this.session = s;
    if (this.host !== "audio") return this.startInWorker(s);
    try {
      return await this.startOnAudioThread(s);
    } catch (err) {
      this.choice = { ...this.choice, host: "worker" };
      const params = await this.startInWorker(s);
      this.announceSwitch({ host: "audio", backend: "js", blockFrames: 1 }, `the audio thread failed: ${err.message}`, params);
      return params;
    }
  }

  /** `take`: the audio thread's take (its mapper's), which the Worker goes on with. */
  startInWorker({ capture, output, controls }, take = null) {
    return this.request(WORKER_REQUEST.START, { captureRing: capture.ring.sab, outputRing: output.ring.sab, controls, take });
  }

  async startOnAudioThread(s) {
    const { meta, weights } = await this.request(WORKER_REQUEST.AUDIO_ENGINE, { model: this.model });
    const engine = await startAudioEngine(s.context, {
      capture: s.capture, output: s.output, meta, weights, blockFrames: 1, controls: s.controls,
      probe: Boolean(this.options.probe), onMessage: (m) => this.receiveFromAudioThread(m),
    });
    this.audio = { engine, underruns: 0, windowStart: performance.now(), take: null };
    return engine.params;
  }

  receiveFromAudioThread(msg) {
    if (!this.audio) return;
    if (msg.type === ENGINE_EVENT.ERROR) return this.leaveAudioThread(msg.message);
    if (msg.type !== ENGINE_EVENT.STATS) return this.emit(msg.type, msg);
    const stats = { ...msg, underruns: this.audio.underruns }; // as the Worker's stats carry them
    this.emit(ENGINE_EVENT.STATS, stats);
    this.audio.take = stats.take;
    this.checkAudioThread(stats);
  }

  /**
   * The engine must not load the audio thread: when its typical load (engine/load-meter.js, the
   * median part of a window) passes AUDIO_THREAD.maxLoad of real time there, it moves to the
   * Worker. Underruns do not move it: a device busy elsewhere makes the audio thread late
   * wherever the engine runs (measured, docs/architecture.md), and a hand-over mid-take only
   * silenced the take while the Worker started.
   */
  checkAudioThread(stats) {
    const a = this.audio;
    const t = performance.now();
    if (t - a.windowStart < 1000 * FALLING_BEHIND.windowSeconds) return;
    a.windowStart = t;
    if (stats.load > AUDIO_THREAD.maxLoad) {
      this.leaveAudioThread(`on the audio thread: compute typically at ${(100 * stats.load).toFixed(0)} % of real time`);
    }
  }

  /** Hands the engine to the Worker, on the same rings and the same take (as of the last stats). */
  async leaveAudioThread(reason) {
    const a = this.audio;
    this.audio = null;
    if (!a || !this.session) return;
    a.engine.stop();
    this.choice = { ...this.choice, host: "worker" };
    try {
      const params = await this.startInWorker(this.session, a.take);
      this.announceSwitch({ host: "audio", backend: "js", blockFrames: 1 }, reason, params);
    } catch (err) {
      this.emit(ENGINE_EVENT.ERROR, { message: `engine stopped: ${reason}; the Worker could not take over: ${err.message}` });
    }
  }

  announceSwitch(from, reason, params = null) {
    const to = { host: "worker", backend: this.choice.backend, blockFrames: this.choice.blockFrames, name: this.choice.backend };
    this.emit(ENGINE_EVENT.SWITCHED, { from, to, reason, params });
  }

  async stop() {
    if (this.audio) {
      this.audio.engine.stop();
      this.audio = null;
    }
    this.session = null;
    return this.request(WORKER_REQUEST.STOP);
  }

  setControls(controls) {
    if (this.session) this.session.controls = controls;
    if (this.audio) this.audio.engine.post({ type: ENGINE_NODE_MESSAGE.CONTROLS, controls });
    this.worker.postMessage({ type: WORKER_REQUEST.CONTROLS, controls });
  }

  reportUnderruns(count) {
    if (this.audio) this.audio.underruns = count;
    this.worker.postMessage({ type: WORKER_REQUEST.UNDERRUNS, count });
  }
}
