"""Serving under load: `wrk` (Debian package) against `python -m app` on loopback.

N keep-alive connections (the "clients") fetch, in turn, what a first visit fetches: the page,
its stylesheet, the JS bundle (the page module, the engine Worker, the content-hashed chunks they
import with TF.js among them, the AudioWorklet modules), the models manifest, TF.js's WASM binary
and one instrument's streaming graph with its weights. Bounded:
a fixed number of connections for a fixed time. Reports requests, errors (socket errors,
timeouts and non-2xx/3xx answers) and latency percentiles.

    python -m bench.load [--clients 200] [--seconds 30]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import posixpath
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 200
SECONDS = 30
WRK_THREADS = 2          # the machine's cores; wrk's event loops, not the clients
TIMEOUT_S = 30           # a request slower than this counts as an error (wrk's default is 2 s)

# Cycles through the paths (per wrk thread); done() prints one JSON line with the summary.
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors": {"connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d}, "latency_us": {"p50": %%d, "p90": %%d, "p99": %%d, "max": %%d, "mean": %%.1f}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


# The page's scripts: the page module and the engine Worker it starts (static/js/page/engine-client.js),
# then the AudioWorklet modules a Sing tap adds (capture.js, output.js).
ENTRY_SCRIPTS = ("app.js", "engine-worker.js")
WORKLETS = ("capture-processor.js", "output-processor.js")
# The binary TF.js's WASM backend fetches on a cross-origin-isolated page (threads + SIMD).
WASM_BINARY = "wasm/tfjs-backend-wasm-threaded-simd.wasm"
STATIC_IMPORT = re.compile(r'(?:from|import)\s*"(\./[\w./-]+\.js)"')  # not import("…"): loaded on demand


def static_imports(build: Path, entry: str) -> list[str]:
    """`entry` and every module it imports statically, transitively (paths relative to build/)."""
    seen, todo = [], [entry]
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.append(name)
        for rel in STATIC_IMPORT.findall((build / name).read_text()):
            todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), rel)))
    return seen


def first_visit_paths(static_dir: Path = ROOT / "static", model_id: str | None = None) -> list[str]:
    """The URL paths a first visit fetches: page, stylesheet, scripts (page, engine Worker, the
    chunks they import, worklets), manifest, WASM binary and one model's streaming graph + shards."""
    build = static_dir / "build"
    scripts = []
    for entry in ENTRY_SCRIPTS:
        scripts += [s for s in static_imports(build, entry) if s not in scripts]
    paths = ["/", "/static/css/app.css", *[f"/static/build/{s}" for s in (*scripts, *WORKLETS)],
             "/models/manifest.json", f"/static/build/{WASM_BINARY}"]
    metas = sorted(static_dir.glob("models/*/metadata.json"))
    meta_path = next((p for p in metas if p.parent.name == model_id), metas[0] if metas else None)
    if meta_path is None:
        raise SystemExit("no models in static/models: run `python build_models.py` first")
    meta = json.loads(meta_path.read_text())
    graph_name = meta["streaming"]["model"]
    graph = json.loads((meta_path.parent / graph_name).read_text())
    model_url = f"/static/models/{meta_path.parent.name}"
    paths += [f"{model_url}/{graph_name}"] + [f"{model_url}/{p}" for g in graph["weightsManifest"] for p in g["paths"]]
    return paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(start_timeout_s: float = 30):
    """`python -m app` (what `make run` starts) in a subprocess on a free loopback port → base URL."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"python -m app did not start on port {port}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_wrk(base_url: str, paths: list[str], clients: int, seconds: float) -> dict:
    """Runs wrk; returns its summary with latencies in ms and errors totalled."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: `make system-deps` (Debian package wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        script = f.name
    try:
        proc = subprocess.run([wrk, "-t", str(min(WRK_THREADS, clients)), "-c", str(clients), "-d", f"{int(seconds)}s",
                               "--timeout", f"{TIMEOUT_S}s", "-s", script, base_url], capture_output=True, text=True,
                              timeout=seconds + TIMEOUT_S + 60)
    finally:
        Path(script).unlink()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    summary = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith('{"requests"')))
    duration_s = summary.pop("duration_us") / 1e6
    latency = {k: round(v / 1000, 2) for k, v in summary.pop("latency_us").items()}
    return {"clients": clients, "seconds": round(duration_s, 2), "paths": paths,
            "requests": summary["requests"], "requests_per_s": round(summary["requests"] / duration_s, 1),
            "mb_per_s": round(summary["bytes"] / duration_s / 1e6, 1), "errors": summary["errors"],
            "error_total": sum(summary["errors"].values()), "latency_ms": latency,
            "tool": _wrk_version(wrk)}


def _wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout
    m = re.search(r"wrk (\S+)", out)
    return f"wrk {m.group(1)}" if m else "wrk"


QUICK = {"clients": 20, "seconds": 3}  # bench-quick (the test suite): proves the tool chain runs


def bench_serve_load(clients: int = CLIENTS, seconds: float = SECONDS) -> dict:
    """`clients` connections fetching a first visit's files from `python -m app` for `seconds`."""
    paths = first_visit_paths()
    with served() as base:
        result = run_wrk(base, paths, clients, seconds)
    lat = result["latency_ms"]
    print(f"  {clients} clients × {result['seconds']:.0f} s: {result['requests']} requests "
          f"({result['requests_per_s']:.0f}/s, {result['mb_per_s']:.0f} MB/s), {result['error_total']} errors, "
          f"latency p50 {lat['p50']:.1f} ms, p99 {lat['p99']:.1f} ms, max {lat['max']:.1f} ms")
    return result


def report_lines(r: dict) -> list[str]:
    """The docs/benchmarks.md section for a bench_serve_load result."""
    lat = r["latency_ms"]
    return ["## Serving under load", "",
            f"`{r['tool']}` on loopback against `python -m app` (one uvicorn process): {r['clients']} keep-alive "
            f"clients for {r['seconds']:.0f} s, each fetching in turn what a first visit fetches "
            f"({len(r['paths'])} files: {', '.join(f'`{p}`' for p in r['paths'])}). "
            "Reproduce alone with `python -m bench.load`.", "",
            "| requests | requests/s | MB/s | errors | p50 ms | p90 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|---|",
            f"| {r['requests']} | {r['requests_per_s']:.0f} | {r['mb_per_s']:.0f} | {r['error_total']} | "
            f"{lat['p50']:.1f} | {lat['p90']:.1f} | {lat['p99']:.1f} | {lat['max']:.1f} |", "",
            f"Errors count socket errors, timeouts (> {TIMEOUT_S} s) and answers other than 2xx/3xx. Latency is per "
            "request, from the request's first byte to the response's last, over all files together (from a few KB "
            "for the page and stylesheet to about 1 MB for the TF.js chunk); wrk runs on the same 2 cores as the "
            "server.", ""]


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=CLIENTS)
    p.add_argument("--seconds", type=float, default=SECONDS)
    args = p.parse_args(argv)
    return bench_serve_load(args.clients, args.seconds)


if __name__ == "__main__":
    main()
