"""`python -m bench.run [--quick] [--out DIR] [--report PATH]`

Measures, in one run on this machine: engine speed per backend and instrument, cumsum (ours vs
tf.cumsum vs JS float64), memory over 1,000 blocks and peak GPU bytes, model bytes and load
time, latency (algorithmic and measured mic-to-output), sound quality, timbre (each instrument
against SoundFont presets, factory.timbre), first-load weight, serving under load (wrk, 200
clients for 30 s).
Writes bench/results/latest.json and docs/benchmarks.md with PNG plots.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import re
import tempfile
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import Pages  # noqa: E402
from bench.idiom import bench_idiom  # noqa: E402
from bench.live import bench_live, bench_soak  # noqa: E402
from bench.load import QUICK as LOAD_QUICK, bench_serve_load  # noqa: E402
from tests.serving import served_app  # noqa: E402
from tests.e2e.browser_io import from_b64, snr_db, to_b64  # noqa: E402
from tests.signals import PHRASE, cents, sung_phrase, write_wav  # noqa: E402

SEED_MODEL_BYTES = 300 * 1024  # Sounds of India's models
BACKENDS = {  # name -> page query (the page's engine Worker is pinned there too: no measuring at load)
    "webgl": "?backend=webgl&block=4",
    "wasm": "?backend=wasm&wasmThreads=0&block=4",
    "wasm-threads": "?backend=wasm&wasmThreads=2&block=4",
    "cpu": "?backend=cpu&block=4",
}


def models() -> list[dict]:
    out = []
    for meta_path in sorted((ROOT / "static" / "models").glob("*/metadata.json")):
        meta = json.loads(meta_path.read_text())
        meta["id"] = meta_path.parent.name
        out.append(meta)
    return out


def model_rate_voice(meta: dict, seconds_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The sung phrase at the models' sample rate (from metadata.json): (audio [n], f0 [n])."""
    phrase = [(m, d * seconds_scale) for m, d in PHRASE]
    audio, f0, _ = sung_phrase(phrase, sample_rate=meta["sample_rate"])
    return audio, f0


def call_bench(page, name: str, args: dict, voice=None):
    """Runs `benchkit.<name>(args)` in the page; `voice` [n] float32 arrives as args.voice."""
    return page.evaluate("""async ([name, args, b64]) => {
        const k = await import('/static/build/testkit.js');
        if (b64) args.voice = __b64ToF32(b64);
        return k.bench[name](args);
    }""", [name, args, None if voice is None else to_b64(voice)])


def bench_engine(pages, ids, backends, voice, repeats):
    rows = []
    for name in backends:
        page = pages.open(BACKENDS[name])
        for mid in ids:
            r = call_bench(page, "benchEngine", {"id": mid, "repeats": repeats, "warmup": 1}, voice)
            r["backend_label"] = name
            rows.append(r)
            print(f"  engine {name:12s} {mid:10s} RTF {r['realTimeFactor']:.3f}  "
                  f"decoder {r['decoderMsPerS']['median']:.1f} ms/s  synth {r['synthMsPerS']['median']:.1f} ms/s")
        pages.close()
    return rows


def bench_cumsum(pages, sizes, repeats):
    out = []
    for label, query in (("webgl-f32", BACKENDS["webgl"]), ("webgl-f16", BACKENDS["webgl"] + "&f16=1"), ("wasm", BACKENDS["wasm"])):
        page = pages.open(query)
        r = call_bench(page, "benchCumsum", {"sizes": sizes, "repeats": repeats, "warmup": 2})
        r["label"] = label
        out.append(r)
        for row in r["rows"]:
            print(f"  cumsum {label:10s} n={row['n']:>7d} ours {row['oursMs']['median']:.2f} ms "
                  f"tf.cumsum {row['tfCumsumMs']['median']:.2f} ms  err {row['oursMaxErrorRad']:.2e} vs {row['tfCumsumMaxErrorRad']:.2e} rad")
        pages.close()
    return out


