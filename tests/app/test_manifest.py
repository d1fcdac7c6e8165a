"""Bad models: each fault keeps that instrument out of the manifest, with the reason; the others stay.

Every test works on a temporary copy of the shipped static/models (never the originals).
"""
from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from app.manifest import build_manifest
from tests.conftest import ROOT

SHIPPED = sorted(p.parent.name for p in (ROOT / "static" / "models").glob("*/metadata.json"))
VICTIM = "bansuri"


@pytest.fixture
def models(tmp_path):
    """A copy of the shipped models (all of them, so we see the others survive)."""
    if VICTIM not in SHIPPED:
        pytest.fail(f"static/models/{VICTIM} is not shipped")
    d = tmp_path / "models"
    shutil.copytree(ROOT / "static" / "models", d)
    return d


def manifest_after_fault(models: Path) -> str:
    """Builds the manifest; asserts only the victim is out and returns its error text."""
    body = build_manifest(models)
    assert sorted(m["id"] for m in body["models"]) == [n for n in SHIPPED if n != VICTIM]
    assert [e["model"] for e in body["errors"]] == [VICTIM]
    return body["errors"][0]["error"]


def meta_of(models: Path) -> dict:
    return json.loads((models / VICTIM / "metadata.json").read_text())


def graph_file(models: Path) -> str:
    """The victim's graph: the streaming graph its metadata names (the one graph a model ships)."""
    return meta_of(models)["streaming"]["model"]


def graph(models: Path) -> dict:
    return json.loads((models / VICTIM / graph_file(models)).read_text())


def weight_offset(model: dict, want) -> tuple[str, str, int, int]:
    """(shard, name, byte offset, bytes per value) of the first weight with `want(w)` in group 1."""
    group = model["weightsManifest"][0]
    assert len(group["paths"]) == 1, "these tests assume one shard per group (the converter's default here)"
    offset = 0
    for w in group["weights"]:
        stored = (w.get("quantization") or {}).get("dtype") or w["dtype"]
        size = {"float16": 2, "uint8": 1, "uint16": 2, "bool": 1}.get(stored, 4)
        n = 1
        for dim in w["shape"]:
            n *= dim
        if want(w) and n > 0:
            return group["paths"][0], w["name"], offset, size
        offset += n * size
    raise AssertionError("no such weight in the model")


def test_the_shipped_models_pass_every_check(models):
    body = build_manifest(models)
    assert body["errors"] == []
    assert sorted(m["id"] for m in body["models"]) == SHIPPED


def test_truncated_graph_json(models):
    name = graph_file(models)
    p = models / VICTIM / name
    p.write_bytes(p.read_bytes()[:500])
    assert manifest_after_fault(models).startswith(f"{VICTIM}/{name}: not valid JSON (line 1, column")


def test_graph_json_that_is_not_a_graph_model(models):
    name = graph_file(models)
    (models / VICTIM / name).write_text(json.dumps({"format": "layers-model"}))
    assert manifest_after_fault(models) == (
        f"{VICTIM}/{name}: not a TF.js graph model (no format 'graph-model' with a modelTopology)")


def test_missing_weight_shard(models):
    name = graph_file(models)
    shard = graph(models)["weightsManifest"][0]["paths"][0]
    (models / VICTIM / shard).unlink()
    assert manifest_after_fault(models) == f"{VICTIM}/{name}: weight shard {shard!r} is missing"


@pytest.mark.parametrize("delta", [-2, +4])
def test_weight_shard_of_the_wrong_length(models, delta):
    shard = models / VICTIM / graph(models)["weightsManifest"][0]["paths"][0]
    data = shard.read_bytes()
    shard.write_bytes(data[:delta] if delta < 0 else data + b"\0" * delta)
    error = manifest_after_fault(models)
    assert f"hold {len(data) + delta} bytes, but the weightsManifest describes {len(data)}" in error


