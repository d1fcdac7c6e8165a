// Test and benchmark harness bundle (static/build/testkit.js): exposes each stage module so
// Playwright tests can drive one stage alone in a real browser. The page never loads it.
export * as tfBackend from "./backend.js";
export * as synth from "./synth.js";
export * as cumsum from "./cumsum.js";
export * as features from "./features.js";
export * as decoder from "./decoder.js";
export * as mapping from "./mapping.js";
export * as engine from "./engine.js";
export * as output from "./output.js";
export * as ring from "./dsp/ring.js";
export * as resampler from "./dsp/resampler.js";
export * as yin from "./dsp/yin.js";
export * as sargam from "./dsp/sargam.js";
export * as sargamView from "./sargam-view.js";
export * as tanpura from "./tanpura.js";
export * as recorder from "./recorder.js";
export * as wav from "./dsp/wav.js";
export { tf } from "./backend.js";
export * as bench from "./benchkit.js";