def bench_memory(pages, mid, blocks, backends=("webgl", "wasm")):
    out = []
    for name in backends:
        page = pages.open(BACKENDS[name])
        r = call_bench(page, "benchMemory", {"id": mid, "blocks": blocks, "every": max(1, blocks // 10)})
        r["backend_label"] = name
        out.append(r)
        print(f"  memory {name}: flat={r['flat']} tensors {r['series'][0]['numTensors']}->{r['series'][-1]['numTensors']}"
              f" peak {r['peakBytesEarlyDisposal']} vs {r['peakBytesKeepIntermediates']} B")
        pages.close()
    return out


def page_model_files(meta) -> list[Path]:
    """The files the page downloads for a model: its graph (the streaming graph, the one a model
    ships) and the shards that graph names."""
    d = ROOT / "static" / "models" / meta["id"]
    graph = meta["streaming"]["model"]
    m = json.loads((d / graph).read_text())
    return [d / graph] + [d / p for g in m["weightsManifest"] for p in g["paths"]]


def bench_decoder(pages, ids, backends, repeats, seconds):
    """Our decoder (plain JS, fused WebGL) vs the TF.js streaming graph (the baseline) in the same page."""
    rows = []
    for name in backends:
        page = pages.open(BACKENDS[name])
        for mid in ids:
            r = call_bench(page, "benchDecoder", {"id": mid, "repeats": repeats, "seconds": seconds})
            r["backend_label"] = name
            rows.append(r)
            s, c = r["streaming"], r.get("cpu") or r.get("fused")
            print(f"  decoder {name:12s} {mid:10s} kernels/block {s['kernelsPerBlock']} -> {c and c['kernelsPerBlock']}  "
                  f"{s['msPerS']:.1f} -> {c and round(c['msPerS'], 1)} ms/s")
        pages.close()
    return rows


def bench_webgl(pages, ids, voice, repeats):
    """The webgl engine's paths in one page (the old graph + JS synth as the baseline, the GPU voice,
    the fused decoder + JS synth) per instrument, and what a dispatch, a read-back, an upload cost."""
    page = pages.open(BACKENDS["webgl"])
    costs = call_bench(page, "benchWebglCosts", {"id": ids[0]})
    print(f"  webgl costs: dispatch {costs['dispatchMs']:.3f} ms, readSync {costs['readSyncMs']:.2f} ms, "
          f"read {costs['readAsyncMs']:.2f} ms, upload {costs['uploadMs']:.2f} ms")
    rows = []
    for mid in ids:
        r = call_bench(page, "benchWebglPaths", {"id": mid, "repeats": repeats}, voice)
        rows.append(r)
        for row in r["rows"]:
            print(f"  webgl {mid:10s} {row['path']:26s} programs {row['programs']:3d} reads {row['readBacks']} "
                  f"engine {row['engineMsPerS']:.1f} ms/s")
    pages.close()
    return {"costs": costs, "paths": rows}


def bench_features(seconds, repeats):
    """node bench/features.mjs: YIN by FFT vs the direct sum (the baseline), per n_fft."""
    import subprocess

    out = subprocess.run(["node", str(ROOT / "bench" / "features.mjs"), "--json", "--seconds", str(seconds),
                          "--repeats", str(repeats)], check=True, capture_output=True, text=True, cwd=ROOT)
    r = json.loads(out.stdout)
    for row in r["rows"]:
        print(f"  features n_fft {row['nFft']:5d} yin {row['yinMethod']:6s} {row['featuresMsPerS']['median']:.2f} ms/s")
    return r


def bench_tonic():
    """node bench/tonic.mjs: Find my Sa's error and the seconds it needs, Sa C3-F4."""
    import subprocess

    out = subprocess.run(["node", str(ROOT / "bench" / "tonic.mjs"), "--json"], check=True, capture_output=True, text=True, cwd=ROOT)
    r = json.loads(out.stdout)
    for row in r["rows"]:
        print(f"  {row['kind']:20s} within ±20 cents {100 * row['withinTolerance']:.1f} %, {row['medianSecondsNeeded']} s needed (median)")
    return r


def model_sizes(metas):
    rows = []
    for m in metas:
        files = page_model_files(m)
        served = sum(p.stat().st_size for p in files)
        weights = sum(p.stat().st_size for p in files if p.suffix == ".bin")
        rows.append({"id": m["id"], "params": m.get("params"), "served_bytes": served,
                     "converter_bytes": m.get("bytes_before_compression"),  # plain tensorflowjs output
                     "compacted_bytes": m.get("bytes"),  # Fill/ZerosLike kept + compact graph JSON
                     "weights_dtype": m.get("weights_dtype"), "weights_bytes": weights,
                     "weights_float32_bytes": 4 * m["params"] if m.get("params") else None,
                     "ratio_to_seed_300kb": served / SEED_MODEL_BYTES})
    return rows


def bench_load(pages, ids, repeats):
    page = pages.open(BACKENDS["webgl"])
    out = {}
    for mid in ids:
        ms = []
        for _ in range(repeats):
            ms.append(page.evaluate("""async (id) => {
                const k = await import('/static/build/testkit.js');
                const { decoder, loadMs } = await k.bench.loadModel(id);
                decoder.dispose();
                return loadMs;
            }""", mid))
        out[mid] = {"median": float(np.median(ms)), "min": float(np.min(ms)), "max": float(np.max(ms)), "n": len(ms)}
    pages.close()
    return out


def measure_latency(pages, wav: Path, onsets: int, query: str = "") -> dict:
    """Mic-to-output delays of `onsets` phrase onsets on the page at ?probe=1 + `query`."""
    page = pages.open("?probe=1" + query, wav=wav)
    page.click("#sing")
    page.wait_for_function(f"globalThis.swaraProbe && swaraProbe.latency.measuredMs.length >= {onsets}", timeout=60_000)
    r = page.evaluate("""() => ({ latency: swaraProbe.latency, backend: swaraProbe.backend.choice,
        stats: swaraProbe.stats })""")
    pages.close()
    measured = r["latency"]["measuredMs"]
    host = r["stats"].get("host")
    print(f"  latency{query or ' (default)'}: engine {'on the audio thread' if host == 'audio' else 'in the Worker'}, "
          f"budget {r['latency']['budget']['total']:.1f} ms, measured median {np.median(measured):.1f} ms over {len(measured)} onsets")
    return {"algorithmic_ms": r["latency"]["budget"], "measured_ms": measured, "measured_median_ms": float(np.median(measured)),
            "backend": r["backend"], "host": host, "block_frames": r["stats"].get("blockFrames"), "query": query}


def bench_latency(pages, tmp: Path, onsets: int = 6):
    """Measured mic-to-output delay on the default page: each phrase onset after a rest in the
    fake mic paired with the instrument's onset, on the page's AudioContext clock (latency.js).
    Beside it, the baseline: the same page with the engine held in the Worker (?host=worker)."""
    audio, _, _ = sung_phrase([(60, 0.6), (None, 0.6)] * onsets, sample_rate=48000)
    wav = write_wav(tmp / "onsets.wav", audio, 48000)
    default = measure_latency(pages, wav, onsets)
    default["worker_baseline"] = measure_latency(pages, wav, onsets, "&host=worker")
    return default


def loudness_db(audio, meta: dict):
    from ddsp.spectral_ops import compute_loudness

    return np.asarray(compute_loudness(audio.astype(np.float32), sample_rate=meta["sample_rate"],
                                       frame_rate=meta["frame_rate"], use_tf=False))


def pitch_error_at_best_lag(out_hz, asked_hz, mask, max_lag=6):
    """(lag, median |cents|) of the output pitch against the asked pitch shifted by 0..max_lag frames
    (the output later), where both are voiced: the lag with the smallest median error."""
    best = (0, float("nan"))
    for lag in range(max_lag + 1):
        o, a, m = out_hz[lag:], asked_hz[:len(asked_hz) - lag], mask[lag:] & mask[:len(mask) - lag]
        if not m.any():
            continue
        err = float(np.median(np.abs(cents(o[m], a[m]))))
        if not np.isfinite(best[1]) or err < best[1]:
            best = (lag, err)
    return best


def bench_sound(pages, metas, voice, f0):
    import librosa

    page = pages.open(BACKENDS["webgl"])
    rows = []
    hop, rate = metas[0]["hop_samples"], metas[0]["sample_rate"]
    ref_hz = f0[::hop]
    ld_in = loudness_db(voice, metas[0])
    for m in metas:
        r = page.evaluate("""async ([id, b64]) => {
            const k = await import('/static/build/testkit.js');
            const r = await k.bench.renderBoth({ id, voice: __b64ToF32(b64) });
            return { streamed: __f32ToB64(r.streamed), whole: __f32ToB64(r.whole), octaves: r.octaves,
                     mapped: __f32ToB64(r.mappedF0Hz) };
        }""", [m["id"], to_b64(voice)])
        whole, streamed = from_b64(r["whole"]), from_b64(r["streamed"])
        n = min(len(whole), len(streamed))
        out_hz, voiced, _ = librosa.pyin(whole.astype(np.float64), fmin=60, fmax=2500, sr=rate, frame_length=1024, hop_length=hop)
        out_hz = np.where(voiced, out_hz, np.nan)
        # Against the pitch the engine asked for (the sung pitch after octave matching, which may
        # differ phrase to phrase), where the singer was singing.
        asked = from_b64(r["mapped"])
        k = min(len(out_hz), len(ref_hz), len(asked))
        mask = np.isfinite(out_hz[:k]) & (ref_hz[:k] > 0) & (asked[:k] > 0)
        # The output's pitch trails the asked pitch by the synth's look-ahead and pyin's centring
        # (and YIN reads the newest samples of a frame): over meend and vibrato an unaligned
        # comparison measures the slope, not the pitch. Judged at the lag (frames) that fits best.
        lag, err = pitch_error_at_best_lag(out_hz[:k], asked[:k], mask)
        shifts = np.unique(np.round(np.log2(asked[:k][mask] / ref_hz[:k][mask]))).astype(int).tolist() if mask.any() else []
        ld_out = loudness_db(whole, m)
        j = min(len(ld_in), len(ld_out))
        corr = float(np.corrcoef(ld_in[:j], ld_out[:j])[0, 1])
        rows.append({"id": m["id"], "heldout_spectral_loss": (m.get("quality") or {}).get("heldout_spectral_loss"),
                     "pitch_error_cents_median": err, "pitch_lag_frames": lag, "voiced_frames": int(mask.sum()), "octave_shift": shifts,
                     "loudness_envelope_correlation": corr, "streaming_vs_offline_snr_db": snr_db(whole[:n], streamed[:n])})
        print(f"  sound {m['id']:10s} pitch err {err:.1f} c, loudness corr {corr:.3f}, stream SNR {rows[-1]['streaming_vs_offline_snr_db']:.1f} dB")
    pages.close()
    return rows


def bench_timbre(pages, metas):
    """factory.timbre's check on the real engine: the sung phrase rendered offline by each instrument
    (engine.renderClip, whole clip) against 7 GM presets playing the pitch the engine asked for."""
    from factory import timbre

    voice, _ = timbre.sung_voice()
    page = pages.open(BACKENDS["wasm"])
    out = {}
    for m in metas:
        r = page.evaluate("""async ([id, b64]) => {
            const k = await import('/static/build/testkit.js');
            const r = await k.bench.renderBoth({ id, voice: __b64ToF32(b64) });
            return { whole: __f32ToB64(r.whole), mapped: __f32ToB64(r.mappedF0Hz) };
        }""", [m["id"], to_b64(voice)])
        rows = timbre.compare(from_b64(r["whole"]), from_b64(r["mapped"]))
        own = (m.get("source") or {}).get("preset")
        out[m["id"]] = {"rows": rows, "verdict": timbre.verdict(rows, own) if own in timbre.PRESETS else None}
        v = out[m["id"]]["verdict"] or {}
        print(f"  timbre {m['id']:10s} nearest {v.get('nearest_harmonic')} / {v.get('nearest_mfcc')} "
              f"(own {own}: {v.get('own_harmonic_db')} dB, MFCC {v.get('own_mfcc')})")
    pages.close()
    return out


def bench_analysis_window(pages, metas, voice, sizes=(512, 256, 128)):
    """What a shorter loudness window (less look-ahead) changes in each instrument's output, against
    the window the models were trained with (512): log-spectrogram distance (dB, mean over
    time-frequency bins above -80 dB), loudness-envelope correlation, and the onset shift offline."""
    import librosa

    page = pages.open(BACKENDS["wasm"])
    rows = []
    for m in metas:
        r = page.evaluate("""async ([id, b64, sizes]) => {
            const k = await import('/static/build/testkit.js');
            const out = await k.bench.renderAnalysisWindows({ id, voice: __b64ToF32(b64), fftSizes: sizes });
            return Object.fromEntries(Object.entries(out).map(([n, a]) => [n, __f32ToB64(a)]));
        }""", [m["id"], to_b64(voice), list(sizes)])
        audio = {int(n): from_b64(b) for n, b in r.items()}
        ref = audio[sizes[0]]
        spec = lambda x: 20 * np.log10(np.abs(librosa.stft(x.astype(np.float64), n_fft=1024, hop_length=256)) + 1e-6)  # noqa: E731
        ld_ref = loudness_db(ref, m)
        first = lambda x: int(np.argmax(np.abs(x) > 0.01))  # noqa: E731
        for n in sizes[1:]:
            x = audio[n]
            k = min(len(x), len(ref))
            a, b = spec(ref[:k]), spec(x[:k])
            mask = np.maximum(a, b) > -80
            ld = loudness_db(x[:k], m)
            j = min(len(ld), len(ld_ref))
            rows.append({"id": m["id"], "fft": n, "lookahead_ms": 1000 * n / 2 / m["sample_rate"],
                         "log_spectral_distance_db": float(np.mean(np.abs(a - b)[mask])),
                         "loudness_envelope_correlation": float(np.corrcoef(ld_ref[:j], ld[:j])[0, 1]),
                         "onset_shift_ms": 1000 * (first(x) - first(ref)) / m["sample_rate"]})
            print(f"  window {m['id']:10s} n_fft {n}: {rows[-1]['log_spectral_distance_db']:.2f} dB from 512, "
                  f"loudness corr {rows[-1]['loudness_envelope_correlation']:.3f}, onset {rows[-1]['onset_shift_ms']:+.1f} ms")
    pages.close()
    return rows


def first_load_weight(metas):
    from fastapi.testclient import TestClient

    from app.main import create_app

    client = TestClient(create_app())
    gz = lambda b: len(gzip.compress(b, 9))  # noqa: E731
    build = ROOT / "static" / "build"
    parts = {"page": gz(client.get("/").content)}
    app_js = (build / "app.js").read_bytes()
    parts["app.js"] = gz(app_js)
    # The page's share of the code-split bundle: the chunks app.js imports (TF.js lives there).
    for chunk in sorted(set(re.findall(rb"chunks/[\w-]+\.js", app_js))):
        parts[chunk.decode()] = gz((build / chunk.decode()).read_bytes())
    for name in ("capture-processor.js", "output-processor.js"):
        parts[name] = gz((build / name).read_bytes())
    parts["app.css"] = gz((ROOT / "static" / "css" / "app.css").read_bytes())
    parts["tfjs-backend-wasm-simd.wasm"] = gz((ROOT / "static" / "build" / "wasm" / "tfjs-backend-wasm-simd.wasm").read_bytes())
    if metas:
        parts[f"model:{metas[0]['id']}"] = sum(gz(p.read_bytes()) for p in page_model_files(metas[0]))
    return {"parts_gzip_bytes": parts, "total_gzip_bytes": sum(parts.values())}


def run(quick: bool, out_dir: Path, report_path: Path | None, tmp: Path, playwright=None) -> dict:
    """Runs every section; `playwright` is a running sync Playwright (one is started if None)."""
    metas = models()
    if not metas:
        raise SystemExit("no models in static/models: run `python build_models.py` first")
    ids = [m["id"] for m in metas]
    repeats = 2 if quick else 7
    voice, f0 = model_rate_voice(metas[0], 0.5 if quick else 1.0)
    results = {"quick": quick, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": {"platform": platform.platform(), "python": platform.python_version()}}
    with served_app() as base, _playwright(playwright) as pw:
        pages = Pages(pw, base)
        try:
            print("engine:")
            results["engine"] = bench_engine(pages, ids[:1] if quick else ids,
                                             ["wasm", "cpu"] if quick else list(BACKENDS), voice, repeats)
            print("decoder:")
            results["decoder"] = bench_decoder(pages, ids[:1] if quick else ids,
                                               ["wasm"] if quick else ["wasm", "cpu", "webgl"], repeats, 1 if quick else 2)
            print("webgl paths:")
            results["webgl"] = bench_webgl(pages, ids[:1] if quick else ids, voice, 1 if quick else 3)
            print("cumsum:")
            sizes = [256, 16000] if quick else [256, 1024, 16000, 160000]
            results["cumsum"] = bench_cumsum(pages, sizes, 3 if quick else 15)
            print("memory:")
            results["memory"] = bench_memory(pages, ids[0], 50 if quick else 1000)
            results["models"] = model_sizes(metas)
            results["load_ms"] = bench_load(pages, ids[:1] if quick else ids, 2 if quick else 5)
            print("latency:")
            results["latency"] = bench_latency(pages, tmp)
            print("live (default page):")
            results["live"] = bench_live(pages, tmp, 8 if quick else 60)
            if not quick:  # the test suite has the one-minute version (tests/e2e/test_resilience.py)
                print("soak:")
                results["soak"] = bench_soak(pages, tmp, 600)
            print("analysis window:")
            results["analysis_window"] = bench_analysis_window(pages, metas[:1] if quick else metas, voice)
            print("sound:")
            results["sound"] = bench_sound(pages, metas[:1] if quick else metas, voice, f0)
            print("timbre:")
            results["timbre"] = bench_timbre(pages, metas[:1] if quick else metas)
        finally:
            pages.close()
    print("features:")
    results["features"] = bench_features(2 if quick else 20, 2 if quick else 7)
    print("find my Sa:")
    results["tonic"] = bench_tonic()
    if not quick:
        print("idiom:")
        results["idiom"] = bench_idiom(metas)
    results["first_load"] = first_load_weight(metas)
    print("serving under load:")
    results["serve_load"] = bench_serve_load(**(LOAD_QUICK if quick else {}))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / ("quick.json" if quick else "latest.json")).write_text(json.dumps(results, indent=1))
    if report_path is not None:
        from bench.report import write_report

        write_report(results, report_path)
    return results


# Sections `--only` can run alone, on every shipped model (their markdown replaced in the report,
# bench.report.SECTIONS, the rest left as it is).
ONLY = {
    "engine": lambda pages, metas, voice, f0, tmp: bench_engine(pages, [m["id"] for m in metas], list(BACKENDS), voice, 7),
    "decoder": lambda pages, metas, voice, f0, tmp: bench_decoder(pages, [m["id"] for m in metas], ["wasm", "cpu", "webgl"], 7, 2),
    "webgl": lambda pages, metas, voice, f0, tmp: bench_webgl(pages, [m["id"] for m in metas], voice, 3),
    "sound": lambda pages, metas, voice, f0, tmp: bench_sound(pages, metas, voice, f0),
    "timbre": lambda pages, metas, voice, f0, tmp: bench_timbre(pages, metas),
    "latency": lambda pages, metas, voice, f0, tmp: bench_latency(pages, tmp),
    "live": lambda pages, metas, voice, f0, tmp: bench_live(pages, tmp, 60),
    "soak": lambda pages, metas, voice, f0, tmp: bench_soak(pages, tmp, 600),
    "tonic": lambda pages, metas, voice, f0, tmp: bench_tonic(),
    "idiom": lambda pages, metas, voice, f0, tmp: bench_idiom(metas),  # node renders; no page
}


def run_only(sections: list[str], out_dir: Path, report_path: Path | None, playwright=None) -> dict:
    """Runs only `sections` (keys of ONLY) as the full run does; saves <out_dir>/only.json and
    replaces those sections of the existing report after each one is measured."""
    from bench.report import update_sections

    unknown = sorted(set(sections) - set(ONLY))
    if unknown:
        raise SystemExit(f"--only: unknown section(s) {', '.join(unknown)}; choose from {', '.join(ONLY)}")
    metas = models()
    voice, f0 = model_rate_voice(metas[0])
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    out_dir.mkdir(parents=True, exist_ok=True)
    with served_app() as base, _playwright(playwright) as pw, tempfile.TemporaryDirectory(prefix="swara-bench-") as tmp:
        pages = Pages(pw, base)
        try:
            for i, name in enumerate(sections):  # each section saved and spliced as soon as it is measured
                print(f"{name}:")
                results[name] = ONLY[name](pages, metas, voice, f0, Path(tmp))
                (out_dir / "only.json").write_text(json.dumps(results, indent=1))
                if report_path is not None:
                    update_sections({"started": results["started"], name: results[name]}, report_path, measured=sections[: i + 1])
        finally:
            pages.close()
    return results


@contextlib.contextmanager
def _playwright(running=None):
    if running is not None:  # e.g. the test suite's session-wide Playwright
        yield running
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


def main(argv=None, playwright=None) -> dict:
    import tempfile

    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="seconds, not minutes: one instrument, few repeats (CI)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--report", type=Path, default=None, help="markdown report (default docs/benchmarks.md for a full run)")
    p.add_argument("--only", default=None, metavar="SECTIONS",
                   help=f"comma-separated sections to run alone ({', '.join(ONLY)}); replaces just those in the report")
    args = p.parse_args(argv)
    report = args.report or (None if args.quick else ROOT / "docs" / "benchmarks.md")
    if args.only:
        return run_only(args.only.split(","), args.out, report, playwright)
    with tempfile.TemporaryDirectory() as tmp:
        return run(args.quick, args.out, report, Path(tmp), playwright)


if __name__ == "__main__":
    main()
