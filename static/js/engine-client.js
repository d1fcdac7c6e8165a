// The page's side of the engine Worker: typed requests with replies, and events.
// The page never touches TF.js: the Worker owns it (engine-worker.js documents the messages).

export class EngineClient {
  /** @param {{backend?:string, blockFrames?:number, wasmThreads?:number|null, forceF16?:boolean, probe?:boolean}} options */
  constructor(options) {
    this.worker = new Worker("/static/build/engine-worker.js", { type: "module" });
    this.pending = new Map();
    this.nextId = 0;
    this.listeners = new Map();
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => this.emit("error", { message: `engine worker failed: ${e.message || "could not load"}` });
    this.ready = this.request("init", { options });
  }

  receive(msg) {
    if (msg.type !== "reply") return this.emit(msg.type, msg);
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

  /** `fn(msg)` for every `type` message: backend, switched, pitch, stats, block, error. */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  emit(type, msg) {
    for (const fn of this.listeners.get(type) || []) fn(msg);
  }

  /** Loads an instrument (measuring the backends on the first call); while singing, swaps to it. */
  load(model) {
    return this.request("load", { model });
  }

  /** Starts streaming between two SharedArrayBuffer rings; resolves to the engine's parameters. */
  start(captureRing, outputRing, controls) {
    return this.request("start", { captureRing, outputRing, controls });
  }

  stop() {
    return this.request("stop");
  }

  setControls(controls) {
    this.worker.postMessage({ type: "controls", controls });
  }

  reportUnderruns(count) {
    this.worker.postMessage({ type: "underruns", count });
  }
}
