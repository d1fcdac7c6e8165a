"""First-load weight: what a first visit downloads, gzip-compressed, part by part."""
from __future__ import annotations

import gzip
import re

from bench.sections.common import ROOT, Context, page_model_files

KEY = "first_load"
HEADING = "## First-load weight"


def gzip_bytes(b: bytes) -> int:
    return len(gzip.compress(b, 9))


def measure(ctx: Context) -> dict:
    """{"parts_gzip_bytes": {part: bytes}, "total_gzip_bytes"}: the page, the bundle's entry and the
    chunks it imports, the worklets, the stylesheet, the WASM binary and the first model."""
    from fastapi.testclient import TestClient

    from app.main import create_app

    build = ROOT / "static" / "build"
    parts = {"page": gzip_bytes(TestClient(create_app()).get("/").content)}
    app_js = (build / "app.js").read_bytes()
    parts["app.js"] = gzip_bytes(app_js)
    # The page's share of the code-split bundle: the chunks app.js imports (TF.js lives there).
    for chunk in sorted(set(re.findall(rb"chunks/[\w-]+\.js", app_js))):
        parts[chunk.decode()] = gzip_bytes((build / chunk.decode()).read_bytes())
    for name in ("capture-processor.js", "output-processor.js"):
        parts[name] = gzip_bytes((build / name).read_bytes())
    parts["app.css"] = gzip_bytes((ROOT / "static" / "css" / "app.css").read_bytes())
    parts["tfjs-backend-wasm-simd.wasm"] = gzip_bytes((build / "wasm" / "tfjs-backend-wasm-simd.wasm").read_bytes())
    if ctx.metas:
        parts[f"model:{ctx.metas[0]['id']}"] = sum(gzip_bytes(p.read_bytes()) for p in page_model_files(ctx.metas[0]))
    return {"parts_gzip_bytes": parts, "total_gzip_bytes": sum(parts.values())}


def render(fl: dict) -> list[str]:
    return ([f"{HEADING} (gzip)", "", "| part | KB |", "|---|---|"]
            + [f"| {k} | {v / 1024:.1f} |" for k, v in fl["parts_gzip_bytes"].items()]
            + [f"| **total** | **{fl['total_gzip_bytes'] / 1024:.1f}** |"])
