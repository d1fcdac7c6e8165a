"""The server: page, static files, manifest, security headers, and no way in for audio."""
from __future__ import annotations

import json
import shutil
import socket
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from app.main import ISOLATION_HEADERS, create_app
from app.security import CSP_DIRECTIVES
from factory.analysis import analysis_metadata
from tests.conftest import ROOT


@pytest.fixture
def static_dir(tmp_path):
    """A copy of static/ without models, so tests control what the manifest sees."""
    d = tmp_path / "static"
    shutil.copytree(ROOT / "static", d, ignore=shutil.ignore_patterns("models", "build"))
    (d / "models").mkdir()
    return d


SHIPPED = sorted(p.parent for p in (ROOT / "static" / "models").glob("*/metadata.json"))
# The shipped model whose graph add_model copies (40 harmonics, 33 noise bands).
GRAPH_SOURCE = next(p for p in SHIPPED if json.loads((p / "metadata.json").read_text())["n_harmonics"] == 40)


def add_model(static_dir: Path, name: str, meta, with_model=True):
    """A model dir holding `meta` as metadata.json and (with_model) a shipped model's graph and weights."""
    d = static_dir / "models" / name
    d.mkdir(parents=True)
    if with_model:
        for p in GRAPH_SOURCE.iterdir():
            if p.name != "metadata.json":
                shutil.copy(p, d / p.name)
    (d / "metadata.json").write_text(meta if isinstance(meta, str) else json.dumps(meta))


# Matches the graph add_model copies: its widths and its streaming entry (graph file, caches).
GOOD = {"name": "Bansuri", "sample_rate": 16000, "frame_rate": 250, "n_harmonics": 40, "n_noise": 33,
        "streaming": json.loads((GRAPH_SOURCE / "metadata.json").read_text())["streaming"],
        "analysis": analysis_metadata()}


def test_the_app_serves_no_test_kit():
    """The test kit is bundled into tests/build (scripts/bundle.mjs), which the app does not serve,
    and no served bundle holds any of its code."""
    client = TestClient(create_app())
    for path in ("/tests/build/testkit.js", "/static/build/testkit.js"):
        assert client.get(path).status_code == 404, path
    maps = list((ROOT / "static" / "build").rglob("*.js.map"))
    assert maps, "static/build is not bundled: run `node scripts/bundle.mjs`"
    from_kit = [m.name for m in maps if any("tests/kit" in src for src in json.loads(m.read_text())["sources"])]
    assert from_kit == [], f"served bundles built from the test kit: {from_kit}"


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
    assert body["models"][0]["url"] == "/static/models/bansuri/stream.json"
    errors = {e["model"]: e["error"] for e in body["errors"]}
    assert "not valid JSON (line 1" in errors["broken"]
    assert "missing keys sample_rate, frame_rate, n_harmonics, n_noise" in errors["partial"]
    assert "no stream.json beside it" in errors["orphan"]


def test_no_route_accepts_a_request_body(static_dir):
    app = create_app(static_dir)
    for route in app.routes:
        methods = getattr(route, "methods", None) or set()
        assert methods <= {"GET", "HEAD"}, f"{route.path} accepts {methods}"
    client = TestClient(app)
    for path in ("/", "/models/manifest.json", "/static/css/app.css", "/nowhere"):
        res = client.request("GET", path, content=b"\x00" * 16)
        assert res.status_code == 413, f"GET {path} with a body: {res.status_code}"
        assert "request bodies are not accepted" in res.text


PATHS = ("/", "/models/manifest.json", "/static/css/app.css", "/static/", "/nowhere")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"])
def test_only_get_and_head_anywhere_others_are_405(static_dir, method):
    client = TestClient(create_app(static_dir))
    for path in PATHS:
        res = client.request(method, path, content=b"x" if method in ("POST", "PUT", "PATCH") else None)
        assert res.status_code == 405, f"{method} {path}: {res.status_code}"
        assert res.headers["Allow"] == "GET, HEAD"
        assert f"{method} is not allowed" in res.text


