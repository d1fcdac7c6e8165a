"""factory.build / build_models.py: `--quick` builds a loadable model end to end, in-process."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.quick_build import QUICK_INSTRUMENT, quick_models

pytestmark = pytest.mark.build

CONTRACT_KEYS = ("name", "display_name", "sample_rate", "frame_rate", "hop_samples", "n_harmonics", "n_noise",
                 "noise_window_size", "receptive_field_frames", "inputs", "outputs", "f0_stats",
                 "loudness_stats", "analysis", "quality", "bytes", "params", "source", "licence")


@pytest.fixture(scope="session")
def quick(tmp_path_factory):
    return quick_models(tmp_path_factory)


def test_quick_build_writes_one_graph_shards_and_metadata(quick):
    models, _ = quick
    d = models / QUICK_INSTRUMENT
    meta = json.loads((d / "metadata.json").read_text())
    assert (d / meta["streaming"]["model"]).is_file()
    assert list(d.glob("*.bin"))


def test_metadata_has_every_contract_key_and_is_honest_about_its_source(quick):
    from factory.convert import graph_bytes
    from factory.model import Config

    models, _ = quick
    meta = json.loads((models / QUICK_INSTRUMENT / "metadata.json").read_text())
    missing = [k for k in CONTRACT_KEYS if k not in meta]
    assert not missing
    assert (meta["sample_rate"], meta["frame_rate"], meta["hop_samples"]) == (16000, 250, 64)
    assert meta["inputs"] == ["f0_hz", "loudness_db"]
    assert meta["outputs"] == ["amplitudes", "harmonic_distribution", "noise_magnitudes"]
    assert meta["source"]["soundfont"] == "FluidR3_GM.sf2" and meta["source"]["program"] == 111
    assert "MIT" in meta["licence"]
    assert meta["receptive_field_frames"] == Config().receptive_field
    assert meta["harmonic"]["amp_resample_method"] == "linear"
    assert meta["noise"]["window_size"] == meta["noise_window_size"]
    assert meta["noise"]["initial_bias"] == -5.0
    d = models / QUICK_INSTRUMENT
    # One graph, the streaming one (what the page loads), and the bytes it costs the page.
    assert meta["bytes"] == graph_bytes(d, meta["streaming"]["model"]) < meta["bytes_before_compression"]
    assert {p.name for p in d.iterdir()} == {"metadata.json", "stream.json", "stream-shard1of1.bin"}
    assert meta["training"]["quick"] is True
    assert np.isfinite(meta["quality"]["heldout_spectral_loss"])


def test_app_manifest_lists_the_built_model(quick):
    from app.manifest import build_manifest

    models, _ = quick
    man = build_manifest(models)
    assert not man["errors"]
    assert [m["id"] for m in man["models"]] == [QUICK_INSTRUMENT]


def test_built_model_loads_with_tensorflowjs_topology_intact(quick):
    models, _ = quick
    meta = json.loads((models / QUICK_INSTRUMENT / "metadata.json").read_text())
    m = json.loads((models / QUICK_INSTRUMENT / meta["streaming"]["model"]).read_text())
    total = 0
    for g in m["weightsManifest"]:
        total += sum((models / QUICK_INSTRUMENT / p).stat().st_size for p in g["paths"])
    expected = sum(int(np.prod(w["shape"] or [1])) * (2 if w.get("quantization", {}).get("dtype") == "float16"
                                                      else 4) for g in m["weightsManifest"] for w in g["weights"])
    assert total == expected


def test_cli_rejects_an_unknown_instrument_and_audio_without_one_instrument(capsys):
    import build_models

    with pytest.raises(SystemExit):
        build_models.main(["--instrument", "tabla"])
    with pytest.raises(SystemExit):
        build_models.main(["--audio", "/tmp"])


def test_cli_reports_a_bad_audio_folder_clearly(tmp_path, capsys):
    import build_models

    rc = build_models.main(["--quick", "--instrument", "bansuri", "--audio", str(tmp_path), "--out",
                            str(tmp_path / "out"), "--work", str(tmp_path / "work")])
    assert rc == 2
    assert "no .wav files" in capsys.readouterr().err
    assert not (tmp_path / "out" / "bansuri").exists()
