"""factory.report: docs/models.md table + loss and spectrogram PNGs."""
from __future__ import annotations

import pytest

from tests.test_factory_build import QUICK_INSTRUMENT, quick_models

pytestmark = pytest.mark.build


def test_report_tables_every_model_with_loss_curve_and_spectrogram(tmp_path_factory, tmp_path):
    from factory import report

    models, work, _ = quick_models(tmp_path_factory)
    md = report.write_report(models, work, docs=tmp_path)
    text = md.read_text()
    assert f"| {QUICK_INSTRUMENT} |" in text
    assert "held-out loss" in text and "s/step" in text
    assert (tmp_path / "img" / f"{QUICK_INSTRUMENT}_loss.png").stat().st_size > 1000
    assert (tmp_path / "img" / f"{QUICK_INSTRUMENT}_spectrogram.png").stat().st_size > 1000