def test_head_answers_like_get_without_a_body(static_dir):
    client = TestClient(create_app(static_dir))
    for path in ("/", "/models/manifest.json", "/static/css/app.css"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200
        assert head.content == b""
        assert head.headers["Content-Security-Policy"] == get.headers["Content-Security-Policy"]


def test_no_websocket_endpoint(static_dir):
    from starlette.websockets import WebSocketDisconnect

    client = TestClient(create_app(static_dir))
    for path in ("/", "/ws", "/static/css/app.css"):
        with pytest.raises(WebSocketDisconnect):
            with client.websocket_connect(path):
                pass


def test_no_directory_listing(static_dir):
    client = TestClient(create_app(static_dir))
    add_model(static_dir, "bansuri", GOOD)
    for path in ("/static/", "/static/css/", "/static/js/", "/static/models/", "/static/models/bansuri/"):
        res = client.get(path)
        assert res.status_code == 404, path
        assert "metadata.json" not in res.text and "app.css" not in res.text, res.text


# Ways of writing "one level above static/" (plus absolute paths); the served folder is
# tmp/static and tmp/secret.txt must never come back.
TRAVERSALS = [
    "/static/../secret.txt",
    "/static/css/../../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/secret.txt",
    "/static/.%2e/secret.txt",
    "/static/..%2fsecret.txt",
    "/static/..%2Fsecret.txt",
    "/static/css/..%2f..%2fsecret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/..\\secret.txt",
    "/static/..%5csecret.txt",
    "/static/..%5Csecret.txt",
    "/static/%252e%252e/secret.txt",
    "/static/%252e%252e%252fsecret.txt",
    "/static/..%252fsecret.txt",
    "/static/%c0%ae%c0%ae/secret.txt",
    "/static/..%00/secret.txt",
    "/static//../secret.txt",
    "/static/%2fsecret.txt",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/models/../../secret.txt",
    "/static/link.txt",
]
SECRET = "the-secret-beside-static"


@pytest.fixture
def guarded(static_dir):
    """static_dir with a secret file beside it and a symlink inside pointing at it."""
    (static_dir.parent / "secret.txt").write_text(SECRET)
    (static_dir / "link.txt").symlink_to(static_dir.parent / "secret.txt")
    return static_dir


def test_no_path_traversal_out_of_static_via_the_test_client(guarded):
    client = TestClient(create_app(guarded))
    for target in TRAVERSALS:
        res = client.get(target)
        assert res.status_code in (400, 404), f"{target}: {res.status_code}"
        assert SECRET not in res.text and "root:" not in res.text, target


def raw_get(base_url: str, target: str) -> tuple[int, bytes]:
    """Sends `GET target` byte for byte (no client normalisation of dots or escapes) → (status, body)."""
    url = urlparse(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_no_path_traversal_out_of_static_over_raw_http(guarded):
    from tests.serving import served_app

    with served_app(guarded) as url:
        assert raw_get(url, "/static/css/app.css")[0] == 200
        for target in TRAVERSALS:
            status, body = raw_get(url, target)
            assert status in (400, 404), f"{target}: {status}"
            assert SECRET.encode() not in body and b"root:" not in body, target


def test_security_headers_on_every_kind_of_response(static_dir):
    client = TestClient(create_app(static_dir))
    responses = {"page": client.get("/"), "css": client.get("/static/css/app.css"),
                 "manifest": client.get("/models/manifest.json"), "404": client.get("/static/nope.js"),
                 "405": client.post("/"), "400": client.get("/static/%252e")}
    for kind, res in responses.items():
        for k, v in ISOLATION_HEADERS.items():
            assert res.headers[k] == v, f"{kind}: {k}"
        assert res.headers["X-Content-Type-Options"] == "nosniff", kind
        assert res.headers["Referrer-Policy"] == "no-referrer", kind
        policy = dict(p.strip().split("=", 1) for p in res.headers["Permissions-Policy"].split(","))
        assert policy["microphone"] == "(self)" and policy["camera"] == "()", kind
        assert res.headers["Content-Security-Policy"].startswith("default-src 'self';"), kind


def test_even_a_server_error_carries_the_security_headers(static_dir):
    app = create_app(static_dir)

    async def broken():
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken, methods=["GET"])
    res = TestClient(app, raise_server_exceptions=False).get("/broken")
    assert res.status_code == 500
    assert res.headers["Content-Security-Policy"].startswith("default-src 'self';")
    assert res.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert res.headers["Cache-Control"] == "no-store"


def test_csp_allows_only_this_origin_and_no_inline_or_eval():
    sources = {k: v.split() for k, v in CSP_DIRECTIVES.items()}
    assert sources["default-src"] == ["'self'"]
    for directive, allowed in sources.items():
        assert "'unsafe-inline'" not in allowed and "'unsafe-eval'" not in allowed, directive
        assert "*" not in allowed, directive
        assert "data:" not in allowed or directive == "img-src", directive
        assert not any(s.startswith(("http", "ws")) for s in allowed), directive
    assert "'wasm-unsafe-eval'" in sources["script-src"]
    assert sources["style-src"] == ["'self'"] and sources["connect-src"] == ["'self'"]
    assert sources["object-src"] == sources["base-uri"] == sources["frame-ancestors"] == ["'none'"]


class InlineFinder(HTMLParser):
    """Collects what a no-inline CSP would block: inline scripts, <style>, style= and on*= attributes."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        self._in_script = tag == "script" and "src" not in attrs
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline script {data.strip()[:40]!r}")

    def handle_endtag(self, tag):
        self._in_script = False


def test_page_has_no_inline_script_or_style(static_dir):
    finder = InlineFinder()
    finder.feed(TestClient(create_app(static_dir)).get("/").text)
    assert finder.found == []


def test_hashed_chunks_are_cached_for_a_year_and_everything_else_revalidates(static_dir):
    # scripts/bundle.mjs names split chunks by content hash: a new build never reuses a name.
    assert 'chunkNames: "chunks/[name]-[hash]"' in (ROOT / "scripts" / "bundle.mjs").read_text()
    (static_dir / "build" / "chunks").mkdir(parents=True)
    (static_dir / "build" / "chunks" / "chunk-ABCD1234.js").write_text("export const x = 1;\n")
    (static_dir / "build" / "app.js").write_text("import './chunks/chunk-ABCD1234.js';\n")
    add_model(static_dir, "bansuri", GOOD)
    client = TestClient(create_app(static_dir))
    assert client.get("/static/build/chunks/chunk-ABCD1234.js").headers["Cache-Control"] == \
        "public, max-age=31536000, immutable"
    for path in ("/", "/models/manifest.json", "/static/build/app.js", "/static/css/app.css",
                 "/static/models/bansuri/stream.json", "/static/models/bansuri/metadata.json"):
        assert client.get(path).headers["Cache-Control"] == "no-cache", path
    # "no-cache" costs one revalidation: an unchanged file answers 304 with no body.
    first = client.get("/static/models/bansuri/stream.json")
    again = client.get("/static/models/bansuri/stream.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/static/nope.js").headers["Cache-Control"] == "no-store"


def test_unknown_model_is_a_404_that_says_which_models_exist(static_dir):
    add_model(static_dir, "bansuri", GOOD)
    add_model(static_dir, "sitar", GOOD)
    client = TestClient(create_app(static_dir))
    res = client.get("/static/models/nope/stream.json")
    assert res.status_code == 404
    assert res.text == "unknown model 'nope': the models are bansuri, sitar (see /models/manifest.json)\n"
    res = client.get("/static/models/bansuri/group1-shard9of9.bin")
    assert res.status_code == 404
    assert res.text == "model 'bansuri' has no file 'group1-shard9of9.bin'\n"


def test_shipped_models_all_appear_in_the_real_manifest():
    body = TestClient(create_app()).get("/models/manifest.json").json()
    shipped = sorted(p.parent.name for p in (ROOT / "static" / "models").glob("*/metadata.json"))
    assert body["errors"] == []
    assert sorted(m["id"] for m in body["models"]) == shipped
