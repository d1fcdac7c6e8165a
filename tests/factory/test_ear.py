"""factory.ear (the outside ear, musicnn's MTT_musicnn) and factory.judge (held-out teacher, bars)."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.build

JUDGED = {  # factory.judge.judge_models' result for one instrument, as measured (rounded)
    "voice": {"top": [["guitar", 0.3], ["slow", 0.23], ["vocal", 0.12]], "voice_score": 0.79},
    "instruments": {"sitar": {
        "asked_midi": 59.1, "own": "FluidR3_GM Sitar (104)", "heldout": "TimGM6mb Sitar (104)",
        "own_distance": {"harmonic_db": 1.3, "mfcc": 11.2}, "heldout_distance": {"harmonic_db": 4.2, "mfcc": 21.0},
        "nearest_harmonic": "Sitar", "nearest_mfcc": "Sitar", "timbre_ok": True,
        "ear": {"output": {"top": [["indian", 0.22], ["guitar", 0.19], ["female", 0.18]], "voice_score": 0.79},
                "own": {"top": [["indian", 0.27], ["sitar", 0.24], ["guitar", 0.15]], "voice_score": 0.3},
                "heldout": {"top": [["indian", 0.31], ["female", 0.16], ["sitar", 0.14]], "voice_score": 0.5}},
        "voice_ratio": 1.0, "voice_ok": False, "kind": "sitar", "kind_ok": False, "ok": False}},
}


def test_the_ear_hears_a_flute_and_a_sitar_in_their_presets_and_more_singer_in_the_voice():
    from factory import ear, timbre

    voice, f0 = timbre.sung_voice()
    flute = timbre.render_preset(np.where(f0 > 0, 2 * f0, 0), 73)  # FluidR3 Flute, an octave up
    sitar = timbre.render_preset(f0, 104)
    heard = ear.listen({"voice": (voice, 16000), "flute": (flute, 16000), "sitar": (sitar, 16000)})
    assert set(heard["voice"]) == set(ear.TAGS)
    assert ear.top_tags(heard["flute"], 1)[0][0] == "flute"
    assert heard["flute"]["flute"] > 3 * heard["voice"]["flute"]
    assert ear.hears_kind(ear.KINDS["sitar"], heard["sitar"]), ear.top_tags(heard["sitar"])
    assert not ear.hears_kind(ear.KINDS["sitar"], heard["voice"])
    # measured: voice tags 0.7-0.8 in the sung voice, 0.2 in the Sitar preset
    assert ear.voice_score(heard["voice"]) > 2 * ear.voice_score(heard["sitar"])
    assert ear.voice_ratio(heard["sitar"], heard["voice"]) < ear.VOICE_RATIO_MAX


def test_the_ear_hears_every_part_of_a_clip_and_fills_a_short_one_by_repeating_it():
    from factory import ear

    rep = np.arange(500, dtype=np.float32)[:, None] * np.ones((1, 96), np.float32)  # 8 s of frames
    w = ear.windows(rep)
    n = w.shape[1]
    assert n == 187  # musicnn's 3 s input (librosa.time_to_frames + 1)
    assert w[0, 0, 0] == 0 and w[-1, -1, 0] == 499, "the first window starts the clip, the last ends it"
    assert np.all(np.diff(w[:, 0, 0]) <= ear._frames(ear.WINDOW_HOP_S)), "no part of the clip is skipped"
    short = ear.windows(rep[:100])
    assert short.shape == (1, n, 96) and short[0, 100, 0] == 0, "a 1.6 s clip is repeated to fill 3 s"


def test_a_silent_or_broken_clip_and_a_missing_musicnn_are_clear_errors(monkeypatch):
    import importlib.util

    from factory import ear

    with pytest.raises(ear.EarError, match="silent"):
        ear.to_ear(np.zeros(16000), 16000)
    with pytest.raises(ear.EarError, match="NaN"):
        ear.to_ear(np.array([0.1, np.nan]), 16000)
    find_spec = importlib.util.find_spec  # as if musicnn were not installed
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "musicnn" else find_spec(name, *a))
    with pytest.raises(ear.EarError, match=r"pip install --no-deps musicnn==0\.1\.0"):
        ear.listen({"voice": (np.ones(16000), 16000)})


def test_the_voice_and_kind_bars_follow_the_issue():
    from factory import ear

    voice = dict.fromkeys(ear.TAGS, 0.0) | {"vocal": 0.5, "female": 0.5}  # voice tags 1.0
    flute_like = dict.fromkeys(ear.TAGS, 0.01) | {"flute": 0.6, "female": 0.3, "woman": 0.15}
    j = ear.judge("bansuri", flute_like, voice)
    assert j["voice_ratio"] == pytest.approx(0.3 + 0.15 + 0.01 * (len(ear.VOICE_TAGS) - 2))
    assert not j["voice_ok"] and j["kind_ok"] and not j["ok"]  # a flute, but half a singer
    organ = dict.fromkeys(ear.TAGS, 0.01) | {"violin": 0.4, "strings": 0.3, "classical": 0.2}
    assert not ear.judge("harmonium", organ, voice)["kind_ok"], "a violin in the harmonium fails"
    assert ear.judge("harmonium", organ | {"violin": 0.0}, voice)["ok"]
    assert ear.judge("tanpura", organ, voice)["kind_ok"] is None  # no kind named: not judged


def test_the_held_out_teacher_is_the_metadata_s_else_the_own_program_from_timgm6mb():
    from factory import judge

    meta = {"name": "sarangi", "source": {"soundfont": "FluidR3_GM.sf2", "preset": "Violin", "program": 40}}
    held = judge.heldout_teacher(meta)
    assert (held.soundfont, held.program, held.preset) == ("TimGM6mb.sf2", 40, "Violin")
    meta["source"]["heldout_teacher"] = {"soundfont": "MuseScore_General.sf3", "program": 110, "preset": "Fiddle"}
    held = judge.heldout_teacher(meta)
    assert (held.soundfont, held.program, held.preset) == ("MuseScore_General.sf3", 110, "Fiddle")
    assert judge.own_teacher(meta).soundfont == "FluidR3_GM.sf2"
    meta["source"]["heldout_teacher"]["soundfont"] = "Nowhere.sf2"
    with pytest.raises(ValueError, match="Nowhere.sf2"):
        judge.heldout_teacher(meta)
    with pytest.raises(ValueError, match="no SoundFont program"):
        judge.heldout_teacher({"name": "mine", "source": {"audio": "my_wavs"}})


def test_the_held_out_teacher_is_another_instrument_not_the_teacher_again():
    """TimGM6mb's Violin is not FluidR3's (MuseScore_General's is: the reason it is not the fallback)."""
    from factory import judge, timbre
    from factory.data import Preset

    _, f0 = timbre.sung_voice(seconds_scale=0.5)
    f0 = np.where(f0 > 0, 2 * f0, 0)
    fluid = timbre.render_preset(f0, 40)
    held, _ = judge.distances(fluid, f0, Preset("TimGM6mb.sf2", 40, "Violin"))
    again, _ = judge.distances(fluid, f0, Preset("MuseScore_General.sf3", 40, "Violin"))
    assert again["harmonic_db"] < 1.0 < 3.0 < held["harmonic_db"]  # measured 0.1 and 4.8 dB


def test_the_report_section_tables_a_measured_judgement():
    from factory import report

    text = report.templates().get_template("ear.md.j2").render(ood=report.ear_context(JUDGED))
    assert "MTT_musicnn" in text and "MagnaTagATune" in text and "female voice" in text  # the tags are named
    row = next(line for line in text.splitlines() if line.startswith("| sitar |"))
    assert ("| 59.1 | FluidR3_GM Sitar (104) | 1.3 / 11 | TimGM6mb Sitar (104) | 4.2 / 21 | Sitar / Sitar "
            "| indian 0.22, guitar 0.19, female 0.18 |") in row
    assert row.endswith("| 0.79 (1.00×) | sitar ✗ | ✓ / ✗ / ✗ |")
    assert "guitar 0.30, slow 0.23, vocal 0.12 (voice tags 0.79)" in text
    assert "Passed, of 1: timbre sitar; voice none; kind none; every bar: none." in text
    assert "more of a singer than the sung voice (voice tags): none." in text  # the Sitar's own: 0.30 < 0.79
