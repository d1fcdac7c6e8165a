"""Compact training state (decoder weights + Adam slots + step + loss log) in one small .npz.

Small enough to keep in git (float32, ~12 bytes per parameter: a 25k-parameter decoder is ~0.3 MB),
so a long training run can stop in one session and resume in the next (factory/checkpoints/).
Written atomically (temporary file + os.replace): an interrupted save never corrupts the last one.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

FORMAT = 1
STATE_FILE = "state.npz"
HISTORY_FILE = "history.json"


class StateError(RuntimeError):
    """A saved state that does not fit the model being trained (the message says why)."""


def _names(variables) -> list[str]:
    """Variable names without the model instance prefix (decoder_3/conv0/kernel:0 → conv0/kernel:0)."""
    return [v.name.split("/", 1)[-1] for v in variables]


def _shapes(variables) -> list[list[int]]:
    return [list(v.shape) for v in variables]


def save(folder: Path, step: int, decoder, optimizer, history: dict, meta: dict) -> Path:
    """Writes folder/state.npz (and a readable folder/history.json) for `step`.

    meta: what must match on resume (config, learning-rate schedule, batch, seed).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {f"decoder_{i:03d}": v.numpy().astype(np.float32) for i, v in enumerate(decoder.weights)}
    arrays.update({f"optimizer_{i:03d}": np.asarray(v.numpy())
                   for i, v in enumerate(optimizer.variables)})
    header = {"format": FORMAT, "step": int(step), "meta": meta,
              "decoder_names": _names(decoder.weights),
              "decoder_shapes": _shapes(decoder.weights),
              "optimizer_shapes": _shapes(optimizer.variables), "history": history}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    path = folder / STATE_FILE
    tmp = folder / (STATE_FILE + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)
    hist_tmp = folder / (HISTORY_FILE + ".tmp")
    hist_tmp.write_text(json.dumps(history))
    os.replace(hist_tmp, folder / HISTORY_FILE)
    return path


def exists(folder: Path) -> bool:
    return (Path(folder) / STATE_FILE).is_file()


def read_header(folder: Path) -> dict:
    with np.load(Path(folder) / STATE_FILE) as z:
        return json.loads(bytes(z["header"]).decode())


def load_decoder_weights(folder: Path, decoder) -> int:
    """Only the decoder weights of folder/state.npz into `decoder` (a new run starting from another
    run's weights, e.g. another teacher's); returns the step they were saved at. Raises StateError
    when the shapes differ."""
    path = Path(folder) / STATE_FILE
    if not path.is_file():
        raise StateError(f"{path} does not exist: no training state to start from")
    with np.load(path) as z:
        header = json.loads(bytes(z["header"]).decode())
        if header["decoder_shapes"] != _shapes(decoder.weights):
            raise StateError(f"{path}: decoder variables {header['decoder_shapes']} differ from the model "
                             f"being trained {_shapes(decoder.weights)} (another decoder config)")
        for i, v in enumerate(decoder.weights):
            v.assign(z[f"decoder_{i:03d}"])
    return int(header["step"])


def restore(folder: Path, decoder, optimizer, meta: dict) -> tuple[int, dict]:
    """Loads folder/state.npz into decoder and optimizer (built, slots created); returns (step, history).

    Raises StateError when the saved state was made with another config or schedule.
    """
    path = Path(folder) / STATE_FILE
    with np.load(path) as z:
        header = json.loads(bytes(z["header"]).decode())
        if header.get("format") != FORMAT:
            raise StateError(f"{path}: format {header.get('format')}, expected {FORMAT}")
        diff = {k: (header["meta"].get(k), v) for k, v in meta.items() if header["meta"].get(k) != v}
        if diff:
            detail = "; ".join(f"{k}: saved {a!r}, now {b!r}" for k, (a, b) in diff.items())
            raise StateError(f"{path} was trained with other settings ({detail}): use the same settings "
                             "to resume, or another checkpoint folder to start afresh")
        if header["decoder_shapes"] != _shapes(decoder.weights):
            raise StateError(f"{path}: decoder variables {header['decoder_names']} "
                             f"{header['decoder_shapes']} differ from the model being trained")
        if header["optimizer_shapes"] != _shapes(optimizer.variables):
            raise StateError(f"{path}: {len(header['optimizer_shapes'])} optimizer variables saved, "
                             f"the optimizer has {len(optimizer.variables)} (or their shapes differ)")
        for i, v in enumerate(decoder.weights):
            v.assign(z[f"decoder_{i:03d}"])
        for i, v in enumerate(optimizer.variables):
            v.assign(z[f"optimizer_{i:03d}"])
    return int(header["step"]), header["history"]


def load_decoder(folder: Path, decoder) -> int:
    """Only the decoder weights from folder/state.npz (to evaluate or export); returns the step."""
    path = Path(folder) / STATE_FILE
    with np.load(path) as z:
        header = json.loads(bytes(z["header"]).decode())
        if header["decoder_shapes"] != _shapes(decoder.weights):
            raise StateError(f"{path}: decoder variables {header['decoder_shapes']} differ from the model")
        for i, v in enumerate(decoder.weights):
            v.assign(z[f"decoder_{i:03d}"])
    return int(header["step"])
