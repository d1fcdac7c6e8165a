"""A synthetic singer: glottal (Rosenberg) pulses through vowel formants, with rests, meend
(glides between notes), vibrato and aspiration. The tests sing with it, and the factory's timbre
check sings the same phrase into each instrument (so it lives outside tests/)."""
from __future__ import annotations

import numpy as np


def rosenberg_pulse(phase_cycles: np.ndarray, open_quotient: float = 0.6, speed: float = 2.0) -> np.ndarray:
    """Glottal flow of a Rosenberg pulse at fractional phase (cycles, [0, 1))."""
    tp = open_quotient * speed / (1 + speed)
    tn = open_quotient - tp
    p = np.mod(phase_cycles, 1.0)
    flow = np.where(p < tp, 0.5 * (1 - np.cos(np.pi * p / tp)), 0.0)
    closing = (p >= tp) & (p < tp + tn)
    flow = np.where(closing, np.cos(np.pi * (p - tp) / (2 * tn)), flow)
    return flow


VOWEL_A = ((700, 110), (1220, 120), (2600, 160), (3300, 250))  # formants (Hz, bandwidth Hz) of /a/


def formant_filter(x: np.ndarray, sample_rate: int, formants=VOWEL_A):
    """Cascade of two-pole resonators (a vowel /a/ by default)."""
    from scipy.signal import lfilter

    y = x
    for fc, bw in formants:
        r = np.exp(-np.pi * bw / sample_rate)
        theta = 2 * np.pi * fc / sample_rate
        a = [1.0, -2 * r * np.cos(theta), r * r]
        y = lfilter([1 - r], a, y)
    return y


def sung_phrase(notes, sample_rate: int = 48000, vibrato_cents: float = 35.0, vibrato_hz: float = 5.5,
                glide_s: float = 0.12, rest_s: float = 0.0, seed: int = 1, formants=VOWEL_A):
    """A sung phrase from a glottal-pulse source and vowel formants: legato notes joined by glides.

    notes: [(midi, seconds)] — midi None is a rest. formants: [(Hz, bandwidth Hz)] of the vowel.
    Returns (audio [n] float32, f0_hz [n] (0 in rests), voiced [n] bool).
    """
    rng = np.random.default_rng(seed)
    f0_parts, voiced_parts = [], []
    prev = None
    for midi, seconds in notes:
        n = int(seconds * sample_rate)
        if midi is None:
            f0_parts.append(np.zeros(n))
            voiced_parts.append(np.zeros(n, bool))
            prev = None
            continue
        target = 440.0 * 2 ** ((midi - 69) / 12)
        contour = np.full(n, target)
        if prev is not None:  # meend from the previous note
            g = min(n, int(glide_s * sample_rate))
            contour[:g] = prev * (target / prev) ** (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, g)))
        f0_parts.append(contour)
        voiced_parts.append(np.ones(n, bool))
        prev = target
    f0 = np.concatenate(f0_parts)
    voiced = np.concatenate(voiced_parts)
    t = np.arange(f0.size) / sample_rate
    f0 = np.where(voiced, f0 * 2 ** (vibrato_cents / 1200 * np.sin(2 * np.pi * vibrato_hz * t)), 0.0)
    phase = np.cumsum(f0) / sample_rate
    flow = rosenberg_pulse(phase)
    source = np.diff(flow, prepend=0.0) * sample_rate / 1000.0  # flow derivative excites the tract
    source += 0.01 * rng.standard_normal(f0.size)  # aspiration
    # Amplitude envelope: 40 ms attack/release per voiced segment, a little shimmer.
    env = voiced.astype(float)
    k = int(0.04 * sample_rate)
    env = np.convolve(env, np.hanning(2 * k) / np.hanning(2 * k).sum(), mode="same")
    audio = formant_filter(source * env, sample_rate, formants)
    audio = 0.5 * audio / (np.max(np.abs(audio)) + 1e-12)
    return audio.astype(np.float32), np.where(voiced, f0, 0.0), voiced


def consonant(kind: str, seconds: float, sample_rate: int, rng) -> np.ndarray:
    """An unvoiced consonant: 's' hiss (noise above 3.5 kHz) or a 'k'/'t' burst (broadband, fast decay)."""
    from scipy.signal import butter, lfilter

    n = int(seconds * sample_rate)
    noise = rng.standard_normal(n)
    if kind == "s":
        b, a = butter(4, 3500 / (sample_rate / 2), btype="high")
        hiss = lfilter(b, a, noise)
        return 0.15 * hiss * np.hanning(n) / (np.max(np.abs(hiss)) + 1e-12)
    env = np.exp(-np.arange(n) / (0.012 * sample_rate))
    return 0.25 * noise * env / (np.max(np.abs(noise)) + 1e-12)


def sung_take(notes, sample_rate: int = 48000, seed: int = 3, vibrato_cents: float = 35.0):
    """sung_phrase with consonants: notes entries (midi | None | 'k'/'s'/'t', seconds).

    Returns (audio [n] float32, f0_hz [n] (0 where unvoiced), voiced [n] bool).
    """
    rng = np.random.default_rng(seed)
    audio, f0, voiced = sung_phrase([(None if isinstance(m, str) else m, s) for m, s in notes],
                                    sample_rate=sample_rate, seed=seed, vibrato_cents=vibrato_cents)
    audio = audio.astype(np.float64)
    start = 0
    for m, s in notes:
        n = int(s * sample_rate)
        if isinstance(m, str):
            audio[start:start + n] += consonant(m, s, sample_rate, rng)
        start += n
    return audio.astype(np.float32), f0, voiced
