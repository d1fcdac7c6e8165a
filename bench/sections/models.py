"""Models: what each instrument weighs on disk and over the wire, and how long it takes to load."""
from __future__ import annotations

import numpy as np

from bench.browser import BACKENDS
from bench.sections.common import Context, kb, page_model_files

KEY = "models"
HEADING = "## Models"
SEED_MODEL_BYTES = 300 * 1024  # Sounds of India's models

LOAD_MODEL = """async (id) => {
    const k = await import('/tests/build/testkit.js');
    const { decoder, loadMs } = await k.bench.loadModel(id);
    decoder.dispose();
    return loadMs;
}"""


def load_ms(ctx: Context) -> dict:
    """{id: {"median", "min", "max", "n"}} of the page's model load (fetch + graph build), in ms."""
    page = ctx.pages.open(BACKENDS["webgl"])
    out = {}
    for meta in ctx.measured:
        ms = [page.evaluate(LOAD_MODEL, meta["id"]) for _ in range(ctx.pick(2, 5))]
        out[meta["id"]] = {"median": float(np.median(ms)), "min": float(np.min(ms)), "max": float(np.max(ms)),
                           "n": len(ms)}
    ctx.pages.close()
    return out


def measure(ctx: Context) -> list[dict]:
    """One row per shipped model: parameters, bytes at each stage, and its load time where measured."""
    loads = load_ms(ctx)
    rows = []
    for m in ctx.metas:
        files = page_model_files(m)
        served = sum(p.stat().st_size for p in files)
        rows.append({"id": m["id"], "params": m.get("params"), "served_bytes": served,
                     "converter_bytes": m.get("bytes_before_compression"),  # plain tensorflowjs output
                     "compacted_bytes": m.get("bytes"),  # Fill/ZerosLike kept + compact graph JSON
                     "weights_dtype": m.get("weights_dtype"),
                     "weights_bytes": sum(p.stat().st_size for p in files if p.suffix == ".bin"),
                     "weights_float32_bytes": 4 * m["params"] if m.get("params") else None,
                     "ratio_to_seed_300kb": served / SEED_MODEL_BYTES, "load_ms": loads.get(m["id"])})
    return rows


def render(rows: list[dict]) -> list[str]:
    lines = [HEADING, "", "| instrument | params | converter output KB | after compaction KB | weights | weights KB "
             "(float32 would be) | served KB | served / 300 KB | load ms |", "|---|---|---|---|---|---|---|---|---|"]
    for m in rows:
        load = f"{m['load_ms']['median']:.0f}" if m.get("load_ms") else "—"
        lines.append(f"| {m['id']} | {m['params']} | {kb(m['converter_bytes'])} | {kb(m['compacted_bytes'])} | "
                     f"{m['weights_dtype']} | {kb(m['weights_bytes'])} ({kb(m['weights_float32_bytes'])}) | "
                     f"{kb(m['served_bytes'])} | {m['ratio_to_seed_300kb']:.2f} | {load} |")
    return lines + ["", "Converter output: plain `tensorflowjs` conversion; after compaction: the converter's "
                    "experiments switch keeps large all-zero constants as Fill/ZerosLike ops, plus a compact "
                    "graph JSON (see docs/models.md). Sounds of India's models were 300 KB."]
