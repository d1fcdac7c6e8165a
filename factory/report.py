"""docs/models.md and docs/img/*.png from the shipped metadata, the work dirs and the training
states in factory/checkpoints: the numbers and figures here, the prose in templates/models.md.j2."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from factory import plots, sweep_report

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
TIMBRE_BAR_DB = 5.0  # issue 11: each instrument within 5 dB (harmonic profile) of its own preset
BANDWIDTH = ROOT / "docs" / "data" / "bandwidth.json"  # python -m bench.bandwidth
BANDWIDTH_RATES = (16000, 22050, 24000)


def _load(path: Path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def _previous(quality: dict) -> str:
    prev = quality.get("previous")
    if not prev or prev.get("heldout_spectral_loss") is None:
        return ""
    return f"{prev['heldout_spectral_loss']} ({prev.get('steps')})"


def _first(quality: dict) -> str:
    first = quality.get("first_build")
    return f"{first['heldout_spectral_loss']} ({first.get('steps')})" if first else ""


def _tag(m: dict, config=None) -> str:
    """The folder of model `m`'s training state under factory/checkpoints/<name>/."""
    from factory.build import run_tag
    from factory.data import Preset
    from factory.model import Config

    src = m.get("source", {})
    teachers = [Preset.from_dict(t) for t in src["teachers"]] if "teachers" in src else src.get("program")
    return run_tag(config or Config.from_dict(m.get("decoder", {})), teachers)


def teachers_text(src: dict) -> str:
    """'Viola + sarangi body and Cello (MuseScore) + sarangi body' (a one-teacher model: its preset)."""
    from factory.timbre import own_teachers

    labels = list(own_teachers({"source": src}))
    return " and ".join(labels) if labels else "user recordings"


def plateau_text(history: dict, plateau) -> str:
    """Where a run's held-out loss stands against the plateau rule (factory.train.Plateau)."""
    h = history.get("heldout") or []
    if not h:
        return ""
    best = min(v for _, v in h)
    anneal = history.get("anneal")
    if anneal:
        at = [v for st, v in h if st <= anneal["start"]]
        return (f"the plateau rule fired at step {anneal['start']} ({anneal['improvement']:.2%} better than the best "
                f"{plateau.window_steps} steps before; best held-out loss then {min(at):.4f}, float32); after "
                f"the final low-learning-rate phase, at step {h[-1][0]}: {h[-1][1]:.4f} (best {best:.4f}): "
                "**converged**")
    imp = plateau.improvement(h)
    if imp is None:
        return (f"held-out loss {best:.4f} (best, float32) after {h[-1][0]} steps: not yet a full "
                f"{plateau.window_steps}-step window")
    state = "converged" if imp < plateau.min_improvement else "still improving"
    return (f"best held-out loss {best:.4f} (float32) at step {h[-1][0]}; {imp:.2%} better than the best "
            f"before the last {plateau.window_steps} steps: **{state}** (rule: < {plateau.min_improvement:.0%})")


def shipped_row(m: dict) -> dict:
    """The cells of a model's row in the shipped-models table."""
    d, t, q, src = m.get("decoder", {}), m.get("training", {}), m.get("quality", {}), m.get("source", {})
    return {"name": m["name"], "params": m.get("params"), "bytes": m.get("bytes"),
            "source": (teachers_text(src) if "teachers" in src else
                       f"{src.get('soundfont', 'user audio')} {src.get('preset', '')} ({src.get('program', '')})"),
            "decoder": f"conv c{d.get('channels')} d{d.get('depth')} k{d.get('kernel')}, h{m['n_harmonics']} "
                       f"n{m['n_noise']}, RF {m.get('receptive_field_frames')}, {m.get('weights_dtype')}",
            "bytes_before": m.get("bytes_before_compression"), "heldout": q.get("heldout_spectral_loss"),
            "heldout_float32": q.get("heldout_spectral_loss_float32"), "steps": t.get("steps"),
            "stopped": t.get("stopped"), "before": _previous(q), "first_build": _first(q),
            "sec_per_step": t.get("sec_per_step"), "chosen": "sweep" if m.get("sweep") else "default config"}


def _decision(folder: Path) -> str:
    why = folder / "decision.md"
    return " " + why.read_text().strip() if why.is_file() else ""


