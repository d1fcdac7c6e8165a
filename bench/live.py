"""The live page as a user gets it: the default URL (+ the opt-in probe), a sung take looped by the
fake microphone, optionally a busy main thread or the whole browser held to half a CPU core.

What it reports per run: where the engine ran (the audio thread, or the Worker's backend and block
size), chosen by measurement (and every measurement), underruns, dropped frames, the share of the
input's voiced frames that sound, the measured mic-to-output latency of each phrase onset, the
budget, how often the audio thread rendered later than a device's buffer allows (glitches an
underrun counter cannot see, dsp/late-quanta.js), and any switch.
"""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import numpy as np

from bench.browser import CHROMIUM
from tests.e2e.browser_io import from_b64
from tests.e2e.live import sounding_fraction
from tests.signals import sung_take, write_wav

CGROUP_CPU = Path("/sys/fs/cgroup/cpu")  # cgroup v1 cpu controller

BUSY_MAIN_THREAD = """() => { globalThis.__busy = setInterval(() => {
    const end = performance.now() + 300; while (performance.now() < end) {} }, 1000); }"""


@contextlib.contextmanager
def cpu_limited_browser(tmp: Path, quota_us: int = 5000, period_us: int = 10000):
    """Yields (launcher, note): a launcher that puts the whole browser (every child inherits) in a
    cgroup v1 cpu group of quota/period (half a core by default), or (None, why not)."""
    if not (CGROUP_CPU / "cgroup.procs").is_file():
        yield None, f"no cgroup v1 cpu controller at {CGROUP_CPU}"
        return
    group = CGROUP_CPU / f"swara-bench-{os.getpid()}"
    try:
        group.mkdir(exist_ok=True)
        (group / "cpu.cfs_period_us").write_text(str(period_us))
        (group / "cpu.cfs_quota_us").write_text(str(quota_us))
    except OSError as err:
        yield None, f"cannot set up the cpu cgroup ({err}): needs root and a writable {CGROUP_CPU}"
        return
    launcher = tmp / "chromium-in-cgroup"
    launcher.write_text(f'#!/bin/sh\necho $$ > "{group}/cgroup.procs"\nexec "{CHROMIUM}" "$@"\n')
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    try:
        yield str(launcher), f"whole browser in {group}: cpu.cfs_quota_us {quota_us} per cpu.cfs_period_us {period_us}"
    finally:
        with contextlib.suppress(OSError):
            group.rmdir()


def throttling(launcher_note: str) -> dict:
    """cpu.stat of the bench's cgroup (how often the quota bit), when there is one."""
    group = CGROUP_CPU / f"swara-bench-{os.getpid()}"
    f = group / "cpu.stat"
    if not f.is_file():
        return {}
    return {k: int(v) for k, v in (line.split() for line in f.read_text().splitlines())}


