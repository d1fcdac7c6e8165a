"""factory.export: the control-only streaming SavedModel (the one graph a model ships) keeps the
contract's names and leaves synthesis out of the graph."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    import tensorflow as tf

    from factory import export
    from factory.model import Config, build_decoder

    dec = build_decoder(Config(channels=24, depth=4, kernel=3))
    path = export.export_streaming_saved_model(dec, tmp_path_factory.mktemp("export") / "saved")
    return tf.saved_model.load(str(path)).signatures["serving_default"]


def test_signature_has_contract_inputs_and_named_outputs(saved):
    from factory import export

    ins = saved.structured_input_signature[1]
    for k in ("f0_hz", "loudness_db"):
        assert ins[k].shape.as_list() == [1, None, 1]
    caches = [export.cache_names(i) for i in range(4)]
    assert set(ins) == {"f0_hz", "loudness_db", *(inp for inp, _ in caches)}
    assert set(saved.structured_outputs) == {"amplitudes", "harmonic_distribution", "noise_magnitudes",
                                             *(out for _, out in caches)}


def test_graph_has_no_synthesis_or_fused_batch_norm_ops(saved):
    ops = {n.op for n in saved.graph.as_graph_def().node}
    for f in saved.graph.as_graph_def().library.function:
        ops |= {n.op for n in f.node_def}
    assert "Conv2D" in ops, "the ops of the decoder itself are seen"
    assert not ops & {"Roll", "FusedBatchNormV3", "RFFT", "IRFFT", "Cumsum", "RandomUniform"}
