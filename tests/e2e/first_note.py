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

from factory.playing import VIBRATO
from tests.e2e.browser_io import from_b64, install_js_helpers
from tests.signals import cents

FRAME_SECONDS = 0.01  # the scoring frame
TRACK_RATE = 16000  # the pitch tracker's rate (both signals are resampled to it)
OUTPUT_ONSET = 0.01  # static/js/config.js ONSET.outputThreshold: what the page counts as sound
SOUNDING_RMS = 0.003  # a 10 ms frame of output is a heard stroke or note above this RMS (-50.5 dBFS)
RING_DB = 40  # after it, the output sounds while within this many dB of it (see `sounding`)
REST_FRAMES = 20  # the voice unvoiced this long (0.2 s, longer than any consonant) is a rest
MAX_LAG_FRAMES = 10  # the output follows the voice by at most this many frames (100 ms)
# a pitch trend's mean: one vibrato period, the one the instruments' vibrato depth uses (180 ms)
TREND_FRAMES = round(VIBRATO["period_ms"] / 1000 / FRAME_SECONDS)
BUSY = "while 1: pass"


def noloop(wav: str) -> str:
    """Chromium's fake microphone plays `wav` once with this suffix (then silence), else loops it."""
    return f"{wav}%noloop"


def track(audio: np.ndarray, rate: int) -> np.ndarray:
    """f0 in Hz per 10 ms frame (frame i centred on i * 10 ms), NaN where unvoiced: voicing and
    octave by librosa's pyin on 20-cent bins (its HMM at the default 10 cents takes ~4x as long),
    the f0 within that octave by librosa's yin (parabolic interpolation, not quantised to bins).
    yin alone reads a plucked string an octave low on some frames after a stroke, where pyin's
    HMM holds the octave: each yin estimate is moved by whole octaves to the nearest of pyin's.
    The range reaches the instruments' registers, not only the voice's: the bansuri, two octaves
    above a man's Sa A3, plays a taan's top A4 at 1760 Hz (a 1600 Hz ceiling read it 65 cents
    flat)."""
    import librosa
    from scipy.signal import resample_poly

    r = Fraction(TRACK_RATE, int(rate))
    y = resample_poly(np.asarray(audio, np.float64), r.numerator, r.denominator)
    kw = {"fmin": 100, "fmax": 2100, "sr": TRACK_RATE, "frame_length": 512,
          "hop_length": int(TRACK_RATE * FRAME_SECONDS)}
    f0_pyin, voiced, _ = librosa.pyin(y, resolution=0.2, **kw)
    f0_yin = librosa.yin(y, **kw)
    with np.errstate(invalid="ignore", divide="ignore"):
        octaves = np.round(np.log2(f0_pyin / f0_yin))
    return np.where(voiced, f0_yin * 2.0 ** np.nan_to_num(octaves), np.nan)


