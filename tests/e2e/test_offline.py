"""Offline: after one visit the page loads and plays with the network off; a new deploy's
service worker replaces the old cache."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import STATIC_DIR
from tests.e2e.conftest import BASE_ARGS, CHROMIUM
from tests.serving import served_app
from tests.signals import sung_vowel, write_wav

pytestmark = pytest.mark.e2e

WAIT_CONTROLLED = """async () => {
  const reg = await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise(r => navigator.serviceWorker.addEventListener('controllerchange', r, {once: true}));
  }
  return {scope: reg.scope, caches: await caches.keys()};
}"""


def launch(pw, wav=None):
    args = list(BASE_ARGS) + ([f"--use-file-for-fake-audio-capture={wav}"] if wav else [])
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    return browser, context


def test_after_one_visit_the_page_loads_and_plays_offline(pw, live_server, tmp_path):
    audio, _ = sung_vowel(220.0, seconds=12.0, sample_rate=48000)
    browser, context = launch(pw, write_wav(tmp_path / "a3.wav", audio, 48000))
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(live_server + "/")
        sw = page.evaluate(WAIT_CONTROLLED)
        assert sw["scope"] == live_server + "/" and len(sw["caches"]) == 1
        context.set_offline(True)
        # the network is really off (this file is not precached)
        with pytest.raises(Exception, match="Failed to fetch"):
            page.evaluate("fetch('/static/js/page/ui.js', {cache: 'no-store'}).then(r => r.status)")
        page.reload()
        page.wait_for_selector("#sing:not([disabled])", timeout=60_000)
        assert page.evaluate("crossOriginIsolated") is True, "the cached page keeps its isolation headers"
        assert page.locator("#instrument-list .chip").count() >= 1, "the models manifest came from the cache"
        page.click("#sing")
        page.wait_for_function("document.getElementById('status-text').textContent.startsWith('Playing')",
                               timeout=60_000)
        page.wait_for_function("document.getElementById('note').textContent === 'Dha'", timeout=20_000)
        assert errors == []
    finally:
        browser.close()


def test_a_new_deploy_replaces_the_old_cache(pw, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR, static, ignore=shutil.ignore_patterns("*.map"))
    sw = static / "build" / "sw.js"
    with served_app(static) as url:
        browser, context = launch(pw)
        try:
            page = context.new_page()
            page.goto(url + "/")
            old = page.evaluate(WAIT_CONTROLLED)["caches"]
            assert len(old) == 1
            # A new deploy: a different version baked into sw.js (as any changed asset gives).
            text = sw.read_text()
            new_text = re.sub(r"swara-[0-9a-f]{16}", "swara-00000000feedbeef", text)
            assert new_text != text, "sw.js names its cache swara-<16 hex digits of the version>"
            sw.write_text(new_text)
            page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
            for _ in range(100):  # up to 20 s: the new worker precaches the app, then activates
                keys = page.evaluate("caches.keys()")
                if keys == ["swara-00000000feedbeef"]:
                    break
                page.wait_for_timeout(200)
            assert keys == ["swara-00000000feedbeef"], f"caches after the new deploy: {keys} (was {old})"
        finally:
            browser.close()


def test_chromium_finds_the_app_installable(pw, live_server, tmp_path):
    """Chromium's own installability check (manifest, icons, service worker with a fetch
    handler) finds nothing missing; a real profile, since incognito is never installable."""
    context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
                                                    args=list(BASE_ARGS), bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.evaluate(WAIT_CONTROLLED)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        assert cdp.send("Page.getAppManifest")["errors"] == []
    finally:
        context.close()
