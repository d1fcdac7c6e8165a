"""Timbre: each instrument's offline output against seven GM presets (factory.timbre on the real engine)."""
from __future__ import annotations

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


def measure(ctx: Context) -> dict:
    """{id: {"rows": distances to each preset, "verdict"}}: factory.timbre's sung phrase rendered offline
    (engine.renderClip, whole clip) against 7 GM presets playing the pitch the engine asked for."""
    from factory import timbre

    voice, _ = timbre.sung_voice()
    page = ctx.pages.open(BACKENDS["wasm"])
    out = {}
    for m in ctx.measured:
        r = page.evaluate(RENDER_WHOLE, [m["id"], to_b64(voice)])
        rows = timbre.compare(from_b64(r["whole"]), from_b64(r["mapped"]))
        own = (m.get("source") or {}).get("preset")
        out[m["id"]] = {"rows": rows, "verdict": timbre.verdict(rows, own) if own in timbre.PRESETS else None}
        v = out[m["id"]]["verdict"] or {}
        print(f"  timbre {m['id']:10s} nearest {v.get('nearest_harmonic')} / {v.get('nearest_mfcc')} "
              f"(own {own}: {v.get('own_harmonic_db')} dB, MFCC {v.get('own_mfcc')})")
    ctx.pages.close()
    return out


def render(timbre: dict) -> list[str]:
    from factory.timbre import format_table

    return [HEADING, "",
            "A sung phrase (`factory.timbre.PHRASE`, glottal pulses through formants, with rests, meend and vibrato) "
            "rendered offline by the engine (WASM backend) for each instrument, against seven GM presets (FluidR3_GM) "
            "playing the pitch the engine asked of the instrument, each the way its instrument's training scores play "
            "(the sitar plucked at each note and re-plucked within long ones). Each cell: harmonic-profile distance "
            "(mean |dB| over harmonics 1-16 below 7.6 kHz, each relative to the frame's strongest) / MFCC distance "
            "(c1-c12, Euclidean); the instrument's own preset in bold. Both ignore pitch and loudness; see "
            "`factory/timbre.py`.", "", format_table(timbre)]
