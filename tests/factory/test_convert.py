"""factory.convert: TF.js graph model, float16 weights, compact model.json, atomic install."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from factory import convert, export
    from factory.model import Config, build_decoder

    base = tmp_path_factory.mktemp("convert")
    dec = build_decoder(Config(channels=32))
    saved = export.export_saved_model(dec, base / "saved")
    sizes = convert.convert_both(saved, base / "tfjs", float16=True)
    return base / "tfjs", sizes


def test_conversion_is_a_float16_graph_model_with_contract_names(converted):
    path, _ = converted
    m = json.loads((path / "model.json").read_text())
    assert m["format"] == "graph-model"
    assert set(m["signature"]["outputs"]) == {"amplitudes", "harmonic_distribution", "noise_magnitudes"}
    assert set(m["signature"]["inputs"]) == {"f0_hz:0", "loudness_db:0"}
    weights = [w for g in m["weightsManifest"] for w in g["weights"]]
    big = [w for w in weights if np.prod(w["shape"] or [1]) >= 16 and w["dtype"] == "float32"]
    assert big and all(w.get("quantization", {}).get("dtype") == "float16" for w in big)
    scalars = [w for w in weights if not w["shape"] and w["dtype"] == "float32"]
    assert scalars and not any("quantization" in w for w in scalars), "graph constants stay float32"
    ops = {n["op"] for n in m["modelTopology"]["node"]}
    assert not ops & {"Roll", "FusedBatchNormV3", "SpaceToBatchND"}


def test_compaction_shrinks_and_keeps_every_reference_resolvable(converted):
    path, sizes = converted
    assert sizes["bytes_compressed"] < sizes["bytes_plain"]
    m = json.loads((path / "model.json").read_text())
    names = {n["name"] for n in m["modelTopology"]["node"]}
    for n in m["modelTopology"]["node"]:
        for i in n.get("input", []):
            assert i.lstrip("^").split(":")[0] in names
    for g in m["weightsManifest"]:
        for w in g["weights"]:
            assert w["name"] in names
    for v in m["signature"]["outputs"].values():
        assert v["name"].split(":")[0] in names


def test_atomic_install_replaces_a_model_only_when_complete(tmp_path):
    from factory import convert

    dest = tmp_path / "models" / "sitar"
    dest.mkdir(parents=True)
    (dest / "model.json").write_text("old")
    new = tmp_path / "new"
    new.mkdir()
    (new / "model.json").write_text("new")
    (new / "metadata.json").write_text("{}")
    convert.install_atomically(new, dest)
    assert (dest / "model.json").read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["sitar"], "no staging left behind"

    class Boom(Exception):
        pass

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.json").write_text("half")
    (broken / "x.bin").write_text("half")
    import shutil

    real = shutil.copy2
    calls = []

    def failing_copy(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise Boom()
        return real(src, dst)

    shutil.copy2 = failing_copy
    try:
        with pytest.raises(Boom):
            convert.install_atomically(broken, dest)
    finally:
        shutil.copy2 = real
    assert (dest / "model.json").read_text() == "new", "a failed install leaves the old model intact"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["sitar"]
