"""The decoder (causal dilated conv stack, or a GRU for comparison) and the ddsp synths.

The decoder maps (f0_hz, loudness_db) → final synth controls; every output nonlinearity
(exp_sigmoid, harmonic normalisation, remove_above_nyquist, noise initial bias) is inside the
model, so the exported graph is exactly what training used. The synths run with scale_fn=None.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import tensorflow as tf

from factory.dsp import SAMPLE_RATE, hop_samples

NOISE_INITIAL_BIAS = -5.0
AMP_RESAMPLE_METHOD = "linear"
EXP_SIGMOID = {"exponent": 10.0, "max_value": 2.0, "threshold": 1e-7}
HARMONIC_NORM_EPS = 1e-7  # ddsp.core.normalize_harmonics: the divisor when no harmonic is kept
LEAKY_ALPHA = 0.2         # slope of every leaky ReLU below 0
NORM_EPS = 1e-5           # layer norm: added to the variance
# scale_inputs: midi(max(f0, F0_FLOOR_HZ)) / MIDI_SCALE and loudness / LOUDNESS_SCALE_DB + 1.
F0_FLOOR_HZ = 1e-5
MIDI_SCALE = 127.0
LOUDNESS_SCALE_DB = 120.0


def inference_constants() -> dict:
    """Every constant of the decoder's arithmetic outside its weights (metadata.json carries
    them for the browser's CPU decoder)."""
    return {"leaky_alpha": LEAKY_ALPHA, "norm_eps": NORM_EPS, "harmonic_norm_eps": HARMONIC_NORM_EPS,
            "f0_floor_hz": F0_FLOOR_HZ, "midi_scale": MIDI_SCALE, "loudness_scale_db": LOUDNESS_SCALE_DB,
            "noise_initial_bias": NOISE_INITIAL_BIAS, "exp_sigmoid": dict(EXP_SIGMOID)}


@dataclass
class Config:
    kind: str = "conv"        # "conv" (served) or "gru" (comparison only)
    channels: int = 64
    depth: int = 4            # conv layers, dilations 1, 2, 4, ...
    kernel: int = 3
    n_harmonics: int = 40
    n_noise: int = 33
    noise_window_size: int = 257
    float16: bool = True      # ship float16 weights
    sample_rate: int = SAMPLE_RATE  # the synth's rate (and the Nyquist limit in the graph)

    @property
    def receptive_field(self) -> int:
        if self.kind != "conv":
            return 0
        return 1 + (self.kernel - 1) * (2 ** self.depth - 1)

    def to_dict(self):
        d = asdict(self)
        if d["sample_rate"] == SAMPLE_RATE:
            # left out at the default: training states, sweep keys and metadata written before
            # the rate was a parameter still match
            del d["sample_rate"]
        return d

    @classmethod
    def from_dict(cls, d):
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def exp_sigmoid(x):
    """ddsp.core.exp_sigmoid with its defaults."""
    return EXP_SIGMOID["max_value"] * tf.nn.sigmoid(x) ** math.log(EXP_SIGMOID["exponent"]) + EXP_SIGMOID["threshold"]


class LayerNorm(tf.keras.layers.Layer):
    """Layer norm over channels from plain tf ops (Keras' exports as FusedBatchNormV3: NaN in TF.js)."""

    def __init__(self, eps=NORM_EPS, **kw):
        super().__init__(**kw)
        self.eps = eps

    def build(self, shape):
        self.gamma = self.add_weight(name="gamma", shape=(shape[-1],), initializer="ones")
        self.beta = self.add_weight(name="beta", shape=(shape[-1],), initializer="zeros")

    def call(self, x):
        mean = tf.reduce_mean(x, axis=-1, keepdims=True)
        d = x - mean
        var = tf.reduce_mean(d * d, axis=-1, keepdims=True)
        return d * tf.math.rsqrt(var + self.eps) * self.gamma + self.beta

    def call_4d(self, x):
        """The same norm on [1, 1, n, C] in fewer kernels (the streaming graph): d / sqrt(eps +
        mean(d²)) is TF's local response normalisation of d over a window spanning every channel
        (radius C − 1, bias eps, alpha 1/C, beta 1/2), one kernel in TF.js where `call` takes five."""
        c = int(x.shape[-1])
        d = x - tf.reduce_mean(x, axis=-1, keepdims=True)
        n = tf.nn.local_response_normalization(d, depth_radius=c - 1, bias=self.eps, alpha=1.0 / c, beta=0.5)
        return n * self.gamma + self.beta


