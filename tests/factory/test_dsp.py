"""factory.dsp: raga-like scores whose frame f0 is known exactly; pure numpy (no TensorFlow)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from factory import dsp


def test_dsp_module_never_imports_tensorflow_or_training_code():
    code = ("import sys, factory.dsp; bad = [m for m in ('tensorflow', 'ddsp', 'factory.train', 'factory.model') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_score_is_deterministic_for_a_seed_and_varies_across_seeds():
    style = dsp.Style(low_midi=60, high_midi=84)
    a, b, c = dsp.make_score(20, style, seed=3), dsp.make_score(20, style, seed=3), dsp.make_score(20, style, seed=4)
    assert np.array_equal(a.key, b.key) and np.array_equal(a.bend, b.bend)
    assert not np.array_equal(a.key, c.key)


def test_score_has_meend_ornaments_dynamics_and_rests_within_the_bend_range():
    style = dsp.Style(low_midi=60, high_midi=84)
    s = dsp.make_score(120, style, seed=0)
    assert s.n_frames == 120 * dsp.FRAME_RATE
    assert np.abs(s.bend).max() <= 12.0, "pitch-bend range is ±12 semitones"
    assert (~s.voiced).mean() > 0.03, "phrases are separated by rests"
    assert np.abs(s.bend[s.voiced]).max() > 1.0, "glides / gamak bend by more than a semitone"
    # Vibrato and andolan: many frames slightly off the key.
    assert ((np.abs(s.bend) > 0.05) & (np.abs(s.bend) < 1.0)).mean() > 0.1
    expr = s.expression[s.voiced]
    assert expr.min() >= 20 and expr.max() <= 127 and expr.std() > 5, "dynamics vary"
    assert len(s.onsets) > 20
    assert set(np.unique(s.key[s.voiced])) <= set(range(style.low_midi - 12, style.high_midi + 13))


def test_meend_glides_stay_within_five_semitones_per_note():
    s = dsp.make_score(300, dsp.Style(low_midi=60, high_midi=84, p_gamak=0, p_andolan=0, p_vibrato=0,
                                      p_meend=1.0), seed=1)
    pitch = s.key.astype(float) + s.bend
    jumps = np.abs(np.diff(pitch))
    same_note = s.voiced[1:] & s.voiced[:-1] & (s.key[1:] == s.key[:-1])
    same_note[[f - 1 for f, _, _ in s.onsets if f > 0]] = False
    # smoothstep over ≥ 20 frames (19 steps): slope ≤ 1.5 × 5 semitones / 19
    assert jumps[same_note].max() <= 1.5 * 5.0 / 19 + 1e-6, "a glide moves smoothly"
    assert (np.abs(s.bend[s.voiced]) <= 5.0 + 1e-6).all(), "meend spans at most 5 semitones"
    assert (np.abs(s.bend) > 1.0).mean() > 0.05, "glides happen"


def test_plucked_style_re_plucks_long_notes():
    sustained = dsp.make_score(60, dsp.Style(low_midi=52, high_midi=79), seed=2)
    plucked = dsp.make_score(60, dsp.Style(low_midi=52, high_midi=79, sustained=False), seed=2)
    assert len(plucked.onsets) > 1.5 * len(sustained.onsets)


def test_f0_fills_rests_with_the_neighbouring_pitch_and_matches_key_plus_bend():
    s = dsp.make_score(30, dsp.Style(low_midi=60, high_midi=84), seed=5)
    f0 = s.f0_hz()
    assert (f0 > 0).all()
    v = s.voiced
    np.testing.assert_allclose(f0[v], dsp.midi_to_hz(s.key[v] + s.bend[v]), rtol=1e-5)
    assert np.allclose(dsp.fill_unvoiced(np.array([0, 0, 200.0, 0, 300, 0])), [200, 200, 200, 200, 300, 300])


def test_midi_hz_cents_helpers_round_trip():
    hz = np.array([110.0, 261.63, 440.0, 1000.0])
    np.testing.assert_allclose(dsp.midi_to_hz(dsp.hz_to_midi(hz)), hz, rtol=1e-9)
    assert abs(dsp.cents(440.0 * 2 ** (1 / 12), 440.0) - 100.0) < 1e-9
