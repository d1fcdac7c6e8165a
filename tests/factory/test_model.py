"""factory.model: causal conv decoder whose outputs are final synth controls."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.build


def _inputs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    f0 = (150 + 900 * rng.random((1, n, 1))).astype(np.float32)
    ld = (-80 + 70 * rng.random((1, n, 1))).astype(np.float32)
    return f0, ld


def test_receptive_field_is_one_plus_kernel_minus_one_times_dilation_sum():
    from factory.model import Config

    assert Config(kernel=3, depth=4).receptive_field == 31
    assert Config(kernel=2, depth=5).receptive_field == 32
    assert Config(kernel=5, depth=3).receptive_field == 29


def controls_of(kind: str) -> dict[str, np.ndarray]:
    """A small decoder of `kind` on 300 frames whose first 10 sit at 7 kHz (harmonics 2+ above Nyquist)."""
    from factory.model import Config, build_decoder

    dec = build_decoder(Config(kind=kind, channels=16, n_harmonics=40, n_noise=33))
    f0, ld = _inputs()
    f0[0, :10, 0] = 7000.0
    return {k: v.numpy() for k, v in dec(f0, ld).items()}


def assert_synth_controls(out: dict[str, np.ndarray]) -> None:
    """The contract's three controls, already through the synths' nonlinearities."""
    assert {k: v.shape for k, v in out.items()} == {
        "amplitudes": (1, 300, 1), "harmonic_distribution": (1, 300, 40), "noise_magnitudes": (1, 300, 33)}
    np.testing.assert_allclose(out["harmonic_distribution"].sum(-1), 1.0, atol=1e-5)
    assert (out["harmonic_distribution"][0, :10, 1:] == 0).all(), "harmonics above Nyquist are zeroed"
    for k in ("amplitudes", "noise_magnitudes"):
        assert (out[k] >= 1e-7).all() and (out[k] <= 2.0 + 1e-6).all(), "exp_sigmoid range"


def test_outputs_have_contract_shapes_and_synth_nonlinearities():
    assert_synth_controls(controls_of("conv"))


def test_causal_conv_matches_keras_conv1d_causal_with_dilation():
    import tensorflow as tf

    from factory.model import CausalConv

    x = np.random.default_rng(1).standard_normal((2, 50, 5)).astype(np.float32)
    ours = CausalConv(7, 3, 4)
    ours(x)
    ref = tf.keras.layers.Conv1D(7, 3, padding="causal", dilation_rate=4)
    ref(x)
    ours.kernel.assign(tf.reshape(ref.kernel, [-1, 7]))
    ours.bias.assign(tf.random.normal([7]))
    ref.bias.assign(ours.bias)
    np.testing.assert_allclose(ours(x).numpy(), ref(x).numpy(), atol=1e-5)


def test_output_frame_depends_only_on_the_receptive_field_of_past_inputs():
    from factory.model import Config, build_decoder

    cfg = Config(channels=16)
    dec = build_decoder(cfg)
    f0, ld = _inputs(120)
    base = dec(f0, ld)["amplitudes"].numpy()[0, :, 0]
    t = 80
    f0b = f0.copy()
    f0b[0, t, 0] *= 1.5
    changed = dec(f0b, ld)["amplitudes"].numpy()[0, :, 0] != base
    assert not changed[:t].any(), "no output before the change moves (causal)"
    assert not changed[t + cfg.receptive_field:].any(), "nothing beyond the receptive field moves"
    assert changed[t]


def test_layer_norm_is_unfused_plain_ops():
    import tensorflow as tf

    from factory.model import LayerNorm

    x = np.random.default_rng(2).standard_normal((1, 10, 8)).astype(np.float32)
    ln = LayerNorm()
    y = ln(x).numpy()
    np.testing.assert_allclose(y.mean(-1), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(-1), 1, atol=1e-3)
    graph = tf.function(ln).get_concrete_function(tf.TensorSpec([1, None, 8])).graph.as_graph_def()
    assert not any("BatchNorm" in n.op for n in graph.node)


def test_gru_comparison_decoder_builds_with_the_same_outputs():
    assert_synth_controls(controls_of("gru"))


def test_synth_renders_controls_with_ddsp_harmonic_linear_and_filtered_noise():
    from factory.model import Config, Synth, build_decoder

    cfg = Config(channels=8, noise_window_size=129)
    synth = Synth(250, cfg)
    assert synth.harmonic.amp_resample_method == "linear" and synth.harmonic.scale_fn is None
    assert synth.noise.window_size == 129 and synth.noise.scale_fn is None
    f0, ld = _inputs(250)
    audio = synth(build_decoder(cfg)(f0, ld), f0).numpy()
    assert audio.shape == (1, 16000) and np.isfinite(audio).all()


def test_the_sample_rate_is_the_models_own_and_sets_hop_nyquist_and_synth_length():
    import tensorflow as tf

    from factory.dsp import hop_samples
    from factory.model import Config, Synth, build_decoder

    assert hop_samples(16000) == 64 and hop_samples(24000) == 96
    with pytest.raises(ValueError, match="22050 Hz is not a whole number of samples per frame"):
        hop_samples(22050)
    # the default rate stays out of the config dict: states and metadata written before still match
    assert "sample_rate" not in Config().to_dict()
    cfg = Config(channels=16, n_harmonics=40, n_noise=33, sample_rate=24000)
    assert Config.from_dict(cfg.to_dict()) == cfg
    f0 = tf.fill([1, 50, 1], 500.0)  # harmonic 16 at 8 kHz, 24 at 12 kHz
    ld = tf.fill([1, 50, 1], -20.0)
    for rate, kept in ((16000, 15), (24000, 23)):  # below Nyquist only (k · f0 < rate / 2)
        c = Config(channels=16, n_harmonics=40, n_noise=33, sample_rate=rate)
        hd = build_decoder(c)(f0, ld)["harmonic_distribution"].numpy()[0]
        assert (hd[:, :kept] > 0).all() and (hd[:, kept:] == 0).all(), rate
        audio = Synth(50, c)(build_decoder(c)(f0, ld), f0)
        assert audio.shape[-1] == 50 * hop_samples(rate)