class CausalConv(tf.keras.layers.Layer):
    """Causal dilated 1-D conv (as Keras Conv1D padding='causal') from pad + slices + one matmul
    over the whole sequence (training, the Python reference); `stream` is the form a model ships.

    Tap j (0 … kernel-1) reads x[t - (kernel-1-j)*dilation].
    """

    def __init__(self, filters, kernel, dilation, **kw):
        super().__init__(**kw)
        self.filters, self.kernel_size, self.dilation = filters, kernel, dilation

    def build(self, shape):
        cin = int(shape[-1])
        self.kernel = self.add_weight(name="kernel", shape=(self.kernel_size * cin, self.filters),
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    @property
    def past_frames(self) -> int:
        """Past input frames one output frame reads: (kernel - 1) * dilation."""
        return (self.kernel_size - 1) * self.dilation

    def call(self, x):
        return self._conv_past_padded(tf.pad(x, [[0, 0], [self.past_frames, 0], [0, 0]]))

    def stream(self, x, cache):
        """One block of a stream in the [1, 1, frames, channels] layout: x the new frames, cache
        [1, 1, past_frames, C] the frames before them → (y [1, 1, n, filters], the next cache).

        One dilated VALID Conv2D (the kernel's taps are its width) instead of `call`'s slices,
        concat and MatMul: the same sums in another order (float32 rounding apart), far fewer
        kernels per block — what a streaming block's cost is made of."""
        xp = tf.concat([cache, x], axis=2)
        next_cache = xp[:, :, -self.past_frames:]
        next_cache.set_shape(cache.shape)   # static, as the graph's cache inputs (no op added)
        cin = self.kernel.shape[0] // self.kernel_size
        filt = tf.reshape(self.kernel, [1, self.kernel_size, cin, self.filters])  # tap j = rows j*cin…
        y = tf.nn.conv2d(xp, filt, strides=1, padding="VALID", dilations=[1, self.dilation])
        return tf.nn.bias_add(y, self.bias), next_cache

    def _conv_past_padded(self, xp):
        """xp [B, past_frames + n, C] → [B, n, filters]: the same arithmetic for call and stream."""
        pad = self.past_frames
        # Static slice bounds (negative end) keep the exported graph free of Shape/Pack ops.
        taps = [xp[:, j * self.dilation:(j * self.dilation - pad) or None]
                for j in range(self.kernel_size)]
        xc = tf.concat(taps, axis=-1) if len(taps) > 1 else taps[0]
        return dense(xc, self.kernel, self.bias)


def dense(x, kernel, bias):
    """[B, T, C] @ [C, D] + b through a 2-D MatMul (exports as MatMul + Reshape, no Tensordot)."""
    y = tf.matmul(tf.reshape(x, [-1, kernel.shape[0]]), kernel) + bias
    return tf.reshape(y, tf.concat([tf.shape(x)[:-1], [kernel.shape[1]]], 0))


class Dense(tf.keras.layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.units = units

    def build(self, shape):
        self.kernel = self.add_weight(name="kernel", shape=(int(shape[-1]), self.units),
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, x):
        return dense(x, self.kernel, self.bias)


def scale_inputs(f0_hz, loudness_db):
    midi = 12.0 * (tf.math.log(tf.maximum(f0_hz, F0_FLOOR_HZ) / 440.0) / math.log(2.0)) + 69.0
    return tf.concat([midi / MIDI_SCALE, loudness_db / LOUDNESS_SCALE_DB + 1.0], axis=-1)


class Decoder(tf.keras.Model):
    def __init__(self, cfg: Config, **kw):
        super().__init__(**kw)
        self.cfg = cfg
        if cfg.kind == "conv":
            self.convs = [CausalConv(cfg.channels, cfg.kernel, 2 ** i, name=f"conv{i}")
                          for i in range(cfg.depth)]
            self.norms = [LayerNorm(name=f"norm{i}") for i in range(cfg.depth)]
        elif cfg.kind == "gru":
            self.inp = Dense(cfg.channels, name="in")
            self.gru = tf.keras.layers.GRU(cfg.channels, return_sequences=True, name="gru")
            self.norms = [LayerNorm(name="norm0")]
        else:
            raise ValueError(f"unknown decoder kind {cfg.kind!r}")
        self.head = Dense(1 + cfg.n_harmonics + cfg.n_noise, name="head")

    def call(self, f0_hz, loudness_db):
        cfg = self.cfg
        x = scale_inputs(f0_hz, loudness_db)
        if cfg.kind == "conv":
            for i, (conv, norm) in enumerate(zip(self.convs, self.norms, strict=True)):
                y = tf.nn.leaky_relu(norm(conv(x)), alpha=LEAKY_ALPHA)
                x = x + y if i > 0 else y
        else:
            x = tf.nn.leaky_relu(self.inp(x), alpha=LEAKY_ALPHA)
            x = tf.nn.leaky_relu(self.norms[0](self.gru(x)), alpha=LEAKY_ALPHA)
        return self._controls(x, f0_hz)

    def cache_shapes(self) -> list[list[int]]:
        """Shape [1, 1, past_frames, channels in] of each conv layer's cache, in layer order."""
        if self.cfg.kind != "conv":
            raise ValueError(f"only the conv decoder streams (this one is {self.cfg.kind!r})")
        return [[1, 1, conv.past_frames, 2 if i == 0 else self.cfg.channels]
                for i, conv in enumerate(self.convs)]

    def stream(self, f0_hz, loudness_db, caches):
        """One block of a stream: f0_hz, loudness_db [1, n, 1] new frames; caches as
        cache_shapes() → (controls for the n frames, the caches for the next block).

        Block after block this equals `call` on the whole sequence to float32 rounding; it is
        written for the fewest kernels per block (TF.js runs a kernel per op, and a block's cost
        is mostly their count): frames stay [1, 1, n, C] so each conv is one Conv2D, each layer
        norm's scaling is one LRN, and the three exp_sigmoids run as one."""
        cfg = self.cfg
        x = scale_inputs(f0_hz, loudness_db)[:, None]
        new_caches = []
        for i, (conv, norm, cache) in enumerate(zip(self.convs, self.norms, caches, strict=True)):
            c, cache = conv.stream(x, cache)
            new_caches.append(cache)
            y = tf.nn.leaky_relu(norm.call_4d(c), alpha=LEAKY_ALPHA)
            x = x + y if i > 0 else y
        raw = tf.nn.conv2d(x, tf.reshape(self.head.kernel, [1, 1, cfg.channels, -1]), 1, "VALID")
        nh, nn = cfg.n_harmonics, cfg.n_noise
        # The noise bands' initial bias as an add of 0 elsewhere: x + 0 == x, the same values.
        offset = tf.constant([0.0] * (1 + nh) + [NOISE_INITIAL_BIAS] * nn)
        scaled = exp_sigmoid(tf.nn.bias_add(raw, self.head.bias) + offset)[:, 0]
        amps, hd, noise = scaled[..., :1], scaled[..., 1:1 + nh], scaled[..., 1 + nh:]
        k = tf.range(1, nh + 1, dtype=tf.float32)
        hd = tf.where(f0_hz * k >= cfg.sample_rate / 2.0, tf.zeros_like(hd), hd)
        # Each kept harmonic is ≥ exp_sigmoid's threshold (≥ HARMONIC_NORM_EPS), so a sum below
        # the eps is 0: max(total, eps) is `call`'s where(total == 0, eps, total) in one op.
        assert EXP_SIGMOID["threshold"] >= HARMONIC_NORM_EPS
        total = tf.reduce_sum(hd, axis=-1, keepdims=True)
        hd = hd / tf.maximum(total, HARMONIC_NORM_EPS)
        return {"amplitudes": amps, "harmonic_distribution": hd, "noise_magnitudes": noise}, new_caches

    def _controls(self, x, f0_hz):
        """Trunk features [1, n, channels] → the synth controls (every output nonlinearity)."""
        cfg = self.cfg
        raw = self.head(x)
        nh = cfg.n_harmonics
        amps = exp_sigmoid(raw[..., :1])
        hd = exp_sigmoid(raw[..., 1:1 + nh])
        # remove_above_nyquist + normalize_harmonics (ddsp.core), in the graph.
        k = tf.range(1, nh + 1, dtype=tf.float32)
        hd = tf.where(f0_hz * k >= cfg.sample_rate / 2.0, tf.zeros_like(hd), hd)
        total = tf.reduce_sum(hd, axis=-1, keepdims=True)
        hd = hd / tf.where(total == 0.0, HARMONIC_NORM_EPS, total)
        noise = exp_sigmoid(raw[..., 1 + nh:] + NOISE_INITIAL_BIAS)
        return {"amplitudes": amps, "harmonic_distribution": hd, "noise_magnitudes": noise}


def build_decoder(cfg: Config) -> Decoder:
    dec = Decoder(cfg)
    dec(tf.zeros([1, 8, 1]) + 220.0, tf.zeros([1, 8, 1]) - 40.0)
    return dec


def count_params(dec: Decoder) -> int:
    return int(sum(int(tf.size(w)) for w in dec.trainable_weights))


class Synth:
    """ddsp Harmonic(amp_resample_method='linear') + FilteredNoise on already-scaled controls."""

    def __init__(self, n_frames: int, cfg: Config):
        import ddsp

        self.n_samples = n_frames * hop_samples(cfg.sample_rate)
        self.harmonic = ddsp.synths.Harmonic(self.n_samples, cfg.sample_rate, scale_fn=None,
                                             normalize_below_nyquist=False,
                                             amp_resample_method=AMP_RESAMPLE_METHOD)
        self.noise = ddsp.synths.FilteredNoise(self.n_samples, window_size=cfg.noise_window_size,
                                               scale_fn=None)

    def __call__(self, controls, f0_hz):
        h = self.harmonic.get_signal(controls["amplitudes"], controls["harmonic_distribution"], f0_hz)
        n = self.noise.get_signal(controls["noise_magnitudes"])
        return h + n


def synth_metadata(cfg: Config) -> dict:
    """What the browser needs to reproduce the synths exactly."""
    return {
        "harmonic": {
            "amp_resample_method": AMP_RESAMPLE_METHOD,
            "resample": "ddsp.core.resample 'linear' = tf.compat.v1.image.resize bilinear, "
                        "align_corners=False: control at sample n = linear interpolation of frames at "
                        "position n / hop_samples (clamped to the last frame); f0 resampled the same way",
            "phase": "cumsum(2*pi*f_k[n]/sample_rate) per harmonic, sin(phase), sum of amplitude*dist",
            "normalized_in_graph": True,
        },
        "noise": {
            "window_size": cfg.noise_window_size,
            "initial_bias": NOISE_INITIAL_BIAS,
            "initial_bias_in_graph": True,
            "scale_fn": "exp_sigmoid (in graph)",
            "white_noise": "uniform(-1, 1)",
            "filter": "ddsp.core.frequency_filter: magnitudes → zero-phase IR (irfft), Hann window "
                      "of window_size, centred, fft_convolve per frame (hop_samples), padding 'same'",
        },
        "exp_sigmoid": dict(EXP_SIGMOID),
    }
