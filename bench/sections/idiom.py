"""Idiom: each instrument playing a sung phrase no model trained on, in its own idiom (bench/idiom.py)."""
from __future__ import annotations

from bench.idiom import bench_idiom, idiom_section
from bench.sections.common import Context

KEY = "idiom"
HEADING = "## Idiom:"
IN_QUICK = False


def measure(ctx: Context) -> dict:
    return bench_idiom(ctx.metas)


def render(r: dict) -> list[str]:
    return idiom_section(r)
