"""The tanpura player (static/js/audio/tanpura-player.js) in a real Web Audio graph (OfflineAudioContext)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.browser_io import from_b64, install_js_helpers

pytestmark = pytest.mark.e2e

RENDER = """async ({saHz, volume, stopAt, newSaAt, newSaHz}) => {
  const k = await import('/tests/build/testkit.js');
  const sr = 16000, ctx = new OfflineAudioContext(1, 4 * sr, sr);
  const t = k.tanpura.createTanpura(ctx, {volume});
  t.start(saHz);
  if (newSaAt) ctx.suspend(newSaAt).then(() => { t.setSa(newSaHz); ctx.resume(); });
  if (stopAt) ctx.suspend(stopAt).then(() => { t.stop(); ctx.resume(); });
  const out = await ctx.startRendering();
  return {audio: __f32ToB64(out.getChannelData(0)), playing: t.playing};
}"""


def rms(x):
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else 0.0


def render(page, **kw):
    install_js_helpers(page)
    r = page.evaluate(RENDER, {"saHz": 130.81, "volume": 0.5, "stopAt": 0, "newSaAt": 0, "newSaHz": 0, **kw})
    return from_b64(r["audio"]), r["playing"]


def test_tanpura_plays_its_volume_and_stops_after_a_fade(open_page):
    page, errors, _ = open_page()
    full, playing = render(page)
    assert playing and rms(full[16000:]) > 0.02, "the drone plays"
    half, _ = render(page, volume=0.25)
    assert rms(half[16000:]) == pytest.approx(rms(full[16000:]) / 2, rel=0.02), "volume scales the output"
    stopped, playing = render(page, stopAt=2.0)
    assert not playing
    assert rms(stopped[int(2.6 * 16000):]) == 0.0, "silent once the 0.4 s fade has ended"
    assert rms(stopped[16000:32000]) > 0.02
    assert errors == []


def test_a_new_sa_cross_fades_to_the_new_drone(open_page):
    page, errors, _ = open_page()
    moved, playing = render(page, newSaAt=1.0, newSaHz=196.0)
    assert playing
    tail = moved[int(1.6 * 16000):]
    spectrum = np.abs(np.fft.rfft(tail * np.hanning(len(tail))))
    freqs = np.fft.rfftfreq(len(tail), 1 / 16000)
    def level(f):
        return spectrum[np.argmin(np.abs(freqs - f))]
    assert level(196.0) > 10 * level(130.81), "after the cross-fade the drone is in the new Sa"
    assert errors == []
