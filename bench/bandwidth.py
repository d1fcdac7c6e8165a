"""`python -m bench.bandwidth [--instrument sitar] [--rates 16000,24000] [--steps 200]`

What a higher model sample rate costs against 16 kHz (issue 11, bandwidth): for each rate the
factory trains the instrument's shipped decoder config briefly on data rendered at that rate
(training seconds per step), exports it (bytes), and the real browser engine renders the sung
phrase with it on the WASM backend (engine ms per second of audio; the engine reads sample_rate
and hop_samples from metadata.json). What it adds: harmonics below Nyquist at the instrument's
highest training note. Writes docs/data/bandwidth.json (read by factory.report).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "data" / "bandwidth.json"


def train_and_export(name: str, rate: int, steps: int, data_minutes: float, tmp: Path) -> dict:
    """A short real training run of the shipped config at `rate`; → its metadata.json."""
    import build_models

    out = tmp / f"models_{rate}"
    rc = build_models.main(["--instrument", name, "--shipped-config", "--sample-rate", str(rate),
                            "--data-minutes", str(data_minutes), "--steps", str(steps), "--out", str(out),
                            "--work", str(tmp / "work"), "--checkpoints", str(tmp / "states"), "--no-report"])
    if rc:
        raise SystemExit(f"building {name} at {rate} Hz failed ({rc})")
    return json.loads((out / name / "metadata.json").read_text())


def engine_ms(model_dirs: dict, repeats: int) -> dict:
    """{id: benchEngine row} on the WASM backend, each model fed the phrase at its own rate."""
    from bench.browser import BACKENDS, Pages, call_bench, playwright_session
    from bench.sections.common import model_rate_voice
    from tests.serving import served_app

    with tempfile.TemporaryDirectory() as static_tmp:
        static = Path(static_tmp) / "static"
        # the app as served, plus these models (copies: the server follows no symlinks)
        shutil.copytree(ROOT / "static", static)
        for mid, d in model_dirs.items():
            shutil.copytree(d, static / "models" / mid)
        rows = {}
        with served_app(static) as base, playwright_session() as pw:
            pages = Pages(pw, base)
            try:
                page = pages.open(BACKENDS["wasm"])
                for mid, d in model_dirs.items():
                    meta = json.loads((Path(d) / "metadata.json").read_text())
                    voice, _ = model_rate_voice(meta)
                    rows[mid] = call_bench(page, "benchEngine", {"id": mid, "repeats": repeats, "warmup": 1}, voice)
            finally:
                pages.close()
    return rows


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.bandwidth", description=__doc__.splitlines()[0])
    p.add_argument("--instrument", default="sitar")
    p.add_argument("--rates", default="16000,24000")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--data-minutes", type=float, default=2.0)
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    rates = [int(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory(prefix="swara-bandwidth-") as tmp:
        tmp = Path(tmp)
        metas = {r: train_and_export(args.instrument, r, args.steps, args.data_minutes, tmp) for r in rates}
        speed = engine_ms({f"{args.instrument}-{r}": tmp / f"models_{r}" / args.instrument for r in rates},
                          args.repeats)
    rows = []
    for r, m in metas.items():
        e = speed[f"{args.instrument}-{r}"]
        top = m["f0_stats"]["max_hz"]
        rows.append({"sample_rate": r, "hop_samples": m["hop_samples"], "decoder": m["decoder"],
                     "train_steps": m["training"]["steps"], "train_sec_per_step": m["training"]["sec_per_step"],
                     "bytes": m["bytes"], "params": m["params"],
                     "engine_ms_per_s": {k: e[k]["median"] for k in ("featuresMsPerS", "decoderMsPerS",
                                                                       "synthMsPerS", "engineMsPerS")},
                     "engine_backend": e.get("backend"), "highest_note_hz": top,
                     "harmonics_at_highest_note": min(m["n_harmonics"], int(r / 2 // top))})
        print(f"{r} Hz: {rows[-1]['train_sec_per_step']} s/step, {m['bytes']} bytes, engine "
              f"{rows[-1]['engine_ms_per_s']['engineMsPerS']:.2f} ms/s, "
              f"{rows[-1]['harmonics_at_highest_note']} harmonics at {top:.0f} Hz")
    result = {"instrument": args.instrument, "steps": args.steps, "data_minutes": args.data_minutes,
              "command": "python -m bench.bandwidth " + " ".join(argv or []), "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    main()
