"""Analysis window: what a shorter loudness window (less look-ahead) changes in each instrument's output."""
from __future__ import annotations

import numpy as np

from bench.browser import BACKENDS
from bench.sections.common import Context, loudness_db
from tests.e2e.browser_io import from_b64, to_b64

KEY = "analysis_window"
HEADING = "## Analysis window"
FFT_SIZES = (512, 256, 128)  # the first is the window the models were trained with

RENDER_WINDOWS = """async ([id, b64, sizes]) => {
    const k = await import('/tests/build/testkit.js');
    const out = await k.bench.renderAnalysisWindows({ id, voice: __b64ToF32(b64), fftSizes: sizes });
    return Object.fromEntries(Object.entries(out).map(([n, a]) => [n, __f32ToB64(a)]));
}"""


def log_spectrogram_db(x: np.ndarray) -> np.ndarray:
    import librosa

    return 20 * np.log10(np.abs(librosa.stft(x.astype(np.float64), n_fft=1024, hop_length=256)) + 1e-6)


def first_sound(x: np.ndarray) -> int:
    """The first sample above 0.01: the output's onset."""
    return int(np.argmax(np.abs(x) > 0.01))


def compare(ref: np.ndarray, x: np.ndarray, meta: dict) -> dict:
    """Log-spectrogram distance (dB, mean over time-frequency bins above -80 dB), loudness-envelope
    correlation and onset shift of `x` against `ref` (both [n] at the model's rate)."""
    k = min(len(x), len(ref))
    a, b = log_spectrogram_db(ref[:k]), log_spectrogram_db(x[:k])
    mask = np.maximum(a, b) > -80
    ld_ref, ld = loudness_db(ref, meta), loudness_db(x[:k], meta)
    j = min(len(ld), len(ld_ref))
    return {"log_spectral_distance_db": float(np.mean(np.abs(a - b)[mask])),
            "loudness_envelope_correlation": float(np.corrcoef(ld_ref[:j], ld[:j])[0, 1]),
            "onset_shift_ms": 1000 * (first_sound(x) - first_sound(ref)) / meta["sample_rate"]}


def measure(ctx: Context) -> list[dict]:
    """Per instrument and shorter window, the engine's offline output against the 512 window's."""
    page = ctx.pages.open(BACKENDS["wasm"])
    rows = []
    for m in ctx.measured:
        r = page.evaluate(RENDER_WINDOWS, [m["id"], to_b64(ctx.voice), list(FFT_SIZES)])
        audio = {int(n): from_b64(b) for n, b in r.items()}
        for n in FFT_SIZES[1:]:
            rows.append({"id": m["id"], "fft": n, "lookahead_ms": 1000 * n / 2 / m["sample_rate"],
                         **compare(audio[FFT_SIZES[0]], audio[n], m)})
            print(f"  window {m['id']:10s} n_fft {n}: {rows[-1]['log_spectral_distance_db']:.2f} dB from 512, "
                  f"loudness corr {rows[-1]['loudness_envelope_correlation']:.3f}, "
                  f"onset {rows[-1]['onset_shift_ms']:+.1f} ms")
    ctx.pages.close()
    return rows


def render(rows: list[dict]) -> list[str]:
    lines = [f"{HEADING} (look-ahead) vs what the models learned", "",
             "The models were trained on `compute_loudness` with a 512-sample window (16 ms centred look-ahead). The "
             "engine's window, in `static/js/config.js`, is what this table weighs: the same sung phrase through the "
             "engine offline with each window, compared with 512 (loudness of a shorter window is referenced back to "
             "512, `features.js` `referenceNFft`). Onset: when the output first exceeds 0.01 on the offline clock "
             "(negative is earlier); live, the look-ahead saved comes off every frame's delay as well.", "",
             "| instrument | n_fft | look-ahead ms | log-spectral distance to 512 (dB) | loudness-envelope corr. | "
             "onset shift (ms) |", "|---|---|---|---|---|---|"]
    return lines + [f"| {r['id']} | {r['fft']} | {r['lookahead_ms']:.0f} | {r['log_spectral_distance_db']:.2f} | "
                    f"{r['loudness_envelope_correlation']:.3f} | {r['onset_shift_ms']:+.1f} |" for r in rows]
