"""The monitor mix (static/js/audio/mixer.js): levels, output gain, and a limiter that keeps it unclipped."""
from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.browser_io import from_b64, install_js_helpers

pytestmark = pytest.mark.e2e

MIX = """async ({instrumentLevel, voiceLevel, outputGainDb, amp}) => {
  const k = await import('/tests/build/testkit.js');
  const sr = 16000, ctx = new OfflineAudioContext(1, sr, sr);
  const inst = new OscillatorNode(ctx, {frequency: 220});
  const shaped = new GainNode(ctx, {gain: amp});
  inst.connect(shaped).connect(ctx.destination); // as the output stage leaves it: straight to the speakers
  inst.start();
  const voice = new ConstantSourceNode(ctx, {offset: 0.1});
  voice.start();
  k.mixer.createMixer(ctx, {instrument: shaped, voice, instrumentLevel, voiceLevel, outputGainDb});
  const out = await ctx.startRendering();
  return __f32ToB64(out.getChannelData(0));
}"""


def mix(page, **kw):
    install_js_helpers(page)
    args = {"instrumentLevel": 1, "voiceLevel": 0, "outputGainDb": 0, "amp": 0.1, **kw}
    return from_b64(page.evaluate(MIX, args))[4000:]  # after the first quarter second (gains settled)


def test_levels_and_gain_mix_as_set_and_the_limiter_stops_clipping(open_page):
    page, errors, _ = open_page()
    quiet = mix(page)
    assert np.max(quiet) == pytest.approx(0.1, rel=0.02), \
        "a quiet instrument passes unchanged (below the limiter's knee)"
    assert np.mean(quiet) == pytest.approx(0, abs=1e-3), "the takeover leaves no second path to the speakers, no voice"
    assert np.mean(mix(page, voiceLevel=0.5)) == pytest.approx(0.05, abs=2e-3), "the voice at half level"
    assert np.max(np.abs(mix(page, instrumentLevel=0))) < 1e-4, "instrument level 0 mutes it"
    assert np.max(mix(page, outputGainDb=6)) == pytest.approx(0.2, rel=0.03), "+6 dB doubles it"
    loud = mix(page, amp=1.0, outputGainDb=12)
    assert np.max(np.abs(loud)) <= 1.0, f"limited: peak {np.max(np.abs(loud)):.3f}"
    assert errors == []
