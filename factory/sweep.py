"""Decoder sweep with Ray Tune and ASHA early stopping: weak configs stop early, the survivors
train to `steps` (≥ 3,000 in a full sweep), every config with two seeds; ranked by the survivors'
held-out multi-scale spectral loss (mean over seeds), the smallest model within 10 % of the best
is shipped.

Local by default (LOCAL_TRIALS trials at a time, one CPU thread each); `ray_address` joins an
existing cluster. Trials keep their training state (factory.resume) in the work dir and Tune
keeps the experiment state in <work>/<instrument>/ray, so an interrupted sweep resumes.
"""
from __future__ import annotations

import hashlib
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
JSON_BYTES = 27_200  # stream.json of a 4-layer decoder after compaction (measured, 48 channels)
WITHIN = 0.10
SEEDS = (0, 1)               # two seeds: does the ranking hold?
FULL_STEPS = 3000            # survivors train this far
ASHA_GRACE_STEPS = 500       # no trial stops before this
ASHA_REDUCTION = 3           # at each rung (500, 1500 steps) the best third goes on
EVAL_EVERY = 250
LOCAL_TRIALS = 2             # concurrent trials on the local machine, one TF thread each


def estimated_bytes(cfg: Config) -> int:
    from factory.model import build_decoder, count_params

    return count_params(build_decoder(cfg)) * (2 if cfg.float16 else 4) + JSON_BYTES


def choose(results: list[dict], within: float = WITHIN) -> dict:
    """Smallest (estimated bytes) among results whose loss is within `within` of the best."""
    best = min(r["heldout_loss"] for r in results)
    ok = [r for r in results if r["heldout_loss"] <= best * (1 + within)]
    return min(ok, key=lambda r: (r["bytes"], r["heldout_loss"]))


def _key(cfg: dict) -> str:
    return json.dumps(cfg, sort_keys=True)


def kendall_tau(a: list[float], b: list[float]) -> float | None:
    """Rank agreement of two score lists over the same items (1: same order, -1: reversed)."""
    n = len(a)
    if n < 2:
        return None
    s = 0
    for i in range(n):
        for j in range(i + 1, n):
            s += (1 if (a[i] - a[j]) * (b[i] - b[j]) > 0 else -1 if (a[i] - a[j]) * (b[i] - b[j]) < 0 else 0)
    return s / (n * (n - 1) / 2)


def rung_agreement(trials: list[dict], seeds: list) -> list[dict]:
    """Seed agreement at every evaluated step that every config reached with two seeds.

    trials: [{config, seed, heldout_at: {step: loss}}]. ASHA stops most trials early, so the
    survivors alone rarely rank more than one or two configs; the rungs rank all of them.
    → [{step, configs, kendall_tau, same_best}] (steps where ≥ 2 configs have both seeds).
    """
    if len(seeds) < 2:
        return []
    by = {}
    for t in trials:
        for step, loss in (t.get("heldout_at") or {}).items():
            by.setdefault(int(step), {}).setdefault(_key(t["config"]), {})[t["seed"]] = loss
    out = []
    for step in sorted(by):
        both = [v for v in by[step].values() if seeds[0] in v and seeds[1] in v]
        if len(both) < 2:
            continue
        a = [v[seeds[0]] for v in both]
        b = [v[seeds[1]] for v in both]
        out.append({"step": step, "configs": len(both), "kendall_tau": round(kendall_tau(a, b), 3),
                    "same_best": min(range(len(a)), key=a.__getitem__) == min(range(len(b)), key=b.__getitem__)})
    return out


