"""`python -m bench.wasm_threads [--model bansuri]`: why the threaded WASM binary runs one thread.

tfjs-backend-wasm 4.22 sizes its XNNPACK pool in C++ (src/cc/backend.cc):
`num_cores = emscripten_num_logical_cores() / 2` (navigator.hardwareConcurrency / 2, "many x86-64
processors have 2 threads per core"), and `init_with_threads_count(n)` creates
`min(max(n, 1), 8, num_cores)` threads. So setThreadsCount(2) gives 2 threads only where the
browser reports ≥ 4 logical cores. This run shows it: the same page, with the reported
hardwareConcurrency left alone and then raised to 4 by an init script, prints getThreadsCount()
and the decoder's ms per second of audio with the single-threaded binary as the baseline.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import BASE_ARGS, CHROMIUM  # noqa: E402
from tests.serving import served_app  # noqa: E402

MEASURE = """async (id) => {
  const k = await import('/tests/build/testkit.js');
  const info = k.bench.backendInfo();
  const r = await k.bench.benchDecoder({ id, seconds: 2, repeats: 7 });
  return { ...info, hardwareConcurrency: navigator.hardwareConcurrency,
    streamingMsPerS: r.streaming ? r.streaming.msPerS : null, windowMsPerS: r.window.msPerS };
}"""

REPORT_CORES = """for (const p of [globalThis.Navigator, globalThis.WorkerNavigator]) {
  if (p) Object.defineProperty(p.prototype, 'hardwareConcurrency', { get: () => %d });
}"""

CASES = [  # (reported logical cores or None for the device's, page query)
    (None, "?backend=wasm&wasmThreads=0"),
    (None, "?backend=wasm&wasmThreads=2"),
    (4, "?backend=wasm&wasmThreads=2"),
]


def run(model: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with served_app() as base, sync_playwright() as pw:
        for cores, query in CASES:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BASE_ARGS)
            try:
                context = browser.new_context(bypass_csp=True)  # wait_for_function uses eval()
                if cores:
                    context.add_init_script(REPORT_CORES % cores)
                page = context.new_page()
                page.goto(base + "/" + query)
                page.wait_for_function("document.body.dataset.state === 'ready'", timeout=120_000)
                r = page.evaluate(MEASURE, model)
            finally:
                browser.close()
            r.update(query=query, reportedCores=cores)
            rows.append(r)
            print(f"{query:32s} hardwareConcurrency {r['hardwareConcurrency']}  getThreadsCount() "
                  f"{r.get('wasmThreads')}  decoder {r['streamingMsPerS']:.1f} ms/s (streaming), "
                  f"{r['windowMsPerS']:.1f} ms/s (whole-sequence graph)")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.wasm_threads", description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="bansuri")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows = run(args.model)
    if args.json:
        print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
