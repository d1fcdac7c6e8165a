"""Serving under load: wrk against `python -m app` (bench/load.py, which also runs alone)."""
from __future__ import annotations

from bench.load import QUICK, bench_serve_load, report_lines
from bench.sections.common import Context

KEY = "serve_load"
HEADING = "## Serving under load"


def measure(ctx: Context) -> dict:
    return bench_serve_load(**(QUICK if ctx.quick else {}))


def render(r: dict) -> list[str]:
    return report_lines(r)
