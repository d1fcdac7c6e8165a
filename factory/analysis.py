"""The analysis of audio that the factory and the page share: one source, written into every
model's metadata.json as `analysis` (the page reads it there, static/js/engine/analysis.js).

- loudness: ddsp's `compute_loudness` with an n_fft of `LOUDNESS_N_FFT` (the window every model
  was trained on; the page may analyse with a shorter one and references it back to this), floored
  at `LOUDNESS_FLOOR_DB` (ddsp's range_db): the models' silence.
- voice f0 range: the pitch tracker's search range, `F0_MIN_HZ`…`F0_MAX_HZ` (a low male voice
  to a high soprano's top).

`python -m factory.analysis static/models/*` writes the section into shipped models' metadata.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

LOUDNESS_N_FFT = 512
LOUDNESS_FLOOR_DB = -80.0
F0_MIN_HZ = 70.0
F0_MAX_HZ = 1100.0


def analysis_metadata() -> dict:
    """The `analysis` section of metadata.json."""
    return {"loudness_n_fft": LOUDNESS_N_FFT, "loudness_floor_db": LOUDNESS_FLOOR_DB,
            "f0_min_hz": F0_MIN_HZ, "f0_max_hz": F0_MAX_HZ}


def write_analysis(model_dir: Path) -> None:
    """Adds (or renews) the `analysis` section of `model_dir`/metadata.json, the rest unchanged."""
    path = Path(model_dir) / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["analysis"] = analysis_metadata()
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dirs", nargs="+", type=Path, help="static/models/<id> folders")
    args = parser.parse_args(argv)
    for d in args.model_dirs:
        if not (d / "metadata.json").is_file():
            print(f"{d}: no metadata.json", file=sys.stderr)
            return 2
        write_analysis(d)
        print(f"{d}: analysis written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
