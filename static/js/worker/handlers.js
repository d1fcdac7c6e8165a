// The engine Worker's answers to the page's requests (protocol.js WORKER_REQUEST): each handler
// takes the message and returns the reply's result (or throws: the reply carries the error).
import { RingBuffer } from "../dsp/ring.js";
import { ENGINE_EVENT, WORKER_REQUEST } from "../protocol.js";
import { configureBackends } from "./backend.js";
import { loseWebGLContext } from "./context-loss.js";
import { buildEngine, cpuWeightsFor, decoderFor } from "./decoders.js";
import { chooseByMeasurement } from "./measurement.js";
import { Session } from "./session.js";
import { post, state } from "./state.js";

export const handlers = {
  [WORKER_REQUEST.INIT]({ options }) {
    state.options = options;
    configureBackends({ wasmThreads: options.wasmThreads, forceF16: options.forceF16 });
    return { crossOriginIsolated: self.crossOriginIsolated };
  },

  /** Makes `model` the instrument: measures the backends first (once), then loads it. */
  async [WORKER_REQUEST.LOAD]({ model }) {
    if (!state.backends) await chooseByMeasurement(model);
    await decoderFor(model);
    state.model = model;
    if (state.session) state.session.nextModel = model;
    return { id: model.id, backend: state.backend, blockFrames: state.blockFrames };
  },

  /** `take`: a take an engine on the audio thread started, to go on with (its mapper's). */
  async [WORKER_REQUEST.START]({ captureRing, outputRing, controls, take = null }) {
    if (state.session) throw new Error("the engine is already running");
    if (!state.model) throw new Error("no instrument loaded");
    state.controls = controls || state.controls;
    const engine = await buildEngine(state.model, state.blockFrames);
    if (take) engine.mapper.continueTake(take);
    const session = new Session(engine, new RingBuffer(captureRing), new RingBuffer(outputRing));
    state.session = session;
    session.captureRing.clear();
    session.run().catch((err) => {
      state.session = null;
      post({ type: ENGINE_EVENT.ERROR, message: `engine stopped: ${err.message}` });
    });
    return {
      host: "worker", backend: state.backend, blockFrames: engine.blockFrames, hopSamples: engine.hop, sampleRate: engine.meta.sample_rate,
      analysisSamples: engine.analysisSamples, synthLookaheadSamples: engine.synthLookaheadSamples,
    };
  },

  /** The plain-JS decoder's weights of `model`, for an engine on the audio thread. */
  async [WORKER_REQUEST.AUDIO_ENGINE]({ model }) {
    return { meta: model, weights: await cpuWeightsFor(model) };
  },

  [WORKER_REQUEST.STOP]() {
    const s = state.session;
    state.session = null;
    if (s) {
      s.postStats(true);
      s.running = false;
    }
    return {};
  },

  [WORKER_REQUEST.CONTROLS]({ controls }) {
    state.controls = controls;
    if (state.session) state.session.engine.setControls(controls);
  },

  [WORKER_REQUEST.UNDERRUNS]({ count }) {
    if (state.session) state.session.stats.underruns = count;
  },

  /** The opt-in test probe's actions (?probe=1 only): faults a test needs that a page cannot cause. */
  [WORKER_REQUEST.PROBE]({ action }) {
    if (!state.options.probe) throw new Error("the probe is off (open the page with ?probe=1)");
    if (action !== "loseWebGLContext") throw new Error(`unknown probe action "${action}"`);
    loseWebGLContext();
    return { lost: true };
  },
};