def kept_runs(m: dict, checkpoints: Path, run: dict | None, shipped: bool, img: Path, plateau) -> list[dict]:
    """Runs in factory/checkpoints/<name>/ that were not shipped (`run`, the shipped config's, unless
    `shipped`; other configs' runs), each with its loss figure written to `img`."""
    from factory.model import Config

    name, runs = m["name"], []
    if run and not shipped and run.get("heldout"):
        plots.loss_png(run, img / f"{name}_training.png", f"{name}: longer run (not shipped)", plateau)
        runs.append({"kind": "A longer run", "folder": f"{name}/", "plateau": plateau_text(run, plateau),
                     "decision": _decision(checkpoints / name / _tag(m)), "how": "",
                     "alt": f"{name} longer run", "png": f"{name}_training.png"})
    for other in sorted(p for p in (checkpoints / name).glob("*/history.json") if p.parent.name != _tag(m)):
        h = _load(other)
        if not h or not h.get("heldout"):
            continue
        tag = other.parent.name
        plots.loss_png(h, img / f"{name}_{tag}.png", f"{name}: {tag} (not shipped)", plateau)
        how = (f" Resume it with `python build_models.py --converge --instrument {name} --out DIR` (the default "
               "config), then compare before shipping." if tag == _tag(m, Config()) else "")
        runs.append({"kind": "Another run", "folder": f"{name}/{tag}/", "plateau": plateau_text(h, plateau),
                     "decision": _decision(other.parent), "how": how, "alt": f"{name} {tag}",
                     "png": f"{name}_{tag}.png"})
    return runs


def _rounded_step(r: dict) -> dict:
    return dict(r, sec_per_step=None if r["sec_per_step"] is None else round(r["sec_per_step"], 4))


def instrument(m: dict, work_root: Path, checkpoints: Path, img: Path, plateau) -> dict:
    """An instrument's section: its source, loss curves (written to `img`), runs kept, sweep, GRU."""
    name, src = m["name"], m.get("source", {})
    latest = _load(work_root / name / "latest.json")
    summary = _load(Path(latest["work"]) / "summary.json") if latest else None
    made = (summary or {}).get("metadata", {})
    if (made.get("training", {}).get("steps"), made.get("decoder")) != (m.get("training", {}).get("steps"),
                                                                         m.get("decoder")):
        summary = None  # the work dir's last build is not the shipped model (e.g. built with --out)
    run = _load(checkpoints / name / _tag(m) / "history.json")
    shipped = bool(run and run.get("heldout") and run["heldout"][-1][0] == m.get("training", {}).get("steps"))
    shipped_run = run if shipped else None
    history = shipped_run or (summary or {}).get("history")
    if history:
        plots.loss_png(history, img / f"{name}_loss.png", f"{name}: loss", plateau)
    if summary and summary.get("resynth") and Path(summary["resynth"]).is_file():
        with np.load(summary["resynth"]) as z:
            plots.spectrogram_png(z["target"], z["resynth"], img / f"{name}_spectrogram.png", name)
    gru = _load(work_root / name / "gru_vs_conv.json") or _load(checkpoints / name / "gru_vs_conv.json")
    # the sweep's record: kept in git beside the training states, else the work dir's
    sweep = _load(checkpoints / name / "sweep.json") or _load(work_root / name / "sweep.json")
    return {"name": name, "title": m.get("display_name", name), "soundfont": src.get("soundfont", "user recordings"),
            "preset": src.get("preset", ""), "bank": src.get("bank", ""), "program": src.get("program", ""),
            "data_seconds": m.get("training", {}).get("data_seconds"), "licence": m.get("licence"),
            "preset_choice": m.get("preset_choice"),
            "teachers": teachers_text(src) if "teachers" in src else None,
            "heldout_teacher": _heldout_text(src, m.get("quality", {})),
            "loss_png": f"{name}_loss.png" if history or (img / f"{name}_loss.png").is_file() else None,
            "plateau": plateau_text(history, plateau) if shipped_run else None,
            "runs": kept_runs(m, checkpoints, run, shipped, img, plateau),
            "spectrogram_png": f"{name}_spectrogram.png" if (img / f"{name}_spectrogram.png").is_file() else None,
            "sweep": sweep_report.sweep_lines(m, sweep),
            "gru": gru and {"steps": gru["steps"], "rows": [(k, _rounded_step(gru[k])) for k in ("conv", "gru")]},
            "ship": ship_context(checkpoints / name / _tag(m) / "ship.json")}


