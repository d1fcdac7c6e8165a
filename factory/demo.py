"""Listening demos: a short sung phrase, then each instrument's answer to it, as one small MP3.

`python -m factory.demo` regenerates static/demos/<name>.mp3 for every model in static/models
(the build does it after installing a model). The singer is factory.voice (the same synthetic
voice as the timbre check); the answer is factory.timbre.render_model (the decoder as shipped,
the ddsp synths, the engine's octave and loudness mapping). MP3 (MPEG-1/2 Layer III through
libsndfile): every browser plays it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from factory.dsp import HOP, SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "static" / "demos"
MAX_BYTES = 100_000
GAP_S = 0.5
PEAK = 0.7                 # both parts normalised to this peak (≈ -3 dBFS)
MP3_QUALITY = 0.3          # libsndfile compression_level (0 best quality … 1 smallest)
# A short alap-like phrase: Sa Re Ga, a glide up to Pa, back to Ga, Re (midi; None = rest).
PHRASE = [(57, 0.7), (59, 0.5), (61, 0.7), (64, 0.9), (61, 0.5), (59, 0.9), (None, 0.3)]


def _normalise(y: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    return (y * (PEAK / peak)).astype(np.float32) if peak > 0 else y.astype(np.float32)


def demo_audio(model_dir: Path) -> np.ndarray:
    """The sung phrase, a gap, the instrument's answer: [n] float32 at 16 kHz."""
    from factory import timbre
    from factory.voice import sung_phrase

    voice, f0, _ = sung_phrase(PHRASE, sample_rate=SAMPLE_RATE, seed=3)
    n = len(voice) // HOP
    voice = voice[: n * HOP]
    answer, _ = timbre.render_model(model_dir, voice, f0[: n * HOP: HOP][:n].astype(np.float32))
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
