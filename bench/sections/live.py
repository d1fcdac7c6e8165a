"""Live: the default page for a minute, as is, with a busy main thread and at half a core (bench/live.py)."""
from __future__ import annotations

import numpy as np

from bench.live import bench_live
from bench.sections.common import Context, engine_where

KEY = "live"
HEADING = "## Live:"


def measure(ctx: Context) -> dict:
    return bench_live(ctx.pages, ctx.tmp, ctx.pick(8, 60))


def _run_row(r: dict) -> str:
    m = np.asarray(r["latency_measured_ms"], float)
    lat = f"{np.median(m):.1f} ({np.percentile(m, 10):.0f}-{np.percentile(m, 90):.0f}), n={len(m)}" if len(m) else "—"
    sw = "; ".join(f"{x['from']['backend']}/{x['from']['blockFrames']}f → {x['to']['backend']}/"
                   f"{x['to']['blockFrames']}f ({x['reason']})" for x in r["switches"]) or "none"
    where = engine_where(r.get("final_host"), r["final_backend"], r["final_block_frames"])
    p50, p99 = (f"{r[k]:.2f}" if r[k] is not None else "—" for k in ("block_ms_p50", "block_ms_p99"))
    late = r.get("audio_thread_late")
    lost = f"{late['events']} ({late['worst_ms']:.0f})" if late else "—"
    return (f"| {r['label']} | {where} | {r['underruns']} | {r['dropped_frames']} | "
            f"{100 * r['voiced_frames_sounding']:.1f} % of {r['voiced_frames']} | {lat} | "
            f"{r['latency_budget_ms']['total']:.1f} | {lost} | {p50} / {p99} | {(r['load'] or 0):.2f} | {sw} |")


def _measurement_row(m: dict) -> str:
    p50, p99 = m.get("p50Ms"), m.get("p99Ms")
    return (f"| {m['backend']} | {m['blockFrames']} | {m['blockMs']:.0f} | {p50 if p50 is None else f'{p50:.2f}'} | "
            f"{p99 if p99 is None else f'{p99:.2f}'} | {m.get('error', '')} |")


def render(live: dict) -> list[str]:
    """The runs (engine host, underruns, sounding frames, latency), then the backend choice at load."""
    lines = [f"{HEADING} the default page, a sung take looped for {live['seconds']:.0f} s", "",
             "The default URL (plus the opt-in probe that records what is played), a 9.6 s take spanning a sixth with "
             "rests, meend and consonants, looped by the fake microphone (`bench/live.py`). *Voiced sounding*: the "
             "share of the input's voiced 10 ms frames during which the output sounds. *Audio thread late*: stalls in "
             "which the audio thread rendered a quantum more than three callbacks (3 × baseLatency) later than its "
             "place on the audio clock allows (`dsp/late-quanta.js`, in the probe's worklet), and the worst: on a real "
             "speaker each is a glitch, which no underrun counter sees and headless Chromium's fake audio device "
             f"hides. Half a core: {live['half_core']}.", "",
             "| run | engine | underruns | dropped frames | voiced sounding | latency measured (median, p10-p90) | "
             "budget | audio thread late (stalls, worst ms) | block p50 / p99 ms | load | switches |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [_run_row(r) for r in live["runs"]]
    first = live["runs"][0]
    lines += ["", f"Backend choice at load ({first['choice']['reason']}): every backend timed on warm blocks of the "
              "live size (features + decoder + synth), shortest block first; the fastest whose p99 is under half a "
              f"block wins. Where the engine runs ({first['choice'].get('hostReason', '')}): on the audio thread when "
              "the plain-JS engine's compute p99 at 1-frame blocks (the block's own time, without the Worker's "
              "wake-up) is under a quarter block (`config.js` AUDIO_THREAD), else in the Worker; from the audio thread "
              "to the Worker after 3 late stalls in 10 s. On the audio thread blocks are timed with Date.now() (the "
              "only clock there), so only the load is given.", "",
              "| backend | block (frames) | block duration ms | p50 ms | p99 ms | note |", "|---|---|---|---|---|---|"]
    lines += [_measurement_row(m) for m in first["measurements"]]
    budget = first["latency_budget_ms"]
    return lines + ["", "Latency budget of the default run (ms): "
                    + ", ".join(f"{k} {v:.1f}" for k, v in budget.items())]