def frame_rms(audio: np.ndarray, rate: int) -> np.ndarray:
    """RMS per 10 ms frame [n] (frame i centred on i * 10 ms, as `track`)."""
    hop = int(rate * FRAME_SECONDS)
    padded = np.concatenate([np.zeros(hop // 2), np.asarray(audio, np.float64), np.zeros(hop)])
    n = len(audio) // hop + 1
    return np.sqrt(np.mean(padded[: n * hop].reshape(n, hop) ** 2, axis=1))


def sounding(out_rms: np.ndarray, voiced: np.ndarray, lag: int) -> np.ndarray:
    """Whether the output sounds during each sung frame: [n] bool for input frames i < n, the
    output read at i + lag (out_rms [>= n + lag] from `frame_rms`, voiced [n] the voice's frames).

    What "the output sounds while the voice sings" means for every idiom. A blown, bowed or keyed
    instrument sounds at the level the voice asks for. A plucked one (the sitar) is struck and then
    rings down while the voice holds the note: the engine decays it on purpose, as its teacher's
    string does (11 dB in 0.3 s, then 8.4 dB/s: metadata.json "playing"), so a 1.2 s note ends
    20-30 dB under its stroke. A fixed level (RMS > SOUNDING_RMS, the rule before) called that
    ringing string silent: a high voice's takes on the sitar scored 67-93 % voiced here while the
    string sounded throughout.

    So a frame sounds when the output is within RING_DB of the loudest output frame since the
    voice last rested (REST_FRAMES unvoiced: a consonant does not end a stroke, a rest does) and
    that loudest frame was itself heard (RMS > SOUNDING_RMS): the stroke, or the held note, that
    set the instrument sounding. 40 dB: the teacher's string takes 3.7 s to fall that far, longer
    than any note these takes sing, and a string 40 dB under a comfortable stroke is still heard in
    a quiet room. Relative to its own stroke, so a soft take is judged like a loud one.

    It still fails what a singer would miss: nothing heard since the last rest (a silent start, a
    phrase whose first note is lost) is silent whatever rings on from before the rest, and a
    dropout (zeros) lies below any range.
    """
    n = len(voiced)
    floor = 10 ** (-RING_DB / 20)
    out = np.zeros(n, bool)
    peak, unvoiced = 0.0, 0
    for i in range(n):
        unvoiced = 0 if voiced[i] else unvoiced + 1
        if unvoiced >= REST_FRAMES:
            peak = 0.0
        level = out_rms[i + lag]
        peak = max(peak, level)
        out[i] = peak > SOUNDING_RMS and level > floor * peak
    return out


def score_take(mic: np.ndarray, out: np.ndarray, rate: int) -> dict:
    """What a singer hears of a take, from the first voiced frame of the microphone signal.

    mic, out [n] at `rate`, recorded over the same quanta. Returns first_output_ms (the first
    output sample above OUTPUT_ONSET after the first voiced input frame's centre), lag_frames (the
    output's delay, <= MAX_LAG_FRAMES, at which its pitch contour best matches the voice's), voiced_fraction
    (input voiced frames during which the output sounds, at that lag: `sounding`), off_fraction (of the frames
    both voiced, the share more than 50 cents from the sung pitch, after the take's one octave
    shift), median_cents, median_trend_cents (the same between the pitch trends, each a centred
    mean over TREND_FRAMES within a voiced stretch: is the instrument in tune with the singer,
    whatever share of the vibrato it plays), octave_shift, voiced_frames.
    """
    mic_hz = track(mic, rate)
    voiced = np.isfinite(mic_hz)
    if not voiced.any():
        raise ValueError("the microphone signal has no voiced frame to score from")
    first = int(np.argmax(voiced))
    start_sample = round(first * FRAME_SECONDS * rate)
    loud = np.flatnonzero(np.abs(out[start_sample:]) > OUTPUT_ONSET)
    first_output_ms = 1000 * loud[0] / rate if loud.size else float("inf")
    out_rms = frame_rms(out, rate)
    out_hz = track(out, rate)
    n = min(len(out_rms), len(voiced), len(out_hz))
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
    sung_trend, played_trend = trend_cents(mic_hz[:n - lag]), trend_cents(out_hz[lag:n])
    both = np.isfinite(sung_trend) & np.isfinite(played_trend)
    trend_err = played_trend[both] - sung_trend[both]
    trend_err -= 1200 * np.round(np.median(trend_err) / 1200) if trend_err.size else 0
    voiced_fraction = float(sounding(out_rms, voiced[: n - lag], lag)[idx].mean())
    return {
        "first_output_ms": float(first_output_ms), "lag_frames": lag, "voiced_fraction": voiced_fraction,
        "off_fraction": float(np.mean(np.abs(err) > 50)) if err.size else 1.0,
        "median_cents": float(np.median(np.abs(err))) if err.size else float("nan"),
        "median_trend_cents": float(np.median(np.abs(trend_err))) if trend_err.size else float("nan"),
        "octave_shift": octave, "voiced_frames": int(idx.size), "first_voiced_s": first * FRAME_SECONDS,
    }


def trend_cents(f0_hz: np.ndarray) -> np.ndarray:
    """The pitch's trend [n] in cents re 1 Hz: a centred mean over TREND_FRAMES of frames that are
    all voiced (NaN elsewhere): a vibrato of that period averages out, meend and notes stay."""
    c = 1200 * np.log2(np.where(np.isfinite(f0_hz), f0_hz, 1.0))
    ok = np.isfinite(f0_hz).astype(np.float64)
    kernel = np.ones(TREND_FRAMES)
    sums, counts = np.convolve(c * ok, kernel, "same"), np.convolve(ok, kernel, "same")
    return np.where(counts >= TREND_FRAMES, sums / np.maximum(counts, 1), np.nan)


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


def choose_instrument(page, model_id: str) -> None:
    """Taps an instrument's card and waits until it is loaded (checked, the loading box gone)."""
    page.click(f".chip[data-id='{model_id}']")
    loaded = ("id => document.querySelector(`.chip[data-id='${id}']`).getAttribute('aria-checked') === 'true'"
              " && document.getElementById('loading').hidden")
    page.wait_for_function(loaded, arg=model_id, timeout=60_000)


def sing_take_once(open_page, wav: str, seconds: float, path: str = "/?probe=1", burst: int = 0,
                   burst_seconds: float | None = None, executable_args=(), instrument: str | None = None):
    """Opens the page cold with `wav` as the microphone (played once), chooses `instrument` (else
    the page's first), taps Sing, and after `seconds` returns (page, mic, out, rate, errors);
    `burst` busy processes start with the take."""
    page, errors, _ = open_page(noloop(wav), path=path, extra_args=executable_args)
    install_js_helpers(page)
    if instrument:
        choose_instrument(page, instrument)
    with busy_cores(burst, burst_seconds) if burst else contextlib.nullcontext():
        page.click("#sing")
        page.wait_for_function("globalThis.swaraProbe && swaraProbe.running", timeout=60_000)
        page.wait_for_timeout(int(seconds * 1000))
    out = from_b64(page.evaluate("__f32ToB64(swaraProbe.read())"))
    mic = from_b64(page.evaluate("__f32ToB64(swaraProbe.readMicrophone())"))
    rate = page.evaluate("swaraProbe.sampleRate")
    n = min(len(out), len(mic))
    return page, mic[:n], out[:n], rate, errors
