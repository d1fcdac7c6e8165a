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


BACKENDS = {  # name -> page query (the page's engine Worker is pinned there too: no measuring at load)
    "webgl": "?backend=webgl&block=4",
    "wasm": "?backend=wasm&wasmThreads=0&block=4",
    "wasm-threads": "?backend=wasm&wasmThreads=2&block=4",
    "cpu": "?backend=cpu&block=4",
}


def call_bench(page, name: str, args: dict, voice=None):
    """Runs `benchkit.<name>(args)` in the page; `voice` [n] float32 arrives as args.voice."""
    from tests.e2e.browser_io import to_b64

    return page.evaluate("""async ([name, args, b64]) => {
        const k = await import('/tests/build/testkit.js');
        if (b64) args.voice = __b64ToF32(b64);
        return k.bench[name](args);
    }""", [name, args, None if voice is None else to_b64(voice)])


@contextlib.contextmanager
def playwright_session(running=None):
    """Yields a sync Playwright: `running` (e.g. the test suite's session-wide one), else a new one."""
    if running is not None:
        yield running
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw
