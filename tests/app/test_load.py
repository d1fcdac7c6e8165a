"""The load benchmark's tool chain (bench/load.py): the paths it fetches exist, and a short wrk
run against `python -m app` finishes without a single error. The 200-client, 30 s run is `make bench`."""
from __future__ import annotations

import json
import shutil

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT


@pytest.fixture
def paths():
    from bench.load import first_visit_paths

    if not (ROOT / "static" / "build" / "app.js").is_file():
        pytest.fail("static/build/app.js is missing: run `make bundle` (make test does it)")
    return first_visit_paths()


def test_first_visit_paths_are_the_page_bundle_manifest_and_one_whole_model(paths):
    from app.main import create_app

    client = TestClient(create_app())
    assert paths[:3] == ["/", "/static/css/app.css", "/static/build/app.js"]
    assert "/static/build/engine-worker.js" in paths
    scripts = [ROOT / p.lstrip("/") for p in paths if p.startswith("/static/build/") and p.endswith(".js")]
    assert max(p.stat().st_size for p in scripts) > 500_000, "the engine Worker's TF.js is not fetched"
    assert any(p.endswith(".wasm") for p in paths)
    assert "/models/manifest.json" in paths
    # one model, whole: its graph and every shard the graph names, nothing of another model
    model_paths = [p for p in paths if p.startswith("/static/models/")]
    model_ids = {p.split("/")[3] for p in model_paths}
    assert len(model_ids) == 1, model_ids
    folder = ROOT / "static" / "models" / model_ids.pop()
    graph_name = json.loads((folder / "metadata.json").read_text())["streaming"]["model"]
    graph = json.loads((folder / graph_name).read_text())
    files = [graph_name] + [shard for g in graph["weightsManifest"] for shard in g["paths"]]
    assert sorted(model_paths) == sorted(f"/static/models/{folder.name}/{f}" for f in files)
    for p in paths:
        assert client.get(p).status_code == 200, p


def test_a_short_wrk_run_against_the_served_app_has_no_errors(paths):
    from bench.load import run_wrk, served

    if shutil.which("wrk") is None:
        pytest.fail("wrk is missing: `make system-deps` installs the Debian package")
    with served() as base:
        result = run_wrk(base, paths, clients=10, seconds=2)
    print(f"10 clients × 2 s: {result['requests']} requests, latency p50 {result['latency_ms']['p50']} ms, "
          f"p99 {result['latency_ms']['p99']} ms")
    assert result["errors"] == {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    assert result["requests"] >= len(paths), "not even one round of a first visit was served"
