"""Sound: pitch error against the asked pitch, loudness tracking and streaming-vs-offline SNR per instrument."""
from __future__ import annotations

import numpy as np

from bench.browser import BACKENDS
from bench.sections.common import Context, loudness_db
from tests.e2e.browser_io import from_b64, snr_db, to_b64
from tests.signals import cents

KEY = "sound"
HEADING = "## Sound"

RENDER_BOTH = """async ([id, b64]) => {
    const k = await import('/tests/build/testkit.js');
    const r = await k.bench.renderBoth({ id, voice: __b64ToF32(b64) });
    return { streamed: __f32ToB64(r.streamed), whole: __f32ToB64(r.whole), octaves: r.octaves,
             mapped: __f32ToB64(r.mappedF0Hz) };
}"""


def pitch_error_at_best_lag(out_hz, asked_hz, mask, max_lag=6):
    """(lag, median |cents|) of the output pitch against the asked pitch shifted by 0..max_lag frames
    (the output later), where both are voiced: the lag with the smallest median error."""
    best = (0, float("nan"))
    for lag in range(max_lag + 1):
        o, a, m = out_hz[lag:], asked_hz[:len(asked_hz) - lag], mask[lag:] & mask[:len(mask) - lag]
        if not m.any():
            continue
        err = float(np.median(np.abs(cents(o[m], a[m]))))
        if not np.isfinite(best[1]) or err < best[1]:
            best = (lag, err)
    return best


def judge(meta: dict, whole, streamed, asked_hz, sung_hz, ld_in) -> dict:
    """One instrument's row: its offline output (`whole` [n]) against the pitch the engine asked for
    (`asked_hz` [n_frames]) where the singer sang (`sung_hz` [n_frames] > 0), and against `streamed`."""
    import librosa

    hop, rate = meta["hop_samples"], meta["sample_rate"]
    out_hz, voiced, _ = librosa.pyin(whole.astype(np.float64), fmin=60, fmax=2500, sr=rate, frame_length=1024,
                                     hop_length=hop)
    out_hz = np.where(voiced, out_hz, np.nan)
    # Against the pitch the engine asked for (the sung pitch after octave matching, which may
    # differ phrase to phrase), where the singer was singing.
    k = min(len(out_hz), len(sung_hz), len(asked_hz))
    mask = np.isfinite(out_hz[:k]) & (sung_hz[:k] > 0) & (asked_hz[:k] > 0)
    # The output's pitch trails the asked pitch by the synth's look-ahead and pyin's centring
    # (and YIN reads the newest samples of a frame): over meend and vibrato an unaligned
    # comparison measures the slope, not the pitch. Judged at the lag (frames) that fits best.
    lag, err = pitch_error_at_best_lag(out_hz[:k], asked_hz[:k], mask)
    shifts = (np.unique(np.round(np.log2(asked_hz[:k][mask] / sung_hz[:k][mask]))).astype(int).tolist()
              if mask.any() else [])
    ld_out = loudness_db(whole, meta)
    j = min(len(ld_in), len(ld_out))
    n = min(len(whole), len(streamed))
    return {"id": meta["id"], "heldout_spectral_loss": (meta.get("quality") or {}).get("heldout_spectral_loss"),
            "pitch_error_cents_median": err, "pitch_lag_frames": lag, "voiced_frames": int(mask.sum()),
            "octave_shift": shifts, "loudness_envelope_correlation": float(np.corrcoef(ld_in[:j], ld_out[:j])[0, 1]),
            "streaming_vs_offline_snr_db": snr_db(whole[:n], streamed[:n])}


def measure(ctx: Context) -> list[dict]:
    """Each instrument renders the sung phrase offline, whole and streamed, on webgl."""
    page = ctx.pages.open(BACKENDS["webgl"])
    sung_hz = ctx.f0_hz[::ctx.metas[0]["hop_samples"]]
    ld_in = loudness_db(ctx.voice, ctx.metas[0])
    rows = []
    for m in ctx.measured:
        r = page.evaluate(RENDER_BOTH, [m["id"], to_b64(ctx.voice)])
        rows.append(judge(m, from_b64(r["whole"]), from_b64(r["streamed"]), from_b64(r["mapped"]), sung_hz, ld_in))
        row = rows[-1]
        print(f"  sound {m['id']:10s} pitch err {row['pitch_error_cents_median']:.1f} c, loudness corr "
              f"{row['loudness_envelope_correlation']:.3f}, stream SNR {row['streaming_vs_offline_snr_db']:.1f} dB")
    ctx.pages.close()
    return rows


def render(rows: list[dict]) -> list[str]:
    lines = [HEADING, "", "| instrument | held-out spectral loss | pitch error vs asked (cents, median; output lag in "
             "frames) | octave shift | loudness-envelope corr. | streaming vs offline SNR (dB) |",
             "|---|---|---|---|---|---|"]
    for s in rows:
        loss = s["heldout_spectral_loss"]
        lines.append(f"| {s['id']} | {loss if loss is None else f'{loss:.3f}'} | {s['pitch_error_cents_median']:.1f} "
                     f"(lag {s.get('pitch_lag_frames', 0)}) | {s['octave_shift']} | "
                     f"{s['loudness_envelope_correlation']:.3f} | {s['streaming_vs_offline_snr_db']:.1f} |")
    return lines
