"""Memory: TF.js tensors over many decoder blocks, and peak bytes with early disposal vs without."""
from __future__ import annotations

import numpy as np

from bench.browser import BACKENDS, call_bench
from bench.sections.common import Context

KEY = "memory"
HEADING = "## Memory"


def measure(ctx: Context) -> list[dict]:
    """One benchMemory result per backend on the first instrument."""
    blocks = ctx.pick(50, 1000)
    out = []
    for name in ("webgl", "wasm"):
        page = ctx.pages.open(BACKENDS[name])
        r = call_bench(page, "benchMemory", {"id": ctx.metas[0]["id"], "blocks": blocks, "every": max(1, blocks // 10)})
        r["backend_label"] = name
        out.append(r)
        print(f"  memory {name}: flat={r['flat']} tensors {r['series'][0]['numTensors']}->"
              f"{r['series'][-1]['numTensors']} peak {r['peakBytesEarlyDisposal']} vs "
              f"{r['peakBytesKeepIntermediates']} B")
        ctx.pages.close()
    return out


def render(results: list[dict]) -> list[str]:
    lines = [HEADING, "", "| backend | blocks | tensors first → last | bytes first → last | flat | peak bytes, early "
             "disposal | peak bytes, intermediates kept | ratio |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        s0, s1 = r["series"][1] if len(r["series"]) > 1 else r["series"][0], r["series"][-1]
        flat = "yes" if r["flat"] else "NO"
        peaks = (f"{r['peakBytesEarlyDisposal']} | {r['peakBytesKeepIntermediates']} | {r['peakRatio']:.2f} |"
                 if np.isfinite(r["peakRatio"]) else "— | — | — (no TF.js tensors: the plain-JS decoder) |")
        lines.append(f"| {r['backend_label']} | {r['blocks']} | {s0['numTensors']} → {s1['numTensors']} | "
                     f"{s0['numBytes']} → {s1['numBytes']} | {flat} | {peaks}")
    return lines + ["", "The seed claimed −60 % GPU memory from early disposal; the ratio is peak bytes of one "
                    "decoder block with TF.js's graph executor disposing intermediates as soon as they are dead vs "
                    "keeping them (`KEEP_INTERMEDIATE_TENSORS`)."]
