"""One instrument end to end: data → train → export → convert → static/models/<name>/ (atomic)."""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from factory import data as fdata
from factory.analysis import analysis_metadata
from factory.data import FactoryError
from factory.dsp import FRAME_RATE, hop_samples
from factory.model import Config

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "static" / "models"
DEFAULT_WORK = ROOT / "build" / "work"


@dataclass
class Plan:
    """How much work a build does (full and --quick presets)."""

    data_seconds: float = 1200.0      # ≥ 20 minutes per instrument
    example_s: float = 1.0
    batch: int = 8
    steps: int = 3000
    time_budget_s: float | None = None
    eval_every: int = 250
    heldout: float = 0.1
    progress: bool = True
    plateau: object = None            # factory.train.Plateau: also stop when held-out loss converges
    lr_decay_steps: int | None = None  # None: steps // 3 (set it for step caps that may change)
    checkpoints: Path | None = None   # keep the training state here (e.g. factory/checkpoints, in git)
    init_from: Path | None = None     # a training state whose decoder weights a new run starts from

    @classmethod
    def quick(cls, **kw):
        base = dict(data_seconds=12.0, example_s=0.5, batch=4, steps=12,
                    eval_every=6)
        base.update(kw)
        return cls(**base)


@dataclass
class Result:
    name: str
    out_dir: Path
    metadata: dict
    summary: dict = field(default_factory=dict)


def _work(work_root, name, tag) -> Path:
    return Path(work_root) / name / tag


def run_tag(cfg: Config, teachers) -> str:
    """Folder name of one training run: decoder config + its teachers (fdata.teachers_tag; a
    program number: that FluidR3_GM preset; None: the user's WAVs)."""
    tag = f"{cfg.kind}_c{cfg.channels}_d{cfg.depth}_k{cfg.kernel}_h{cfg.n_harmonics}_n{cfg.n_noise}"
    if cfg.sample_rate != Config().sample_rate:
        tag += f"_sr{cfg.sample_rate}"
    if teachers is None:
        return tag + "_wav"
    if isinstance(teachers, int):
        return tag + f"_p{teachers}"
    return tag + "_" + fdata.teachers_tag(teachers)


def prepare(name: str, teachers, plan: Plan, work_root: Path, audio_dir=None,
            sample_rate: int | None = None):
    """The instrument's data from `teachers` (a Preset or a list: mixed) → (data, train, held)."""
    inst = fdata.INSTRUMENTS[name]
    data = fdata.cached_dataset(Path(work_root) / name, inst, teachers, plan.data_seconds,
                                audio_dir=audio_dir, progress=plan.progress,
                                sample_rate=sample_rate or Config().sample_rate)
    train_d, held = fdata.split_examples(data, plan.example_s, plan.heldout)
    return data, train_d, held


def heldout_teacher_examples(name: str, plan: Plan, work_root: Path, sample_rate: int | None = None) -> dict:
    """The held-out teacher playing scores no training piece played (another seed), as
    plan.example_s windows: as much as the held-out split of the training data, at least two."""
    inst = fdata.INSTRUMENTS[name]
    seconds = max(plan.data_seconds * plan.heldout, 2 * plan.example_s)
    data = fdata.cached_dataset(Path(work_root) / name, inst, inst.heldout, seconds, progress=plan.progress,
                                sample_rate=sample_rate or Config().sample_rate, seed=fdata.HELDOUT_SEED)
    return fdata.cut_examples(data, plan.example_s)


def resynthesize(decoder, cfg: Config, held: dict, seconds: float = 4.0):
    """Held-out audio (contiguous) and its resynthesis, for the spectrogram figure."""
    import tensorflow as tf

    from factory.model import Synth

    per = held["f0_hz"].shape[1]
    k = max(1, min(len(held["audio"]), int(round(seconds * FRAME_RATE / per))))
    f0 = np.concatenate(list(held["f0_hz"][:k]), axis=0)[None]
    ld = np.concatenate(list(held["loudness_db"][:k]), axis=0)[None]
    target = np.concatenate(list(held["audio"][:k]))
    tf.random.set_seed(7)
    out = Synth(f0.shape[1], cfg)(decoder(tf.constant(f0), tf.constant(ld)), tf.constant(f0))
    return target, np.asarray(out)[0]


