"""Latency: the budget and the measured mic-to-output delay of the default page, and the Worker baseline."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.sections.common import Context, engine_where
from tests.signals import sung_phrase, write_wav

KEY = "latency"
HEADING = "## Latency"


def measure_page(pages, wav: Path, onsets: int, query: str = "") -> dict:
    """Mic-to-output delays of `onsets` phrase onsets on the page at ?probe=1 + `query`."""
    page = pages.open("?probe=1" + query, wav=wav)
    page.click("#sing")
    page.wait_for_function(f"globalThis.swaraProbe && swaraProbe.latency.measuredMs.length >= {onsets}",
                           timeout=60_000)
    r = page.evaluate("""() => ({ latency: swaraProbe.latency, backend: swaraProbe.backend.choice,
        stats: swaraProbe.stats })""")
    pages.close()
    measured = r["latency"]["measuredMs"]
    host = r["stats"].get("host")
    print(f"  latency{query or ' (default)'}: engine {'on the audio thread' if host == 'audio' else 'in the Worker'}, "
          f"budget {r['latency']['budget']['total']:.1f} ms, measured median {np.median(measured):.1f} ms over "
          f"{len(measured)} onsets")
    return {"algorithmic_ms": r["latency"]["budget"], "measured_ms": measured,
            "measured_median_ms": float(np.median(measured)), "backend": r["backend"], "host": host,
            "block_frames": r["stats"].get("blockFrames"), "query": query}


def measure(ctx: Context, onsets: int = 6) -> dict:
    """Measured mic-to-output delay on the default page: each phrase onset after a rest in the fake mic
    paired with the instrument's onset, on the page's AudioContext clock (latency.js). Beside it, the
    baseline: the same page with the engine held in the Worker (?host=worker)."""
    audio, _, _ = sung_phrase([(60, 0.6), (None, 0.6)] * onsets, sample_rate=48000)
    wav = write_wav(ctx.tmp / "onsets.wav", audio, 48000)
    default = measure_page(ctx.pages, wav, onsets)
    default["worker_baseline"] = measure_page(ctx.pages, wav, onsets, "&host=worker")
    return default


def render(lat: dict) -> list[str]:
    lines = [HEADING, "", "| part | ms |", "|---|---|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in lat["algorithmic_ms"].items()]
    measured = ", ".join(f"{x:.0f}" for x in lat["measured_ms"])
    where = engine_where(lat.get("host"), lat["backend"]["backend"],
                         lat.get("block_frames", lat["backend"]["blockFrames"]))
    lines += ["", "Measured mic-to-output delay on the default page (each phrase onset in the fake-mic WAV paired "
              "with the instrument's onset on the page's AudioContext clock, `static/js/page/latency.js`): median "
              f"**{lat['measured_median_ms']:.1f} ms** over {len(lat['measured_ms'])} onsets ({measured} ms), with "
              f"the engine {where}. The device's own output latency (context.outputLatency) comes on top."]
    base = lat.get("worker_baseline")
    if base:
        b = ", ".join(f"{x:.0f}" for x in base["measured_ms"])
        lines += ["", f"Baseline, the same page with the engine held in the Worker (`?host=worker`; "
                  f"{base['backend']['backend']} at {base.get('block_frames')}-frame blocks): median "
                  f"**{base['measured_median_ms']:.1f} ms** ({b} ms), budget {base['algorithmic_ms']['total']:.1f} "
                  f"ms, of which output margin {base['algorithmic_ms']['outputMargin']:.1f} ms. Ratio default / "
                  f"Worker: {lat['measured_median_ms'] / base['measured_median_ms']:.2f}."]
    return lines
