"""The server: page, static files, manifest, isolation headers, and no way in for audio."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import ISOLATION_HEADERS, create_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def static_dir(tmp_path):
    """A copy of static/ without models, so tests control what the manifest sees."""
    d = tmp_path / "static"
    shutil.copytree(ROOT / "static", d, ignore=shutil.ignore_patterns("models", "build"))
    (d / "models").mkdir()
    return d


def add_model(static_dir: Path, name: str, meta, with_model=True):
    d = static_dir / "models" / name
    d.mkdir(parents=True)
    (d / "metadata.json").write_text(meta if isinstance(meta, str) else json.dumps(meta))
    if with_model:
        (d / "model.json").write_text("{}")


GOOD = {"name": "Bansuri", "sample_rate": 16000, "frame_rate": 250, "n_harmonics": 40, "n_noise": 33}


def test_page_is_served_with_cross_origin_isolation_headers(static_dir):
    client = TestClient(create_app(static_dir))
    res = client.get("/")
    assert res.status_code == 200
    assert "Sing" in res.text and "/static/build/app.js" in res.text
    for k, v in ISOLATION_HEADERS.items():
        assert res.headers[k] == v


def test_static_files_carry_isolation_headers_too(static_dir):
    res = TestClient(create_app(static_dir)).get("/static/css/app.css")
    assert res.status_code == 200
    assert res.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_manifest_is_empty_without_models(static_dir):
    res = TestClient(create_app(static_dir)).get("/models/manifest.json")
    assert res.json() == {"models": [], "errors": []}


def test_manifest_lists_models_and_skips_broken_ones_with_a_reason(static_dir):
    add_model(static_dir, "bansuri", GOOD)
    add_model(static_dir, "broken", "{not json")
    add_model(static_dir, "partial", {"name": "x"})
    add_model(static_dir, "orphan", GOOD, with_model=False)
    res = TestClient(create_app(static_dir)).get("/models/manifest.json")
    assert res.status_code == 200
    body = res.json()
    assert [m["id"] for m in body["models"]] == ["bansuri"]
    assert body["models"][0]["url"] == "/static/models/bansuri/model.json"
    errors = {e["model"]: e["error"] for e in body["errors"]}
    assert "not valid JSON (line 1" in errors["broken"]
    assert "missing keys sample_rate, frame_rate, n_harmonics, n_noise" in errors["partial"]
    assert "no model.json" in errors["orphan"]


def test_no_route_accepts_a_request_body(static_dir):
    app = create_app(static_dir)
    for route in app.routes:
        methods = getattr(route, "methods", None) or set()
        assert methods <= {"GET", "HEAD"}, f"{route.path} accepts {methods}"
    client = TestClient(app)
    for path in ("/", "/models/manifest.json", "/static/css/app.css"):
        assert client.post(path, content=b"\x00" * 16).status_code in (404, 405)


def test_shipped_models_all_appear_in_the_real_manifest():
    body = TestClient(create_app()).get("/models/manifest.json").json()
    shipped = sorted(p.parent.name for p in (ROOT / "static" / "models").glob("*/metadata.json"))
    assert body["errors"] == []
    assert sorted(m["id"] for m in body["models"]) == shipped
