"""Instrument bodies: a short resonant filter a teacher is played through (pure DSP, no TF).

A sarangi is carved from one block of wood; its lower chamber is closed by goat skin, and the
bridge stands on the skin. A membrane belly rings in a few strong, lightly damped modes rather
than a wooden plate's dense ones, which gives the instrument its nasal, voice-like colour. A bowed
GM preset (a viola or a cello, already a bowed string with its own wooden body) played through
SARANGI takes on those formants. The values are design choices after descriptions of the
instrument (a cavity resonance, a skin mode, a nasal formant, the hollow between them, gut strings
that do not shine above 5 kHz), not measurements of a real sarangi.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Formant:
    """One resonance (gain_db > 0) or anti-resonance (< 0): an RBJ peaking filter."""

    hz: float
    gain_db: float
    q: float


@dataclass(frozen=True)
class Body:
    name: str
    formants: tuple[Formant, ...]
    shelf_hz: float      # a high shelf of shelf_db above this (the strings' top end)
    shelf_db: float


SARANGI = Body("sarangi", (
    Formant(320.0, 6.0, 2.0),     # the chamber's air and the skin's lowest mode: body under the low notes
    Formant(1050.0, 9.0, 3.0),    # the skin's strong mode: the vocal 'aa'
    Formant(1750.0, -7.0, 3.0),   # the hollow between them, half of what sounds nasal
    Formant(2700.0, 8.0, 4.0),    # the nasal formant (a voice's singer's formant is near here too)
), shelf_hz=5000.0, shelf_db=-6.0)

BODIES = {b.name: b for b in (SARANGI,)}


def _peaking(f: Formant, sample_rate: int) -> np.ndarray:
    """RBJ cookbook peaking EQ → one second-order section [6]."""
    a = 10 ** (f.gain_db / 40)
    w = 2 * np.pi * f.hz / sample_rate
    alpha = np.sin(w) / (2 * f.q)
    b = [1 + alpha * a, -2 * np.cos(w), 1 - alpha * a]
    den = [1 + alpha / a, -2 * np.cos(w), 1 - alpha / a]
    return np.array(b + den) / den[0]


def _high_shelf(hz: float, gain_db: float, sample_rate: int) -> np.ndarray:
    """RBJ cookbook high shelf (slope 1) → one second-order section [6]."""
    a = 10 ** (gain_db / 40)
    w = 2 * np.pi * hz / sample_rate
    alpha = np.sin(w) / 2 * np.sqrt(2)
    cw, sa = np.cos(w), 2 * np.sqrt(a) * alpha
    b = [a * ((a + 1) + (a - 1) * cw + sa), -2 * a * ((a - 1) + (a + 1) * cw), a * ((a + 1) + (a - 1) * cw - sa)]
    den = [(a + 1) - (a - 1) * cw + sa, 2 * ((a - 1) - (a + 1) * cw), (a + 1) - (a - 1) * cw - sa]
    return np.array(b + den) / den[0]


def body_sos(body: Body, sample_rate: int) -> np.ndarray:
    """The body as cascaded second-order sections [n_formants + 1, 6] at sample_rate."""
    for f in body.formants:
        if not 0 < f.hz < sample_rate / 2:
            raise ValueError(f"{body.name}: formant {f.hz} Hz is not below Nyquist at {sample_rate} Hz")
    return np.stack([_peaking(f, sample_rate) for f in body.formants]
                    + [_high_shelf(body.shelf_hz, body.shelf_db, sample_rate)])


def response_db(body: Body, freqs_hz: np.ndarray, sample_rate: int) -> np.ndarray:
    """The body's gain in dB at freqs_hz [n]."""
    from scipy.signal import sosfreqz

    _, h = sosfreqz(body_sos(body, sample_rate), worN=np.asarray(freqs_hz, dtype=np.float64), fs=sample_rate)
    return 20 * np.log10(np.abs(h) + 1e-12)


def apply(audio: np.ndarray, body: Body, sample_rate: int) -> np.ndarray:
    """audio [n] through the body (float32 out)."""
    from scipy.signal import sosfilt

    return sosfilt(body_sos(body, sample_rate), audio).astype(np.float32)
