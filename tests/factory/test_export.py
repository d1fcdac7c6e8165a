"""factory.export: control-only SavedModel; block-by-block with context == whole sequence."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    import tensorflow as tf

    from factory import export
    from factory.model import Config, build_decoder

    cfg = Config(channels=24, depth=4, kernel=3)
    dec = build_decoder(cfg)
    path = export.export_saved_model(dec, tmp_path_factory.mktemp("export") / "saved")
    return cfg, dec, tf.saved_model.load(str(path))


def _inputs(n, seed=0):
    rng = np.random.default_rng(seed)
    f0 = (200 * 2 ** (np.cumsum(rng.standard_normal(n)) / 60)).astype(np.float32).reshape(1, n, 1)
    ld = (-40 + 10 * np.sin(np.arange(n) / 13)).astype(np.float32).reshape(1, n, 1)
    return f0, ld


def test_signature_has_contract_inputs_and_named_outputs(saved):
    _, _, model = saved
    fn = model.signatures["serving_default"]
    assert set(fn.structured_input_signature[1]) == {"f0_hz", "loudness_db"}
    for k in ("f0_hz", "loudness_db"):
        assert fn.structured_input_signature[1][k].shape.as_list() == [1, None, 1]
    assert set(fn.structured_outputs) == {"amplitudes", "harmonic_distribution", "noise_magnitudes"}


def test_saved_model_equals_the_trained_decoder(saved):
    from factory import export

    _, dec, model = saved
    f0, ld = _inputs(200)
    a = export.run_full(model.signatures["serving_default"], f0, ld)
    b = export.run_full(lambda f0_hz, loudness_db: dec(f0_hz, loudness_db), f0, ld)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], atol=1e-6)


@pytest.mark.parametrize("block", [1, 16, 64, 97])
def test_blockwise_with_receptive_field_context_equals_full_sequence(saved, block):
    from factory import export

    cfg, _, model = saved
    fn = model.signatures["serving_default"]
    f0, ld = _inputs(400, seed=block)
    full = export.run_full(fn, f0, ld)
    blk = export.run_blockwise(fn, f0, ld, block, cfg.receptive_field - 1)
    for k in full:
        # Same arithmetic on different-length matmuls: float32 rounding only.
        np.testing.assert_allclose(blk[k], full[k], rtol=1e-5, atol=1e-6)


def test_less_context_than_the_receptive_field_changes_outputs(saved):
    from factory import export

    cfg, _, model = saved
    fn = model.signatures["serving_default"]
    f0, ld = _inputs(300, seed=9)
    full = export.run_full(fn, f0, ld)
    short = export.run_blockwise(fn, f0, ld, 64, cfg.receptive_field - 2)
    assert np.abs(short["amplitudes"] - full["amplitudes"]).max() > 1e-4


def test_graph_has_no_synthesis_or_fused_batch_norm_ops(saved):
    _, _, model = saved
    fn = model.signatures["serving_default"]
    ops = {n.op for n in fn.graph.as_graph_def().node}
    for f in fn.graph.as_graph_def().library.function:
        ops |= {n.op for n in f.node_def}
    assert not ops & {"Roll", "FusedBatchNormV3", "RFFT", "IRFFT", "Cumsum", "RandomUniform"}
