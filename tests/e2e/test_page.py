"""The page, end to end in headless Chromium with a fake microphone."""
from __future__ import annotations

from urllib.parse import urlparse

import numpy as np
import pytest

from tests.signals import cents, sung_vowel, write_wav

pytestmark = pytest.mark.e2e


def read_pitch_readings(page, seconds: float) -> list[float]:
    """Samples the on-screen Hz readout every 50 ms."""
    readings = []
    for _ in range(int(seconds / 0.05)):
        text = page.inner_text("#pitch-hz").strip()
        if text not in ("", "—"):
            readings.append(float(text))
        page.wait_for_timeout(50)
    return readings


def test_page_loads_without_console_errors_and_shows_a_backend(open_page):
    page, errors, _ = open_page()
    assert page.text_content("#backend") in {"webgl", "wasm", "cpu"}
    assert page.evaluate("crossOriginIsolated") is True, "COOP/COEP headers must isolate the page"
    assert page.is_enabled("#sing")
    assert errors == []


def test_pitch_readout_within_20_cents_of_a_sung_a3(open_page, tmp_path):
    f0_hz = 220.0
    audio, _ = sung_vowel(f0_hz, seconds=6.0, sample_rate=48000)
    page, errors, _ = open_page(write_wav(tmp_path / "a3.wav", audio, 48000))
    page.click("#sing")
    page.wait_for_function("document.getElementById('pitch-hz').textContent !== '—'", timeout=20_000)
    readings = read_pitch_readings(page, 3.0)
    assert len(readings) > 20, f"too few voiced readings: {readings}"
    error_cents = float(np.median(cents(readings, f0_hz)))
    assert abs(error_cents) <= 20, f"median pitch readout {np.median(readings):.1f} Hz is {error_cents:.1f} cents off"
    assert page.inner_text("#note") == "A3"
    assert float(page.inner_text("#level-db")) > -40
    assert errors == []


def test_page_makes_only_get_requests_for_static_assets_and_the_manifest(open_page, tmp_path, live_server):
    audio, _ = sung_vowel(196.0, seconds=3.0)
    page, _, requests = open_page(write_wav(tmp_path / "g3.wav", audio, 48000))
    page.click("#sing")
    page.wait_for_timeout(2000)
    assert requests, "the page made no requests at all?"
    origin = urlparse(live_server)
    for r in requests:
        url = urlparse(r.url)
        assert r.method == "GET", f"{r.method} {r.url}"
        assert r.post_data_buffer is None, f"{r.url} sent a body"
        if url.scheme in ("data", "blob"):
            continue
        assert (url.hostname, url.port) == (origin.hostname, origin.port), f"off-site request: {r.url}"
        assert url.path == "/" or url.path.startswith("/static/") or url.path == "/models/manifest.json", r.url


def test_phone_screenshot_while_singing(open_page, tmp_path):
    """Writes the 390x844 screenshot of the page in use (build/screenshot.png; README shows a copy)."""
    from tests.conftest import ROOT

    audio, _ = sung_vowel(261.63, seconds=6.0)
    page, errors, _ = open_page(write_wav(tmp_path / "c4.wav", audio, 48000), path="/?backend=wasm")
    page.click("#sing")
    page.wait_for_function("document.getElementById('pitch-hz').textContent !== '—'", timeout=20_000)
    page.wait_for_timeout(1500)
    out = ROOT / "build"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "screenshot.png"), full_page=True)
    assert (out / "screenshot.png").stat().st_size > 10_000
    assert page.text_content("#sing") .strip() == "Stop"
    assert errors == []
