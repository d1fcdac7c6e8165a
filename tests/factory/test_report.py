"""factory.report: docs/models.md table + loss and spectrogram PNGs."""
from __future__ import annotations

import pytest

from tests.quick_build import QUICK_INSTRUMENT, quick_models

pytestmark = pytest.mark.build


def test_report_tables_every_model_with_loss_curve_and_spectrogram(tmp_path_factory, tmp_path):
    from factory import report

    models, work = quick_models(tmp_path_factory)
    # ear=False: the outside ear's own tests judge a measured result (tests/factory/test_ear.py)
    md = report.write_report(models, work, docs=tmp_path, checkpoints=tmp_path / "no_checkpoints", ear=False)
    text = md.read_text()
    assert f"| {QUICK_INSTRUMENT} |" in text
    # the timbre table: a row for the instrument with a distance to each of the seven presets,
    # to its other teacher (Oboe) and the nearest by both distances
    timbre = text.split("## Timbre", 1)[1]
    row = next(line for line in timbre.splitlines() if line.startswith(f"| {QUICK_INSTRUMENT} |"))
    assert row.count(" / ") == 7 + 1 + 1 and "Oboe: " in row
    assert "held-out loss" in text and "s/step" in text
    assert (tmp_path / "img" / f"{QUICK_INSTRUMENT}_loss.png").stat().st_size > 1000
    assert (tmp_path / "img" / f"{QUICK_INSTRUMENT}_spectrogram.png").stat().st_size > 1000


def test_report_shows_a_longer_run_in_the_checkpoints_and_whether_it_has_converged(tmp_path_factory, tmp_path):
    import json

    from factory import report
    from factory.build import run_tag
    from factory.data import Preset
    from factory.model import Config

    models, work = quick_models(tmp_path_factory)
    meta = json.loads((models / QUICK_INSTRUMENT / "metadata.json").read_text())
    teachers = [Preset.from_dict(t) for t in meta["source"]["teachers"]]
    run = tmp_path / "checkpoints" / QUICK_INSTRUMENT / run_tag(Config.from_dict(meta["decoder"]), teachers)
    run.mkdir(parents=True)
    flat = [[s, 3.0 - 1e-6 * s] for s in range(250, 6001, 250)]  # < 1 % better over 2000 steps
    (run / "history.json").write_text(json.dumps({"train": [[s, h] for s, h in flat], "heldout": flat}))
    text = report.write_report(models, work, docs=tmp_path / "docs", checkpoints=tmp_path / "checkpoints",
                               timbre=False).read_text()
    assert f"A longer run in `factory/checkpoints/{QUICK_INSTRUMENT}/`, not shipped" in text
    assert "**converged**" in text and "## Timbre" not in text
    assert (tmp_path / "docs" / "img" / f"{QUICK_INSTRUMENT}_training.png").stat().st_size > 1000


def test_a_rebuilt_model_records_the_one_it_replaced_and_the_report_shows_both(tmp_path):
    import json

    from factory import report
    from factory.build import _previous_quality

    src = {"soundfont": "FluidR3_GM.sf2", "preset": "Shanai", "program": 111}
    old = {"name": "shehnai", "source": src, "decoder": {"channels": 48},
           "quality": {"heldout_spectral_loss": 3.3939}, "training": {"steps": 1094}}
    (tmp_path / "shehnai").mkdir()
    (tmp_path / "shehnai" / "metadata.json").write_text(json.dumps(old))
    new = {"source": src, "quality": {"heldout_spectral_loss": 3.0}}
    prev = _previous_quality(tmp_path / "shehnai", new)
    assert prev == {"heldout_spectral_loss": 3.3939, "steps": 1094, "decoder": {"channels": 48}}
    assert _previous_quality(tmp_path / "shehnai", {"source": dict(src, program=40), "quality": {}}) is None
    assert _previous_quality(tmp_path / "absent", new) is None
    # rebuilding the same model again keeps what it first replaced
    again = dict(old, quality={"heldout_spectral_loss": 3.0, "previous": prev})
    (tmp_path / "shehnai" / "metadata.json").write_text(json.dumps(again))
    assert _previous_quality(tmp_path / "shehnai", new) == prev
    assert report._previous({"previous": prev}) == "3.3939 (1094)"
