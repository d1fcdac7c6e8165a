"""Phase cumsum: our WebGL shader against tf.cumsum and a JS float64 loop, time and phase error."""
from __future__ import annotations

from pathlib import Path

from bench.browser import BACKENDS, call_bench
from bench.sections.common import Context, ms_iqr

KEY = "cumsum"
HEADING = "## Phase cumsum"


def measure(ctx: Context) -> list[dict]:
    """One benchCumsum result per texture kind (float32, float16) and on wasm."""
    sizes = ctx.pick([256, 16000], [256, 1024, 16000, 160000])
    out = []
    for label, query in (("webgl-f32", BACKENDS["webgl"]), ("webgl-f16", BACKENDS["webgl"] + "&f16=1"),
                         ("wasm", BACKENDS["wasm"])):
        page = ctx.pages.open(query)
        r = call_bench(page, "benchCumsum", {"sizes": sizes, "repeats": ctx.pick(3, 15), "warmup": 2})
        r["label"] = label
        out.append(r)
        for row in r["rows"]:
            print(f"  cumsum {label:10s} n={row['n']:>7d} ours {row['oursMs']['median']:.2f} ms "
                  f"tf.cumsum {row['tfCumsumMs']['median']:.2f} ms  "
                  f"err {row['oursMaxErrorRad']:.2e} vs {row['tfCumsumMaxErrorRad']:.2e} rad")
        ctx.pages.close()
    return out


def render(results: list[dict]) -> list[str]:
    lines = [f"{HEADING}: our WebGL shader vs `tf.cumsum` vs a JS float64 loop", "",
             "| textures | samples | ours (ms) | tf.cumsum (ms) | JS float64 (ms) | ours / tf.cumsum | "
             "ours max err (rad) | tf.cumsum max err (rad) |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        for row in r["rows"]:
            lines.append(f"| {r['label']} ({row['kind']}) | {row['n']} | {ms_iqr(row['oursMs'])} | "
                         f"{ms_iqr(row['tfCumsumMs'])} | {ms_iqr(row['jsFloat64Ms'])} | "
                         f"{row['ratioOursToTfCumsum']:.2f} | {row['oursMaxErrorRad']:.2e} | "
                         f"{row['tfCumsumMaxErrorRad']:.2e} |")
    return lines + ["", "The seed claimed −90 % time for its cumsum; the ratio column is ours against tf.cumsum in the "
                    "same page.", "", "![cumsum](img/bench_cumsum.png)"]


def plot(results: list[dict], img: Path) -> None:
    """img/bench_cumsum.png: time per call and max phase error against float64, per size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for r in results:
        ns = [row["n"] for row in r["rows"]]
        a1.plot(ns, [row["oursMs"]["median"] for row in r["rows"]], "o-", label=f"ours ({r['label']})")
        a1.plot(ns, [row["tfCumsumMs"]["median"] for row in r["rows"]], "x--", label=f"tf.cumsum ({r['label']})")
        a2.plot(ns, [max(row["oursMaxErrorRad"], 1e-9) for row in r["rows"]], "o-", label=f"ours ({r['label']})")
        a2.plot(ns, [max(row["tfCumsumMaxErrorRad"], 1e-9) for row in r["rows"]], "x--",
                label=f"tf.cumsum ({r['label']})")
    for a, t in ((a1, "time per call (ms)"), (a2, "max phase error vs float64 (rad)")):
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel("samples")
        a.set_title(t)
        a.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(img / "bench_cumsum.png", dpi=110)
    plt.close(fig)
