"""The phone features in the page: tanpura, record and share, mix, messages, offline, screenshots."""
from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
import soundfile as sf

from tests.signals import sung_vowel, write_wav

pytestmark = pytest.mark.e2e


def sing(open_page, tmp_path, seconds=12.0, f0_hz=220.0, path="/"):
    audio, _ = sung_vowel(f0_hz, seconds=seconds, sample_rate=48000)
    page, errors, requests = open_page(write_wav(tmp_path / "voice.wav", audio, 48000), path=path)
    page.click("#sing")
    page.wait_for_function("document.getElementById('status-text').textContent.startsWith('Playing')", timeout=60_000)
    return page, errors, requests


def record_take(page, seconds: float) -> None:
    """Records `seconds` of the session with the Record button and waits for the take to show."""
    page.click("#record")
    page.wait_for_function("document.getElementById('record').getAttribute('aria-pressed') === 'true'")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("#record")
    page.wait_for_selector("#take:not([hidden])", timeout=20_000)


def fetch_take(page) -> tuple[np.ndarray, int, str]:
    """The take's WAV, read back from its blob: URL inside the page (it never leaves the page)."""
    b64 = page.evaluate("""async () => {
      const a = document.getElementById('take-download');
      const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      }
      return btoa(s);
    }""")
    audio, sr = sf.read(io.BytesIO(base64.b64decode(b64)), dtype="float32", always_2d=True)
    return audio, sr, page.get_attribute("#take-download", "download")


def test_record_a_take_while_singing_play_it_and_download_it(open_page, tmp_path):
    page, errors, requests = sing(open_page, tmp_path)
    assert page.is_enabled("#record")
    record_take(page, 2.5)
    audio, sr, filename = fetch_take(page)
    shown = page.inner_text("#record-time")
    m, s = (int(x) for x in shown.split(":"))
    assert audio.shape[1] == 1, "the instrument alone unless the voice is asked for"
    assert 2.0 < len(audio) / sr < 6.0, f"{len(audio) / sr:.2f} s recorded for about 2.5 s"
    assert m * 60 + s == int(len(audio) / sr), f"the page shows {shown} for {len(audio) / sr:.2f} s"
    assert np.sqrt(np.mean(audio ** 2)) > 1e-3, "the instrument is in the take"
    assert re.fullmatch(r"swara-[a-z0-9-]+-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.wav", filename), filename
    assert page.get_attribute("#take-audio", "src").startswith("blob:")
    assert not any(r.method != "GET" for r in requests), "nothing is uploaded"
    assert errors == []


def test_the_dry_voice_can_be_the_second_track(open_page, tmp_path):
    page, errors, _ = sing(open_page, tmp_path)
    page.check("#record-dry")
    record_take(page, 1.5)
    audio, sr, _ = fetch_take(page)
    assert audio.shape[1] == 2
    voice = audio[:, 1]
    spectrum = np.abs(np.fft.rfft(voice * np.hanning(len(voice))))
    peak_hz = np.fft.rfftfreq(len(voice), 1 / sr)[np.argmax(spectrum[20:]) + 20]
    assert abs(1200 * np.log2(peak_hz / 220.0)) < 60 or peak_hz > 300, \
        "track 2 is the sung voice (A3 and its formant harmonics)"
    assert np.sqrt(np.mean(voice ** 2)) > 1e-2
    assert errors == []


def test_tanpura_mix_and_gain_controls_answer_and_are_remembered(open_page, tmp_path):
    page, errors, _ = open_page()
    page.click("#tanpura")
    page.wait_for_function("document.getElementById('tanpura').getAttribute('aria-pressed') === 'true'")
    page.fill("#tanpura-volume", "0.3")
    page.fill("#mix-voice", "0.4")
    page.fill("#output-gain", "-6")
    assert page.inner_text("#mix-voice-out") == "40%"
    assert page.inner_text("#output-gain-out") == "-6 dB"
    page.click("#tanpura")
    page.wait_for_function("document.getElementById('tanpura').getAttribute('aria-pressed') === 'false'")
    assert page.is_hidden("#message"), page.inner_text("#message")
    page.reload()
    page.wait_for_selector("#sing:not([disabled])", timeout=60_000)
    assert page.input_value("#tanpura-volume") == "0.3"
    assert page.input_value("#mix-voice") == "0.4"
    assert page.input_value("#output-gain") == "-6"
    assert errors == []