def build_instrument(name: str, out: Path = DEFAULT_OUT, quick: bool = False, plan: Plan | None = None,
                     cfg: Config | None = None, work_root: Path = DEFAULT_WORK, audio_dir=None,
                     teachers: list | None = None, extra_meta: dict | None = None,
                     state_dir: Path | None = None) -> Result:
    """Builds one instrument and installs it atomically into out/<name>/.

    teachers: train on these (a list of fdata.Preset) instead of the instrument's own.
    state_dir: export the training state there as it is (e.g. a sweep trial that trained to the
    end), with its own seed and schedule, instead of training in the plan's folder."""
    from factory import convert as fconvert
    from factory import export as fexport
    from factory import train as ftrain
    from factory.model import count_params, synth_metadata
    from factory.playing import playing_section
    from factory.stream import add_streaming

    if name not in fdata.INSTRUMENTS:
        raise FactoryError(f"unknown instrument {name!r}; known: {', '.join(fdata.INSTRUMENTS)}")
    plan = plan or (Plan.quick() if quick else Plan())
    cfg = cfg or Config()
    if cfg.kind != "conv":
        raise FactoryError(f"{name}: only the conv decoder streams, and a model ships its streaming graph "
                           f"(decoder kind {cfg.kind!r}; the GRU is for comparison: build_models.py --gru)")
    inst = fdata.INSTRUMENTS[name]
    work_root = Path(work_root)
    if quick:
        work_root = work_root / "_quick"
    t0 = time.time()
    teachers = [] if audio_dir else [fdata.check_teacher(t) for t in fdata.teacher_list(teachers or inst.teachers)]
    heldout_teacher = None if audio_dir or inst.heldout is None else fdata.check_teacher(inst.heldout)
    data, tr, held = prepare(name, teachers, plan, work_root, audio_dir, sample_rate=cfg.sample_rate)
    tag = run_tag(cfg, None if audio_dir else teachers)
    work = _work(work_root, name, tag)
    train_kw = dict(steps=plan.steps, batch=plan.batch, time_budget_s=plan.time_budget_s,
                    eval_every=plan.eval_every, plateau=plan.plateau, lr_decay_steps=plan.lr_decay_steps,
                    init_from=plan.init_from)
    if state_dir is not None:
        from factory import resume

        head = resume.read_header(state_dir)
        train_kw = dict(steps=head["step"], batch=head["meta"]["batch"], seed=head["meta"]["seed"],
                        lr_decay_steps=head["meta"]["lr_decay_steps"], eval_every=plan.eval_every)
    else:
        state_dir = Path(plan.checkpoints) / name / tag if plan.checkpoints else work
    res = ftrain.train(state_dir, cfg, tr, held, progress=plan.progress, **train_kw)
    work.mkdir(parents=True, exist_ok=True)
    dec = res["decoder"]
    f0_stats, loud_stats = fdata.stats(data)
    with tempfile.TemporaryDirectory(prefix=f"swara-{name}-") as tmp:
        model_dir = Path(tmp) / "tfjs"
        source = {"audio_dir": str(audio_dir), "f0": "librosa.pyin"} if audio_dir else teacher_source(
            teachers, heldout_teacher, cfg.sample_rate)
        meta = {
            "name": name, "display_name": inst.display_name,
            "sample_rate": cfg.sample_rate, "frame_rate": FRAME_RATE, "hop_samples": hop_samples(cfg.sample_rate),
            "n_harmonics": cfg.n_harmonics, "n_noise": cfg.n_noise,
            "noise_window_size": cfg.noise_window_size,
            "receptive_field_frames": cfg.receptive_field,
            "inputs": list(fexport.INPUTS), "outputs": list(fexport.OUTPUTS),
            "analysis": analysis_metadata(),
            "f0_stats": f0_stats, "loudness_stats": loud_stats,
            "quality": {"heldout_spectral_loss": round(res["heldout_loss"], 4),
                        "heldout_spectral_loss_float32": round(res["heldout_loss_float32"], 4),
                        "loss": f"ddsp.losses.SpectralLoss fft_sizes={list(ftrain.FFT_SIZES)}, "
                                "L1 mag + logmag, mean over held-out 1 s windows (last 10 % of the data)"},
            "params": count_params(dec),
            "weights_dtype": "float16" if cfg.float16 else "float32",
            "source": source,
            "licence": ("the user's own recordings" if audio_dir else
                        "; ".join(dict.fromkeys(fdata.LICENCES[t.soundfont] for t in teachers))),
            "decoder": cfg.to_dict(),
            "training": {"steps": res["steps"], "stopped": res["stopped"], "batch": res["batch"],
                         "plateau_improvement": (None if res["plateau_improvement"] is None
                                                 else round(res["plateau_improvement"], 4)),
                         "plateau_rule": (None if plan.plateau is None else
                                          f"best held-out loss improved < {plan.plateau.min_improvement:.0%} "
                                          f"over the last {plan.plateau.window_steps} steps"
                                          + (f"; then {plan.plateau.anneal_steps} steps with the learning rate "
                                             f"falling to {plan.plateau.anneal_factor:.0%}"
                                             if plan.plateau.anneal_steps else "")),
                         "anneal_start": res.get("anneal_start"),
                         "example_seconds": plan.example_s,
                         "data_seconds": round(len(data["audio"]) / cfg.sample_rate, 1),
                         "sec_per_step": None if res["sec_per_step"] is None else round(res["sec_per_step"], 4),
                         "quick": bool(quick), "wall_seconds": round(time.time() - t0, 1)},
            **synth_metadata(cfg),
            # How it is played (keys, plucks, bow, breath); a plucked one measured from its teacher.
            "playing": playing_section(name, teachers[0] if teachers else None),
        }
        if heldout_teacher is not None:
            meta["quality"]["heldout_teacher_spectral_loss"] = round(ftrain.evaluate(
                dec, cfg, heldout_teacher_examples(name, plan, work_root, cfg.sample_rate)), 4)
        meta.update(extra_meta or {})
        previous = _previous_quality(Path(out) / name, meta)
        if previous:
            meta["quality"]["previous"] = previous
            first = _first_build(Path(out) / name) or {k: previous[k] for k in ("heldout_spectral_loss", "steps")}
            meta["quality"]["first_build"] = first
        meta = add_streaming(model_dir, dec, meta, float16=cfg.float16)
        fdata.dump_json(meta, model_dir / "metadata.json")
        fconvert.install_atomically(model_dir, Path(out) / name)
    summary = {"history": res["history"], "metadata": meta}
    try:
        target, resynth = resynthesize(dec, cfg, held)
        np.savez(work / "resynth.npz", target=target, resynth=resynth)
        summary["resynth"] = str(work / "resynth.npz")
    except Exception as err:  # figure only; never fail a build for it
        summary["resynth_error"] = str(err)
    (work / "summary.json").write_text(json.dumps(summary))
    (Path(work_root) / name / "latest.json").write_text(json.dumps({"work": str(work)}))
    return Result(name, Path(out) / name, meta, summary)


