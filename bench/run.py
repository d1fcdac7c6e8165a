"""`python -m bench.run [--quick] [--only SECTIONS] [--out DIR] [--report PATH]`

Measures, in one run on this machine, every section of bench/sections (in the report's order):
engine speed per backend and instrument, the decoder paths, WebGL's costs, features, cumsum (ours
vs tf.cumsum vs JS float64), memory over 1,000 blocks and peak GPU bytes, model bytes and load
time, latency (algorithmic and measured mic-to-output), the live page, a 10-minute soak, the
analysis window, sound quality, timbre (each instrument against SoundFont presets,
factory.timbre), out of distribution (a held-out teacher and an outside ear, factory.judge),
first-load weight, serving under load (wrk, 200 clients for 30 s).
Writes bench/results/latest.json and docs/benchmarks.md with PNG plots.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import Pages, playwright_session  # noqa: E402
from bench.sections import SECTIONS, in_quick  # noqa: E402
from bench.sections.common import Context, model_rate_voice, shipped_models  # noqa: E402
from tests.serving import served_app  # noqa: E402


def started() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def measure(names: list[str], quick: bool, tmp: Path, playwright=None, on_measured=None) -> dict:
    """{name: result} for the sections `names`, measured in that order in one served app and browser;
    `on_measured(name, results)` is called after each (e.g. to save it at once)."""
    metas = shipped_models()
    if not metas:
        raise SystemExit("no models in static/models: run `python build_models.py` first")
    voice, f0_hz = model_rate_voice(metas[0], 0.5 if quick else 1.0)
    results = {}
    with served_app() as base, playwright_session(playwright) as pw:
        pages = Pages(pw, base)
        ctx = Context(pages=pages, metas=metas, voice=voice, f0_hz=f0_hz, tmp=tmp, quick=quick)
        try:
            for name in names:
                print(f"{name}:")
                results[name] = SECTIONS[name].measure(ctx)
                if on_measured:
                    on_measured(name, results)
        finally:
            pages.close()
    return results


def run(quick: bool, out_dir: Path, report_path: Path | None, tmp: Path, playwright=None) -> dict:
    """Runs every section (those IN_QUICK for --quick); saves the results, writes the report."""
    results = {"quick": quick, "started": started(),
               "machine": {"platform": platform.platform(), "python": platform.python_version()}}
    names = [name for name, section in SECTIONS.items() if in_quick(section) or not quick]
    results.update(measure(names, quick, tmp, playwright))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / ("quick.json" if quick else "latest.json")).write_text(json.dumps(results, indent=1))
    if report_path is not None:
        from bench.report import write_report

        write_report(results, report_path)
    return results


def run_only(names: list[str], out_dir: Path, report_path: Path | None, tmp: Path, playwright=None) -> dict:
    """Runs only the sections `names` as the full run does; saves <out_dir>/only.json and replaces
    those sections of the existing report as soon as each one is measured."""
    from bench.report import update_sections

    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        raise SystemExit(f"--only: unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    stamp = started()
    out_dir.mkdir(parents=True, exist_ok=True)

    def save(name: str, results: dict) -> None:
        (out_dir / "only.json").write_text(json.dumps({"started": stamp, **results}, indent=1))
        if report_path is not None:
            update_sections({"started": stamp, name: results[name]}, report_path,
                            measured=names[: names.index(name) + 1])

    return {"started": stamp, **measure(names, False, tmp, playwright, on_measured=save)}


def main(argv=None, playwright=None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="seconds, not minutes: one instrument, few repeats (CI)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--report", type=Path, default=None,
                   help="markdown report (default docs/benchmarks.md for a full run)")
    p.add_argument("--only", default=None, metavar="SECTIONS",
                   help=f"comma-separated sections to run alone ({', '.join(SECTIONS)}); replaces just those "
                   "in the report")
    args = p.parse_args(argv)
    report = args.report or (None if args.quick else ROOT / "docs" / "benchmarks.md")
    with tempfile.TemporaryDirectory(prefix="swara-bench-") as tmp:
        if args.only:
            return run_only(args.only.split(","), args.out, report, Path(tmp), playwright)
        return run(args.quick, args.out, report, Path(tmp), playwright)


if __name__ == "__main__":
    main()