def test_every_control_is_labelled_and_reachable_by_keyboard(open_page):
    page, errors, _ = open_page()
    assert page.is_hidden("#loading"), "the loading bar goes once the instrument is ready"
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('button, input, select, a[href], canvas')]
      .filter(el => !el.closest('[hidden]'))
      .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
      .map(el => el.id || el.outerHTML.slice(0, 60))""")
    assert unlabelled == []
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.className"))
    for control in ["sing", "sa", "naming", "tanpura", "tanpura-volume", "record-dry", "octave", "semitone", "reverb",
                    "mix-instrument", "mix-voice", "output-gain"]:
        assert control in reached, f"#{control} is not reachable with Tab"
    assert any("chip" in r for r in reached), "the instrument cards are reachable with Tab"
    assert errors == []


FAILURES = {
    # name: (Chromium flags dropped, script run before the page's, what the message says, what to do)
    "denied": (["--use-fake-ui-for-media-stream"], "", "blocked", "Allow the microphone"),
    "no microphone": (["--use-fake-device-for-media-stream"], "", "No microphone", "headset"),
    "no AudioWorklet": ([], "delete window.AudioWorkletNode;", "no AudioWorklet", "current Chrome"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_each_failure_says_what_happened_and_what_to_do(pw, live_server, case):
    """Microphone denied (the prompt is not auto-accepted), no microphone (no fake device on a
    machine without one), no AudioWorklet: a message names the cause and the fix; not singing."""
    from tests.e2e.conftest import BASE_ARGS, CHROMIUM

    dropped, init_script, what, todo = FAILURES[case]
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                 args=[a for a in BASE_ARGS if a not in dropped])
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.goto(live_server + "/")
        page.wait_for_selector("#sing:not([disabled])", timeout=90_000)
        if case == "no microphone" and page.evaluate(
                "navigator.mediaDevices.enumerateDevices().then(d => d.some(x => x.kind === 'audioinput'))"):
            pytest.skip("this machine has a real microphone")
        page.click("#sing")
        page.wait_for_selector("#message:not([hidden])", timeout=20_000)
        assert what in page.inner_text("#message-what")
        assert todo in page.inner_text("#message-todo")
        assert page.get_attribute("#sing", "aria-pressed") == "false"
    finally:
        browser.close()


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_screenshots_for_review(open_page, tmp_path, width, height):
    """Writes build/screenshots/swara-WxH.png: the page singing, with a take recorded (the
    README shows copies from docs/img/). Nothing may run off the screen sideways."""
    from tests.conftest import ROOT

    page, errors, _ = sing(open_page, tmp_path, f0_hz=261.63)
    page.set_viewport_size({"width": width, "height": height})
    record_take(page, 1.5)
    page.wait_for_timeout(1500)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    out = ROOT / "build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"swara-{width}x{height}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    assert errors == []


CONTRAST = """() => {
  // WCAG 2 contrast of every visible text against its composited background (the page gradient's
  // lighter end, --bg2, as the worst case for light text).
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [r, g, b, a]; };
  const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3]));
  const lum = (rgb) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    const [r, g, b] = rgb.map(f); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const hex = getComputedStyle(document.documentElement).getPropertyValue('--bg2').trim();
  const page = parse(hex.replace(/^#(..)(..)(..)$/,
    (_, r, g, b) => `rgb(${parseInt(r, 16)},${parseInt(g, 16)},${parseInt(b, 16)})`));
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    if (!text || el.closest('[hidden]') || !el.getClientRects().length) continue;
    if (el.closest('canvas, audio, option, select')) continue;
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    let bg = page.slice(0, 3), opacity = 1;
    for (const e of chain) {
      const cs = getComputedStyle(e);
      const b = parse(cs.backgroundColor);
      if (b && b[3] > 0 && !cs.backgroundImage.includes('gradient')) bg = over(b, bg);
      // the Sing button's saffron
      if (cs.backgroundImage.includes('radial-gradient') && e.classList.contains('sing')) bg = [255, 153, 51];
      opacity *= Number(cs.opacity);
    }
    const cs = getComputedStyle(el);
    const fg = parse(cs.color);
    const color = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
    const size = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    out.push({text: text.slice(0, 30), id: el.id || el.className, ratio: ratio(color, bg), need: large ? 3 : 4.5});
  }
  return out;
}"""


def test_text_contrast_is_readable(open_page, tmp_path):
    """Every visible text meets WCAG AA contrast (4.5:1, large text 3:1), also with a take shown
    and the toggles pressed."""
    page, errors, _ = sing(open_page, tmp_path, seconds=8.0)
    page.click("#tanpura")
    record_take(page, 0.8)
    results = page.evaluate(CONTRAST)
    assert len(results) > 20
    low = [f"{r['id']} {r['text']!r}: {r['ratio']:.2f} < {r['need']}" for r in results if r["ratio"] < r["need"]]
    assert low == []
    assert errors == []


SPY_SHARE = """
// A spy in place of the system share sheet (headless Chromium has none): records what the page hands it.
navigator.canShare = (data) => !!(data && data.files && data.files.length);
navigator.share = async (data) => {
  const f = data.files[0];
  globalThis.__shared = {count: data.files.length, name: f.name, type: f.type, size: f.size, title: data.title};
};
"""


def test_share_hands_the_take_to_the_web_share_api(open_page, tmp_path):
    audio, _ = sung_vowel(220.0, seconds=8.0, sample_rate=48000)
    page, errors, requests = open_page(write_wav(tmp_path / "voice.wav", audio, 48000))
    page.context.add_init_script(SPY_SHARE)
    page.reload()
    page.wait_for_function("document.body.dataset.state === 'ready'", timeout=90_000)
    page.click("#sing")
    page.wait_for_function("document.getElementById('status-text').textContent.startsWith('Playing')", timeout=60_000)
    record_take(page, 1.0)
    page.wait_for_selector("#take-share:not([hidden])", timeout=20_000)
    n_before = len(requests)
    page.click("#take-share")
    page.wait_for_function("globalThis.__shared !== undefined", timeout=5_000)
    shared = page.evaluate("globalThis.__shared")
    size = page.evaluate("fetch(document.getElementById('take-download').href).then(r => r.blob()).then(b => b.size)")
    assert shared == {"count": 1, "name": page.get_attribute("#take-download", "download"), "type": "audio/wav",
                      "size": size, "title": shared["title"]}
    assert shared["title"].startswith("Swara: ")
    sent = [r.url for r in requests[n_before:] if not r.url.startswith("blob:")]
    assert sent == [], "sharing sends nothing to the server"
    assert errors == []
