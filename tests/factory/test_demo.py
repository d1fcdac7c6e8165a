"""factory.demo: a small MP3 per instrument, the sung phrase then the instrument's answer."""
from __future__ import annotations

import numpy as np
import pytest

from tests.quick_build import QUICK_INSTRUMENT, quick_models

pytestmark = pytest.mark.build


def test_demo_is_a_small_mp3_with_the_phrase_a_silent_gap_and_the_answer(tmp_path_factory, tmp_path):
    import soundfile as sf

    from factory import demo

    models, _ = quick_models(tmp_path_factory)
    size = demo.write_demo(models / QUICK_INSTRUMENT, tmp_path / "d.mp3")
    assert size == (tmp_path / "d.mp3").stat().st_size <= demo.MAX_BYTES
    y, sr = sf.read(str(tmp_path / "d.mp3"), dtype="float32")
    assert sr == 16000
    phrase_s = sum(s for _, s in demo.PHRASE)
    assert abs(len(y) / sr - (2 * phrase_s + demo.GAP_S)) < 0.1  # MP3 frames pad the end
    rms = lambda a: float(np.sqrt(np.mean(a ** 2)))  # noqa: E731
    half = int(phrase_s * sr)
    gap = y[half + int(0.1 * sr): half + int((demo.GAP_S - 0.1) * sr)]
    voice, answer = y[int(0.2 * sr): half - int(0.5 * sr)], y[half + int(demo.GAP_S * sr):]
    assert rms(voice) > 0.05 and rms(answer) > 0.005, "both the singer and the instrument sound"
    assert rms(gap) < 0.01 * rms(voice)


def test_a_demo_over_the_budget_is_refused_and_the_old_file_kept(tmp_path_factory, tmp_path, monkeypatch):
    from factory import demo

    models, _ = quick_models(tmp_path_factory)
    (tmp_path / "d.mp3").write_bytes(b"old")
    monkeypatch.setattr(demo, "MAX_BYTES", 1000)
    with pytest.raises(ValueError, match="over the 1000-byte demo budget"):
        demo.write_demo(models / QUICK_INSTRUMENT, tmp_path / "d.mp3")
    assert (tmp_path / "d.mp3").read_bytes() == b"old"


def test_every_shipped_instrument_has_a_demo_the_app_serves_within_budget():
    from fastapi.testclient import TestClient

    from app.main import create_app
    from factory import demo
    from tests.conftest import ROOT

    client = TestClient(create_app())
    names = [p.parent.name for p in sorted((ROOT / "static" / "models").glob("*/metadata.json"))]
    assert names
    for name in names:
        r = client.get(f"/static/demos/{name}.mp3")
        assert r.status_code == 200, f"{name}: no demo (python -m factory.demo --instrument {name})"
        assert r.headers["content-type"] == "audio/mpeg" and 10_000 < len(r.content) <= demo.MAX_BYTES