def test_streaming_graph_that_metadata_does_not_describe(models):
    p = models / VICTIM / "metadata.json"
    meta = meta_of(models)
    cache = meta["streaming"]["caches"][0]
    cache["shape"] = [1, cache["shape"][1] + 1, cache["shape"][2]]
    p.write_text(json.dumps(meta))
    assert f"cache input {cache['input']!r} is" in manifest_after_fault(models)


def test_streaming_graph_name_that_leaves_the_model_folder(models):
    p = models / VICTIM / "metadata.json"
    meta = meta_of(models)
    meta["streaming"]["model"] = "../sitar/stream.json"
    p.write_text(json.dumps(meta))
    assert "streaming.model must name the model's graph, a .json file beside it" in manifest_after_fault(models)


def test_metadata_without_a_graph(models):
    p = models / VICTIM / "metadata.json"
    meta = meta_of(models)
    del meta["streaming"]
    p.write_text(json.dumps(meta))
    assert manifest_after_fault(models) == (
        f"{VICTIM}/metadata.json: streaming.model must name the model's graph, a .json file beside it, found None")


def test_metadata_with_a_wrong_number_of_harmonics(models):
    p = models / VICTIM / "metadata.json"
    meta = json.loads(p.read_text())
    real = meta["n_harmonics"]
    meta["n_harmonics"] = real + 1
    p.write_text(json.dumps(meta))
    assert manifest_after_fault(models) == (
        f"{VICTIM}/{graph_file(models)}: output 'harmonic_distribution' is {real} wide in the graph "
        f"but metadata.json says n_harmonics = {real + 1}")


def test_metadata_with_a_wrong_number_of_noise_bands(models):
    p = models / VICTIM / "metadata.json"
    meta = json.loads(p.read_text())
    meta["n_noise"] += 2
    p.write_text(json.dumps(meta))
    assert "output 'noise_magnitudes'" in manifest_after_fault(models)


def test_metadata_naming_an_input_the_graph_lacks(models):
    p = models / VICTIM / "metadata.json"
    meta = json.loads(p.read_text())
    meta["streaming"]["inputs"] = ["f0_hz", "loudness_db", "state"]
    p.write_text(json.dumps(meta))
    assert "metadata.json names input 'state'" in manifest_after_fault(models)


def test_metadata_without_the_analysis_the_page_needs(models):
    p = models / VICTIM / "metadata.json"
    meta = json.loads(p.read_text())
    del meta["analysis"]
    p.write_text(json.dumps(meta))
    assert "no 'analysis' section" in manifest_after_fault(models)


@pytest.mark.parametrize("key,value", [
    ("f0_min_hz", None), ("loudness_floor_db", "-80"), ("loudness_n_fft", float("nan")),
])
def test_metadata_with_an_analysis_value_that_is_not_a_number(models, key, value):
    p = models / VICTIM / "metadata.json"
    meta = json.loads(p.read_text())
    meta["analysis"][key] = value
    p.write_text(json.dumps(meta))
    assert f"analysis.{key} must be a finite number" in manifest_after_fault(models)


@pytest.mark.parametrize("kind,bits", [
    ("float32", struct.pack("<f", float("nan"))),
    ("float32", struct.pack("<f", float("-inf"))),
    ("float16", struct.pack("<H", 0x7E00)),   # float16 NaN
    ("float16", struct.pack("<H", 0x7C00)),   # float16 +inf
])
def test_non_finite_weights(models, kind, bits):
    if kind == "float16":
        want = lambda w: (w.get("quantization") or {}).get("dtype") == "float16"  # noqa: E731
    else:
        want = lambda w: w["dtype"] == "float32" and not w.get("quantization")  # noqa: E731
    shard, name, offset, size = weight_offset(graph(models), want)
    assert size == len(bits)
    p = models / VICTIM / shard
    data = bytearray(p.read_bytes())
    data[offset:offset + size] = bits
    p.write_bytes(bytes(data))
    assert manifest_after_fault(models) == (
        f"{VICTIM}/{graph_file(models)}: weight {name!r} holds NaN or infinite values")


