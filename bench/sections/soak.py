"""Soak: the default page singing for ten minutes: tensors, memory of every realm, underruns, switches."""
from __future__ import annotations

from bench.live import bench_soak
from bench.sections.common import Context

KEY = "soak"
HEADING = "## Soak:"
IN_QUICK = False  # the test suite has the one-minute version (tests/e2e/test_resilience.py)


def measure(ctx: Context) -> dict:
    return bench_soak(ctx.pages, ctx.tmp, 600)


def _where(state: dict) -> str:
    return state.get("host") or state["backend"]


def render(k: dict) -> list[str]:
    last = k["series"][-1]
    hosts = [x.get("host") for x in k["series"]]
    where = ("on the audio thread throughout" if set(hosts) == {"audio"}
             else "in the Worker throughout" if set(hosts) == {"worker"}
             else "where it ran minute by minute: " + ", ".join(str(h) for h in hosts))
    switches = "; ".join(f"{_where(x['from'])} → {_where(x['to'])} ({x['reason']})"
                         for x in k.get("switches", [])) or "none"
    counts = [x["numTensors"] for x in k["series"] if x.get("numTensors") is not None]
    tensors = ("none held (the plain-JS engine on the audio thread uses no TF.js)" if not counts
               else f"flat at {counts[0]} in the Worker" if k["tensors_flat"]
               else f"changing: {counts}")
    return [f"{HEADING} {k['seconds'] / 60:.0f} minutes of singing", "",
            f"The default page, a looped take, {last['blocks']} engine blocks (since the engine last started): "
            f"numTensors {tensors}; memory of every realm (page, Worker, worklets; `measureUserAgentSpecificMemory`) "
            f"{k['memory_start_mb']:.1f} → {k['memory_end_mb']:.1f} MB ({k['memory_growth_mb']:+.1f} MB); "
            f"{last['underruns']} underruns and {last['droppedFrames']} dropped frames over the run; the engine "
            f"{where}; audio thread late {last.get('late_stalls', '—')} times; switches: {switches}."]
