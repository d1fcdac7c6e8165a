"""Engine speed: features + decoder + synth per backend and instrument, ms per second of audio."""
from __future__ import annotations

from pathlib import Path

from bench.browser import BACKENDS, call_bench
from bench.sections.common import Context, ms_iqr

KEY = "engine"
HEADING = "## Engine speed"

WASM_NOTE = ("`wasm` forces the single-threaded binary (`WASM_HAS_MULTITHREAD_SUPPORT` off); `wasm-threads` asks for "
             "2 threads on the cross-origin-isolated page (multithread support is detected); 'thr' is what "
             "`getThreadsCount()` reports. Why 1 here: tfjs-backend-wasm 4.22 sizes its XNNPACK pool in C++ "
             "(src/cc/backend.cc) as `num_cores = emscripten_num_logical_cores() / 2` "
             "(navigator.hardwareConcurrency / 2, assuming two hyper-threads per core) and "
             "`init_with_threads_count(n)` creates `min(max(n, 1), 8, num_cores)` threads, so `setThreadsCount(2)` "
             "gets 2 only where the browser reports ≥ 4 logical cores; this machine reports 2. Calling it earlier "
             "changes nothing (backend.js already calls it before `setBackend`). Tried: reporting 4 cores through an "
             "init script (`python -m bench.wasm_threads`): `getThreadsCount()` then says 2, and the decoder gets "
             "several times slower (bansuri streaming 36 → 274 ms per second of audio): the pool's threads spin on "
             "two cores shared with the page and the audio thread, and this model's kernels are too short to split. "
             "Phones report 8 logical cores, where TF.js's default (no `setThreadsCount`) is 4 threads; whether that "
             "helps there is not measured.")


def measure(ctx: Context) -> list[dict]:
    """One benchEngine row per backend and instrument (the sung phrase, interleaved repeats)."""
    rows = []
    for name in ctx.pick(["wasm", "cpu"], list(BACKENDS)):
        page = ctx.pages.open(BACKENDS[name])
        for meta in ctx.measured:
            r = call_bench(page, "benchEngine", {"id": meta["id"], "repeats": ctx.pick(2, 7), "warmup": 1}, ctx.voice)
            r["backend_label"] = name
            rows.append(r)
            print(f"  engine {name:12s} {meta['id']:10s} RTF {r['realTimeFactor']:.3f}  decoder "
                  f"{r['decoderMsPerS']['median']:.1f} ms/s  synth {r['synthMsPerS']['median']:.1f} ms/s")
        ctx.pages.close()
    return rows


def render(rows: list[dict]) -> list[str]:
    lines = [f"{HEADING} (ms of compute per second of audio; real-time factor = total / 1000)", "",
             "| backend | instrument | phase | features | decoder | synth | whole engine | RTF |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        label = r["backend_label"] + (f" ({r['wasmThreads']} thr)" if r.get("wasmThreads") else "")
        lines.append(f"| {label} | {r['id']} | {r.get('phaseAccumulator')} | {ms_iqr(r['featuresMsPerS'])} | "
                     f"{ms_iqr(r['decoderMsPerS'])} | {ms_iqr(r['synthMsPerS'])} | {ms_iqr(r['engineMsPerS'])} | "
                     f"{r['realTimeFactor']:.3f} |")
    return lines + [
        "", "`gpu-voice` (webgl): decoder and synth run as one chain of GPU passes with one read-back "
        "(`static/js/gpu/voice-webgl.js`), so their time is one figure, under decoder; the synth column is then the JS "
        "reverb (off here). See *WebGL: one read-back a block* for the old webgl path in the same page.", "",
        WASM_NOTE, "", "![engine](img/bench_engine.png)"]


def plot(rows: list[dict], img: Path) -> None:
    """img/bench_engine.png: stacked features/decoder/synth per backend and instrument, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['backend_label']}\n{r['id']}" for r in rows]
    stages = [("featuresMsPerS", "features"), ("decoderMsPerS", "decoder"), ("synthMsPerS", "synth")]
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(rows)), 4))
    bottom = [0.0] * len(rows)
    for key, name in stages:
        vals = [r[key]["median"] for r in rows]
        ax.bar(range(len(rows)), vals, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.axhline(1000, color="red", lw=1, ls="--", label="real time")
    ax.set_xticks(range(len(rows)), labels, fontsize=7, rotation=90)
    ax.set_ylabel("ms per second of audio")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(img / "bench_engine.png", dpi=110)
    plt.close(fig)
