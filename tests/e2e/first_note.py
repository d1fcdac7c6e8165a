"""A take as a singer gives it: a cold page, Sing, the phrase sung once (the fake microphone does
not loop it), scored from the page's own microphone signal against what the page played.

Shared by tests/e2e/test_first_note.py and the bench's first-note section.
"""
from __future__ import annotations

import contextlib
import subprocess
import sys
from fractions import Fraction

import numpy as np

from tests.e2e.browser_io import from_b64, install_js_helpers
from tests.signals import cents

FRAME_SECONDS = 0.01  # the scoring frame
TRACK_RATE = 16000  # the pitch tracker's rate (both signals are resampled to it)
OUTPUT_ONSET = 0.01  # static/js/config.js ONSET.outputThreshold: what the page counts as sound
SOUNDING_RMS = 0.003  # a 10 ms frame of output sounds above this (tests/e2e/live.py sounding_fraction)
MAX_LAG_FRAMES = 10  # the output follows the voice by at most this many frames (100 ms)
BUSY = "while 1: pass"


def noloop(wav: str) -> str:
    """Chromium's fake microphone plays `wav` once with this suffix (then silence), else loops it."""
    return f"{wav}%noloop"


def track(audio: np.ndarray, rate: int) -> np.ndarray:
    """f0 in Hz per 10 ms frame (frame i centred on i * 10 ms), NaN where unvoiced: voicing by
    librosa's pyin on 20-cent bins (its HMM at the default 10 cents takes ~4x as long), the f0
    itself by librosa's yin (parabolic interpolation, not quantised to bins)."""
    import librosa
    from scipy.signal import resample_poly

    r = Fraction(TRACK_RATE, int(rate))
    y = resample_poly(np.asarray(audio, np.float64), r.numerator, r.denominator)
    kw = {"fmin": 100, "fmax": 1600, "sr": TRACK_RATE, "frame_length": 512,
          "hop_length": int(TRACK_RATE * FRAME_SECONDS)}
    _, voiced, _ = librosa.pyin(y, resolution=0.2, **kw)
    return np.where(voiced, librosa.yin(y, **kw), np.nan)


def sounding(audio: np.ndarray, rate: int) -> np.ndarray:
    """Per 10 ms frame (frame i centred on i * 10 ms, as `track`): the output's RMS is above SOUNDING_RMS."""
    hop = int(rate * FRAME_SECONDS)
    padded = np.concatenate([np.zeros(hop // 2), np.asarray(audio, np.float64), np.zeros(hop)])
    n = len(audio) // hop + 1
    frames = padded[: n * hop].reshape(n, hop)
    return np.sqrt(np.mean(frames ** 2, axis=1)) > SOUNDING_RMS


def score_take(mic: np.ndarray, out: np.ndarray, rate: int) -> dict:
    """What a singer hears of a take, from the first voiced frame of the microphone signal.

    mic, out [n] at `rate`, recorded over the same quanta. Returns first_output_ms (the first
    output sample above OUTPUT_ONSET after the first voiced input frame's centre), lag_frames (the
    output's delay, <= MAX_LAG_FRAMES, at which its pitch contour best matches the voice's), voiced_fraction
    (input voiced frames during which the output sounds, at that lag), off_fraction (of the frames
    both voiced, the share more than 50 cents from the sung pitch, after the take's one octave
    shift), median_cents, octave_shift, voiced_frames.
    """
    mic_hz = track(mic, rate)
    voiced = np.isfinite(mic_hz)
    if not voiced.any():
        raise ValueError("the microphone signal has no voiced frame to score from")
    first = int(np.argmax(voiced))
    start_sample = round(first * FRAME_SECONDS * rate)
    loud = np.flatnonzero(np.abs(out[start_sample:]) > OUTPUT_ONSET)
    first_output_ms = 1000 * loud[0] / rate if loud.size else float("inf")
    sound = sounding(out, rate)
    out_hz = track(out, rate)
    n = min(len(sound), len(voiced), len(out_hz))
    idx = np.flatnonzero(voiced[:n])
    idx = idx[idx + MAX_LAG_FRAMES < n]

    def pitch_error(k):  # (cents from the sung pitch after the take's octave shift, octaves) at lag k
        both = idx[np.isfinite(out_hz[idx + k])]
        d = cents(out_hz[both + k], mic_hz[both])
        octave = int(np.round(np.median(d) / 1200)) if both.size else 0
        return d - 1200 * octave, octave

    # The output's delay: where its pitch contour (meend, vibrato) best matches the voice's.
    def median_error(k):
        e = pitch_error(k)[0]
        return float(np.median(np.abs(e))) if e.size else np.inf

    lag = min(range(MAX_LAG_FRAMES + 1), key=median_error)
    err, octave = pitch_error(lag)
    voiced_fraction = float(sound[idx + lag].mean())
    return {
        "first_output_ms": float(first_output_ms), "lag_frames": lag, "voiced_fraction": voiced_fraction,
        "off_fraction": float(np.mean(np.abs(err) > 50)) if err.size else 1.0,
        "median_cents": float(np.median(np.abs(err))) if err.size else float("nan"),
        "octave_shift": octave, "voiced_frames": int(idx.size), "first_voiced_s": first * FRAME_SECONDS,
    }


@contextlib.contextmanager
def busy_cores(n: int = 2, seconds: float | None = None):
    """`n` processes spinning on the cores (a phone is rarely idle) until the block ends, or for `seconds`."""
    procs = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(n)]
    timers = []
    if seconds is not None:
        import threading

        timers = [threading.Timer(seconds, p.kill) for p in procs]
        for t in timers:
            t.start()
    try:
        yield procs
    finally:
        for t in timers:
            t.cancel()
        for p in procs:
            p.kill()
            p.wait()


def sing_take_once(open_page, wav: str, seconds: float, path: str = "/?probe=1", burst: int = 0,
                   burst_seconds: float | None = None, executable_args=()):
    """Opens the page cold with `wav` as the microphone (played once), taps Sing, and after
    `seconds` returns (page, mic, out, rate, errors); `burst` busy processes start with the take."""
    page, errors, _ = open_page(noloop(wav), path=path, extra_args=executable_args)
    install_js_helpers(page)
    with busy_cores(burst, burst_seconds) if burst else contextlib.nullcontext():
        page.click("#sing")
        page.wait_for_function("globalThis.swaraProbe && swaraProbe.running", timeout=60_000)
        page.wait_for_timeout(int(seconds * 1000))
    out = from_b64(page.evaluate("__f32ToB64(swaraProbe.read())"))
    mic = from_b64(page.evaluate("__f32ToB64(swaraProbe.readMicrophone())"))
    rate = page.evaluate("swaraProbe.sampleRate")
    n = min(len(out), len(mic))
    return page, mic[:n], out[:n], rate, errors
