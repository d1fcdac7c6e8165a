"""Decoder sweep with Ray Tune: every config scored on held-out multi-scale spectral loss; the
smallest model within 10 % of the best loss is shipped.

Local by default (one trial at a time: the decoder trains on every core); `ray_address` joins an
existing cluster. Trials checkpoint through the factory's CheckpointManager in the work dir and
Tune keeps the experiment state in <work>/<instrument>/ray, so an interrupted sweep resumes.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from factory.model import Config

ROOT = Path(__file__).resolve().parent.parent

# ≥ 8 configs: channels, depth, kernel, n_harmonics, noise bands, float16 or not.
CONFIGS = [
    Config(channels=64, depth=4, kernel=3, n_harmonics=40, n_noise=33, float16=True),
    Config(channels=64, depth=4, kernel=3, n_harmonics=40, n_noise=33, float16=False),
    Config(channels=48, depth=4, kernel=3, n_harmonics=40, n_noise=33, float16=True),
    Config(channels=32, depth=4, kernel=3, n_harmonics=32, n_noise=17, float16=True),
    Config(channels=32, depth=5, kernel=3, n_harmonics=40, n_noise=33, float16=True),
    Config(channels=64, depth=3, kernel=5, n_harmonics=40, n_noise=33, float16=True),
    Config(channels=48, depth=5, kernel=2, n_harmonics=48, n_noise=33, float16=True),
    Config(channels=64, depth=5, kernel=3, n_harmonics=60, n_noise=65, float16=True),
]
JSON_BYTES = 46_000  # model.json of a 4-layer decoder after compaction (measured)
WITHIN = 0.10


def estimated_bytes(cfg: Config) -> int:
    from factory.model import build_decoder, count_params

    return count_params(build_decoder(cfg)) * (2 if cfg.float16 else 4) + JSON_BYTES


def choose(results: list[dict], within: float = WITHIN) -> dict:
    """Smallest (estimated bytes) among results whose loss is within `within` of the best."""
    best = min(r["heldout_loss"] for r in results)
    ok = [r for r in results if r["heldout_loss"] <= best * (1 + within)]
    return min(ok, key=lambda r: (r["bytes"], r["heldout_loss"]))


def _trial(params):
    """Ray Tune function trainable: trains one config, reports held-out loss as it goes."""
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    from ray import tune

    from factory import data as fdata
    from factory import train as ftrain

    cfg = Config.from_dict(params["cfg"])
    with np.load(params["data_path"]) as z:
        data = {k: z[k] for k in z.files}
    tr, held = fdata.split_examples(data, params["example_s"], params["heldout"])
    tag = "sweep_" + "_".join(f"{k}{v}" for k, v in sorted(params["cfg"].items()))
    res = ftrain.train(Path(params["work"]) / tag, cfg, tr, held, steps=params["steps"],
                       batch=params["batch"], progress=False, eval_every=params["eval_every"],
                       report=lambda s, t, h: tune.report({"step": s, "train_loss": t,
                                                           "heldout_loss": h, "heldout_float32": h}))
    tune.report({"step": res["steps"], "heldout_loss": res["heldout_loss"],
                 "heldout_float32": res["heldout_loss_float32"], "sec_per_step": res["sec_per_step"] or 0.0,
                 "done_training": True})


def run_sweep(name: str, plan, work_root, steps: int | None = None, ray_address: str | None = None,
              quick: bool = False, audio_dir=None, configs: list[Config] | None = None) -> dict:
    """Runs (or resumes) the sweep for one instrument; writes <work>/<name>/sweep.json."""
    from factory import build as fbuild

    try:
        import ray
        from ray import tune
    except ImportError as err:
        raise fbuild.FactoryError(
            f"--sweep needs Ray Tune ({err}): pip install 'ray[tune]==2.60.*' 'packaging>=24.2' "
            "'pyarrow<18' (a separate pip step: tensorflowjs pins packaging~=23.1, which pip would "
            "otherwise refuse; the converter works with the newer packaging)") from err

    configs = configs or CONFIGS
    work_root = Path(work_root).resolve()
    if quick:
        work_root = work_root / "_quick"
    inst_work = work_root / name
    # Data once, in the driver (cached npz the trials read).
    preset, _ = (fbuild.fdata.INSTRUMENTS[name].candidates[0], None) if audio_dir else \
        fbuild.choose_preset(name, plan, work_root, Config())
    fbuild.prepare(name, preset, plan, work_root, audio_dir)
    tag = f"wav_{Path(audio_dir).name}" if audio_dir else f"p{preset.program}_{int(plan.data_seconds)}s"
    data_path = inst_work / f"data_{tag}.npz"
    steps = steps or (6 if quick else 150)
    base = {"data_path": str(data_path), "work": str(inst_work / "sweep"), "steps": steps,
            "batch": plan.batch, "example_s": plan.example_s, "heldout": plan.heldout,
            "eval_every": max(steps, 1)}
    env = {"PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
    if not ray.is_initialized():
        if ray_address:
            ray.init(address=ray_address, runtime_env={"env_vars": env}, log_to_driver=False)
        else:
            ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                     runtime_env={"env_vars": env}, configure_logging=False)
    storage = inst_work / "ray"
    exp_name = f"sweep_{steps}steps"
    space = dict(base, cfg=tune.grid_search([c.to_dict() for c in configs]))
    resources = {"cpu": 1} if ray_address else {"cpu": os.cpu_count() or 1}
    trainable = tune.with_resources(_trial, resources)
    exp_path = storage / exp_name
    if tune.Tuner.can_restore(str(exp_path)):
        tuner = tune.Tuner.restore(str(exp_path), trainable=trainable, resume_errored=True,
                                   param_space=space)
    else:
        tuner = tune.Tuner(trainable, param_space=space,
                           tune_config=tune.TuneConfig(metric="heldout_loss", mode="min",
                                                       max_concurrent_trials=None if ray_address else 1),
                           run_config=tune.RunConfig(name=exp_name, storage_path=str(storage),
                                                     verbose=1))
    grid = tuner.fit()
    results = []
    for r in grid:
        if r.error or "heldout_loss" not in (r.metrics or {}):
            continue
        cfg = Config.from_dict(r.config["cfg"])
        results.append({"config": cfg.to_dict(), "heldout_loss": round(float(r.metrics["heldout_loss"]), 4),
                        "heldout_float32": round(float(r.metrics["heldout_float32"]), 4),
                        "bytes": estimated_bytes(cfg), "receptive_field": cfg.receptive_field,
                        "sec_per_step": round(float(r.metrics.get("sec_per_step", 0.0)), 4),
                        "steps": int(r.metrics["step"])})
    if not results:
        raise fbuild.FactoryError(f"sweep for {name}: every trial failed (see {exp_path})")
    chosen = choose(results)
    out = {"instrument": name, "steps_per_trial": steps, "results": results, "chosen": chosen,
           "rule": f"smallest estimated bytes within {int(WITHIN * 100)} % of the best held-out loss",
           "ray_experiment": str(exp_path)}
    (inst_work / "sweep.json").write_text(json.dumps(out, indent=2))
    return dict(out, chosen_config=Config.from_dict(chosen["config"]))
