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


def test_the_first_note_section_gives_p50_p99_per_condition_and_the_latency_against_the_budget():
    from bench.first_note import first_note_section, latency_distribution, summary

    def take(first_ms, latency_ms):
        return {"first_output_ms": first_ms, "voiced_fraction": 0.99, "off_fraction": 0.01, "median_cents": 3.0,
                "host": "audio", "underruns": 0, "switches": 0, "latency_ms": latency_ms,
                "budget_ms": {"block": 4.0, "total": 26.8}}

    quiet = [take(30.0 + i, [20.0 + i, 30.0]) for i in range(20)]  # first output 30..49 ms
    busy = [take(40.0, [25.0])] * 20
    starved = [{**take(20.0, [25.0]), "rendered_fraction": f, "late_worst_ms": ms}
               for f, ms in ((1.0, 12.0), (0.45, 1863.0))]
    r = {"phrase_seconds": 3.0, "half_core": "no cgroup", "latency": latency_distribution(quiet),
         "runs": {"quiet": {"summary": summary(quiet), "load_average": 1.0},
                  "two busy processes": {"summary": summary(busy), "load_average": 3.0},
                  "half a core": {"summary": summary(starved), "load_average": 1.0}}}
    text = "\n".join(first_note_section(r))
    assert "| quiet | 20 | 39.5 / 48.8 (49.0) ms | 99.0 / 99.0 % |" in text
    assert "| two busy processes | 20 | 40.0 / 40.0 (40.0) ms |" in text
    # the take that fell behind real time shows it, though its scores (on the audio clock) look fine
    assert "| 0 | 0 | 45 %, 1863 ms | 1.0 |" in text and "| 0 | 0 | – | 1.0 |" in text
    assert "40 onsets" in text and "**p50 30.0**" in text and "budget 26.8 ms (block 4.0)" in text


def soak_row(host: str, tensors: list) -> dict:
    series = [{"seconds": 60.0 * (i + 1), "numTensors": t, "underruns": 0, "droppedFrames": 0,
               "blocks": 15000 * (i + 1), "host": host, "late_stalls": 0} for i, t in enumerate(tensors)]
    counts = [t for t in tensors if t is not None]
    return {"seconds": 60.0 * len(tensors), "series": series, "tensors_flat": len(set(counts)) <= 1, "switches": [],
            "memory_start_mb": 40.0, "memory_end_mb": 40.5, "memory_growth_mb": 0.5}


def test_the_soak_section_says_the_audio_thread_engine_holds_no_tensors_and_reports_the_workers():
    from bench.sections.soak import render

    audio = "\n".join(render(soak_row("audio", [None] * 3)))
    assert "none held (the plain-JS engine on the audio thread uses no TF.js)" in audio
    assert "on the audio thread throughout" in audio
    worker = "\n".join(render(soak_row("worker", [12, 12, 12])))
    assert "flat at 12 in the Worker" in worker
    growing = "\n".join(render(soak_row("worker", [12, 14, 16])))
    assert "changing: [12, 14, 16]" in growing


def test_the_out_of_distribution_section_tables_a_measured_judgement_after_timbre(tmp_path):
    from bench.report import update_sections
    from tests.factory.test_ear import JUDGED

    report = tmp_path / "benchmarks.md"
    report.write_text("# Swara benchmarks\n\n## Timbre\n\n| timbre |\n\n## First-load weight (gzip)\n\nkept\n")
    update_sections({"ear": JUDGED}, report)
    text = report.read_text()
    assert text.index("## Timbre") < text.index("## Out of distribution") < text.index("## First-load weight")
    row = next(line for line in text.splitlines() if line.startswith("| sitar |"))
    assert row.startswith("| sitar | 59.1 | FluidR3_GM Sitar (104) | 1.3 / 11 | TimGM6mb Sitar (104) | 4.2 / 21 |")
    assert row.endswith("| 0.79 (1.00×) | sitar ✗ | ✓ / ✗ / ✗ |")
    assert "musicnn==0.1.0's MTT_musicnn" in text and "0.4 × the voice's own" in text


def test_a_section_measured_again_replaces_the_stamps_naming_it_and_keeps_the_others(tmp_path):
    from bench.report import update_sections

    report = tmp_path / "benchmarks.md"
    report.write_text("# Swara benchmarks\n\nRun: X. Sections idiom measured again at T1 (`python -m bench.run --only "
                      "idiom`). Sections sound, timbre measured again at T0 (`python -m bench.run --only "
                      "sound,timbre`).\n\nTimings are medians.\n\n## Sound\n\nold\n")
    for stamp in ("T2", "T3"):
        update_sections({"started": stamp, "sound": [SOUND_ROW]}, report, measured=["sound"])
    text = report.read_text()
    assert "Sections idiom measured again at T1" in text, "another section's stamp stays"
    assert "Sections sound measured again at T3" in text and "T2" not in text and "T0" not in text
