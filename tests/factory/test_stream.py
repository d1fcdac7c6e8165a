"""The streaming decoder graph: block after block, from its caches, it gives the whole-sequence
graph's frames (≥ 100 dB SNR in float32, blocks of 1, 2, 4, 16); every shipped instrument has one,
rebuilt from its shipped TF.js weights."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from factory.stream import PARITY_BLOCKS as BLOCKS
from factory.stream import PARITY_MIN_SNR_DB as MIN_SNR_DB
from tests.conftest import ROOT

pytestmark = pytest.mark.build

MODELS = ROOT / "static" / "models"
SHIPPED = sorted(p.parent.name for p in MODELS.glob("*/metadata.json"))
PAGE_BYTES_LIMIT = 150_000
# The loudness of silence a stream starts from: the browser's one constant (config.js).
SILENCE_DB = float(re.search(r"SILENCE_DB = (-?[\d.]+)", (ROOT / "static/js/config.js").read_text()).group(1))


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


def _silent_prefix(meta, n):
    f0 = np.zeros((1, n, 1), np.float32)
    return f0, np.full((1, n, 1), SILENCE_DB, np.float32)


@pytest.fixture(scope="module", params=SHIPPED)
def shipped(request):
    from factory.stream import GraphModel

    d = MODELS / request.param
    meta = json.loads((d / "metadata.json").read_text())
    return meta, GraphModel(d), GraphModel(d, meta["streaming"]["model"])


def _run_stream(graph, meta, f0, ld, block, caches):
    from factory.export import OUTPUTS

    parts = {k: [] for k in OUTPUTS}
    specs = meta["streaming"]["caches"]
    for s in range(0, f0.shape[1], block):
        feeds = {"f0_hz": f0[:, s:s + block], "loudness_db": ld[:, s:s + block]}
        feeds.update({c["input"]: v for c, v in zip(specs, caches)})
        out = graph.run(feeds, list(OUTPUTS) + [c["output"] for c in specs])
        for k in OUTPUTS:
            parts[k].append(out[k])
        caches = [out[c["output"]] for c in specs]
    return {k: np.concatenate(v, axis=1) for k, v in parts.items()}, caches


def test_every_shipped_instrument_has_a_streaming_graph_the_page_can_afford(shipped):
    from factory.convert import graph_bytes

    meta, _, stream = shipped
    s = meta["streaming"]
    d = stream.dir
    assert s["inputs"] == ["f0_hz", "loudness_db"] and s["outputs"] == meta["outputs"]
    assert len(s["caches"]) == meta["decoder"]["depth"]
    assert s["bytes"] == graph_bytes(d, s["model"]) <= PAGE_BYTES_LIMIT
    assert meta["bytes"] == graph_bytes(d, "model.json")


@pytest.mark.parametrize("block", BLOCKS)
def test_shipped_streaming_graph_from_silence_equals_the_whole_sequence_graph(shipped, block):
    """The initial caches are those after receptive_field_frames - 1 silent frames from zero
    caches (as decoder.js computes them); the whole-sequence graph sees the same silence first."""
    from factory.export import OUTPUTS
    from factory.stream import probe_inputs

    meta, whole, stream = shipped
    context = meta["receptive_field_frames"] - 1
    zero = [np.zeros(c["shape"], np.float32) for c in meta["streaming"]["caches"]]
    sf0, sld = _silent_prefix(meta, context)
    _, silent = _run_stream(stream, meta, sf0, sld, context, zero)
    f0, ld = probe_inputs(160, seed=block)
    streamed, _ = _run_stream(stream, meta, f0, ld, block, silent)
    ref = whole.run({"f0_hz": np.concatenate([sf0, f0], 1), "loudness_db": np.concatenate([sld, ld], 1)}, OUTPUTS)
    for k in OUTPUTS:
        snr = _snr(ref[k][:, context:], streamed[k])
        assert snr >= MIN_SNR_DB, f"{meta['name']} {k} block {block}: {snr:.1f} dB"


def test_silent_caches_are_a_steady_state(shipped):
    """More silence changes nothing: a stream starting after 30 or 90 silent frames is the same."""
    meta, _, stream = shipped
    context = meta["receptive_field_frames"] - 1
    zero = [np.zeros(c["shape"], np.float32) for c in meta["streaming"]["caches"]]
    _, a = _run_stream(stream, meta, *_silent_prefix(meta, context), 4, zero)
    _, b = _run_stream(stream, meta, *_silent_prefix(meta, 3 * context), 4, zero)
    for x, y in zip(a, b):
        # Float32 rounding only (different zero-padded history, same values).
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def test_rebuilt_decoder_reproduces_the_shipped_graph():
    from factory.export import OUTPUTS
    from factory.stream import GraphModel, probe_inputs, rebuild_decoder

    d = MODELS / SHIPPED[0]
    dec, _ = rebuild_decoder(d)   # raises unless it matches on its own probe
    f0, ld = probe_inputs(300, seed=11)
    ref = GraphModel(d).run({"f0_hz": f0, "loudness_db": ld}, OUTPUTS)
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
    with pytest.raises(ValueError, match="MatMuls in the graph"):
        rebuild_decoder(d)


def test_shipped_streaming_graph_runs_one_conv_per_layer_and_no_shape_machinery(shipped):
    """A streaming block's cost is mostly its kernel count: one Conv2D per conv layer and the
    head, no MatMul/Reshape/Shape dance, no output Identity copies."""
    meta, _, stream = shipped
    ops = [n["op"] for n in stream.nodes.values()]
    assert ops.count("_FusedConv2D") + ops.count("Conv2D") == meta["decoder"]["depth"] + 1
    assert ops.count("LRN") == meta["decoder"]["depth"] and "Rsqrt" not in ops  # each norm's scaling in one
    assert not {"MatMul", "_FusedMatMul", "Reshape", "Shape", "Identity"} & set(ops)


def test_shipped_metadata_names_every_weight_the_cpu_decoder_reads(shipped):
    """decoder-cpu.js finds each layer's filter, bias, gain and offset and the head's in the
    streaming graph by these names; each exists with the shape its role implies."""
    meta, _, stream = shipped
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
