"""Does a retrained model replace the shipped one? Both judged by the factory's measures on the
instrument's teachers as declared now (factory.data.INSTRUMENTS), so a model trained on other
teachers is measured on the same data as its successor:

- held-out loss: the spectral loss on the held-out split (last tenth) of the teachers' data;
- held-out teacher loss: on the held-out teacher's own phrases (never trained on);
- timbre: harmonic-profile and MFCC distances (factory.timbre) of the sung phrase's answer to
  each training teacher and to the held-out teacher playing what the engine asked;
- bytes (≤ 150 KB a folder, the manifest's bar).

The candidate ships when its held-out loss, its loss on the held-out teacher and its mean
harmonic-profile distance to its teachers are all no worse and it fits the bar. The held-out
teacher counts because a second teacher can pull a model off its instrument while the held-out
loss on the mixed data improves (the sitar with a Shamisen: 5.82 → 5.15 there, but 1.3 → 8.0 dB
from the Sitar and 5.33 → 5.99 on the Sitar it never heard).

    python -m factory.ship sarangi CANDIDATE_DIR [--shipped static/models/sarangi] [--work build/work]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

MAX_FOLDER_BYTES = 150 * 1024


def folder_bytes(model_dir: Path) -> int:
    return sum(p.stat().st_size for p in Path(model_dir).iterdir() if p.is_file())


def measure(model_dir: Path, name: str, plan, work_root: Path) -> dict:
    """The factory's measures of the model in model_dir on instrument `name`'s teachers."""
    from factory import build, timbre
    from factory import data as fdata
    from factory import train as ftrain
    from factory.model import Config
    from factory.stream import rebuild_decoder

    meta = json.loads((Path(model_dir) / "metadata.json").read_text())
    cfg = Config.from_dict(meta["decoder"])
    dec, _ = rebuild_decoder(model_dir)  # the shipped (float16-rounded) weights
    inst = fdata.INSTRUMENTS[name]
    _, _, held = build.prepare(name, inst.teachers, plan, work_root, sample_rate=cfg.sample_rate)
    out = {"model": str(model_dir), "steps": meta.get("training", {}).get("steps"),
           "source": meta.get("source"), "bytes": folder_bytes(model_dir),
           "heldout_spectral_loss": round(ftrain.evaluate(dec, cfg, held, float16=False), 4)}
    if inst.heldout is not None:
        examples = build.heldout_teacher_examples(name, plan, work_root, cfg.sample_rate)
        out["heldout_teacher_spectral_loss"] = round(ftrain.evaluate(dec, cfg, examples, float16=False), 4)
    voice, f0 = timbre.sung_voice()
    audio, asked = timbre.render_model(model_dir, voice, f0)
    refs = {timbre.teacher_label(t): t for t in inst.teachers}
    if inst.heldout is not None:
        refs[timbre.teacher_label(inst.heldout) + " (held out)"] = inst.heldout
    rows = {r["preset"]: r for r in timbre.compare(audio, asked, refs)}
    out["timbre"] = rows
    trained = [rows[timbre.teacher_label(t)] for t in inst.teachers]
    out["teachers_harmonic_db"] = round(float(np.mean([r["harmonic_db"] for r in trained])), 2)
    out["teachers_mfcc"] = round(float(np.mean([r["mfcc"] for r in trained])), 2)
    return out


def verdict(candidate: dict, shipped: dict | None) -> dict:
    """Ship the candidate? {ship, why}."""
    why = []
    if candidate["bytes"] > MAX_FOLDER_BYTES:
        why.append(f"{candidate['bytes']} bytes > {MAX_FOLDER_BYTES}")
    if shipped is not None:
        for key, what in (("heldout_spectral_loss", "held-out loss"),
                          ("heldout_teacher_spectral_loss", "loss on the held-out teacher"),
                          ("teachers_harmonic_db", "harmonic-profile distance to its teachers")):
            if key in candidate and key in shipped and candidate[key] > shipped[key]:
                why.append(f"{what} worse: {shipped[key]} → {candidate[key]}")
    return {"ship": not why, "why": "; ".join(why) or "no worse by every measure"}


def table(results: dict) -> str:
    """Markdown: one row per model (shipped, candidate)."""
    first = next(iter(results.values()))
    refs = list(first["timbre"])
    lines = ["| model | steps | bytes | held-out loss | held-out teacher loss | "
             + " | ".join(refs) + " | mean to its teachers |",
             "| --- | --- | --- | --- | --- | " + " | ".join("---" for _ in refs) + " | --- |"]
    for label, r in results.items():
        cells = [f"{r['timbre'][k]['harmonic_db']:.2f} dB / {r['timbre'][k]['mfcc']:.1f}" for k in refs]
        lines.append(f"| {label} | {r['steps']} | {r['bytes']} | {r['heldout_spectral_loss']} | "
                     f"{r.get('heldout_teacher_spectral_loss', '–')} | " + " | ".join(cells)
                     + f" | {r['teachers_harmonic_db']:.2f} dB / {r['teachers_mfcc']:.1f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    from factory import build

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("instrument")
    p.add_argument("candidate", help="the retrained model's folder (built with --out)")
    p.add_argument("--shipped", default=None, help="default static/models/<instrument>")
    p.add_argument("--work", default=str(build.DEFAULT_WORK), help="work dir holding the teachers' data")
    p.add_argument("--json", default=None, help="also write the measures and verdict here")
    args = p.parse_args(argv)
    shipped_dir = Path(args.shipped or build.DEFAULT_OUT / args.instrument)
    plan = build.Plan(progress=False)
    results = {}
    if (shipped_dir / "metadata.json").is_file():
        results["shipped"] = measure(shipped_dir, args.instrument, plan, Path(args.work))
    results["candidate"] = measure(Path(args.candidate), args.instrument, plan, Path(args.work))
    v = verdict(results["candidate"], results.get("shipped"))
    print(table(results))
    print(f"\nship: {v['ship']} ({v['why']})")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "verdict": v}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
