"""What the benchmark sections share: the measuring context, the shipped models, formatting."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.browser import Pages
from tests.signals import PHRASE, sung_phrase

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "static" / "models"


@dataclass
class Context:
    """What a section's measure() gets: the browser, the models and the sung phrase."""

    pages: Pages  # opens app pages in headless Chromium
    metas: list[dict]  # every shipped model's metadata.json, plus its "id"
    voice: np.ndarray  # the sung phrase at the models' sample rate [n_samples] float32
    f0_hz: np.ndarray  # its pitch [n_samples]
    tmp: Path  # a scratch folder for fake-mic WAVs
    quick: bool  # `--quick`: seconds, not minutes (one instrument, few repeats)
    # the engine's answers to factory.timbre's sung phrase, kept by the section that rendered them for
    # the sections after it: {id: {"meta", "audio" [n] at 16 kHz, "asked" f0 [T], "rows"}}
    answers: dict = field(default_factory=dict)

    @property
    def measured(self) -> list[dict]:
        """The models a per-instrument section measures: the first alone when quick."""
        return self.metas[:1] if self.quick else self.metas

    def pick(self, quick, full):
        """`quick` in a --quick run, else `full`."""
        return quick if self.quick else full


def shipped_models() -> list[dict]:
    """Every static/models/<id>/metadata.json with its "id", in name order."""
    out = []
    for meta_path in sorted(MODELS_DIR.glob("*/metadata.json")):
        meta = json.loads(meta_path.read_text())
        meta["id"] = meta_path.parent.name
        out.append(meta)
    return out


def model_rate_voice(meta: dict, seconds_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The sung phrase at the models' sample rate (from metadata.json): (audio [n], f0 [n])."""
    phrase = [(m, d * seconds_scale) for m, d in PHRASE]
    audio, f0, _ = sung_phrase(phrase, sample_rate=meta["sample_rate"])
    return audio, f0


def page_model_files(meta: dict) -> list[Path]:
    """The files the page downloads for a model: its graph (the streaming graph, the one a model
    ships) and the shards that graph names."""
    d = MODELS_DIR / meta["id"]
    graph = meta["streaming"]["model"]
    m = json.loads((d / graph).read_text())
    return [d / graph] + [d / p for g in m["weightsManifest"] for p in g["paths"]]


def loudness_db(audio: np.ndarray, meta: dict) -> np.ndarray:
    """ddsp's loudness [n_frames] (dB) of `audio` [n] at the model's frame rate."""
    from ddsp.spectral_ops import compute_loudness

    return np.asarray(compute_loudness(audio.astype(np.float32), sample_rate=meta["sample_rate"],
                                       frame_rate=meta["frame_rate"], use_tf=False))


def ms_iqr(s: dict) -> str:
    """A timing's median with its interquartile range: '1.23 (1.10–1.40)'."""
    return f"{s['median']:.2f} ({s['p25']:.2f}–{s['p75']:.2f})"


def kb(n_bytes) -> str:
    return "—" if n_bytes is None else f"{n_bytes / 1024:.1f}"


def engine_where(host: str | None, backend: str | None, block_frames) -> str:
    """Where a run's engine ran, in words."""
    if host == "audio":
        return f"on the audio thread (plain JS, {block_frames}-frame blocks)"
    return f"in the Worker ({backend} at {block_frames}-frame blocks)"
