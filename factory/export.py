"""Export: a control-only SavedModel (f0_hz, loudness_db) → (amplitudes, harmonic_distribution,
noise_magnitudes). Synthesis stays out of the graph (the TF.js converter rejects e.g. Roll)."""
from __future__ import annotations

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUTPUTS = ("amplitudes", "harmonic_distribution", "noise_magnitudes")
INPUTS = ("f0_hz", "loudness_db")


class ControlModel(tf.Module):
    def __init__(self, decoder):
        super().__init__(name="swara_decoder")
        self.decoder = decoder

    @tf.function(input_signature=[tf.TensorSpec([1, None, 1], tf.float32, name="f0_hz"),
                                  tf.TensorSpec([1, None, 1], tf.float32, name="loudness_db")])
    def serve(self, f0_hz, loudness_db):
        out = self.decoder(f0_hz, loudness_db)
        return {k: tf.identity(out[k], name=k) for k in OUTPUTS}


def export_saved_model(decoder, path: Path) -> Path:
    module = ControlModel(decoder)
    tf.saved_model.save(module, str(path), signatures={"serving_default": module.serve})
    return Path(path)


def run_full(fn, f0: np.ndarray, ld: np.ndarray) -> dict:
    """fn(f0_hz=[1,T,1], loudness_db=[1,T,1]) → dict of numpy arrays."""
    out = fn(f0_hz=tf.constant(f0, tf.float32), loudness_db=tf.constant(ld, tf.float32))
    return {k: np.asarray(out[k]) for k in OUTPUTS}


def run_blockwise(fn, f0: np.ndarray, ld: np.ndarray, block: int, context: int) -> dict:
    """Runs block by block, each block with `context` past frames prepended (as the browser does)."""
    n = f0.shape[1]
    parts = {k: [] for k in OUTPUTS}
    for s in range(0, n, block):
        e = min(s + block, n)
        lo = max(0, s - context)
        out = run_full(fn, f0[:, lo:e], ld[:, lo:e])
        for k in OUTPUTS:
            parts[k].append(out[k][:, s - lo:])
    return {k: np.concatenate(v, axis=1) for k, v in parts.items()}
