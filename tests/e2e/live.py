"""Driving the live page (default URL + the opt-in probe) and judging what it played."""
from __future__ import annotations

import json
import re

import numpy as np

from tests.conftest import STATIC_DIR
from tests.e2e.browser_io import from_b64, install_js_helpers
from tests.signals import cents

# The default page, plus the one opt-in test probe (static/js/probe/probe.js): no engine switch.
LIVE = "/?probe=1"


def backend_rule() -> tuple[float, list[str], float]:
    """config.js BACKEND_P99_BUDGET and BACKEND_SAME_ENGINE (order, clearMargin), read from the source."""
    text = (STATIC_DIR / "js" / "config.js").read_text()
    budget = float(re.search(r"BACKEND_P99_BUDGET = ([0-9.]+)", text).group(1))
    same = re.search(r"BACKEND_SAME_ENGINE = \{ order: (\[[^\]]*\]), clearMargin: ([0-9.]+) \}", text)
    return budget, json.loads(same.group(1)), float(same.group(2))


def expected_backend(at_size: list[dict]) -> str:
    """What the chooser should pick from one block size's measurements: the fastest (p50) of those
    whose p99 keeps within the budget; of two running the same engine (decoderKind), the first in
    the order unless the other is faster by more than clearMargin of its p50 (visits agree)."""
    budget, order, margin = backend_rule()
    kept_up = [m for m in at_size if not m.get("error") and m["p99Ms"] < budget * m["blockMs"]]
    best = min(kept_up, key=lambda m: m["p50Ms"])
    peers = [m for m in kept_up if m.get("decoderKind") is not None and m.get("decoderKind") == best.get("decoderKind")
             and best["p50Ms"] >= (1 - margin) * m["p50Ms"]]
    rank = {b: i for i, b in enumerate(order)}
    return min([best, *peers], key=lambda m: rank.get(m["backend"], len(rank)))["backend"]


def sing_into_page(open_page, wav, seconds, path=LIVE, extra_args=()):
    """Opens the page with `wav` as the microphone, taps Sing, sings for `seconds`."""
    page, errors, _ = open_page(wav, path=path, extra_args=extra_args)
    install_js_helpers(page)
    page.click("#sing")
    page.wait_for_function("globalThis.swaraProbe && swaraProbe.running", timeout=60_000)
    page.wait_for_timeout(int(seconds * 1000))
    return page, errors


def read_output(page) -> np.ndarray:
    """What the page played since the last read, at the context rate."""
    return from_b64(page.evaluate("__f32ToB64(swaraProbe.read())"))


def probe(page, expr: str):
    return page.evaluate(f"JSON.parse(JSON.stringify(swaraProbe.{expr}))")


def pitch_track(audio, sample_rate, hop):
    """Independent tracker (librosa pyin): f0 in Hz per hop, NaN where unvoiced."""
    import librosa

    f0, voiced, _ = librosa.pyin(audio.astype(np.float64), fmin=60, fmax=2000, sr=sample_rate,
                                 frame_length=2048, hop_length=hop)
    return np.where(voiced, f0, np.nan)


def best_lag(out_hz, ref_hz):
    """The lag (in frames, within one loop of ref) that best aligns the output contour with ref.

    The fake microphone loops its WAV from a moment we do not control, so the lag is unknown.
    Returns (lag, ref resized to out's length at that lag); octave shifts removed by the caller.
    """
    best = (np.inf, 0)
    for lag in range(len(ref_hz)):
        ref = np.resize(np.roll(ref_hz, -lag), len(out_hz))
        m = np.isfinite(out_hz) & (ref > 0)
        if m.sum() < 0.3 * len(out_hz) * (ref_hz > 0).mean():
            continue
        err = float(np.median(np.abs(cents(out_hz[m], ref[m]))))
        if err < best[0]:
            best = (err, lag)
    lag = best[1]
    return lag, np.resize(np.roll(ref_hz, -lag), len(out_hz))


def fraction_within(out_hz, ref_hz, tolerance_cents, window=100, search=30):
    """Fraction of the voiced output frames within `tolerance_cents` of the sung pitch.

    The lag is found for the whole output first, then refined per `window` frames within
    +-`search` frames: an output buffer that grew after an underrun delays everything after it,
    which is latency, not pitch. Returns (fraction, voiced frames judged).
    """
    _, ref0 = best_lag(out_hz, ref_hz)
    ok = n = 0
    for start in range(0, len(out_hz), window):
        seg = out_hz[start:start + window]
        best = (-1, 0)
        for shift in range(-search, search + 1):
            ref = np.roll(ref0, -shift)[start:start + window]
            m = np.isfinite(seg) & (ref > 0)
            good = int((np.abs(cents(seg[m], ref[m])) <= tolerance_cents).sum())
            if good > best[0]:
                best = (good, int(m.sum()))
        ok += best[0]
        n += best[1]
    return ok / max(n, 1), n


def sounding_fraction(out, rate, voiced_ref, threshold=0.003, window=100, search=10):
    """Share of the input's voiced frames (10 ms) during which the output sounds (RMS > threshold).

    voiced_ref [n] bool per 10 ms of the looped input. Aligned like fraction_within: one lag for
    the whole output, refined per `window` frames within +-`search` (a grown output buffer delays
    what follows it). Returns (fraction, voiced frames judged).
    """
    hop = int(rate // 100)
    n = len(out) // hop
    sounding = np.sqrt(np.mean(out[: n * hop].reshape(n, hop) ** 2, axis=1)) > threshold
    ref = voiced_ref.astype(bool)
    # Aligned where output and input agree most (sounding while voiced, silent while not): counting
    # only the overlap would favour lags that merely put more voiced frames under the output.
    lag = max(range(len(ref)), key=lambda k: int((sounding == np.resize(np.roll(ref, -k), n)).sum()))
    ref0 = np.resize(np.roll(ref, -lag), n)
    ok = total = 0
    for start in range(0, n, window):
        seg = sounding[start:start + window]
        best = max(range(-search, search + 1),
                   key=lambda s: int((seg == np.roll(ref0, -s)[start:start + window]).sum()))
        r = np.roll(ref0, -best)[start:start + window]
        ok += int((seg & r).sum())
        total += int(r.sum())
    return ok / max(total, 1), total
