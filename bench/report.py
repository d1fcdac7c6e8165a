"""docs/benchmarks.md from a results dict: every section's part in the registry's order, or just
some sections replaced in an existing report (`bench.run --only`).

    python -m bench.report [bench/results/latest.json]   # the report again from saved results
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bench.sections import SECTIONS
from bench.sections.common import ROOT


def header(results: dict) -> list[str]:
    return ["# Swara benchmarks", "",
            f"Run: {results['started']} on {results['machine']['platform']} (2 cores, no GPU: WebGL is SwiftShader, "
            "i.e. the GPU path runs on the CPU here; on a phone it runs on the GPU). "
            "Reproduce with `make bench` (this report) or `make bench-quick` (seconds; CI runs it).",
            "", "Timings are medians over repeats after warm-up, with the interquartile range in brackets; every "
            "ratio compares two things measured in the same run."]


def section_text(key: str, result, img: Path) -> str:
    """A section's markdown (its title first, one blank line after), its plots written into `img`."""
    section = SECTIONS[key]
    if hasattr(section, "plot"):
        img.mkdir(parents=True, exist_ok=True)
        section.plot(result, img)
    return "\n".join(section.render(result)).rstrip("\n") + "\n\n"


def write_report(results: dict, path: Path) -> None:
    """The whole report: the run line, then every section measured in `results`."""
    path = Path(path)
    parts = ["\n".join(header(results)) + "\n\n"]
    parts += [section_text(key, results[key], path.parent / "img") for key in SECTIONS if results.get(key)]
    path.write_text("".join(parts).rstrip("\n") + "\n")


def _find(text: str, heading: str) -> int:
    """Where the section titled `heading`... starts in `text`, or -1."""
    m = re.search("^" + re.escape(heading), text, flags=re.MULTILINE)
    return m.start() if m else -1


def update_sections(results: dict, path: Path, measured: list[str] | None = None) -> None:
    """Replaces the sections of an existing report (from its title to the next '## ') with the ones
    in `results`, leaving every other section as it was. A section new to the report goes before the
    first later one (in the registry's order) the report has. `measured` (the sections of this
    `--only` run) is named in the report's run line."""
    path = Path(path)
    text = path.read_text()
    keys = list(SECTIONS)
    for key in (k for k in keys if k in results):
        new = section_text(key, results[key], path.parent / "img")
        start = _find(text, SECTIONS[key].HEADING)
        if start >= 0:
            end = text.find("\n## ", start)
            end = len(text) if end < 0 else end + 1
        else:
            later = [i for i in (_find(text, SECTIONS[k].HEADING) for k in keys[keys.index(key) + 1:]) if i >= 0]
            if not later:
                raise ValueError(f"{path} has no section {SECTIONS[key].HEADING!r} to replace, nor one after it")
            start = end = later[0]
        text = text[:start] + new + text[end:]
    if measured:
        stamp = (f"Sections {', '.join(measured)} measured again at {results['started']} "
                 f"(`python -m bench.run --only {','.join(measured)}`).")
        # earlier stamps naming a section measured now go; stamps of other sections stay
        text = re.sub(r" Sections ([\w, ]+) measured again at [^(]+\(`[^`]+`\)\.",
                      lambda m: "" if set(m.group(1).split(", ")) & set(measured) else m.group(0), text)
        text = text.replace("\n\nTimings are medians", f" {stamp}\n\nTimings are medians", 1)
    path.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "results" / "latest.json"
    write_report(json.loads(src.read_text()), ROOT / "docs" / "benchmarks.md")
