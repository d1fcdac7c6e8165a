"""WebGL: the engine's webgl paths per instrument in one page, and what a pass, a read-back, an upload cost."""
from __future__ import annotations

from bench.browser import BACKENDS, call_bench
from bench.sections.common import Context

KEY = "webgl"
HEADING = "## WebGL:"


def measure(ctx: Context) -> dict:
    """{"costs": the cost model, "paths": per instrument the old graph + JS synth (the baseline), the GPU
    voice and the fused decoder + JS synth}."""
    page = ctx.pages.open(BACKENDS["webgl"])
    costs = call_bench(page, "benchWebglCosts", {"id": ctx.measured[0]["id"]})
    print(f"  webgl costs: dispatch {costs['dispatchMs']:.3f} ms, readSync {costs['readSyncMs']:.2f} ms, "
          f"read {costs['readAsyncMs']:.2f} ms, upload {costs['uploadMs']:.2f} ms")
    paths = []
    for meta in ctx.measured:
        r = call_bench(page, "benchWebglPaths", {"id": meta["id"], "repeats": ctx.pick(1, 3)}, ctx.voice)
        paths.append(r)
        for row in r["rows"]:
            print(f"  webgl {meta['id']:10s} {row['path']:26s} programs {row['programs']:3d} "
                  f"reads {row['readBacks']} engine {row['engineMsPerS']:.1f} ms/s")
    ctx.pages.close()
    return {"costs": costs, "paths": paths}


def render(r: dict) -> list[str]:
    c = r["costs"]
    d = c.get("decoder") or {}
    lines = [f"{HEADING} one read-back a block (4-frame blocks, same page)", "",
             "| instrument | path | GL programs per block | uploads | read-backs | decoder ms/s | synth ms/s | "
             "whole engine ms/s | RTF | tensors flat |", "|---|---|---|---|---|---|---|---|---|---|"]
    for p in r["paths"]:
        for row in p["rows"]:
            lines.append(f"| {p['id']} | {row['path']} | {row['programs']} | {row['uploads']} | {row['readBacks']} | "
                         f"{row['decoderMsPerS']:.1f} | {row['synthMsPerS']:.1f} | {row['engineMsPerS']:.1f} | "
                         f"{row['engineMsPerS'] / 1000:.3f} | {'yes' if row['tensorsFlat'] else 'NO'} |")
    graph_block = (f"The converted streaming graph's 4-frame block ({r['paths'][0]['id']}, {d['kernels']} kernels): "
                   f"issuing its kernels {d['issueMs']:.2f} ms of JavaScript, then reading its three controls back "
                   f"{d['readMs']:.2f} ms (the kernels execute meanwhile), {d['blockMs']:.2f} ms a block = "
                   f"{d['blockMs'] * d['blocksPerS']:.0f} ms per second of audio. " if d else "")
    return lines + [
        "", "*graph + JS synth* is the old webgl path (the baseline): the converted streaming graph op by op, its "
        "three controls read back (async `data()`), then the JS synth with our WebGL cumsum for the phase (an upload "
        "and a read-back of its own). *GPU voice* is the engine's webgl path now: the fused decoder "
        "(`decoder-webgl.js`: per conv layer a conv pass and a norm/activation/residual pass that writes the next "
        "layer's history, then the head) and the synth (`voice-webgl.js`: a per-frame pass for the noise FIR and the "
        "harmonic amplitudes, a per-sample pass for the harmonic sum and the FIR overlap-add) with one upload and one "
        "synchronous read-back; on it the synth's time is inside decoder. *fused decoder + JS synth*: the fused "
        "decoder's controls read back once, then the float64 JS synth. GL programs count every program the block runs "
        "(tfjs's kernels and its upload-encode and read-back-decode passes included); uploads and read-backs count "
        "texture traffic only. Medians over interleaved repeats of the sung phrase, the whole engine (features "
        "included). Issue 9's bar for the whole engine on WebGL here (SwiftShader): ≤ 350 ms per second of audio; the "
        "three paths share each run's machine load, so their ratios hold when the absolute figures swing with it.", "",
        "### Where a WebGL block's time goes", "",
        f"Measured in the same page ({c['renderer']}): one trivial program (a [1, 256] add, its bookkeeping and its "
        f"execution) **{1000 * c['dispatchMs']:.0f} µs**; a synchronous read-back (`readSync`: a decode pass + "
        f"readPixels) **{c['readSyncMs']:.2f} ms**; an async read-back (`data()`: decode, pixel-buffer copy, a fence "
        f"polled on setTimeout) **{c['readAsyncMs']:.2f} ms**; an upload of 1,024 floats **{c['uploadMs']:.2f} ms**. "
        + graph_block
        + "So on SwiftShader the old block's time was mostly waiting: on three async reads of the controls, each "
        "polling its fence on setTimeout (clamped to 4 ms), then the cumsum's upload and synchronous read, around ~90 "
        "small programs each paying a fixed cost. The new path runs ~13 programs and waits once, synchronously (the "
        "engine runs in a Worker, which a synchronous read blocks alone). What remains per pass is its own texel reads "
        "(a conv pass reads 2 x kernel x channels values a thread), which is why our shaders read with texelFetch at "
        "constant shapes."]
