"""factory.playing: each instrument's idiom, a plucked one's envelope measured from its teacher."""
from __future__ import annotations

import json

import numpy as np
import pytest

from factory import data as fdata
from factory import playing
from tests.conftest import ROOT


def test_pluck_curve_reads_attack_and_both_decay_rates_from_a_known_envelope():
    t = np.arange(500) / 250
    ld = np.where(t < 0.03, -60 + 2000 * t, np.where(t < 0.33, -40 * (t - 0.03), -12 - 8 * (t - 0.33)))
    curve = playing.pluck_curve(ld)
    assert curve["attack_ms"] == pytest.approx(32, abs=4)
    assert curve["early_db_per_s"] == pytest.approx(40, abs=1)
    assert curve["late_db_per_s"] == pytest.approx(8, abs=0.5)


def test_an_unknown_instrument_has_no_idiom():
    with pytest.raises(fdata.FactoryError, match="no idiom for unknown instrument 'vina'"):
        playing.playing_section("vina")


@pytest.mark.build
def test_the_sitar_teacher_decays_and_the_reed_organ_does_not():
    sitar = fdata.INSTRUMENTS["sitar"]
    pluck = playing.measure_pluck(sitar.teachers[0], sitar.style)
    at_06_s = pluck["decay_early_db_per_s"] * 0.3 + pluck["decay_late_db_per_s"] * 0.3
    assert at_06_s >= 6, f"the Sitar preset falls {at_06_s:.1f} dB in 0.6 s"
    organ = fdata.INSTRUMENTS["harmonium"]
    held = playing.measure_pluck(organ.teachers[0], organ.style)
    assert abs(held["decay_early_db_per_s"]) * 0.3 + abs(held["decay_late_db_per_s"]) * 0.3 < 3


@pytest.mark.build
def test_the_shipped_models_carry_the_factorys_playing_sections():
    for meta_path in sorted((ROOT / "static" / "models").glob("*/metadata.json")):
        meta = json.loads(meta_path.read_text())
        assert meta["playing"] == playing.playing_section(meta["name"]), \
            f"{meta['name']}: rerun python -m factory.playing"


def test_the_winds_held_breath_is_at_their_teachers_air_but_their_attack_air_is_not_lowered():
    """The decoders already play their teachers' own air, so the breath added on held notes is low:
    -30 dB under the note for the bansuri's flute, -40 for the shehnai's double reed (whose reed
    closes the air path). The air of each attack, the first sound of a note (what the page hears as
    its onset), stays where it was before they were lowered: -12 dB for the bansuri, -16 for the
    shehnai."""
    from factory.playing import playing_section

    bansuri, shehnai = playing_section("bansuri"), playing_section("shehnai")
    assert bansuri["level_db"] == -30.0 and bansuri["level_db"] + bansuri["onset_db"] == -12.0
    assert shehnai["level_db"] == -40.0 and shehnai["level_db"] + shehnai["onset_db"] == -16.0
