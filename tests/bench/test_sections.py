"""bench.report.update_sections: `python -m bench.run --only sound,timbre` refreshes just those
sections of docs/benchmarks.md and leaves the others as they were."""
from __future__ import annotations

import pytest

SOUND_ROW = {"id": "sitar", "heldout_spectral_loss": 3.9674, "pitch_error_cents_median": 13.8,
             "octave_shift": [1], "loudness_envelope_correlation": 0.979, "streaming_vs_offline_snr_db": 131.0}


def test_only_the_named_section_is_replaced(tmp_path):
    from bench.report import update_sections

    report = tmp_path / "benchmarks.md"
    before = ("# Swara benchmarks\n\n## Latency\n\nkept 1\n\n## Sound\n\n| old sound table |\n\n"
              "## Timbre\n\n| old timbre |\n\n## First-load weight (gzip)\n\nkept 2\n")
    report.write_text(before)
    update_sections({"sound": [SOUND_ROW]}, report)
    after = report.read_text()
    assert "old sound table" not in after and "| sitar | 3.967 | 13.8" in after  # the new row
    # everything else is byte for byte what it was, in the same order
    assert after.startswith("# Swara benchmarks\n\n## Latency\n\nkept 1\n\n## Sound\n")
    assert after.endswith("## Timbre\n\n| old timbre |\n\n## First-load weight (gzip)\n\nkept 2\n")
    update_sections({"sound": [SOUND_ROW]}, report)
    assert report.read_text() == after  # idempotent


def test_a_report_without_the_section_is_an_error_not_a_silent_append(tmp_path):
    from bench.report import update_sections

    report = tmp_path / "benchmarks.md"
    report.write_text("# Swara benchmarks\n\n## Latency\n\nx\n")
    with pytest.raises(ValueError, match="no section '## Sound'"):
        update_sections({"sound": [SOUND_ROW]}, report)
    assert report.read_text() == "# Swara benchmarks\n\n## Latency\n\nx\n"


def test_the_find_my_sa_section_is_what_bench_tonic_writes(tmp_path):
    from bench.report import update_sections
    from tests.conftest import ROOT

    report = tmp_path / "benchmarks.md"
    report.write_text((ROOT / "docs" / "benchmarks.md").read_text())
    markdown = ["## Find my Sa (node, generated phrases, Sa C3–F4)", "", "| case | new |", "|---|---|",
                "| held Sa | 1 |", ""]
    update_sections({"tonic": {"rows": [], "markdown": markdown}}, report)
    text = report.read_text()
    assert "| held Sa | 1 |" in text and text.count("## Find my Sa") == 1
    assert text.index("## Find my Sa") < text.index("## Phase cumsum"), "the section keeps its place"
