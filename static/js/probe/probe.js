// The one opt-in test probe (?probe=1): what the e2e tests and the benchmarks read, in one
// place, so no stage carries test hooks. globalThis.swaraProbe holds:
//   running, sampleRate, read() -> Float32Array of what was played since the last read,
//   readMicrophone() -> what the microphone gave over the same quanta (the same length),
//   backend {choice, measurements}, switches [], stats (the engine: Worker or audio thread, `host`),
//   outputStats (output worklet),
//   latency {budget, measuredMs []}, octaveShifts (distinct automatic shifts seen, block by
//   block), errors [], audioThreadLate {events, lateQuanta, worstMs, toleranceMs} (quanta the audio
//   thread rendered too late for a device's buffer), loseWebGLContext(), leaveAudioThread().
import { lateToleranceMs } from "../config.js";
import { RingBuffer } from "../dsp/ring.js";
import { ENGINE_EVENT, OUTPUT_EVENT, PROBE_EVENT, WORKER_REQUEST, WORKLET_MESSAGE } from "../protocol.js";

const RECORD_SECONDS = 120;


function drain(ring) {
  if (!ring) return new Float32Array(0);
  const out = new Float32Array(ring.availableRead());
  ring.pop(out);
  return out;
}

export async function createProbe(engine) {
  const probe = {
    running: false, sampleRate: null, backend: null, switches: [], stats: {}, outputStats: {},
    latency: { budget: null, measuredMs: [] },
    octaveShifts: [], errors: [], ring: null, microphoneRing: null, audioThreadLate: { events: 0, lateQuanta: 0, worstMs: 0 },
    read() {
      return drain(this.ring);
    },
    readMicrophone() {
      return drain(this.microphoneRing);
    },
    /** Loses the engine Worker's WebGL context, as a GPU reset would (WEBGL_lose_context). */
    loseWebGLContext() {
      return engine.request(WORKER_REQUEST.PROBE, { action: "loseWebGLContext" });
    },
    /** Moves an engine on the audio thread to the Worker, as falling behind there would. */
    leaveAudioThread() {
      return engine.leaveAudioThread("asked for by the probe");
    },
  };
  globalThis.swaraProbe = probe;
  engine.on(ENGINE_EVENT.BACKEND, (m) => (probe.backend = { choice: m.choice, measurements: m.measurements }));
  engine.on(ENGINE_EVENT.SWITCHED, (m) => probe.switches.push(m));
  engine.on(ENGINE_EVENT.STATS, (m) => (probe.stats = m));
  engine.on(ENGINE_EVENT.ERROR, (m) => probe.errors.push(m.message));
  engine.on(ENGINE_EVENT.BLOCK, (m) => {
    if (m.octaveShift !== null && !probe.octaveShifts.includes(m.octaveShift)) probe.octaveShifts.push(m.octaveShift);
  });
  let node = null, session = null;
  return {
    /** Called by the page once a singing session runs. */
    async attach(s) {
      session = s;
      await s.context.audioWorklet.addModule("/static/build/probe-processor.js");
      probe.ring = RingBuffer.create(Math.ceil(RECORD_SECONDS * s.context.sampleRate));
      probe.microphoneRing = RingBuffer.create(Math.ceil(RECORD_SECONDS * s.context.sampleRate));
      const toleranceMs = lateToleranceMs(s.context.baseLatency);
      node = new AudioWorkletNode(s.context, "probe-processor", {
        numberOfInputs: 2, numberOfOutputs: 0,
        processorOptions: { ringBuffer: probe.ring.sab, microphoneRing: probe.microphoneRing.sab, lateToleranceMs: toleranceMs },
      });
      node.port.onmessage = (e) => { if (e.data.type === PROBE_EVENT.LATE) probe.audioThreadLate = { ...e.data, toleranceMs }; };
      s.output.node.connect(node);
      s.output.node.port.addEventListener("message", (e) => { if (e.data.type === OUTPUT_EVENT.STATS) probe.outputStats = e.data; });
      probe.sampleRate = s.context.sampleRate;
      // Read live, so a test sees the same onsets as the page's readout.
      Object.defineProperty(probe, "latency", {
        configurable: true, enumerable: true,
        get: () => ({ budget: session.budget, measuredMs: [...session.latency.delaysMs] }),
      });
      probe.running = true;
    },
    /** Called by the page as the microphone opens (after attach): recorded beside the output. */
    tapMicrophone(source) {
      if (node) source.connect(node, 0, 1);
    },
    detach() {
      probe.running = false;
      if (node) node.port.postMessage({ type: WORKLET_MESSAGE.STOP });
      node = null;
    },
  };
}
