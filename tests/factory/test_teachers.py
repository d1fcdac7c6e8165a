"""Teachers: an instrument's data mixes its training teachers; the held-out one never trains;
the sarangi's teacher is a bowed string through a sarangi body."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.build

FLUTE = ("FluidR3_GM.sf2", 73, "Flute")          # nearly a sine: harmonic 2 and up far down
CLARINET = ("FluidR3_GM.sf2", 71, "Clarinet")    # a closed pipe: odd harmonics
REED_ORGAN = ("FluidR3_GM.sf2", 20, "Reed Organ")  # every harmonic, bright


def _profile(audio, f0_hz, voiced):
    from factory import timbre

    return timbre.profile(audio, np.where(voiced, f0_hz, 0.0))


def _nearest(piece, refs: dict) -> str:
    from factory import timbre

    return min(refs, key=lambda name: timbre.harmonic_distance_db(piece, refs[name]))


def test_two_teachers_each_play_their_pieces_and_the_heldout_one_plays_none():
    """Four pieces from two teachers in turn: each piece is nearest (harmonic profile) its own
    teacher playing that piece's score, not the other one nor the held-out teacher."""
    from factory import data, dsp

    flute, clarinet, organ = (data.Preset(*p) for p in (FLUTE, CLARINET, REED_ORGAN))
    style = dsp.Style(low_midi=60, high_midi=72, p_meend=0.0, p_gamak=0.0, p_andolan=0.0)
    inst = data.Instrument("test", "Test", [flute, clarinet], style, heldout=organ)
    piece_s, n_pieces = 3.0, 4
    d = data.make_dataset(inst, inst.teachers, piece_s * n_pieces, seed=5, piece_s=piece_s)
    frames = int(piece_s * dsp.FRAME_RATE)
    assert list(d["teacher"][::frames]) == [0, 1, 0, 1], "the teachers take turns, piece by piece"
    for i in range(n_pieces):
        score = dsp.make_score(piece_s, style, seed=5 * 1000 + i)  # the piece's own score
        lo, hi = i * frames, (i + 1) * frames
        voiced, f0 = d["voiced"][lo:hi], d["f0_hz"][lo:hi]
        mine = _profile(d["audio"][lo * dsp.HOP:hi * dsp.HOP], f0, voiced)
        refs = {p.preset: _profile(data.render(score, p), f0, voiced) for p in (flute, clarinet, organ)}
        expected = inst.teachers[d["teacher"][lo]].preset
        assert _nearest(mine, refs) == expected, f"piece {i} sounds like {_nearest(mine, refs)}, not {expected}"


def test_the_teachers_levels_are_matched_over_their_voiced_frames():
    from factory import data, dsp

    quiet_and_loud = [data.Preset(*FLUTE), data.Preset(*REED_ORGAN)]
    inst = data.Instrument("test", "Test", quiet_and_loud, dsp.Style(low_midi=60, high_midi=72))
    d = data.make_dataset(inst, inst.teachers, 4.0, seed=2, piece_s=2.0)
    rms = [data.voiced_rms(d["audio"], d["voiced"] & (d["teacher"] == t), dsp.HOP) for t in (0, 1)]
    assert abs(20 * np.log10(rms[0] / rms[1])) < 0.1, f"teacher levels differ: {rms}"


def test_the_heldout_teacher_plays_other_scores_than_the_training_data(tmp_path):
    from factory import build, data

    plan = build.Plan.quick(progress=False, data_seconds=4.0)
    held = build.heldout_teacher_examples("shehnai", plan, tmp_path)
    _, train, heldout_split = build.prepare("shehnai", data.INSTRUMENTS["shehnai"].teachers, plan, tmp_path)
    assert held["f0_hz"].shape[1:] == train["f0_hz"].shape[1:]
    training_f0 = np.concatenate([train["f0_hz"].ravel(), heldout_split["f0_hz"].ravel()])
    n = min(len(training_f0), held["f0_hz"].size)
    cents = np.abs(1200 * np.log2(held["f0_hz"].ravel()[:n] / training_f0[:n]))
    assert np.median(cents) > 50, "the held-out teacher's scores are not the training scores"


def test_the_sarangi_body_has_its_formants_and_no_shine():
    """Each resonance is a peak (≥ 3 dB over half an octave either side), the hollow a dip,
    and above the shelf the body is darker."""
    from factory import body

    sarangi = body.SARANGI
    for f in sarangi.formants:
        at, below, above = body.response_db(sarangi, np.array([f.hz, f.hz / 2 ** 0.5, f.hz * 2 ** 0.5]), 16000)
        if f.gain_db > 0:
            assert at - max(below, above) >= 3.0, f"{f.hz} Hz is not a peak: {below:.1f} {at:.1f} {above:.1f}"
        else:
            assert min(below, above) - at >= 3.0, f"{f.hz} Hz is not a dip: {below:.1f} {at:.1f} {above:.1f}"
    assert body.response_db(sarangi, np.array([7000.0]), 16000)[0] < -3.0


