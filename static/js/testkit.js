// Test and benchmark harness bundle (static/build/testkit.js): exposes each stage module so
// Playwright tests can drive one stage alone in a real browser, on the page's main thread. The
// page never loads it. Importing it starts the TF.js backend named by the page's ?backend=.
export * as tfBackend from "./backend.js";
export * as synth from "./synth.js";
export * as harmonic from "./synth/harmonic.js";
export * as noise from "./synth/noise.js";
export * as backendChoice from "./backend-choice.js";
export * as latency from "./latency.js";
export * as cumsum from "./cumsum.js";
export * as features from "./features.js";
export * as decoder from "./decoder.js";
export * as mapping from "./mapping.js";
export * as engine from "./engine.js";
export * as ring from "./dsp/ring.js";
export * as resampler from "./dsp/resampler.js";
export * as yin from "./dsp/yin.js";
export * as sargam from "./dsp/sargam.js";
export * as sargamView from "./sargam-view.js";
export * as tanpura from "./tanpura.js";
export * as recorder from "./recorder.js";
export * as wav from "./dsp/wav.js";

import { initBackend } from "./backend.js";

export { tf } from "./backend.js";
/** The backend this page runs on (the URL's ?backend=, else the first that starts). */
export const backend = await initBackend();
export * as bench from "./benchkit.js";
