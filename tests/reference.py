"""The decoders' reference in tests: the Python model (the Keras decoder rebuilt from a shipped
graph's weights, factory.stream.rebuild_decoder, or a trained one) run over the whole sequence:
the silence a stream starts from (receptive_field_frames - 1 frames), then the phrase."""
from __future__ import annotations

import numpy as np

from factory.analysis import LOUDNESS_FLOOR_DB as SILENCE_DB  # the models' silence (metadata.json analysis)


def silence(n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """n_frames of silence as a stream starts from: f0 0 Hz, loudness SILENCE_DB, each [1, n, 1]."""
    return np.zeros((1, n_frames, 1), np.float32), np.full((1, n_frames, 1), SILENCE_DB, np.float32)


def whole_sequence_controls(dec, meta: dict, f0_hz: np.ndarray, loudness_db: np.ndarray) -> list[np.ndarray]:
    """dec (a Keras Decoder) on silence + the phrase (f0_hz, loudness_db [n]) at once → each of
    meta["outputs"] for the phrase's n frames, [n, width]."""
    context = meta["receptive_field_frames"] - 1
    sf0, sld = silence(context)
    f0 = np.concatenate([sf0, np.asarray(f0_hz, np.float32).reshape(1, -1, 1)], 1)
    ld = np.concatenate([sld, np.asarray(loudness_db, np.float32).reshape(1, -1, 1)], 1)
    out = dec(f0, ld)
    return [np.asarray(out[k])[0, context:] for k in meta["outputs"]]
