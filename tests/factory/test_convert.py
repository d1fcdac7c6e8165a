"""factory.convert: the streaming TF.js graph model (the one a model ships), float16 weights,
compact graph JSON, atomic install."""
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
    saved = export.export_streaming_saved_model(dec, base / "saved")
    sizes = convert.convert_streaming(saved, base / "tfjs", float16=True)
    return base / "tfjs", sizes


def test_conversion_is_a_float16_graph_model_with_contract_names(converted):
    from factory import convert, export

    path, _ = converted
    assert {p.name for p in path.iterdir()} == {convert.STREAM_MODEL, "stream-shard1of1.bin"}
    m = json.loads((path / convert.STREAM_MODEL).read_text())
    assert m["format"] == "graph-model"
    caches = [export.cache_names(i) for i in range(4)]
    assert set(m["signature"]["outputs"]) == {"amplitudes", "harmonic_distribution", "noise_magnitudes",
                                              *(out for _, out in caches)}
    assert {k.split(":")[0] for k in m["signature"]["inputs"]} == {"f0_hz", "loudness_db", *(inp for inp, _ in caches)}
    weights = [w for g in m["weightsManifest"] for w in g["weights"]]
    big = [w for w in weights if np.prod(w["shape"] or [1]) >= 16 and w["dtype"] == "float32"]
    assert big and all(w.get("quantization", {}).get("dtype") == "float16" for w in big)
    scalars = [w for w in weights if not w["shape"] and w["dtype"] == "float32"]
    assert scalars and not any("quantization" in w for w in scalars), "graph constants stay float32"
    ops = {n["op"] for n in m["modelTopology"]["node"]}
    assert not ops & {"Roll", "FusedBatchNormV3", "SpaceToBatchND"}


def test_compaction_shrinks_and_keeps_every_reference_resolvable(converted):
    from factory import convert

    path, sizes = converted
    assert sizes["bytes"] == convert.graph_bytes(path) < sizes["bytes_before_compression"]
    m = json.loads((path / convert.STREAM_MODEL).read_text())
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
    (dest / "stream.json").write_text("old")
    new = tmp_path / "new"
    new.mkdir()
    (new / "stream.json").write_text("new")
    (new / "metadata.json").write_text("{}")
    convert.install_atomically(new, dest)
    assert (dest / "stream.json").read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["sitar"], "no staging left behind"

    class Boom(Exception):
        pass

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "stream.json").write_text("half")
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
    assert (dest / "stream.json").read_text() == "new", "a failed install leaves the old model intact"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["sitar"]
