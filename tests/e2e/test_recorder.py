"""The recorder (static/js/audio/recorder.js + recorder-processor): a valid WAV of the right length."""
from __future__ import annotations

import base64
import io

import numpy as np
import pytest
import soundfile as sf

pytestmark = pytest.mark.e2e

RECORD = """async ({withVoice, startAt, stopAt, seconds}) => {
  const k = await import('/tests/build/testkit.js');
  const sr = 48000, ctx = new OfflineAudioContext(1, seconds * sr, sr);
  const osc = new OscillatorNode(ctx, {frequency: 440});
  osc.start();
  const voice = withVoice ? new ConstantSourceNode(ctx, {offset: 0.25}) : null;
  if (voice) voice.start();
  const rec = await k.recorder.startRecorder(ctx, {instrument: osc, voice, startAt, stopAt});
  await ctx.startRendering();
  const r = await rec.stop();
  const bytes = new Uint8Array(r.wav);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return {wav: btoa(s), seconds: r.seconds, tracks: r.tracks};
}"""


def record(page, **kw):
    r = page.evaluate(RECORD, {"withVoice": False, "startAt": 0.5, "stopAt": 2.5, "seconds": 3, **kw})
    audio, sr = sf.read(io.BytesIO(base64.b64decode(r["wav"])), dtype="float32", always_2d=True)
    return r, audio, sr


def test_recording_is_a_valid_wav_of_exactly_the_recorded_span(open_page):
    """Recording from 0.5 s to 2.5 s of the context clock gives 2.000 s (96 000 frames at 48 kHz):
    the window is sample-exact, not rounded to 128-frame render quanta."""
    page, errors, _ = open_page()
    r, audio, sr = record(page, startAt=0.5012, stopAt=2.5031)
    assert sr == 48000 and audio.shape == (round(2.5031 * 48000) - round(0.5012 * 48000), 1)
    assert r["seconds"] == pytest.approx(2.0019, abs=1 / 48000)
    # the 440 Hz oscillator, whole: its zero crossings are 440 per second
    crossings = np.count_nonzero(np.diff(np.signbit(audio[:, 0]))) / (len(audio) / sr)
    assert crossings == pytest.approx(880, abs=2)
    assert np.max(np.abs(audio)) == pytest.approx(1.0, abs=1e-3)
    assert errors == []


def test_dry_voice_is_the_second_track(open_page):
    page, errors, _ = open_page()
    r, audio, sr = record(page, withVoice=True)
    assert r["tracks"] == 2 and audio.shape == (96000, 2)
    assert np.allclose(audio[:, 1], 0.25, atol=1 / 32767), "track 2 is the voice (here a constant 0.25)"
    assert np.max(np.abs(audio[:, 0])) > 0.99, "track 1 is the instrument"
    assert errors == []
