"""Find my Sa: its error and the seconds of singing it needs, on generated phrases with Sa C3-F4 (node)."""
from __future__ import annotations

import json
import subprocess

from bench.sections.common import ROOT, Context

KEY = "tonic"
HEADING = "## Find my Sa"


def measure(ctx: Context) -> dict:
    """`node bench/tonic.mjs --json`: {"rows": one per case, "markdown": the section's lines}."""
    out = subprocess.run(["node", str(ROOT / "bench" / "tonic.mjs"), "--json"], check=True, capture_output=True,
                         text=True, cwd=ROOT)
    r = json.loads(out.stdout)
    for row in r["rows"]:
        print(f"  {row['kind']:20s} within ±20 cents {100 * row['withinTolerance']:.1f} %, "
              f"{row['medianSecondsNeeded']} s needed (median)")
    return r


def render(r: dict) -> list[str]:
    """The markdown bench/tonic.mjs writes (one formatter for the script and the report)."""
    return list(r["markdown"])
