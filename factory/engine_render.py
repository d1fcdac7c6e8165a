"""A voice through the page's own engine, offline: `scripts/render-engine.mjs` in node (the plain-JS
decoder and synth the default page runs on the audio thread, 1-frame blocks, each instrument's
idiom). What a singer hears, for the listening demos and the idiom benchmark.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "render-engine.mjs"


def render_engine(voice: np.ndarray, models_dir: Path = ROOT / "static" / "models",
                  names: list[str] | None = None, scale: dict | None = None) -> dict:
    """voice [n] float32 at the models' rate → {id: {"audio" [m] at the model rate, "asked_f0_hz" [T]
    (the pitch asked of the instrument, per frame), "gate" [T]}} for every model in models_dir (or
    `names`). scale: {"saMidi", "degrees"} (the raga's keys: a keyed idiom plays them), or None."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("render_engine needs node (the page's engine runs in it): install Node.js 20")
    with tempfile.TemporaryDirectory(prefix="swara-render-") as tmp:
        tmp = Path(tmp)
        np.asarray(voice, "<f4").tofile(tmp / "voice.f32")
        cmd = [node, str(SCRIPT), "--voice", str(tmp / "voice.f32"), "--out", str(tmp),
               "--models", str(Path(models_dir).resolve())]
        for name in names or []:
            cmd += ["--instrument", name]
        if scale is not None:
            cmd += ["--scale", json.dumps(scale)]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"scripts/render-engine.mjs failed ({r.returncode}): {r.stderr.strip()[-2000:]}")
        out = {}
        for f in sorted(tmp.glob("*.json")):
            info = json.loads(f.read_text())
            out[f.stem] = {"audio": np.fromfile(tmp / f"{f.stem}.f32", dtype="<f4"),
                           "asked_f0_hz": np.asarray(info["askedF0Hz"], np.float32),
                           "gate": np.asarray(info["gate"], np.float32)}
    return out
