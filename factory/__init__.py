"""Swara model factory: renders raga-like phrases, trains small causal DDSP decoders, ships TF.js."""
