"""The page under the server's real Content-Security-Policy: it loads and sings on every backend.

Other e2e tests open pages with Playwright's bypass_csp (its wait_for_function uses eval()); here
the CSP is enforced, so waits poll with page.evaluate (run by the DevTools protocol, not eval()).
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from tests.e2e.browser_io import from_b64, install_js_helpers
from tests.e2e.conftest import BASE_ARGS, CHROMIUM
from tests.signals import sung_vowel, write_wav

pytestmark = pytest.mark.e2e

# Records CSP violations seen by the document (worker violations surface as page errors instead).
RECORD_VIOLATIONS = """
globalThis.__cspViolations = [];
addEventListener("securitypolicyviolation",
  (e) => globalThis.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


READY = "document.body.dataset.state === 'ready'"


def poll(page, expression: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(100)


def sing_for(page, seconds: float = 3) -> np.ndarray:
    """Taps Sing on a page under the real CSP (polled: no eval), sings `seconds`; returns what it played."""
    page.click("#sing")
    poll(page, "globalThis.swaraProbe && swaraProbe.running", 60)
    poll(page, "document.getElementById('pitch-hz').textContent !== '—'", 30)
    page.wait_for_timeout(int(seconds * 1000))
    install_js_helpers(page)
    return from_b64(page.evaluate("__f32ToB64(swaraProbe.read())"))


@pytest.mark.parametrize("query,backend", [
    ("backend=webgl", "webgl"),
    ("backend=wasm", "wasm"),
    ("backend=wasm&wasmThreads=2", "wasm"),
])
def test_page_sings_under_the_csp_without_violations(pw, live_server, tmp_path, query, backend):
    audio, _ = sung_vowel(220.0, seconds=6.0, sample_rate=48000)
    wav = write_wav(tmp_path / "a3.wav", audio, 48000)
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                 args=BASE_ARGS + [f"--use-file-for-fake-audio-capture={wav}"])
    try:
        page = browser.new_page()  # no bypass_csp: the policy is enforced
        messages = []
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
        page.add_init_script(RECORD_VIOLATIONS)
        res = page.goto(f"{live_server}/?{query}&probe=1")
        assert "default-src 'self'" in res.headers["content-security-policy"]
        poll(page, READY, 90)
        assert page.evaluate("globalThis.__cspViolations") == []
        assert [m for m in messages if "Content Security Policy" in m or m.startswith("pageerror")] == []
        status = page.text_content("#status-text")
        if backend == "webgl" and "no warm block within" in status:
            # SwiftShader (WebGL on the CPU) missed the engine's warm-up deadline on this loaded
            # machine; the same happens with the CSP bypassed. Loading under the CSP went through.
            pytest.xfail(f"webgl too slow here: {status}")
        assert page.text_content("#backend").split()[0] == backend, f"the asked-for backend did not start: {status}"
        out = sing_for(page)
        peak = float(np.max(np.abs(out))) if out.size else 0.0
        print(f"{query}: {out.size} output samples, peak {peak:.3f}")
        assert peak > 0.01, "the instrument stayed silent under the CSP"
        assert page.evaluate("globalThis.__cspViolations") == []
        assert page.evaluate("swaraProbe.errors") == []
        bad = [m for m in messages if m.startswith(("error", "pageerror")) or "Content Security Policy" in m]
        assert bad == []
    finally:
        browser.close()
