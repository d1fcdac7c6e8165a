"""Offline pieces served by the app: /sw.js (built by scripts/bundle.mjs) and the web app manifest."""
from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from app.main import STATIC_DIR, create_app


@pytest.fixture(scope="module")
def client():
    if not (STATIC_DIR / "build" / "sw.js").is_file():
        pytest.fail("static/build/sw.js is missing: run `make bundle` (make test does it)")
    return TestClient(create_app(STATIC_DIR))


def precache_of(sw_text: str) -> list[str]:
    return json.loads(re.search(r'(\["/",.*?\])', sw_text).group(1))


def test_service_worker_is_served_from_the_root_uncached_and_precaches_the_app(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache", "a new deploy must reach the browser at once"
    urls = precache_of(r.text)
    shell = {"/", "/models/manifest.json", "/static/build/app.js", "/static/css/app.css",
             "/static/manifest.webmanifest"}
    assert shell <= set(urls)
    for meta_path in sorted((STATIC_DIR / "models").glob("*/metadata.json")):
        model = meta_path.parent
        graph = json.loads(meta_path.read_text())["streaming"]["model"]
        shards = [p for g in json.loads((model / graph).read_text())["weightsManifest"] for p in g["paths"]]
        # What the page fetches of a model, and nothing else of its folder.
        assert sorted(u for u in urls if u.startswith(f"/static/models/{model.name}/")) == sorted(
            f"/static/models/{model.name}/{f}" for f in ("metadata.json", graph, *shards))
    assert any(u.endswith(".wasm") for u in urls)
    assert not any(u.endswith(".map") or "testkit" in u for u in urls), "no source maps, no test kit"
    for u in urls:
        assert client.get(u).status_code == 200, f"precached {u} is not served"


def test_a_missing_service_worker_is_a_clear_404(tmp_path):
    r = TestClient(create_app(tmp_path)).get("/sw.js")
    assert r.status_code == 404 and "make bundle" in r.text


def test_web_app_manifest_is_installable(client):
    r = client.get("/static/manifest.webmanifest")
    assert r.status_code == 200
    m = json.loads(r.text)
    assert m["start_url"] == "/" and m["display"] == "standalone" and m["name"] and m["short_name"]
    sizes = {i["sizes"] for i in m["icons"] if i["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes, "installable needs 192 and 512 px icons"
    for icon in m["icons"]:
        assert client.get(icon["src"]).status_code == 200
    page = client.get("/").text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
