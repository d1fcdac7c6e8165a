// Test and benchmark harness bundle (tests/build/testkit.js, served for tests by tests/serving.py,
// never by the app): exposes each stage module so
// Playwright tests can drive one stage alone in a real browser, on the page's main thread. The
// page never loads it. Importing it starts the TF.js backend named by the page's ?backend=.
export * as tfBackend from "../../static/js/worker/backend.js";
export * as synth from "../../static/js/engine/synth/synth.js";
export * as harmonic from "../../static/js/engine/synth/harmonic.js";
export * as noise from "../../static/js/engine/synth/noise.js";
export * as backendChoice from "../../static/js/worker/backend-choice.js";
export * as latency from "../../static/js/page/latency.js";
export * as cumsum from "../../static/js/gpu/phase-scan.js";
export * as features from "../../static/js/engine/features.js";
export * as decoder from "../../static/js/worker/decoder-tfjs.js";
export * as decoderCpu from "../../static/js/engine/decoder-cpu.js";
export * as decoderWebgl from "../../static/js/gpu/decoder-webgl.js";
export * as voiceWebgl from "../../static/js/gpu/voice-webgl.js";
export * as mapping from "../../static/js/engine/mapping.js";
export * as engine from "../../static/js/engine/engine.js";
export * as ring from "../../static/js/dsp/ring.js";
export * as resampler from "../../static/js/dsp/resampler.js";
export * as yin from "../../static/js/dsp/yin.js";
export * as sargam from "../../static/js/dsp/sargam.js";
export * as sargamView from "../../static/js/page/sargam-view.js";
export * as tanpura from "../../static/js/audio/tanpura-player.js";
export * as recorder from "../../static/js/audio/recorder.js";
export * as wav from "../../static/js/dsp/wav.js";
export * as mixer from "../../static/js/audio/mixer.js";

import { initBackend } from "../../static/js/worker/backend.js";

export { tf } from "../../static/js/worker/backend.js";
/** The backend this page runs on (the URL's ?backend=, else the first that starts). */
export const backend = await initBackend();
export * as bench from "../../bench/benchkit.js";
