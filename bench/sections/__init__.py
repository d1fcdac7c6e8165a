"""The benchmark's sections, in the order docs/benchmarks.md shows them.

Each module measures one thing and renders its part of the report:
    KEY        its entry in the results (bench/results/*.json)
    HEADING    how its section's title starts in docs/benchmarks.md
    measure(ctx: common.Context) -> result     (IN_QUICK = False: not run by --quick)
    render(result) -> list[str]                markdown lines, title first
    plot(result, img_dir)                      optional: the PNGs the section shows
"""
from __future__ import annotations

from bench.sections import (
    analysis_window,
    cumsum,
    decoder,
    ear,
    engine,
    features,
    first_load,
    first_note,
    idiom,
    latency,
    live,
    memory,
    models,
    serve_load,
    soak,
    sound,
    timbre,
    tonic,
    webgl,
)

SECTIONS = {s.KEY: s for s in (engine, decoder, webgl, features, tonic, cumsum, memory, models, latency, live, soak,
                               first_note, analysis_window, sound, timbre, ear, idiom, first_load, serve_load)}


def in_quick(section) -> bool:
    return getattr(section, "IN_QUICK", True)