def test_a_repaired_model_comes_back_without_a_restart(models):
    p = models / VICTIM / graph_file(models)
    good = p.read_bytes()
    p.write_bytes(good[:100])
    manifest_after_fault(models)
    p.write_bytes(good)
    assert sorted(m["id"] for m in build_manifest(models)["models"]) == SHIPPED


def test_install_leftovers_are_not_offered_as_models(models):
    shutil.copytree(models / VICTIM, models / f".{VICTIM}.new-abc123")
    body = build_manifest(models)
    assert sorted(m["id"] for m in body["models"]) == SHIPPED and body["errors"] == []


def write_playing(models: Path, playing) -> None:
    p = models / VICTIM / "metadata.json"
    meta = json.loads(p.read_text())
    meta["playing"] = playing
    p.write_text(json.dumps(meta))


def test_every_shipped_model_declares_how_it_is_played():
    body = build_manifest(ROOT / "static" / "models")
    assert {m["id"]: m["playing"]["idiom"] for m in body["models"]} == {
        "bansuri": "breath", "shehnai": "breath", "sarangi": "bowed", "sitar": "plucked", "harmonium": "keyed"}


def test_a_model_without_a_playing_section_plays_as_the_voice_sings(models):
    write_playing(models, None)
    meta = meta_of(models)
    del meta["playing"]
    (models / VICTIM / "metadata.json").write_text(json.dumps(meta))
    assert VICTIM in [m["id"] for m in build_manifest(models)["models"]]


def test_playing_section_naming_an_unknown_idiom(models):
    write_playing(models, {"idiom": "strummed"})
    assert manifest_after_fault(models) == (
        f"{VICTIM}/metadata.json: playing.idiom must be one of voice, keyed, plucked, bowed, breath, found 'strummed'")


def test_playing_section_missing_a_number_its_idiom_needs(models):
    playing = meta_of(models)["playing"]
    del playing["strike"]["jump_ms"]
    write_playing(models, playing)
    assert manifest_after_fault(models) == f"{VICTIM}/metadata.json: playing.strike lacks 'jump_ms'"


@pytest.mark.parametrize("key, value, message", [
    ("onset_ms", -5, "playing.onset_ms must be a number from 1 to 1000, found -5"),
    ("band_hz", [5000, 800], "playing.band_hz must be [low, high] with 20 <= low < high <= 8000, found [5000, 800]"),
    ("level_db", "loud", "playing.level_db must be a number from -60 to 0, found 'loud'"),
    ("chikari", {"ring_s": 1}, "playing has an unknown key 'chikari'"),
    ("vibrato", {"depth": 1.5, "period_ms": 180, "follow_semitones": 1.0, "follow_db": 6.0},
     "playing.vibrato.depth must be a number from 0 to 1, found 1.5"),
    ("vibrato", {"depth": 0.5, "period_ms": 180, "follow_semitones": 1.0}, "playing.vibrato lacks 'follow_db'"),
])
def test_playing_section_with_a_bad_value(models, key, value, message):
    playing = meta_of(models)["playing"]
    playing[key] = value
    write_playing(models, playing)
    assert message in manifest_after_fault(models)


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_folder_holds_one_graph_within_150_kb(name):
    """A shipped folder holds what the page fetches and nothing else: metadata.json, the graph it
    names (the streaming graph) and that graph's shards; no second graph, no stray weights; and
    all of it within the page's budget (factory.convert.FOLDER_BYTES_LIMIT, 150 KB)."""
    from factory.convert import FOLDER_BYTES_LIMIT

    folder = ROOT / "static" / "models" / name
    meta = json.loads((folder / "metadata.json").read_text())
    graph = meta["streaming"]["model"]
    shards = [p for g in json.loads((folder / graph).read_text())["weightsManifest"] for p in g["paths"]]
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(["metadata.json", graph, *shards])
    assert [f for f in files if f.endswith(".json") and f != "metadata.json"] == [graph]
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size <= FOLDER_BYTES_LIMIT, f"{name}: {size:,} bytes on disk"
