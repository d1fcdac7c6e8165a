"""Headless Debian Chromium, driven by Playwright, with a fake microphone fed from a WAV."""
from __future__ import annotations

import contextlib

import pytest

CHROMIUM = "/usr/bin/chromium"
BASE_ARGS = [
    "--no-sandbox",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


@pytest.fixture(scope="session")
def pw():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture
def open_page(pw, live_server):
    """open_page(wav=None, path="/") -> (page, console_errors, requests)."""
    browsers = []

    def _open(wav: str | None = None, path: str = "/", extra_args=()):
        args = list(BASE_ARGS) + list(extra_args)
        if wav:
            args.append(f"--use-file-for-fake-audio-capture={wav}")
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        browsers.append(browser)
        # bypass_csp: Playwright's wait_for_function evaluates its string with eval(), which the
        # app's CSP forbids; tests/e2e/test_security.py checks the page under the real CSP.
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                      bypass_csp=True)
        page = context.new_page()
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r))
        page.goto(live_server + path)
        # Ready once the engine Worker has measured the backends and loaded the first instrument.
        page.wait_for_function("document.body.dataset.state === 'ready'", timeout=90_000)
        return page, errors, requests

    yield _open
    for b in browsers:
        with contextlib.suppress(Exception):
            b.close()
