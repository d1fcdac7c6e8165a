"""A served app plus headless Chromium pages for the benchmarks (same setup as the e2e tests)."""
from __future__ import annotations

import contextlib

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--enable-unsafe-swiftshader", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
]


class Pages:
    """Opens app pages (one browser per fake-mic file), with the base64 helpers installed."""

    def __init__(self, playwright, base_url):
        self.pw = playwright
        self.base_url = base_url
        self.browsers = []

    def open(self, query: str = "", wav: str | None = None, timeout_ms: int = 120_000, executable: str = CHROMIUM):
        """`executable`: the browser binary, or a launcher that execs it (e.g. inside a cgroup)."""
        from tests.e2e.browser_io import install_js_helpers

        args = list(ARGS) + ([f"--use-file-for-fake-audio-capture={wav}"] if wav else [])
        browser = self.pw.chromium.launch(executable_path=executable, headless=True, args=args)
        self.browsers.append(browser)
        page = browser.new_page(bypass_csp=True)  # wait_for_function uses eval(); the CSP forbids it
        page.set_default_timeout(timeout_ms)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{self.base_url}/{query}")
        page.wait_for_function("document.body.dataset.state === 'ready'", timeout=timeout_ms)
        install_js_helpers(page)
        page.errors = errors
        return page

    def close(self):
        for b in self.browsers:
            with contextlib.suppress(Exception):
                b.close()
        self.browsers = []