def live_run(pages, tmp: Path, seconds: float, busy: bool = False, executable: str = CHROMIUM, label: str = "",
             query: str = "") -> dict:
    """Sings the take (looped) into the default page (+ `query`) for `seconds`; judges what it played."""
    audio, f0, _ = sung_take(sample_rate=48000)
    wav = write_wav(tmp / "take.wav", audio, 48000)
    page = pages.open("?probe=1" + query, wav=wav, executable=executable)
    backend = page.evaluate("swaraProbe.backend")
    page.click("#sing")
    page.wait_for_function("swaraProbe.running", timeout=60_000)
    page.wait_for_timeout(1000)
    start = page.evaluate("""({u: swaraProbe.outputStats.underruns || 0, d: swaraProbe.stats.droppedFrames || 0,
        late: swaraProbe.audioThreadLate})""")
    page.evaluate("swaraProbe.read()")  # from here on
    if busy:
        page.evaluate(BUSY_MAIN_THREAD)
    chunks = []
    for _ in range(int(seconds // 5)):  # read in parts: the probe's ring holds 120 s
        page.wait_for_timeout(5000)
        chunks.append(from_b64(page.evaluate("__f32ToB64(swaraProbe.read())")))
    page.wait_for_timeout(int(1000 * (seconds % 5)))
    chunks.append(from_b64(page.evaluate("__f32ToB64(swaraProbe.read())")))
    end = page.evaluate("""() => ({u: swaraProbe.outputStats.underruns, d: swaraProbe.stats.droppedFrames,
        stats: swaraProbe.stats, latency: swaraProbe.latency, switches: swaraProbe.switches,
        rate: swaraProbe.sampleRate, shifts: swaraProbe.octaveShifts, errors: swaraProbe.errors,
        late: swaraProbe.audioThreadLate})""")
    pages.close()
    out = np.concatenate(chunks)
    sounding, voiced_frames = sounding_fraction(out, end["rate"], f0[:: 48000 // 100] > 0)
    measured = end["latency"]["measuredMs"]
    row = {
        "label": label, "seconds": len(out) / end["rate"], "busy_main_thread": busy,
        "choice": backend["choice"], "measurements": backend["measurements"],
        "underruns": end["u"] - start["u"], "dropped_frames": end["d"] - start["d"],
        "voiced_frames_sounding": sounding, "voiced_frames": voiced_frames,
        "latency_measured_ms": measured, "latency_budget_ms": end["latency"]["budget"],
        "block_ms_p50": end["stats"].get("blockMsP50"), "block_ms_p99": end["stats"].get("blockMsP99"),
        "load": end["stats"].get("load"), "final_block_frames": end["stats"].get("blockFrames"),
        "final_backend": end["stats"].get("backend"), "final_host": end["stats"].get("host"),
        "switches": end["switches"], "octave_shifts": end["shifts"],
        "errors": end["errors"], "audio_thread_late": {
            "events": end["late"]["events"] - start["late"]["events"], "worst_ms": end["late"]["worstMs"],
            "tolerance_ms": end["late"].get("toleranceMs")},
    }
    med = float(np.median(measured)) if measured else float("nan")
    print(f"  live {label:28s} {row['final_host']} {row['final_backend']}/{row['final_block_frames']}f: "
          f"underruns {row['underruns']}, "
          f"dropped {row['dropped_frames']}, voiced sounding {100 * sounding:.1f} %, latency {med:.1f} ms "
          f"(budget {row['latency_budget_ms']['total']:.1f}), audio thread late {row['audio_thread_late']['events']}x "
          f"(worst {row['audio_thread_late']['worst_ms']:.0f} ms), "
          f"switches {len(row['switches'])}")
    return row


def bench_live(pages, tmp: Path, seconds: float) -> dict:
    """The default page for `seconds`: as is, with a busy main thread, and held to half a core; and
    the baselines, the engine held in the Worker (?host=worker), quiet and at half a core."""
    runs = [live_run(pages, tmp, seconds, label="default"),
            live_run(pages, tmp, seconds, busy=True, label="busy main thread"),
            live_run(pages, tmp, seconds, label="baseline: engine in the Worker", query="&host=worker")]
    with cpu_limited_browser(tmp) as (launcher, note):
        if launcher:
            runs.append(live_run(pages, tmp, seconds, executable=launcher, label="half a core"))
            runs[-1]["cgroup"] = {"note": note, "cpu_stat": throttling(note)}
            runs.append(live_run(pages, tmp, seconds, busy=True, executable=launcher,
                                 label="half a core + busy main thread"))
            runs[-1]["cgroup"] = {"note": note, "cpu_stat": throttling(note)}
            runs.append(live_run(pages, tmp, seconds, executable=launcher,
                                 label="baseline: half a core, engine in the Worker", query="&host=worker"))
            runs[-1]["cgroup"] = {"note": note, "cpu_stat": throttling(note)}
        print(f"  half-core runs: {note}")
    return {"seconds": seconds, "runs": runs, "half_core": note}


MEASURE_MEMORY = "async () => (await performance.measureUserAgentSpecificMemory()).bytes"


def bench_soak(pages, tmp: Path, seconds: float, every: float = 60) -> dict:
    """The default page singing a looped take for `seconds`: the engine Worker's tensor count and
    the page's memory (every realm, workers included; measureUserAgentSpecificMemory, which waits
    for a garbage collection) at the start and the end; along the way underruns, dropped frames
    (the engine's, since it last started), where the engine ran, the audio thread's late stalls,
    and any switch."""
    audio, _, _ = sung_take(sample_rate=48000)
    wav = write_wav(tmp / "take.wav", audio, 48000)
    page = pages.open("?probe=1", wav=wav)
    page.click("#sing")
    page.wait_for_function("swaraProbe.running", timeout=60_000)
    page.wait_for_timeout(3000)
    bytes_start = page.evaluate(MEASURE_MEMORY)
    series = []
    elapsed = 0.0
    while elapsed < seconds:
        step = min(every, seconds - elapsed)
        page.wait_for_timeout(int(step * 1000))
        elapsed += step
        page.evaluate("swaraProbe.read()")  # the probe's own recording is not the engine's memory
        s = page.evaluate("""({t: swaraProbe.stats.numTensors, u: swaraProbe.outputStats.underruns,
            d: swaraProbe.stats.droppedFrames, b: swaraProbe.stats.blocks, h: swaraProbe.stats.host,
            late: swaraProbe.audioThreadLate.events})""")
        series.append({"seconds": elapsed, "numTensors": s.get("t"), "underruns": s["u"], "droppedFrames": s["d"],
                       "blocks": s["b"], "host": s["h"], "late_stalls": s["late"]})
    bytes_end = page.evaluate(MEASURE_MEMORY)
    switches = page.evaluate("swaraProbe.switches")
    pages.close()
    # numTensors comes only from a Worker-hosted engine (TF.js); the audio thread's plain-JS engine
    # holds none, and there the memory of every realm is the whole measure.
    tensors = [x["numTensors"] for x in series if x["numTensors"] is not None]
    row = {"seconds": seconds, "series": series, "tensors_flat": len(set(tensors)) <= 1,
           "tensors_measured": len(tensors), "switches": switches,
           "memory_start_mb": bytes_start / 2**20, "memory_end_mb": bytes_end / 2**20,
           "memory_growth_mb": (bytes_end - bytes_start) / 2**20}
    print(f"  soak {seconds:.0f} s: numTensors {sorted(set(tensors))}, memory {row['memory_start_mb']:.1f} -> "
          f"{row['memory_end_mb']:.1f} MB, underruns {series[-1]['underruns']}, dropped {series[-1]['droppedFrames']}, "
          f"hosts {[x['host'] for x in series]}, late stalls {series[-1]['late_stalls']}, switches {len(switches)}")
    return row
