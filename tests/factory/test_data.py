"""factory.data: FluidSynth renders follow their score; features; clear errors."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.build


@pytest.mark.parametrize("name", ["bansuri", "shehnai", "sarangi", "sitar", "harmonium"])
def test_rendered_audio_follows_its_score_within_15_cents_by_an_independent_tracker(name):
    import librosa

    from factory import data, dsp

    inst = data.INSTRUMENTS[name]
    d = data.make_dataset(inst, inst.teachers[0], 8.0, seed=11)
    y, f0 = d["audio"], d["f0_hz"]
    assert y.dtype == np.float32 and len(y) == 8 * dsp.SAMPLE_RATE
    assert len(d["loudness_db"]) == len(f0) == 8 * dsp.FRAME_RATE
    pf, vf, _ = librosa.pyin(y, fmin=80, fmax=1600, sr=dsp.SAMPLE_RATE, frame_length=1024,
                             hop_length=dsp.HOP, center=True)
    n = len(f0)
    sel = vf[:n] & d["voiced"] & (d["loudness_db"] > np.percentile(d["loudness_db"], 20))
    assert sel.mean() > 0.4, "pyin finds most of the notes"
    err = np.abs(dsp.cents(pf[:n][sel], f0[sel]))
    assert np.median(err) < 15.0, f"{name}: median |pyin - score| = {np.median(err):.1f} cents"


def test_loudness_is_ddsp_compute_loudness_one_value_per_frame():
    from ddsp import spectral_ops

    from factory import data

    rng = np.random.default_rng(0)
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(16000) / 16000)
    y = (tone + 0.01 * rng.standard_normal(16000)).astype(np.float32)
    ld = data.compute_loudness(y)
    ref = np.asarray(spectral_ops.compute_loudness(y, 16000, 250, 512, use_tf=False)).reshape(-1)[:250]
    assert ld.shape == (250,)
    np.testing.assert_allclose(ld, ref, atol=1e-4)


def test_heldout_split_takes_the_last_tenth_without_overlap():
    from factory import data

    n = 20 * 250
    d = {"audio": np.arange(n * 64, dtype=np.float32) / (n * 64), "f0_hz": np.full(n, 220.0, np.float32),
         "loudness_db": np.zeros(n, np.float32), "voiced": np.ones(n, bool)}
    tr, held = data.split_examples(d, 1.0, 0.1)
    assert tr["audio"].shape == (18, 16000) and held["audio"].shape == (2, 16000)
    assert held["f0_hz"].shape == (2, 250, 1)
    # the last 2 of 20 seconds are held out, the 18 before them train: every sample once, in order
    np.testing.assert_array_equal(held["audio"].ravel(), d["audio"][-2 * 16000:])
    np.testing.assert_array_equal(tr["audio"].ravel(), d["audio"][:18 * 16000])


def test_missing_soundfont_names_the_debian_package(monkeypatch):
    from factory import data

    monkeypatch.setitem(data.SF_DIRS, "FluidR3_GM.sf2", ["/nonexistent/FluidR3_GM.sf2"])
    with pytest.raises(data.FactoryError, match="fluid-soundfont-gm"):
        data.find_soundfont("FluidR3_GM.sf2")


def test_missing_fluidsynth_names_the_debian_package(monkeypatch):
    import builtins

    from factory import data

    real = builtins.__import__

    def fake(name, *a, **kw):
        if name == "fluidsynth":
            raise ImportError("libfluidsynth.so.3: cannot open shared object file")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(data.FactoryError, match="Debian package fluidsynth"):
        data._fluidsynth()


def test_audio_folder_rejects_silent_unreadable_and_empty_inputs(tmp_path):
    import soundfile as sf

    from factory import data

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(data.FactoryError, match="no .wav files"):
        data.load_wav_folder(empty)
    silent = tmp_path / "silent"
    silent.mkdir()
    sf.write(silent / "a.wav", np.zeros(16000, np.float32), 16000)
    with pytest.raises(data.FactoryError, match="silent"):
        data.load_wav_folder(silent)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.wav").write_bytes(b"RIFF not really a wav")
    with pytest.raises(data.FactoryError, match="cannot read"):
        data.load_wav_folder(broken)


def test_audio_folder_tracks_f0_of_a_sung_like_tone_with_pyin(tmp_path):
    import soundfile as sf

    from factory import data

    t = np.arange(2 * 44100) / 44100
    f = 330 * 2 ** (0.3 * np.sin(2 * np.pi * 5 * t) / 12)
    y = 0.3 * np.sin(2 * np.pi * np.cumsum(f) / 44100) + 0.1 * np.sin(4 * np.pi * np.cumsum(f) / 44100)
    sf.write(tmp_path / "a.wav", y.astype(np.float32), 44100)
    d = data.load_wav_folder(tmp_path)
    assert len(d["audio"]) == 2 * 16000
    v = d["voiced"]
    assert v.mean() > 0.8
    assert abs(np.median(d["f0_hz"][v]) - 330) < 5


def test_a_24_khz_dataset_has_96_samples_a_frame_and_splits_at_that_rate():
    from factory import data, dsp

    inst = data.INSTRUMENTS["sitar"]
    d = data.make_dataset(inst, inst.teachers[0], seconds=3.0, sample_rate=24000)
    n = len(d["f0_hz"])
    assert int(d["sample_rate"]) == 24000 and len(d["audio"]) == n * 96 and len(d["loudness_db"]) == n
    train, held = data.split_examples(d, example_s=0.5, heldout=0.2)
    assert train["audio"].shape[1] == train["f0_hz"].shape[1] * dsp.hop_samples(24000)
    with pytest.raises(data.FactoryError, match="not a divisor of 48000"):
        data.render(dsp.make_score(1.0, inst.style), inst.teachers[0], sample_rate=32000)