def teacher_source(teachers: list, heldout: fdata.Preset | None, sample_rate: int) -> dict:
    """metadata.json "source" of a model trained on `teachers` (its first also under the
    one-teacher keys soundfont, preset, bank, program, which older readers take)."""
    first = teachers[0]
    return {"soundfont": first.soundfont, "preset": first.preset, "bank": first.bank, "program": first.program,
            "teachers": [t.describe() for t in teachers],
            "heldout_teacher": None if heldout is None else heldout.describe(),
            "mix": "one score a piece, the teachers in turn, each teacher's voiced RMS matched",
            "renderer": f"FluidSynth (pyfluidsynth), 48 kHz → {sample_rate / 1000:g} kHz"
                        + (", then the body (factory/body.py)" if any(t.body for t in teachers) else ""),
            "f0": "from the score (note + pitch bend)"}


def _previous_quality(installed: Path, meta: dict) -> dict | None:
    """The held-out loss and steps of the model this build replaces (same source), for the report."""
    try:
        old = json.loads((installed / "metadata.json").read_text())
    except (OSError, ValueError):
        return None
    if old.get("source") != meta.get("source"):
        return None
    q, t = old.get("quality", {}), old.get("training", {})
    prev = q.get("previous") if q.get("heldout_spectral_loss") == meta["quality"]["heldout_spectral_loss"] else None
    return prev or {"heldout_spectral_loss": q.get("heldout_spectral_loss"), "steps": t.get("steps"),
                    "decoder": old.get("decoder")}


def _first_build(installed: Path) -> dict | None:
    """The first build's held-out loss and steps, carried from model to model (issue 11's baseline)."""
    try:
        q = json.loads((installed / "metadata.json").read_text()).get("quality", {})
    except (OSError, ValueError):
        return None
    return q.get("first_build")


def load_for_test(model_dir: Path):
    """Loads metadata of a built model (helper for tests and the report)."""
    return json.loads((Path(model_dir) / "metadata.json").read_text())


os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
