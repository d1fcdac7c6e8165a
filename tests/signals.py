"""Test signals that behave like a singer, not like a sine: harmonics, formants, vibrato."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from factory import voice
from factory.voice import consonant, formant_filter, rosenberg_pulse, sung_phrase  # noqa: F401  (shared singer)

# The sung phrase (midi note | None for a rest, seconds) the e2e tests and the benchmarks sing:
# 5.8 s from A3 to D4 with two rests, sung_phrase's meend and vibrato between and on the notes.
PHRASE = [(57, 0.9), (59, 0.6), (60, 0.9), (None, 0.4), (62, 0.8), (60, 0.7), (57, 1.0), (None, 0.5)]


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


# The takes' singer is a man with Sa A3; a woman singing them with Sa E4 sings this much higher.
HIGH_VOICE_SEMITONES = 7

# A 9.6 s take spanning a major sixth (A3..F#4) as a singer sings it: meend between legato notes,
# vibrato, rests of 0.35-0.6 s and consonants ('k', 's', 't') between some notes.
TAKE = [(57, 0.8), (59, 0.5), ("k", 0.06), (61, 0.6), (62, 0.7), (None, 0.35), (64, 0.6), ("s", 0.08),
        (66, 0.9), (64, 0.5), (62, 0.6), (None, 0.5), (61, 0.5), ("t", 0.05), (59, 0.6), (57, 1.2), (None, 0.6)]


def room_noise(n: int, sample_rate: int, rms: float, seed: int = 11) -> np.ndarray:
    """A noisy room [n] float32 at `rms`: a fan (white noise low-passed at 800 Hz, 3 parts of the
    power) and mains hum (50 Hz with its 2nd and 3rd harmonics, 1 part)."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(seed)
    fan = sosfilt(butter(2, 800, fs=sample_rate, output="sos"), rng.standard_normal(n))
    t = np.arange(n) / sample_rate
    hum = sum(a * np.sin(2 * np.pi * 50 * k * t + k) for k, a in ((1, 1.0), (2, 0.5), (3, 0.3)))
    fan *= np.sqrt(0.75) / np.sqrt(np.mean(fan ** 2))
    hum *= np.sqrt(0.25) / np.sqrt(np.mean(hum ** 2))
    return (rms * (fan + hum)).astype(np.float32)


def sung_take(notes=TAKE, sample_rate: int = 48000, seed: int = 3, vibrato_cents: float = 35.0):
    """factory.voice.sung_take, TAKE by default."""
    return voice.sung_take(notes, sample_rate=sample_rate, seed=seed, vibrato_cents=vibrato_cents)


def decoder_controls(n_frames: int, frame_rate: float = 250, seed: int = 5):
    """A sung-like line of decoder inputs with a silent gap (f0 0 Hz, loudness at the -80 dB floor)
    at frames 40-51: returns (f0_hz [n_frames], loudness_db [n_frames]) float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_frames) / frame_rate
    f0 = 330 * 2 ** ((3 * np.sin(2 * np.pi * 1.3 * t) + 0.3 * np.sin(2 * np.pi * 5.5 * t)) / 12)
    ld = -30 + 20 * np.sin(2 * np.pi * 2.1 * t) + rng.normal(0, 1, n_frames)
    f0[40:52], ld[40:52] = 0.0, -80.0
    return f0.astype(np.float32), ld.astype(np.float32)
