"""Export: the decoder's control-only streaming SavedModel (f0_hz, loudness_db, each conv layer's
cache) → (amplitudes, harmonic_distribution, noise_magnitudes, the next caches), the one graph a
model ships. Synthesis stays out of the graph (the TF.js converter rejects e.g. Roll)."""
from __future__ import annotations

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUTPUTS = ("amplitudes", "harmonic_distribution", "noise_magnitudes")
INPUTS = ("f0_hz", "loudness_db")


def run_full(fn, f0: np.ndarray, ld: np.ndarray) -> dict:
    """fn(f0_hz=[1,T,1], loudness_db=[1,T,1]) → dict of numpy arrays."""
    out = fn(f0_hz=tf.constant(f0, tf.float32), loudness_db=tf.constant(ld, tf.float32))
    return {k: np.asarray(out[k]) for k in OUTPUTS}


# The streaming form: each causal conv layer's past input frames travel as tensors between blocks.

def cache_names(i: int) -> tuple[str, str]:
    """(graph input, graph output) names of conv layer i's cache."""
    return f"conv{i}_cache", f"conv{i}_cache_next"


class StreamingControlModel(tf.Module):
    """(f0_hz, loudness_db [1, n, 1] new frames, conv{i}_cache [1, past_i, C_i]) →
    (the controls for the n frames, conv{i}_cache_next): no frame is computed twice."""

    def __init__(self, decoder):
        super().__init__(name="swara_decoder_stream")
        self.decoder = decoder
        self.cache_shapes = decoder.cache_shapes()
        specs = [tf.TensorSpec([1, None, 1], tf.float32, name=k) for k in INPUTS]
        specs += [tf.TensorSpec(s, tf.float32, name=cache_names(i)[0]) for i, s in enumerate(self.cache_shapes)]
        self.serve = tf.function(self._serve, input_signature=specs)

    def _serve(self, f0_hz, loudness_db, *caches):
        out, new_caches = self.decoder.stream(f0_hz, loudness_db, caches)
        result = {k: tf.identity(out[k], name=k) for k in OUTPUTS}
        for i, c in enumerate(new_caches):
            name = cache_names(i)[1]
            result[name] = tf.identity(c, name=name)
        return result


def export_streaming_saved_model(decoder, path: Path) -> Path:
    module = StreamingControlModel(decoder)
    tf.saved_model.save(module, str(path), signatures={"serving_default": module.serve})
    return Path(path)


def streaming_metadata(decoder, model_file: str) -> dict:
    """metadata.json's "streaming" entry: the graph file and each cache's names and shape."""
    caches = []
    for i, shape in enumerate(decoder.cache_shapes()):
        inp, out = cache_names(i)
        caches.append({"input": inp, "output": out, "shape": list(shape)})
    return {"model": model_file, "inputs": list(INPUTS), "outputs": list(OUTPUTS), "caches": caches,
            "initial_caches": "the caches after receptive_field_frames - 1 frames of silence "
                                "(f0 0 Hz, the mapping's silence loudness), fed from all-zero caches"}


def zero_caches(shapes) -> list[np.ndarray]:
    return [np.zeros(s, np.float32) for s in shapes]


def run_streaming(fn, f0: np.ndarray, ld: np.ndarray, block: int, caches: list) -> tuple[dict, list]:
    """Runs the streaming signature block by block from `caches` → (controls, final caches)."""
    n = f0.shape[1]
    parts = {k: [] for k in OUTPUTS}
    caches = [tf.constant(c, tf.float32) for c in caches]
    for s in range(0, n, block):
        e = min(s + block, n)
        feeds = {"f0_hz": tf.constant(f0[:, s:e], tf.float32), "loudness_db": tf.constant(ld[:, s:e], tf.float32)}
        feeds.update({cache_names(i)[0]: c for i, c in enumerate(caches)})
        out = fn(**feeds)
        for k in OUTPUTS:
            parts[k].append(np.asarray(out[k]))
        caches = [out[cache_names(i)[1]] for i in range(len(caches))]
    return {k: np.concatenate(v, axis=1) for k, v in parts.items()}, [np.asarray(c) for c in caches]