def summarise(trials: list[dict], full_steps: int, within: float = WITHIN) -> dict:
    """Ranks configs from ASHA trials [{config, seed, steps, heldout_loss, bytes, ...}].

    Survivors are trials that reached full_steps. A config counts if it survived with every seed
    that survived at all for it; its loss is the mean over its surviving seeds. Returns
    {ranking: [{config, bytes, heldout_loss, seeds, per_seed}], chosen, seed_agreement}.
    """
    survivors = [t for t in trials if t["steps"] >= full_steps]
    if not survivors:
        raise ValueError(f"no trial reached {full_steps} steps")
    by_cfg = {}
    for t in survivors:
        by_cfg.setdefault(_key(t["config"]), []).append(t)
    ranking = []
    for group in by_cfg.values():
        per_seed = {t["seed"]: t["heldout_loss"] for t in group}
        ranking.append({"config": group[0]["config"], "bytes": group[0]["bytes"],
                        "receptive_field": group[0].get("receptive_field"),
                        "heldout_loss": round(sum(per_seed.values()) / len(per_seed), 4),
                        "seeds": sorted(per_seed), "per_seed": per_seed})
    ranking.sort(key=lambda r: r["heldout_loss"])
    seeds = sorted({t["seed"] for t in trials})
    both = [r for r in ranking if len(r["seeds"]) == len(seeds)]
    agreement = None
    if len(seeds) >= 2 and len(both) >= 2:
        a = [r["per_seed"][seeds[0]] for r in both]
        b = [r["per_seed"][seeds[1]] for r in both]
        agreement = {"configs_in_every_seed": len(both), "kendall_tau": kendall_tau(a, b),
                     "same_best": min(range(len(a)), key=a.__getitem__) == min(range(len(b)), key=b.__getitem__)}
    return {"ranking": ranking, "chosen": choose(ranking, within), "seed_agreement": agreement,
            "rung_agreement": rung_agreement(trials, seeds)}


def trial_tag(cfg: dict, seed: int) -> str:
    """Folder (under <work>/<instrument>/sweep) of one trial's training state."""
    return "sweep_" + "_".join(f"{k}{v}" for k, v in sorted(cfg.items())) + f"_seed{seed}"


def _trial(params):
    """Ray Tune function trainable: trains one config with one seed, reports held-out loss at every
    evaluation (ASHA stops it there when it falls behind)."""
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    from ray import tune

    from factory import data as fdata
    from factory import train as ftrain

    threads = int(params.get("threads") or 0)
    if threads:  # one thread per concurrent trial (before TensorFlow runs anything)
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            pass  # this worker process already ran TensorFlow
    cfg = Config.from_dict(params["cfg"])
    seed = int(params["seed"])
    with np.load(params["data_path"]) as z:
        data = {k: z[k] for k in z.files}
    tr, held = fdata.split_examples(data, params["example_s"], params["heldout"])
    tag = trial_tag(params["cfg"], seed)
    tf.random.set_seed(seed)  # the decoder's initial weights
    res = ftrain.train(Path(params["work"]) / tag, cfg, tr, held, steps=params["steps"],
                       batch=params["batch"], progress=False, eval_every=params["eval_every"],
                       seed=seed,
                       report=lambda s, t, h: tune.report({"step": s, "train_loss": t,
                                                           "heldout_loss": h, "heldout_float32": h}))
    tune.report({"step": res["steps"], "heldout_loss": res["heldout_loss"],
                 "heldout_float32": res["heldout_loss_float32"], "sec_per_step": res["sec_per_step"] or 0.0,
                 "done_training": True})


