// The GLSL sources of the gpu/ programs: the one place that reaches the top-level shaders/
// folder (esbuild inlines each file as text: scripts/bundle.mjs, loader ".glsl").

// The fused decoder (decoder-webgl.js): per conv layer, then the head.
export { default as decoderConv } from "../../../shaders/decoder_conv.glsl";
export { default as decoderNorm } from "../../../shaders/decoder_norm.glsl";
export { default as decoderHead } from "../../../shaders/decoder_head.glsl";

// The GPU voice (voice-webgl.js): a per-frame pass, then a per-sample pass.
export { default as synthFrames } from "../../../shaders/synth_frames.glsl";
export { default as synthMix } from "../../../shaders/synth_mix.glsl";

// The phase scan (phase-scan.js): unpacked live blocks, then packed whole clips.
export { default as cumsumChunkTotals } from "../../../shaders/cumsum_chunk_totals.glsl";
export { default as cumsumChunkOffsets } from "../../../shaders/cumsum_chunk_offsets.glsl";
export { default as cumsumPhases } from "../../../shaders/cumsum_phases.glsl";
export { default as cumsumDigits } from "../../../shaders/cumsum_digits.glsl";
export { default as cumsumPackedTotals } from "../../../shaders/cumsum_packed_totals.glsl";
export { default as cumsumPackedTop } from "../../../shaders/cumsum_packed_top.glsl";
export { default as cumsumPackedPrefixes } from "../../../shaders/cumsum_packed_prefixes.glsl";
