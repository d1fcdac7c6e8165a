"""bench.report.update_sections with the WebGL section: `bench.run --only decoder,webgl` replaces the
decoder section, adds the new one before Features, and names the sections in the run line."""
from __future__ import annotations

from bench.report import update_sections

REPORT = """# Swara benchmarks

Run: earlier.

Timings are medians.

## Engine speed (ms of compute per second of audio; real-time factor = total / 1000)

old engine rows

## Decoder: ours vs the TF.js streaming graph (4-frame blocks, same page)

old decoder rows

## Features: YIN by FFT

features stay

## Memory

memory stays
"""

COSTS = {"renderer": "SwiftShader", "dispatchMs": 0.05, "readSyncMs": 0.3, "readAsyncMs": 4.7, "uploadMs": 0.2,
         "decoder": {"kernels": 74, "issueMs": 3.5, "readMs": 8.5, "blockMs": 12.0, "blocksPerS": 62.5}}
ROW = {"path": "GPU voice", "programs": 13, "uploads": 1, "readBacks": 1, "decoderMsPerS": 200.0, "synthMsPerS": 0.0,
       "engineMsPerS": 205.0, "tensorsFlat": True}
DECODER = {"backend_label": "webgl", "id": "sitar", "tensors": {"before": 3, "after": 3},
           "streaming": {"kernelsPerBlock": 74, "msPerS": 500.0, "minMsPerS": 450.0},
           "fused": {"kernelsPerBlock": 9, "msPerS": 120.0, "minMsPerS": 110.0}}


def test_only_the_named_sections_change_and_a_new_one_lands_before_features(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text(REPORT)
    results = {"started": "2026-11-26T15:00:00Z", "decoder": [DECODER],
               "webgl": {"costs": COSTS, "paths": [{"id": "sitar", "renderer": "SwiftShader", "rows": [ROW]}]}}
    update_sections(results, path, measured=["decoder", "webgl"])
    text = path.read_text()
    assert "old engine rows" in text and "features stay" in text and "memory stays" in text
    assert "old decoder rows" not in text and "| webgl | sitar | 74 → 9 |" in text
    assert text.count("## Decoder: ours vs") == 1
    # The new section sits after the decoder's and before the features'.
    assert text.index("## Decoder") < text.index("## WebGL: one read-back a block") < text.index("## Features")
    assert "| sitar | GPU voice | 13 | 1 | 1 |" in text
    assert "Sections decoder, webgl measured again at 2026-11-26T15:00:00Z" in text
    # Splicing again replaces, never duplicates.
    update_sections({"started": "2026-11-26T16:00:00Z", "webgl": results["webgl"]}, path, measured=["webgl"])
    text = path.read_text()
    assert text.count("## WebGL: one read-back a block") == 1
    assert text.count("measured again") == 1 and "Sections webgl measured again at 2026-11-26T16:00:00Z" in text
