"""Test signals that behave like a singer, not like a sine: harmonics, formants, vibrato."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from factory.voice import formant_filter, rosenberg_pulse, sung_phrase  # noqa: F401  (shared singer)


def sung_vowel(f0_hz, seconds: float, sample_rate: int = 48000, vibrato_cents: float = 30.0,
               vibrato_hz: float = 5.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A voiced vowel: glottal-like harmonics (-12 dB/oct) through /a/ formants, with vibrato.

    f0_hz: a number, or an array [n_samples] giving the pitch contour.
    Returns (audio [n_samples] float32 in [-0.5, 0.5], f0 [n_samples] in Hz).
    """
    rng = np.random.default_rng(seed)
    n = int(seconds * sample_rate)
    t = np.arange(n) / sample_rate
    base = np.broadcast_to(np.asarray(f0_hz, dtype=np.float64), (n,))
    f0 = base * 2 ** (vibrato_cents / 1200 * np.sin(2 * np.pi * vibrato_hz * t))
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate
    audio = np.zeros(n)
    formants = [(800, 80), (1150, 90), (2900, 120)]  # /a/
    for k in range(1, 40):
        fk = k * f0
        gain = (1.0 / k) * sum(1 / (1 + ((fk - fc) / bw) ** 2) for fc, bw in formants) + 0.02 / k
        gain = np.where(fk < sample_rate / 2 - 500, gain, 0.0)
        audio += gain * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    audio += 0.002 * rng.standard_normal(n)  # breath
    fade = np.minimum(1, np.minimum(t, t[::-1]) / 0.05)
    audio = audio * fade
    audio = 0.5 * audio / np.max(np.abs(audio))
    return audio.astype(np.float32), f0


def write_wav(path, audio: np.ndarray, sample_rate: int) -> str:
    sf.write(str(path), audio, sample_rate, subtype="PCM_16")
    return str(path)


def cents(a_hz, b_hz):
    return 1200 * np.log2(np.asarray(a_hz) / np.asarray(b_hz))
