"""factory.report: docs/models.md table + loss and spectrogram PNGs."""
from __future__ import annotations

import pytest

from tests.test_factory_build import QUICK_INSTRUMENT, quick_models

pytestmark = pytest.mark.build


def test_report_tables_every_model_with_loss_curve_and_spectrogram(tmp_path_factory, tmp_path):
    from factory import report

    models, work, _ = quick_models(tmp_path_factory)
    md = report.write_report(models, work, docs=tmp_path, checkpoints=tmp_path / "no_checkpoints")
    text = md.read_text()
    assert f"| {QUICK_INSTRUMENT} |" in text
    # the timbre table: a row for the instrument with a distance to each of the seven presets
    timbre = text.split("## Timbre", 1)[1]
    row = next(line for line in timbre.splitlines() if line.startswith(f"| {QUICK_INSTRUMENT} |"))
    assert row.count(" / ") == 7 + 1
    assert "held-out loss" in text and "s/step" in text
    assert (tmp_path / "img" / f"{QUICK_INSTRUMENT}_loss.png").stat().st_size > 1000
    assert (tmp_path / "img" / f"{QUICK_INSTRUMENT}_spectrogram.png").stat().st_size > 1000


def test_report_shows_a_longer_run_in_the_checkpoints_and_whether_it_has_converged(tmp_path_factory, tmp_path):
    import json

    from factory import report
    from factory.build import run_tag
    from factory.model import Config

    models, work, _ = quick_models(tmp_path_factory)
    meta = json.loads((models / QUICK_INSTRUMENT / "metadata.json").read_text())
    run = tmp_path / "checkpoints" / QUICK_INSTRUMENT / run_tag(Config.from_dict(meta["decoder"]),
                                                                 meta["source"]["program"])
    run.mkdir(parents=True)
    flat = [[s, 3.0 - 1e-6 * s] for s in range(250, 6001, 250)]  # < 1 % better over 2000 steps
    (run / "history.json").write_text(json.dumps({"train": [[s, h] for s, h in flat], "heldout": flat}))
    text = report.write_report(models, work, docs=tmp_path / "docs", checkpoints=tmp_path / "checkpoints",
                               timbre=False).read_text()
    assert f"Training on in `factory/checkpoints/{QUICK_INSTRUMENT}/` (not shipped)" in text
    assert "**converged**" in text and "## Timbre" not in text
    assert (tmp_path / "docs" / "img" / f"{QUICK_INSTRUMENT}_training.png").stat().st_size > 1000
