"""docs/benchmarks.md and its PNG plots from a results dict (bench/results/latest.json)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

from bench.idiom import idiom_section

ROOT = Path(__file__).resolve().parent.parent


WASM_NOTE = ("`wasm` forces the single-threaded binary (`WASM_HAS_MULTITHREAD_SUPPORT` off); `wasm-threads` asks for 2 "
             "threads on the cross-origin-isolated page (multithread support is detected); 'thr' is what `getThreadsCount()` "
             "reports. Why 1 here: tfjs-backend-wasm 4.22 sizes its XNNPACK pool in C++ (src/cc/backend.cc) as "
             "`num_cores = emscripten_num_logical_cores() / 2` (navigator.hardwareConcurrency / 2, assuming two hyper-threads "
             "per core) and `init_with_threads_count(n)` creates `min(max(n, 1), 8, num_cores)` threads, so `setThreadsCount(2)` "
             "gets 2 only where the browser reports ≥ 4 logical cores; this machine reports 2. Calling it earlier changes nothing "
             "(backend.js already calls it before `setBackend`). Tried: reporting 4 cores through an init script "
             "(`python -m bench.wasm_threads`): `getThreadsCount()` then says 2, and the decoder gets several times slower "
             "(bansuri streaming 36 → 274 ms per second of audio): the pool's threads spin on two cores shared with the page "
             "and the audio thread, and this model's kernels are too short to split. Phones report 8 logical cores, where TF.js's "
             "default (no `setThreadsCount`) is 4 threads; whether that helps there is not measured.")


def _ms(s) -> str:
    return f"{s['median']:.2f} ({s['p25']:.2f}–{s['p75']:.2f})"


def _kb(b) -> str:
    return "—" if b is None else f"{b / 1024:.1f}"


def plot_engine(results, path: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["engine"]
    labels = [f"{r['backend_label']}\n{r['id']}" for r in rows]
    stages = [("featuresMsPerS", "features"), ("decoderMsPerS", "decoder"), ("synthMsPerS", "synth")]
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(rows)), 4))
    bottom = [0.0] * len(rows)
    for key, name in stages:
        vals = [r[key]["median"] for r in rows]
        ax.bar(range(len(rows)), vals, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.axhline(1000, color="red", lw=1, ls="--", label="real time")
    ax.set_xticks(range(len(rows)), labels, fontsize=7, rotation=90)
    ax.set_ylabel("ms per second of audio")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_cumsum(results, path: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for r in results["cumsum"]:
        ns = [row["n"] for row in r["rows"]]
        a1.plot(ns, [row["oursMs"]["median"] for row in r["rows"]], "o-", label=f"ours ({r['label']})")
        a1.plot(ns, [row["tfCumsumMs"]["median"] for row in r["rows"]], "x--", label=f"tf.cumsum ({r['label']})")
        a2.plot(ns, [max(row["oursMaxErrorRad"], 1e-9) for row in r["rows"]], "o-", label=f"ours ({r['label']})")
        a2.plot(ns, [max(row["tfCumsumMaxErrorRad"], 1e-9) for row in r["rows"]], "x--", label=f"tf.cumsum ({r['label']})")
    for a, t in ((a1, "time per call (ms)"), (a2, "max phase error vs float64 (rad)")):
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel("samples")
        a.set_title(t)
        a.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def engine_section(rows) -> list[str]:
    L = ["## Engine speed (ms of compute per second of audio; real-time factor = total / 1000)", "",
         "| backend | instrument | phase | features | decoder | synth | whole engine | RTF |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        label = r["backend_label"] + (f" ({r['wasmThreads']} thr)" if r.get("wasmThreads") else "")
        L.append(f"| {label} | {r['id']} | {r.get('phaseAccumulator')} | {_ms(r['featuresMsPerS'])} | {_ms(r['decoderMsPerS'])} | "
                 f"{_ms(r['synthMsPerS'])} | {_ms(r['engineMsPerS'])} | {r['realTimeFactor']:.3f} |")
    L += ["", "`gpu-voice` (webgl): decoder and synth run as one chain of GPU passes with one read-back "
          "(`static/js/gpu/voice-webgl.js`), so their time is one figure, under decoder; the synth column is then the JS reverb "
          "(off here). See *WebGL: one read-back a block* for the old webgl path in the same page.", "",
          "%s" % WASM_NOTE, "", "![engine](img/bench_engine.png)", ""]
    return L


def webgl_section(r) -> list[str]:
    """The webgl engine's paths per instrument (old baseline, GPU voice, fused decoder + JS synth) and the cost model."""
    if not r:
        return []
    c = r["costs"]
    d = c.get("decoder") or {}
    L = ["## WebGL: one read-back a block (4-frame blocks, same page)", "",
         "| instrument | path | GL programs per block | uploads | read-backs | decoder ms/s | synth ms/s | whole engine ms/s | RTF | tensors flat |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for p in r["paths"]:
        for row in p["rows"]:
            L.append(f"| {p['id']} | {row['path']} | {row['programs']} | {row['uploads']} | {row['readBacks']} | "
                     f"{row['decoderMsPerS']:.1f} | {row['synthMsPerS']:.1f} | {row['engineMsPerS']:.1f} | "
                     f"{row['engineMsPerS'] / 1000:.3f} | {'yes' if row['tensorsFlat'] else 'NO'} |")
    L += ["", "*graph + JS synth* is the old webgl path (the baseline): the converted streaming graph op by op, its three "
          "controls read back (async `data()`), then the JS synth with our WebGL cumsum for the phase (an upload and a "
          "read-back of its own). *GPU voice* is the engine's webgl path now: the fused decoder (`decoder-webgl.js`: per conv "
          "layer a conv pass and a norm/activation/residual pass that writes the next layer's history, then the head) and the "
          "synth (`voice-webgl.js`: a per-frame pass for the noise FIR and the harmonic amplitudes, a per-sample pass for the "
          "harmonic sum and the FIR overlap-add) with one upload and one synchronous read-back; on it the synth's time is inside "
          "decoder. *fused decoder + JS synth*: the fused decoder's controls read back once, then the float64 JS synth. "
          "GL programs count every program the block runs (tfjs's kernels and its upload-encode and read-back-decode passes "
          "included); uploads and read-backs count texture traffic only. Medians over interleaved repeats of the sung phrase, "
          "the whole engine (features included). Issue 9's bar for the whole engine on WebGL here (SwiftShader): ≤ 350 ms "
          "per second of audio; the three paths share each run's machine load, so their ratios hold when the absolute "
          "figures swing with it.", "",
          "### Where a WebGL block's time goes", "",
          f"Measured in the same page ({c['renderer']}): one trivial program (a [1, 256] add, its bookkeeping and its "
          f"execution) **{1000 * c['dispatchMs']:.0f} µs**; a synchronous read-back (`readSync`: a decode pass + readPixels) "
          f"**{c['readSyncMs']:.2f} ms**; an async read-back (`data()`: decode, pixel-buffer copy, a fence polled on "
          f"setTimeout) **{c['readAsyncMs']:.2f} ms**; an upload of 1,024 floats **{c['uploadMs']:.2f} ms**. "
          + (f"The converted streaming graph's 4-frame block ({r['paths'][0]['id']}, {d['kernels']} kernels): "
             f"issuing its kernels {d['issueMs']:.2f} ms of JavaScript, then reading its three controls back {d['readMs']:.2f} ms "
             f"(the kernels execute meanwhile), {d['blockMs']:.2f} ms a block = {d['blockMs'] * d['blocksPerS']:.0f} ms per "
             "second of audio. " if d else "")
          + "So on SwiftShader the old block's time was mostly waiting: on three async reads of the controls, each polling "
          "its fence on setTimeout (clamped to 4 ms), then the cumsum's upload and synchronous read, around ~90 small "
          "programs each paying a fixed cost. The new path runs ~13 programs and waits once, synchronously (the engine runs in "
          "a Worker, which a synchronous read blocks alone). What remains per pass is its own texel reads (a conv pass reads "
          "2 x kernel x channels values a thread), which is why our shaders read with texelFetch at constant shapes.", ""]
    return L


def decoder_section(rows) -> list[str]:
    """Our decoder (plain JS on the CPU backends, fused programs on webgl) vs the TF.js streaming graph."""
    if not rows:
        return []
    L = ["## Decoder: ours vs the TF.js streaming graph (4-frame blocks, same page)", "",
         "| backend | instrument | kernels per block (streaming graph → ours) | streaming graph ms/s (min) | "
         "ours ms/s (min) | tensors flat |", "|---|---|---|---|---|---|"]
    ms = lambda x: "—" if x is None else f"{x['msPerS']:.1f} ({x['minMsPerS']:.1f})"  # noqa: E731
    for r in rows:
        s, o = r["streaming"], r.get("cpu") or r.get("fused")
        flat = "yes" if r["tensors"]["before"] == r["tensors"]["after"] else "NO"
        kind = "CPU JS" if r.get("cpu") else "WebGL fused" if r.get("fused") else ""
        L.append(f"| {r['backend_label']} | {r['id']} | {s['kernelsPerBlock']} → {o['kernelsPerBlock'] if o else '—'} | "
                 f"{ms(s)} | {ms(o)}{' ' + kind if o else ''} | {flat} |")
    L += ["", "The streaming graph (the one graph a model ships) computes only the block's frames from per-layer "
          "caches kept on the backend; ours is the same network from the graph's weights: plain JS on wasm and cpu "
          "(`decoder-cpu.js`, 0 kernels), our fused programs on webgl (`decoder-webgl.js`, 2 a conv layer + the head; "
          "its controls read back synchronously once). Each is the default on its backends. Medians (min) over "
          "interleaved repeats; 'kernels' counts TF.js kernel dispatches of one block (`tf.profile`), or our passes "
          "for the fused decoder. Tried: the whole-sequence graph run on each block plus receptive_field − 1 frames "
          "of past input (before the streaming graph; no longer shipped) took 154–174 kernels a block, 54–73 ms/s on "
          "wasm, 193–375 on cpu, 887–1017 on webgl (as this report recorded it at c658ef9).", ""]
    return L


def features_section(r) -> list[str]:
    if not r:
        return []
    L = [f"## Features: YIN by FFT vs the direct sum (node, {r['seconds']} s of voice, ms per second of audio)", "",
         "| n_fft | YIN difference | features (push + flush) | YIN alone | loudness alone |", "|---|---|---|---|---|"]
    for row in r["rows"]:
        L.append(f"| {row['nFft']} | {row['yinMethod']} | {row['featuresMsPerS']['median']:.2f} | "
                 f"{row['yinMsPerS']['median']:.2f} | {row['loudnessMsPerS']['median']:.2f} |")
    L += ["", "`direct` is the old double sum (W × max lag products a frame), kept as the reference; `node bench/features.mjs` "
          "reproduces.", ""]
    return L


def tonic_section(r) -> list[str]:
    """Find my Sa: the markdown bench/tonic.mjs writes (one formatter for the script and the report)."""
    return list(r["markdown"]) if r else []


def sound_section(rows) -> list[str]:
    L = ["## Sound", "", "| instrument | held-out spectral loss | pitch error vs asked (cents, median; output lag in frames) | octave shift | loudness-envelope corr. | streaming vs offline SNR (dB) |",
         "|---|---|---|---|---|---|"]
    for s in rows:
        loss = s["heldout_spectral_loss"]
        L.append(f"| {s['id']} | {loss if loss is None else f'{loss:.3f}'} | {s['pitch_error_cents_median']:.1f} (lag {s.get('pitch_lag_frames', 0)}) | {s['octave_shift']} | "
                 f"{s['loudness_envelope_correlation']:.3f} | {s['streaming_vs_offline_snr_db']:.1f} |")
    return L


def timbre_section(timbre: dict) -> list[str]:
    from factory.timbre import format_table

    return ["## Timbre", "",
            "A sung phrase (`factory.timbre.PHRASE`, glottal pulses through formants, with rests, meend and vibrato) "
            "rendered offline by the engine (WASM backend) for each instrument, against seven GM presets (FluidR3_GM) "
            "playing the pitch the engine asked of the instrument, each the way its instrument's training scores play "
            "(the sitar plucked at each note and re-plucked within long ones). Each cell: harmonic-profile distance (mean |dB| "
            "over harmonics 1-16 below 7.6 kHz, each relative to the frame's strongest) / MFCC distance (c1-c12, "
            "Euclidean); the instrument's own preset in bold. Both ignore pitch and loudness; see `factory/timbre.py`.",
            "", format_table(timbre), ""]


# Those `bench.run --only` can refresh. A section new to the report (webgl) goes before "## Features".
SECTIONS = {"engine": engine_section, "decoder": decoder_section, "webgl": webgl_section,
            "sound": sound_section, "timbre": timbre_section, "tonic": tonic_section, "idiom": idiom_section}


def update_sections(results: dict, path: Path, measured: list[str] | None = None) -> None:
    """Replaces the sections of an existing report (from '## <Title>' to the next '## ') with
    the ones in `results` (keys of SECTIONS), leaving every other section as it was. `measured`
    (the sections of this `--only` run) is named in the report's run line."""
    path = Path(path)
    text = path.read_text()
    for key, fn in SECTIONS.items():
        if key not in results:
            continue
        new = "\n".join(fn(results[key])).rstrip("\n") + "\n\n"
        title = new.splitlines()[0]
        start = text.find(title + "\n")
        if start >= 0:
            end = text.find("\n## ", start + len(title))
            end = len(text) if end < 0 else end + 1
        elif key in ("webgl", "idiom"):  # new to the report: before "## Features"
            start = end = text.find("\n## Features") + 1 if "\n## Features" in text else len(text)
        else:
            raise ValueError(f"{path} has no section {title!r} to replace")
        text = text[:start] + new + text[end:]
        if key == "engine":
            (path.parent / "img").mkdir(parents=True, exist_ok=True)
            plot_engine(results, path.parent / "img" / "bench_engine.png")
    if measured:
        stamp = f"Sections {', '.join(measured)} measured again at {results['started']} (`python -m bench.run --only {','.join(measured)}`)."
        text = re.sub(r" Sections [\w, ]+ measured again at [^(]+\(`[^`]+`\)\.", "", text, count=1)  # the previous stamp
        text = text.replace("\n\nTimings are medians", f" {stamp}\n\nTimings are medians", 1)
    path.write_text(text)


def write_report(results: dict, path: Path) -> None:
    path = Path(path)
    img = path.parent / "img"
    img.mkdir(parents=True, exist_ok=True)
    plot_engine(results, img / "bench_engine.png")
    plot_cumsum(results, img / "bench_cumsum.png")
    L = ["# Swara benchmarks", "",
         f"Run: {results['started']} on {results['machine']['platform']} (2 cores, no GPU: WebGL is SwiftShader, "
         "i.e. the GPU path runs on the CPU here; on a phone it runs on the GPU). "
         "Reproduce with `make bench` (this report) or `make bench-quick` (seconds; CI runs it).",
         "", "Timings are medians over repeats after warm-up, with the interquartile range in brackets; every "
         "ratio compares two things measured in the same run.", ""]
    L += engine_section(results["engine"])
    L += decoder_section(results.get("decoder", []))
    L += webgl_section(results.get("webgl"))
    L += features_section(results.get("features"))
    L += tonic_section(results.get("tonic"))
    L += ["## Phase cumsum: our WebGL shader vs `tf.cumsum` vs a JS float64 loop", "",
          "| textures | samples | ours (ms) | tf.cumsum (ms) | JS float64 (ms) | ours / tf.cumsum | ours max err (rad) | tf.cumsum max err (rad) |",
          "|---|---|---|---|---|---|---|---|"]
    for r in results["cumsum"]:
        for row in r["rows"]:
            L.append(f"| {r['label']} ({row['kind']}) | {row['n']} | {_ms(row['oursMs'])} | {_ms(row['tfCumsumMs'])} | {_ms(row['jsFloat64Ms'])} | "
                     f"{row['ratioOursToTfCumsum']:.2f} | {row['oursMaxErrorRad']:.2e} | {row['tfCumsumMaxErrorRad']:.2e} |")
    L += ["", "The seed claimed −90 % time for its cumsum; the ratio column is ours against tf.cumsum in the same page.",
          "", "![cumsum](img/bench_cumsum.png)", ""]
    L += ["## Memory", "", "| backend | blocks | tensors first → last | bytes first → last | flat | peak bytes, early disposal | peak bytes, intermediates kept | ratio |",
          "|---|---|---|---|---|---|---|---|"]
    for r in results["memory"]:
        s0, s1 = r["series"][1] if len(r["series"]) > 1 else r["series"][0], r["series"][-1]
        L.append(f"| {r['backend_label']} | {r['blocks']} | {s0['numTensors']} → {s1['numTensors']} | {s0['numBytes']} → {s1['numBytes']} | "
                 + (f"{'yes' if r['flat'] else 'NO'} | {r['peakBytesEarlyDisposal']} | {r['peakBytesKeepIntermediates']} | {r['peakRatio']:.2f} |"
                    if np.isfinite(r["peakRatio"]) else f"{'yes' if r['flat'] else 'NO'} | — | — | — (no TF.js tensors: the plain-JS decoder) |"))
    L += ["", "The seed claimed −60 % GPU memory from early disposal; the ratio is peak bytes of one decoder block with TF.js's "
          "graph executor disposing intermediates as soon as they are dead vs keeping them (`KEEP_INTERMEDIATE_TENSORS`).", ""]
    L += ["## Models", "", "| instrument | params | converter output KB | after compaction KB | weights | weights KB (float32 would be) | served KB | served / 300 KB | load ms |",
          "|---|---|---|---|---|---|---|---|---|"]
    for m in results["models"]:
        load = results.get("load_ms", {}).get(m["id"])
        load_txt = f"{load['median']:.0f}" if load else "—"
        L.append(f"| {m['id']} | {m['params']} | {_kb(m['converter_bytes'])} | {_kb(m['compacted_bytes'])} | {m['weights_dtype']} | "
                 f"{_kb(m['weights_bytes'])} ({_kb(m['weights_float32_bytes'])}) | {_kb(m['served_bytes'])} | "
                 f"{m['ratio_to_seed_300kb']:.2f} | {load_txt} |")
    L += ["", "Converter output: plain `tensorflowjs` conversion; after compaction: the converter's experiments switch keeps "
          "large all-zero constants as Fill/ZerosLike ops, plus a compact graph JSON (see docs/models.md). Sounds of India's "
          "models were 300 KB.", ""]
    L += [""] + latency_section(results["latency"])
    if results.get("live"):
        L += _live_section(results["live"])
    if results.get("soak"):
        L += soak_section(results["soak"])
    if results.get("analysis_window"):
        L += ["## Analysis window (look-ahead) vs what the models learned", "",
              "The models were trained on `compute_loudness` with a 512-sample window (16 ms centred look-ahead). The "
              "engine's window, in `static/js/config.js`, is what this table weighs: the same sung phrase through the "
              "engine offline with each window, compared with 512 (loudness of a shorter window is referenced back to 512, "
              "`features.js` `referenceNFft`). Onset: when the output first exceeds 0.01 on the offline clock (negative "
              "is earlier); live, the look-ahead saved comes off every frame's delay as well.", "",
              "| instrument | n_fft | look-ahead ms | log-spectral distance to 512 (dB) | loudness-envelope corr. | onset shift (ms) |",
              "|---|---|---|---|---|---|"]
        for r in results["analysis_window"]:
            L.append(f"| {r['id']} | {r['fft']} | {r['lookahead_ms']:.0f} | {r['log_spectral_distance_db']:.2f} | "
                     f"{r['loudness_envelope_correlation']:.3f} | {r['onset_shift_ms']:+.1f} |")
        L.append("")
    L += sound_section(results["sound"])
    if results.get("timbre"):
        L += [""] + timbre_section(results["timbre"])
    if results.get("idiom"):
        L += [""] + idiom_section(results["idiom"])
    fl = results["first_load"]
    L += ["", "## First-load weight (gzip)", "", "| part | KB |", "|---|---|"]
    L += [f"| {k} | {v / 1024:.1f} |" for k, v in fl["parts_gzip_bytes"].items()]
    L += [f"| **total** | **{fl['total_gzip_bytes'] / 1024:.1f}** |", ""]
    if "serve_load" in results:
        from bench.load import report_lines

        L += report_lines(results["serve_load"])
    path.write_text("\n".join(L) + "\n")


def engine_where(host: str | None, backend: str | None, block_frames) -> str:
    """Where a run's engine ran, in words."""
    if host == "audio":
        return f"on the audio thread (plain JS, {block_frames}-frame blocks)"
    return f"in the Worker ({backend} at {block_frames}-frame blocks)"


def latency_section(lat: dict) -> list[str]:
    L = ["## Latency", "", "| part | ms |", "|---|---|"]
    L += [f"| {k} | {v:.1f} |" for k, v in lat["algorithmic_ms"].items()]
    measured = ", ".join(f"{x:.0f}" for x in lat["measured_ms"])
    where = engine_where(lat.get("host"), lat["backend"]["backend"], lat.get("block_frames", lat["backend"]["blockFrames"]))
    L += ["", f"Measured mic-to-output delay on the default page (each phrase onset in the fake-mic WAV paired with the "
          f"instrument's onset on the page's AudioContext clock, `static/js/page/latency.js`): median "
          f"**{lat['measured_median_ms']:.1f} ms** over {len(lat['measured_ms'])} onsets ({measured} ms), with the engine "
          f"{where}. The device's own output latency (context.outputLatency) comes on top."]
    base = lat.get("worker_baseline")
    if base:
        b = ", ".join(f"{x:.0f}" for x in base["measured_ms"])
        L += ["", f"Baseline, the same page with the engine held in the Worker (`?host=worker`; "
              f"{base['backend']['backend']} at {base.get('block_frames')}-frame blocks): median "
              f"**{base['measured_median_ms']:.1f} ms** ({b} ms), budget {base['algorithmic_ms']['total']:.1f} ms, of which "
              f"output margin {base['algorithmic_ms']['outputMargin']:.1f} ms. Ratio default / Worker: "
              f"{lat['measured_median_ms'] / base['measured_median_ms']:.2f}."]
    return L + [""]


def soak_section(k: dict) -> list[str]:
    last = k["series"][-1]
    hosts = [x.get("host") for x in k["series"]]
    where = ("on the audio thread throughout" if set(hosts) == {"audio"} else "in the Worker throughout" if set(hosts) == {"worker"}
             else "where it ran minute by minute: " + ", ".join(str(h) for h in hosts))
    switches = "; ".join(f"{x['from'].get('host') or x['from']['backend']} → {x['to'].get('host') or x['to']['backend']} ({x['reason']})"
                         for x in k.get("switches", [])) or "none"
    return [f"## Soak: {k['seconds'] / 60:.0f} minutes of singing", "",
            f"The default page, a looped take, {last['blocks']} engine blocks (since the engine last started): numTensors "
            f"{'flat at ' + str(k['series'][0]['numTensors']) if k['tensors_flat'] else 'changing: ' + str([x['numTensors'] for x in k['series']])}; "
            f"memory of every realm (page, Worker, worklets; `measureUserAgentSpecificMemory`) {k['memory_start_mb']:.1f} → "
            f"{k['memory_end_mb']:.1f} MB ({k['memory_growth_mb']:+.1f} MB); {last['underruns']} underruns and "
            f"{last['droppedFrames']} dropped frames over the run; the engine {where}; audio thread late "
            f"{last.get('late_stalls', '—')} times; switches: {switches}.", ""]


def _live_section(live: dict) -> list[str]:
    """The default page for a minute: backend chosen and why, underruns, sounding frames, latency."""
    L = ["## Live: the default page, a sung take looped for " + f"{live['seconds']:.0f} s", "",
         "The default URL (plus the opt-in probe that records what is played), a 9.6 s take spanning a sixth with rests, "
         "meend and consonants, looped by the fake microphone (`bench/live.py`). *Voiced sounding*: the share of the "
         "input's voiced 10 ms frames during which the output sounds. *Audio thread late*: stalls in which the audio "
         "thread rendered a quantum more than three callbacks (3 × baseLatency) later than its place on the audio clock "
         "allows (`dsp/late-quanta.js`, in the probe's worklet), and the worst: on a real speaker each is a glitch, "
         "which no underrun counter sees and headless Chromium's fake audio device hides. "
         "Half a core: " + live["half_core"] + ".", "",
         "| run | engine | underruns | dropped frames | voiced sounding | latency measured (median, p10-p90) | budget | audio thread late (stalls, worst ms) | block p50 / p99 ms | load | switches |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in live["runs"]:
        m = np.asarray(r["latency_measured_ms"], float)
        lat = f"{np.median(m):.1f} ({np.percentile(m, 10):.0f}-{np.percentile(m, 90):.0f}), n={len(m)}" if len(m) else "—"
        sw = "; ".join(f"{x['from']['backend']}/{x['from']['blockFrames']}f → {x['to']['backend']}/{x['to']['blockFrames']}f ({x['reason']})"
                       for x in r["switches"]) or "none"
        where = engine_where(r.get("final_host"), r["final_backend"], r["final_block_frames"])
        p50, p99 = (f"{r[k]:.2f}" if r[k] is not None else "—" for k in ("block_ms_p50", "block_ms_p99"))
        late = r.get("audio_thread_late")
        lost = f"{late['events']} ({late['worst_ms']:.0f})" if late else "—"
        L.append(f"| {r['label']} | {where} | {r['underruns']} | {r['dropped_frames']} | "
                 f"{100 * r['voiced_frames_sounding']:.1f} % of {r['voiced_frames']} | {lat} | {r['latency_budget_ms']['total']:.1f} | "
                 f"{lost} | {p50} / {p99} | {(r['load'] or 0):.2f} | {sw} |")
    first = live["runs"][0]
    L += ["", f"Backend choice at load ({first['choice']['reason']}): every backend timed on warm blocks of the live size "
          "(features + decoder + synth), shortest block first; the fastest whose p99 is under half a block wins. "
          f"Where the engine runs ({first['choice'].get('hostReason', '')}): on the audio thread when the plain-JS engine's "
          "compute p99 at 1-frame blocks (the block's own time, without the Worker's wake-up) is under a quarter block "
          "(`config.js` AUDIO_THREAD), else in the Worker; from the audio thread to the Worker after 3 late stalls in "
          "10 s. On the audio thread blocks are timed with Date.now() (the only clock there), so only the load is given.", "",
          "| backend | block (frames) | block duration ms | p50 ms | p99 ms | note |", "|---|---|---|---|---|---|"]
    for m in first["measurements"]:
        p50 = m.get("p50Ms")
        p99 = m.get("p99Ms")
        L.append(f"| {m['backend']} | {m['blockFrames']} | {m['blockMs']:.0f} | {p50 if p50 is None else f'{p50:.2f}'} | "
                 f"{p99 if p99 is None else f'{p99:.2f}'} | {m.get('error', '')} |")
    budget = first["latency_budget_ms"]
    L += ["", "Latency budget of the default run (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in budget.items()), ""]
    return L


SECTIONS.update(latency=latency_section, live=_live_section, soak=soak_section)


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "results" / "latest.json"
    write_report(json.loads(src.read_text()), ROOT / "docs" / "benchmarks.md")
