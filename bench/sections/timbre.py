"""Timbre: each instrument's offline output against seven GM presets (factory.timbre on the real engine)."""
from __future__ import annotations

import numpy as np

from bench.browser import BACKENDS
from bench.sections.common import Context
from tests.e2e.browser_io import from_b64, to_b64

KEY = "timbre"
HEADING = "## Timbre"

RENDER_WHOLE = """async ([id, b64]) => {
    const k = await import('/tests/build/testkit.js');
    const r = await k.bench.renderBoth({ id, voice: __b64ToF32(b64) });
    return { whole: __f32ToB64(r.whole), mapped: __f32ToB64(r.mappedF0Hz) };
}"""


def answers(ctx: Context) -> tuple[np.ndarray, dict]:
    """factory.timbre's sung phrase and each measured model's answer to it, rendered offline by the engine
    (engine.renderClip, whole clip, WASM) once a run and kept in ctx.answers → (voice [n] at 16 kHz,
    {id: {"meta", "audio" [n], "asked" f0 [T], "struck": where it struck its string (its idiom's plucks)}})."""
    from factory import timbre

    voice, _ = timbre.sung_voice()
    missing = [m for m in ctx.measured if m["id"] not in ctx.answers]
    if missing:
        page = ctx.pages.open(BACKENDS["wasm"])
        for m in missing:
            r = page.evaluate(RENDER_WHOLE, [m["id"], to_b64(voice)])
            audio, asked = from_b64(r["whole"]), from_b64(r["mapped"])
            ctx.answers[m["id"]] = {"meta": m, "audio": audio, "asked": asked, "struck": timbre.strikes(audio, asked)}
        ctx.pages.close()
    return voice, {m["id"]: ctx.answers[m["id"]] for m in ctx.measured}


def measure(ctx: Context) -> dict:
    """{id: {"rows": distances to each preset, "verdict"}}: factory.timbre's sung phrase rendered offline
    against 7 GM presets playing the pitch the engine asked for."""
    from factory import timbre

    out = {}
    for name, a in answers(ctx)[1].items():
        out[name] = timbre.compare_model(a["audio"], a["asked"], a["meta"], a["struck"])
        a["rows"] = out[name]["rows"]
        v = out[name]["verdict"] or {}
        own = v.get("own")
        print(f"  timbre {name:10s} nearest {v.get('nearest_harmonic')} / {v.get('nearest_mfcc')} "
              f"(own {own}: {v.get('own_harmonic_db')} dB, MFCC {v.get('own_mfcc')})")
    return out


def render(timbre: dict) -> list[str]:
    from factory.timbre import format_table

    return [HEADING, "",
            "A sung phrase (`factory.timbre.PHRASE`, glottal pulses through formants, with rests, meend and vibrato) "
            "rendered offline by the engine (WASM backend) for each instrument, against seven GM presets (FluidR3_GM) "
            "playing the pitch the engine asked of the instrument, each the way its instrument is played "
            "(a plucked preset struck where the instrument's output was, `factory.timbre.strikes`, and left to "
            "ring). Each cell: harmonic-profile distance "
            "(mean |dB| over harmonics 1-16 below 7.6 kHz, each relative to the frame's strongest) / MFCC distance "
            "(c1-c12, Euclidean); the instrument's own preset in bold. Both ignore pitch and loudness; see "
            "`factory/timbre.py`.", "", format_table(timbre)]
