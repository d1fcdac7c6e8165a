"""Listening demos: a short sung phrase, then each instrument's answer to it, as one small MP3.

`python -m factory.demo` regenerates static/demos/<name>.mp3 for every model in static/models
(the build does it after installing a model). The singer is factory.voice (the same synthetic
voice as the timbre check); the answer is what the default page plays for it: the page's own
engine (factory.engine_render: features, mapping, the instrument's idiom, decoder, synth) with
the phrase's raga chosen, so a harmonium plays its keys and a sitar its strokes. MP3 (MPEG-1/2
Layer III through libsndfile): every browser plays it.
"""
from __future__ import annotations

import argparse
import json
import sys
from math import gcd
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from factory.dsp import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "static" / "demos"
MAX_BYTES = 100_000
GAP_S = 0.5
PEAK = 0.7                 # both parts normalised to this peak (≈ -3 dBFS)
MP3_QUALITY = 0.3          # libsndfile compression_level (0 best quality … 1 smallest)
# A short phrase as a singer sings it (midi; None = rest; 't' a sung syllable's consonant):
# Sa, Re, Ga struck anew on "ta", a meend from Ga up to Pa, "ta" Ga and a meend down to Re. A
# sitar strikes at each "ta" and bends through the meends; a harmonium plays its keys.
PHRASE = [(57, 0.7), ("t", 0.05), (59, 0.5), ("t", 0.05), (61, 0.6), (64, 0.9), ("t", 0.05), (61, 0.5),
          (59, 0.9), (None, 0.3)]
# Its raga: Bilawal on Sa A3 (the page's scale control: Sa as MIDI, the swaras in semitones).
SCALE = {"saMidi": 57, "degrees": [0, 2, 4, 5, 7, 9, 11]}


def _normalise(y: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    return (y * (PEAK / peak)).astype(np.float32) if peak > 0 else y.astype(np.float32)


def demo_audio(model_dir: Path) -> np.ndarray:
    """The sung phrase, a gap, the instrument's answer: [n] float32 at 16 kHz."""
    from factory.engine_render import render_engine
    from factory.voice import sung_take

    model_dir = Path(model_dir)
    rate = json.loads((model_dir / "metadata.json").read_text())["sample_rate"]
    voice, _, _ = sung_take(PHRASE, sample_rate=rate, seed=3)
    answer = render_engine(voice, model_dir.parent, [model_dir.name], SCALE)[model_dir.name]["audio"]
    if rate != SAMPLE_RATE:
        g = gcd(SAMPLE_RATE, rate)
        voice, answer = (resample_poly(x, SAMPLE_RATE // g, rate // g) for x in (voice, answer))
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    return np.concatenate([_normalise(voice), gap, _normalise(np.asarray(answer))])


def write_demo(model_dir: Path, path: Path) -> int:
    """Writes the demo MP3 for the model in model_dir; returns its bytes (≤ MAX_BYTES, else raises)."""
    import soundfile as sf

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.mp3")
    sf.write(str(tmp), demo_audio(model_dir), SAMPLE_RATE, format="MP3", subtype="MPEG_LAYER_III",
             compression_level=MP3_QUALITY, bitrate_mode="VARIABLE")
    size = tmp.stat().st_size
    if size > MAX_BYTES:
        tmp.unlink()
        raise ValueError(f"{path.name}: {size} bytes, over the {MAX_BYTES}-byte demo budget")
    tmp.replace(path)
    return size


def write_all(models_dir: Path = ROOT / "static" / "models", out_dir: Path = DEFAULT_DIR,
              names: list[str] | None = None) -> dict:
    """Demos for every model in models_dir (or `names`): {name: bytes}."""
    out = {}
    for meta in sorted(Path(models_dir).glob("*/metadata.json")):
        name = meta.parent.name
        if names and name not in names:
            continue
        out[name] = write_demo(meta.parent, Path(out_dir) / f"{name}.mp3")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m factory.demo", description=__doc__.splitlines()[0])
    p.add_argument("--models", type=Path, default=ROOT / "static" / "models")
    p.add_argument("--out", type=Path, default=DEFAULT_DIR)
    p.add_argument("--instrument", action="append", help="only this instrument (repeatable)")
    args = p.parse_args(argv)
    for name, size in write_all(args.models, args.out, args.instrument).items():
        print(f"{name}: {size} bytes → {args.out / (name + '.mp3')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
