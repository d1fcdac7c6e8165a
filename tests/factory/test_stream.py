"""The streaming decoder graph, the one graph a model ships: block after block, from its caches, it
gives the whole-sequence decoder's frames (≥ 100 dB SNR in float32, blocks of 1, 2, 4, 16); every
shipped instrument's, against its Keras decoder rebuilt from the shipped weights."""
from __future__ import annotations

import json

import numpy as np
import pytest

from factory.stream import PARITY_BLOCKS as BLOCKS
from factory.stream import PARITY_MIN_SNR_DB as MIN_SNR_DB
from tests.conftest import ROOT
from tests.reference import silence, whole_sequence_controls

pytestmark = pytest.mark.build

MODELS = ROOT / "static" / "models"
SHIPPED = sorted(p.parent.name for p in MODELS.glob("*/metadata.json"))


def _snr(ref, test):
    from factory.stream import snr_db

    return snr_db(ref, test)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    import tensorflow as tf

    from factory import export
    from factory.model import Config, build_decoder

    dec = build_decoder(Config(channels=24, depth=4, kernel=3))
    path = export.export_streaming_saved_model(dec, tmp_path_factory.mktemp("stream") / "saved")
    return dec, tf.saved_model.load(str(path)).signatures["serving_default"]


def test_streaming_signature_names_the_caches_with_their_shapes(fresh):
    from factory import export

    dec, fn = fresh
    ins = fn.structured_input_signature[1]
    assert [ins[k].shape.as_list() for k in export.INPUTS] == [[1, None, 1]] * 2
    shapes = dec.cache_shapes()
    # Layer i reads (kernel - 1) * 2**i past frames of its input (2 scaled inputs, then channels),
    # kept in the [1, 1, frames, channels] layout of the streaming graph's convs.
    assert shapes == [[1, 1, 2, 2], [1, 1, 4, 24], [1, 1, 8, 24], [1, 1, 16, 24]]
    for i, s in enumerate(shapes):
        inp, out = export.cache_names(i)
        assert ins[inp].shape.as_list() == s
        assert fn.structured_outputs[out].shape.as_list() == s
    meta = export.streaming_metadata(dec, "stream.json")
    assert [c["shape"] for c in meta["caches"]] == shapes
    assert meta["outputs"] == list(export.OUTPUTS)


@pytest.mark.parametrize("block", BLOCKS)
def test_streaming_from_zero_caches_equals_the_whole_sequence(fresh, block):
    from factory import export
    from factory.stream import probe_inputs

    dec, fn = fresh
    f0, ld = probe_inputs(240, seed=block)
    full = export.run_full(lambda f0_hz, loudness_db: dec(f0_hz, loudness_db), f0, ld)
    streamed, _ = export.run_streaming(fn, f0, ld, block, export.zero_caches(dec.cache_shapes()))
    for k in export.OUTPUTS:
        assert _snr(full[k], streamed[k]) >= MIN_SNR_DB, k


def test_the_caches_carry_the_past_so_a_stream_is_not_a_restart(fresh):
    from factory import export
    from factory.stream import probe_inputs

    dec, fn = fresh
    f0, ld = probe_inputs(64, seed=3)
    zero = export.zero_caches(dec.cache_shapes())
    _, after = export.run_streaming(fn, f0[:, :32], ld[:, :32], 4, zero)
    carried, _ = export.run_streaming(fn, f0[:, 32:], ld[:, 32:], 4, after)
    restarted, _ = export.run_streaming(fn, f0[:, 32:], ld[:, 32:], 4, zero)
    assert np.abs(carried["amplitudes"] - restarted["amplitudes"])[:, :8].max() > 1e-4


@pytest.fixture(scope="module", params=SHIPPED)
def shipped(request):
    """(metadata, the shipped graph, the Keras decoder rebuilt from its weights) of one instrument."""
    from factory.stream import rebuild_decoder, shipped_graph

    d = MODELS / request.param
    dec, meta = rebuild_decoder(d)
    return meta, shipped_graph(d), dec


def _run_stream(graph, meta, f0, ld, block, caches):
    from factory.stream import run_stream

    return run_stream(graph, meta["streaming"], f0, ld, block, caches)


def test_every_shipped_instrument_ships_one_graph_the_page_can_afford(shipped):
    from factory.convert import FOLDER_BYTES_LIMIT, graph_bytes

    meta, stream, _ = shipped
    s = meta["streaming"]
    assert s["inputs"] == ["f0_hz", "loudness_db"] and s["outputs"] == meta["outputs"]
    assert len(s["caches"]) == meta["decoder"]["depth"]
    assert meta["bytes"] == graph_bytes(stream.dir, s["model"]) < FOLDER_BYTES_LIMIT
    assert meta["bytes"] < meta["bytes_before_compression"]


@pytest.mark.parametrize("block", BLOCKS)
def test_shipped_streaming_graph_from_silence_equals_the_whole_sequence_decoder(shipped, block):
    """The initial caches are those after receptive_field_frames - 1 silent frames from zero
    caches (as decoder-tfjs.js computes them); the whole-sequence decoder (the Python model,
    Decoder.call, with the shipped weights) sees the same silence first."""
    from factory.stream import probe_inputs

    meta, stream, dec = shipped
    context = meta["receptive_field_frames"] - 1
    zero = [np.zeros(c["shape"], np.float32) for c in meta["streaming"]["caches"]]
    _, silent = _run_stream(stream, meta, *silence(context), context, zero)
    f0, ld = probe_inputs(160, seed=block)
    streamed, _ = _run_stream(stream, meta, f0, ld, block, silent)
    ref = whole_sequence_controls(dec, meta, f0, ld)
    for k, r in zip(meta["outputs"], ref, strict=True):
        snr = _snr(r, streamed[k][0])
        assert snr >= MIN_SNR_DB, f"{meta['name']} {k} block {block}: {snr:.1f} dB"


