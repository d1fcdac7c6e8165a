"""The quick benchmark runs end to end (so it cannot rot) and its report renders."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


def test_quick_benchmark_measures_every_section_and_writes_a_report(tmp_path, pw):
    from bench.run import main

    if not list((ROOT / "static" / "models").glob("*/metadata.json")):
        pytest.fail("no shipped models: the benchmark needs at least one")
    results = main(["--quick", "--out", str(tmp_path), "--report", str(tmp_path / "benchmarks.md")], playwright=pw)
    saved = json.loads((tmp_path / "quick.json").read_text())
    assert saved.keys() >= {"engine", "cumsum", "memory", "models", "latency", "sound", "timbre", "first_load",
                           "serve_load", "decoder", "features", "webgl", "ear"}
    for r in results["engine"]:
        assert r["engineMsPerS"]["median"] > 0 and r["realTimeFactor"] > 0
    assert all(row["oursMaxErrorRad"] < 1e-3 for r in results["cumsum"] for row in r["rows"])
    assert all(m["flat"] for m in results["memory"]), "tensor count grew over the blocks"
    assert len(results["latency"]["measured_ms"]) >= 5 and results["latency"]["measured_median_ms"] > 0
    baseline = results["latency"]["worker_baseline"]  # the engine held in the Worker, for the ratio
    assert baseline["host"] == "worker" and len(baseline["measured_ms"]) >= 5
    for r in results["decoder"]:  # ours dispatches fewer kernels than the streaming graph; no tensor is left behind
        assert (r.get("cpu") or r["fused"])["kernelsPerBlock"] < r["streaming"]["kernelsPerBlock"]
        assert r["tensors"]["before"] == r["tensors"]["after"]
        if r["backend"] in ("wasm", "cpu"):  # the CPU decoder dispatches no kernel at all
            assert r["cpu"]["kernelsPerBlock"] == 0
    for p in results["webgl"]["paths"]:  # the GPU voice: one upload and one read-back, fewer programs than the old path
        old, voice = (next(row for row in p["rows"] if row["path"] == name)
                      for name in ("graph + JS synth", "GPU voice"))
        assert (voice["uploads"], voice["readBacks"]) == (1, 1) and voice["programs"] < old["programs"]
        assert all(row["tensorsFlat"] for row in p["rows"])
    assert {(row["nFft"], row["yinMethod"]) for row in results["features"]["rows"]} >= {(512, "fft"), (512, "direct")}
    for t in results["timbre"].values():  # both distances measured against all 7 presets
        assert len(t["rows"]) == 7 and t["verdict"]["own_harmonic_db"] >= 0
    for name, r in results["ear"]["instruments"].items():  # both teachers measured, the ear heard all four clips
        assert r["heldout"] != r["own"] and r["heldout_distance"]["harmonic_db"] >= 0, name
        assert all(len(r["ear"][who]["top"]) == 3 for who in ("output", "own", "heldout"))
    report = (tmp_path / "benchmarks.md").read_text()
    assert "## Engine speed" in report and "## Latency" in report and "## Timbre" in report
    assert "## Out of distribution" in report
    assert "## Decoder: ours vs the TF.js streaming graph" in report and "## Features: YIN by FFT" in report
    assert "## WebGL: one read-back a block" in report
    assert (tmp_path / "img" / "bench_cumsum.png").stat().st_size > 1000