def ship_context(path: Path) -> dict | None:
    """What `python -m factory.ship ... --json <run>/ship.json` measured: the model this run
    replaced (or would) against the run's model, on the current teachers."""
    from factory import ship

    judged = _load(path)
    return judged and {"table": ship.table(judged["results"]), "verdict": judged["verdict"]}


def _heldout_text(src: dict, quality: dict) -> str | None:
    """The held-out teacher and the model's loss on it."""
    from factory.data import Preset
    from factory.timbre import teacher_label

    if not src.get("heldout_teacher"):
        return None
    loss = quality.get("heldout_teacher_spectral_loss")
    return teacher_label(Preset.from_dict(src["heldout_teacher"])) + (f" (its loss {loss})" if loss else "")


def timbre_context(models_dir: Path, answers: dict | None = None) -> dict:
    """Each instrument against the seven presets (renders every model unless given its `answers`,
    factory.timbre.render_models)."""
    from factory import timbre

    results = timbre.check_models(models_dir, answers=answers)
    return {"table": timbre.format_table(results).rstrip("\n"), "count": len(results), "bar_db": TIMBRE_BAR_DB,
            "nearest_own": [n for n, r in results.items() if r["verdict"] and r["verdict"]["ok"]],
            "over_bar": [f"{n} ({r['verdict']['own_harmonic_db']} dB)" for n, r in results.items()
                         if r["verdict"] and r["verdict"]["own_harmonic_db"] > TIMBRE_BAR_DB]}


def ear_context(results: dict) -> dict:
    """The out-of-distribution section from factory.judge.judge_models' results."""
    from factory import ear, judge

    return {"table": judge.format_table(results), "summary": judge.summary(results), "ear": ear,
            "heldout_soundfont": judge.HELDOUT_SOUNDFONT, "timbre_bar_db": judge.TIMBRE_BAR_DB,
            "kinds": [(n, k.describe()) for n, k in ear.KINDS.items()]}


def bandwidth_context(metas: list[dict], bandwidth: Path = BANDWIDTH) -> dict:
    """Harmonics each model can sound at its mean pitch and highest note per rate, and what
    `python -m bench.bandwidth` measured (docs/data/bandwidth.json) if it has run."""
    rows = []
    for m in metas:
        st, n = m.get("f0_stats") or {}, m.get("n_harmonics", 0)
        if "mean_midi" in st:
            rows.append({"name": m["name"], "mean_hz": st["mean_hz"], "max_hz": st["max_hz"],
                         "at_mean": [min(n, int(r / 2 // st["mean_hz"])) for r in BANDWIDTH_RATES],
                         "at_max": [min(n, int(r / 2 // st["max_hz"])) for r in BANDWIDTH_RATES]})
    return {"rates": BANDWIDTH_RATES, "rows": rows, "measured": _load(bandwidth)}


def templates():
    """The jinja2 environment of factory/templates."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def write_report(models_dir: Path, work_root: Path, docs: Path = ROOT / "docs",
                 checkpoints: Path = ROOT / "factory" / "checkpoints", timbre: bool = True, ear: bool = True) -> Path:
    """Writes docs/models.md (+ figures) from the models in models_dir, the work dirs and the
    training states in `checkpoints`; `timbre` adds the timbre table (renders every model), `ear`
    (with `timbre`) the held-out teacher and the outside ear on the same renders (factory.judge)."""
    from factory.judge import judge_models
    from factory.timbre import render_models
    from factory.train import Plateau

    models_dir, work_root, docs, checkpoints = Path(models_dir), Path(work_root), Path(docs), Path(checkpoints)
    img = docs / "img"
    img.mkdir(parents=True, exist_ok=True)
    metas = [m for m in (_load(p) for p in sorted(models_dir.glob("*/metadata.json"))) if m]
    voice, answers = render_models(models_dir) if timbre else (None, None)
    text = templates().get_template("models.md.j2").render(
        shipped=[shipped_row(m) for m in metas],
        sweep_status=sweep_report.sweep_status(metas, {m["name"]: _load(checkpoints / m["name"] / "sweep.json")
                                                       for m in metas}),
        instruments=[instrument(m, work_root, checkpoints, img, Plateau()) for m in metas],
        timbre=timbre_context(models_dir, answers) if timbre else None,
        ood=ear_context(judge_models(answers, voice)) if timbre and ear else None,
        playing=[(m["name"], m.get("playing") or {"idiom": "voice"}) for m in metas],
        bandwidth=bandwidth_context(metas))
    path = docs / "models.md"
    path.write_text(text)
    return path