def test_silent_caches_are_a_steady_state(shipped):
    """More silence changes nothing: a stream starting after 30 or 90 silent frames is the same."""
    meta, stream, _ = shipped
    context = meta["receptive_field_frames"] - 1
    zero = [np.zeros(c["shape"], np.float32) for c in meta["streaming"]["caches"]]
    _, a = _run_stream(stream, meta, *silence(context), 4, zero)
    _, b = _run_stream(stream, meta, *silence(3 * context), 4, zero)
    for x, y in zip(a, b, strict=True):
        # Float32 rounding only (different zero-padded history, same values).
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def test_rebuilt_decoder_gives_the_shipped_graphs_whole_sequence_frames(shipped):
    from factory.export import OUTPUTS
    from factory.stream import probe_inputs, run_whole

    meta, stream, dec = shipped
    f0, ld = probe_inputs(300, seed=11)   # not the probe rebuild_decoder checked itself with
    ref = run_whole(stream, meta["streaming"], f0, ld)
    out = dec(f0, ld)
    for k in OUTPUTS:
        assert _snr(ref[k], np.asarray(out[k])) >= MIN_SNR_DB, k


def test_rebuild_refuses_a_config_that_does_not_match_the_shipped_graph(tmp_path):
    import shutil

    from factory.stream import rebuild_decoder

    d = tmp_path / SHIPPED[0]
    shutil.copytree(MODELS / SHIPPED[0], d)
    meta = json.loads((d / "metadata.json").read_text())
    meta["decoder"]["depth"] = meta["decoder"]["depth"] - 1
    (d / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="convolutions in the streaming graph, expected"):
        rebuild_decoder(d)


def test_restream_installs_one_graph_and_drops_an_older_whole_sequence_one(tmp_path):
    """Re-exporting a shipped instrument from its own weights gives the same graph and bytes; a
    folder that still holds the whole-sequence graph (model.json + group1 shards) loses it."""
    import shutil

    from factory.stream import restream

    d = tmp_path / SHIPPED[0]
    shutil.copytree(MODELS / SHIPPED[0], d)
    (d / "model.json").write_text("{}")
    (d / "group1-shard1of1.bin").write_bytes(b"\0" * 8)
    shipped_meta = json.loads((MODELS / SHIPPED[0] / "metadata.json").read_text())
    restream(d)
    graph = shipped_meta["streaming"]["model"]
    shards = {p for g in json.loads((d / graph).read_text())["weightsManifest"] for p in g["paths"]}
    assert {p.name for p in d.iterdir()} == {"metadata.json", graph} | shards
    assert json.loads((d / "metadata.json").read_text()) == shipped_meta
    assert json.loads((d / graph).read_text()) == json.loads((MODELS / SHIPPED[0] / graph).read_text())
    for shard in shards:
        assert (d / shard).read_bytes() == (MODELS / SHIPPED[0] / shard).read_bytes()


def test_shipped_streaming_graph_runs_one_conv_per_layer_and_no_shape_machinery(shipped):
    """A streaming block's cost is mostly its kernel count: one Conv2D per conv layer and the
    head, no MatMul/Reshape/Shape dance, no output Identity copies."""
    meta, stream, _ = shipped
    ops = [n["op"] for n in stream.nodes.values()]
    assert ops.count("_FusedConv2D") + ops.count("Conv2D") == meta["decoder"]["depth"] + 1
    assert ops.count("LRN") == meta["decoder"]["depth"] and "Rsqrt" not in ops  # each norm's scaling in one
    assert not {"MatMul", "_FusedMatMul", "Reshape", "Shape", "Identity"} & set(ops)


def test_shipped_metadata_names_every_weight_the_cpu_decoder_reads(shipped):
    """decoder-cpu.js finds each layer's filter, bias, gain and offset and the head's in the
    streaming graph by these names; each exists with the shape its role implies."""
    meta, stream, _ = shipped
    cpu, d = meta["streaming"]["cpu"], meta["decoder"]
    assert len(cpu["layers"]) == d["depth"] and cpu["channels"] == d["channels"]
    for i, layer in enumerate(cpu["layers"]):
        cin = 2 if i == 0 else d["channels"]
        assert (layer["kernel"], layer["dilation"], layer["channels_in"]) == (d["kernel"], 2 ** i, cin)
        assert stream.weights[layer["filter"]].shape == (1, d["kernel"], cin, d["channels"])
        for role in ("bias", "gain", "offset"):
            assert stream.weights[layer[role]].shape == (d["channels"],), role
    units = 1 + meta["n_harmonics"] + meta["n_noise"]
    assert stream.weights[cpu["head"]["filter"]].shape == (1, 1, d["channels"], units)
    assert stream.weights[cpu["head"]["bias"]].shape == (units,)
    from factory.model import inference_constants

    assert cpu["constants"] == inference_constants()
