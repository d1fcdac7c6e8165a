"""Features: YIN by FFT against the direct sum (the baseline), per n_fft, in node."""
from __future__ import annotations

import json
import subprocess

from bench.sections.common import ROOT, Context

KEY = "features"
HEADING = "## Features:"


def measure(ctx: Context) -> dict:
    """`node bench/features.mjs --json`: {"seconds", "rows": one per (n_fft, YIN method)}."""
    seconds, repeats = ctx.pick(2, 20), ctx.pick(2, 7)
    out = subprocess.run(["node", str(ROOT / "bench" / "features.mjs"), "--json", "--seconds", str(seconds),
                          "--repeats", str(repeats)], check=True, capture_output=True, text=True, cwd=ROOT)
    r = json.loads(out.stdout)
    for row in r["rows"]:
        print(f"  features n_fft {row['nFft']:5d} yin {row['yinMethod']:6s} {row['featuresMsPerS']['median']:.2f} ms/s")
    return r


def render(r: dict) -> list[str]:
    lines = [f"{HEADING} YIN by FFT vs the direct sum (node, {r['seconds']} s of voice, ms per second of audio)", "",
             "| n_fft | YIN difference | features (push + flush) | YIN alone | loudness alone |",
             "|---|---|---|---|---|"]
    for row in r["rows"]:
        lines.append(f"| {row['nFft']} | {row['yinMethod']} | {row['featuresMsPerS']['median']:.2f} | "
                     f"{row['yinMsPerS']['median']:.2f} | {row['loudnessMsPerS']['median']:.2f} |")
    return lines + ["", "`direct` is the old double sum (W × max lag products a frame), kept as the reference; "
                    "`node bench/features.mjs` reproduces."]