def run_sweep(name: str, plan, work_root, steps: int | None = None, ray_address: str | None = None,
              quick: bool = False, audio_dir=None, configs: list[Config] | None = None,
              seeds: tuple = SEEDS, grace_steps: int | None = None, eval_every: int | None = None) -> dict:
    """Runs (or resumes) the ASHA sweep for one instrument; writes <work>/<name>/sweep.json.

    steps: what survivors train (default 3000; quick 6); grace_steps: no trial stops before
    (default 500; quick 2); eval_every: held-out evaluation and ASHA decision interval
    (default 250; quick 2).
    """
    from factory import build as fbuild
    from factory import resume

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
    teachers = fbuild.fdata.INSTRUMENTS[name].teachers
    fbuild.prepare(name, teachers, plan, work_root, audio_dir)
    tag = (f"wav_{Path(audio_dir).name}" if audio_dir else
           f"{fbuild.fdata.teachers_tag(teachers)}_{int(plan.data_seconds)}s")
    data_path = inst_work / f"data_{tag}.npz"
    steps = steps or (6 if quick else FULL_STEPS)
    eval_every = eval_every or (2 if quick else EVAL_EVERY)
    grace_steps = grace_steps or (2 if quick else ASHA_GRACE_STEPS)
    base = {"data_path": str(data_path), "work": str(inst_work / "sweep"), "steps": steps,
            "batch": plan.batch, "example_s": plan.example_s, "heldout": plan.heldout,
            "eval_every": eval_every, "threads": 0 if ray_address else 1}
    env = {"PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
    if not ray.is_initialized():
        if ray_address:
            ray.init(address=ray_address, runtime_env={"env_vars": env}, log_to_driver=False)
        else:
            ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                     runtime_env={"env_vars": env}, configure_logging=False)
    storage = inst_work / "ray"
    # the grid is part of the name: another set of configs is another experiment (trials of the
    # same config and seed still resume from their training state in <work>/sweep)
    grid_id = hashlib.sha1(json.dumps([c.to_dict() for c in configs], sort_keys=True).encode()).hexdigest()[:8]
    exp_name = (f"asha_{steps}steps_grace{grace_steps}_seeds{'-'.join(map(str, seeds))}"
                f"_{len(configs)}configs_{grid_id}")
    space = dict(base, cfg=tune.grid_search([c.to_dict() for c in configs]),
                 seed=tune.grid_search(list(seeds)))
    scheduler = tune.schedulers.ASHAScheduler(time_attr="step", max_t=steps, grace_period=grace_steps,
                                              reduction_factor=ASHA_REDUCTION)
    resources = {"cpu": 1}
    trainable = tune.with_resources(_trial, resources)
    exp_path = storage / exp_name
    if tune.Tuner.can_restore(str(exp_path)):
        tuner = tune.Tuner.restore(str(exp_path), trainable=trainable, resume_errored=True,
                                   param_space=space)
    else:
        tuner = tune.Tuner(trainable, param_space=space,
                           tune_config=tune.TuneConfig(metric="heldout_loss", mode="min", scheduler=scheduler,
                                                       max_concurrent_trials=None if ray_address else LOCAL_TRIALS),
                           run_config=tune.RunConfig(name=exp_name, storage_path=str(storage),
                                                     verbose=1))
    grid = tuner.fit()
    trials = []
    for r in grid:
        if r.error or "heldout_loss" not in (r.metrics or {}):
            continue
        cfg = Config.from_dict(r.config["cfg"])
        state_dir = inst_work / "sweep" / trial_tag(cfg.to_dict(), int(r.config["seed"]))
        # the trial's own training log (complete even when Tune restored the experiment midway)
        log = (resume.read_header(state_dir)["history"] if resume.exists(state_dir)
               else {"heldout": [], "sec_per_step": []})
        heldout_at = {int(st): round(float(h), 4) for st, h in log["heldout"]}
        timed = [e[1] for e in log["sec_per_step"]]
        trials.append({"config": cfg.to_dict(), "seed": int(r.config["seed"]),
                       "heldout_loss": round(float(r.metrics["heldout_loss"]), 4),
                       "heldout_float32": round(float(r.metrics["heldout_float32"]), 4),
                       "bytes": estimated_bytes(cfg), "receptive_field": cfg.receptive_field,
                       "sec_per_step": round(sum(timed) / len(timed), 4) if timed else None,
                       "steps": int(r.metrics["step"]),
                       "stopped_early": int(r.metrics["step"]) < steps, "heldout_at": heldout_at,
                       "state_dir": str(state_dir)})
    if not trials:
        raise fbuild.FactoryError(f"sweep for {name}: every trial failed (see {exp_path})")
    try:
        ranked = summarise(trials, steps)
    except ValueError as err:
        raise fbuild.FactoryError(f"sweep for {name}: {err} (see {exp_path})") from err
    out = {"instrument": name, "scheduler": f"ASHA (grace {grace_steps} steps, reduction {ASHA_REDUCTION}, "
                                            f"max {steps} steps)",
           "steps_per_trial": steps, "seeds": list(seeds), "trials": trials,
           "results": ranked["ranking"], "chosen": ranked["chosen"],
           "seed_agreement": ranked["seed_agreement"], "rung_agreement": ranked["rung_agreement"],
           "configs": [c.to_dict() for c in configs],
           "rule": f"smallest estimated bytes within {int(WITHIN * 100)} % of the best mean held-out loss "
                   f"of the configs that trained {steps} steps",
           "ray_experiment": str(exp_path)}
    (inst_work / "sweep.json").write_text(json.dumps(out, indent=2))
    return dict(out, chosen_config=Config.from_dict(ranked["chosen"]["config"]))
