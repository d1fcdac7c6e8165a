"""Privacy proof: a whole session — load, sing 20 s, switch through every instrument — sends nothing.

Three independent witnesses, under the server's real CSP:
- the browser: every request Chromium makes (page and workers) is a GET without a body, to this
  origin; no WebSocket is opened;
- the page: WebSocket, RTCPeerConnection, WebTransport, EventSource and sendBeacon are never used
  (counted by wrappers installed before any page script runs);
- the server: its access log (uvicorn's, as `python -m app` writes it) holds only GETs of static
  files, the page and the manifest, all answered 200 or 304.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from urllib.parse import urlparse

import pytest

from tests.conftest import STATIC_DIR
from tests.e2e.conftest import BASE_ARGS, CHROMIUM
from tests.e2e.test_security import READY, poll
from tests.signals import PHRASE, sung_phrase, write_wav

pytestmark = pytest.mark.e2e

SING_SECONDS = 20

# Counts every use of an API that could carry audio off the phone (page scripts run after this).
WATCH_CHANNELS = """
globalThis.__channels = [];
for (const name of ["WebSocket", "RTCPeerConnection", "webkitRTCPeerConnection", "WebTransport", "EventSource"]) {
  const Real = globalThis[name];
  if (!Real) continue;
  globalThis[name] = new Proxy(Real, {
    construct(target, args) { globalThis.__channels.push(name); return Reflect.construct(target, args); },
  });
}
if (navigator.sendBeacon) {
  const real = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (...args) => { globalThis.__channels.push("sendBeacon"); return real(...args); };
}
"""


class AccessLog(logging.Handler):
    """Collects uvicorn's access-log records as (method, path, status)."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        _client, method, path, _version, status = record.args
        self.lines.append((method, path, int(status)))


@contextlib.contextmanager
def served_with_access_log():
    """The real app under uvicorn with its access log on; yields (base URL, AccessLog)."""
    import uvicorn

    from app.main import create_app
    from tests.serving import free_port

    port = free_port()
    log = AccessLog()
    server = uvicorn.Server(uvicorn.Config(create_app(STATIC_DIR), host="127.0.0.1", port=port,
                                           log_level="info", access_log=True))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    logging.getLogger("uvicorn.access").addHandler(log)
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        logging.getLogger("uvicorn.access").removeHandler(log)
        server.should_exit = True
        thread.join(timeout=10)


def is_static_get(method: str, path: str) -> bool:
    path = path.split("?", 1)[0]
    return method == "GET" and (path in ("/", "/models/manifest.json", "/sw.js") or path.startswith("/static/"))


def test_a_whole_session_sends_nothing_but_static_gets(pw, tmp_path):
    """Load, sing 20 s through every instrument, record, download: only static GETs, nothing else."""
    models = sorted(p.parent.name for p in (STATIC_DIR / "models").glob("*/metadata.json"))
    if len(models) < 2:
        pytest.fail("needs at least two shipped instruments to switch between")
    audio, _, _ = sung_phrase(PHRASE, sample_rate=48000)
    wav = write_wav(tmp_path / "phrase.wav", audio, 48000)
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                 args=BASE_ARGS + [f"--use-file-for-fake-audio-capture={wav}"])
    requests, sockets = [], []
    try:
        with served_with_access_log() as (url, access):
            context = browser.new_context(accept_downloads=True)
            context.on("request", lambda r: requests.append(r))  # the page's and its workers' requests
            page = context.new_page()
            page.on("websocket", lambda ws: sockets.append(ws.url))
            page.add_init_script(WATCH_CHANNELS)
            page.goto(url + "/")  # the default page, as a user opens it
            poll(page, READY, 120)
            page.click("#sing")
            poll(page, "document.body.dataset.state === 'singing'", 60)
            poll(page, "document.getElementById('pitch-hz').textContent !== '—'", 30)
            chips = page.eval_on_selector_all("#instrument-list [data-id]", "els => els.map((e) => e.dataset.id)")
            assert chips == models
            t0 = time.monotonic()
            for name in chips[1:] + chips[:1]:  # every instrument, ending where we began
                page.click(f"#instrument-list [data-id='{name}']")
                page.wait_for_timeout(int(SING_SECONDS * 1000 / len(chips)))
                assert page.evaluate("document.body.dataset.state") == "singing", page.text_content("#status-text")
            sung_s = time.monotonic() - t0
            page.click("#record")  # record 2 s of the instrument, then download the take
            page.wait_for_timeout(2000)
            page.click("#record")
            poll(page, "document.getElementById('take-download').href.startsWith('blob:')", 20)
            with page.expect_download() as download:
                page.click("#take-download")
            take = tmp_path / "take.wav"
            download.value.save_as(take)
            page.click("#sing")  # stop
            page.wait_for_timeout(500)
            channels = page.evaluate("globalThis.__channels")
            context.close()
            log = list(access.lines)
    finally:
        browser.close()

    print(f"sang {sung_s:.1f} s through {len(chips)} instruments: {len(requests)} browser requests, "
          f"{len(log)} access-log lines")
    assert sung_s >= SING_SECONDS
    assert take.read_bytes()[:4] == b"RIFF" and take.read_bytes()[8:12] == b"WAVE", "the download is a WAV"
    assert take.stat().st_size > 2 * 44100, "the download holds the 2 s recorded"
    assert channels == [] and sockets == []
    origin = urlparse(url)
    for r in requests:
        u = urlparse(r.url)
        assert r.method == "GET" and r.post_data_buffer is None, f"{r.method} {r.url} (body: {r.post_data_buffer!r})"
        if u.scheme in ("blob", "data"):
            continue  # made in the page (WASM worker scripts): never leaves the browser
        assert (u.hostname, u.port) == (origin.hostname, origin.port), f"off-site request: {r.url}"
    assert log, "the access log recorded nothing"
    for method, path, status in log:
        assert is_static_get(method, path) and status in (200, 304), f"access log: {method} {path} {status}"
    paths = {p for _, p, _ in log}
    assert "/models/manifest.json" in paths
    for name in models:  # every instrument was really loaded
        assert any(p.startswith(f"/static/models/{name}/") for p in paths), f"{name} was never fetched"