def test_the_sarangi_teacher_sounds_through_its_body():
    """The same score from the bowed preset with and without the body: their long-term spectra
    differ by the body's response (the skin mode up, the hollow down)."""
    from scipy.signal import welch

    from factory import body, data, dsp

    sarangi = data.INSTRUMENTS["sarangi"]
    teacher = sarangi.teachers[0]
    assert teacher.body == "sarangi" and teacher.program != 40, "a bowed string through the body, not the Violin"
    score = dsp.make_score(4.0, sarangi.style, seed=3)
    bare = data.render(score, data.Preset(teacher.soundfont, teacher.program, teacher.preset))
    bodied = data.render(score, teacher)
    f, p_bare = welch(bare, fs=16000, nperseg=2048)
    _, p_body = welch(bodied, fs=16000, nperseg=2048)
    gain = 10 * np.log10(p_body + 1e-20) - 10 * np.log10(p_bare + 1e-20)
    for formant in body.SARANGI.formants:
        band = (f > formant.hz / 2 ** (1 / 12)) & (f < formant.hz * 2 ** (1 / 12))
        expected = body.response_db(body.SARANGI, np.array([formant.hz]), 16000)[0]
        assert abs(np.median(gain[band]) - expected) < 1.5, f"{formant.hz} Hz: {np.median(gain[band]):.1f} dB"


@pytest.mark.parametrize("teacher,expected", [
    (("NoSuch.sf2", 40, "Violin"), "unknown SoundFont 'NoSuch.sf2'; known: FluidR3_GM.sf2"),
    (("FluidR3_GM.sf2", 41, "Viola", 0, "rebab"), "unknown body 'rebab'; known: sarangi"),
])
def test_a_bad_teacher_is_named_with_what_is_known(teacher, expected):
    from factory import data

    with pytest.raises(data.FactoryError, match=expected.replace("(", r"\(")):
        data.check_teacher(data.Preset(*teacher))


def test_a_missing_heldout_soundfont_names_its_debian_package(monkeypatch, tmp_path):
    from factory import data

    monkeypatch.setitem(data.SF_DIRS, "TimGM6mb.sf2", [str(tmp_path / "TimGM6mb.sf2")])
    with pytest.raises(data.FactoryError, match="apt-get install timgm6mb-soundfont"):
        data.check_teacher(data.INSTRUMENTS["sarangi"].heldout)


def test_only_mit_soundfonts_teach_a_shipped_model():
    """TimGM6mb is GPL-2: it may judge a model (held out), never teach one."""
    from factory import data

    for inst in data.INSTRUMENTS.values():
        assert len(inst.teachers) >= 2 and inst.heldout is not None, inst.name
        assert {t.soundfont for t in inst.teachers} <= set(data.TRAINING_SOUNDFONTS), inst.name
        assert inst.heldout not in inst.teachers, inst.name


def test_a_retrained_model_that_forgets_the_heldout_teacher_does_not_ship():
    """factory.ship.verdict on the measures of the sitar's Shamisen run (held-out loss on the mixed
    data better, the held-out Sitar's worse) and of the bansuri's Shakuhachi run (both better)."""
    from factory.ship import verdict

    shipped = {"bytes": 57294, "heldout_spectral_loss": 5.8204, "heldout_teacher_spectral_loss": 5.3322,
               "teachers_harmonic_db": 10.44}
    shamisen = {"bytes": 57313, "heldout_spectral_loss": 5.1503, "heldout_teacher_spectral_loss": 5.9882,
                "teachers_harmonic_db": 10.27}
    v = verdict(shamisen, shipped)
    assert not v["ship"] and v["why"] == "loss on the held-out teacher worse: 5.3322 → 5.9882", v
    bansuri = verdict({"bytes": 84576, "heldout_spectral_loss": 3.4847, "heldout_teacher_spectral_loss": 3.9057,
                       "teachers_harmonic_db": 2.28},
                      {"bytes": 85040, "heldout_spectral_loss": 4.0341, "heldout_teacher_spectral_loss": 4.1589,
                       "teachers_harmonic_db": 2.56})
    assert bansuri == {"ship": True, "why": "no worse by every measure"}
    assert not verdict({**shamisen, "bytes": 200_000, "heldout_teacher_spectral_loss": 5.0}, shipped)["ship"]
