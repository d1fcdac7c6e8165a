#!/usr/bin/env python
"""Refreshes the shipped instrument models end to end (see docs/models.md).

    python build_models.py                      # every instrument, full build (resumable)
    python build_models.py --instrument sitar   # one instrument
    python build_models.py --quick --out /tmp/m # smoke build: tiny data, few steps
    python build_models.py --converge --instrument shehnai   # train to the held-out plateau
                                                # (state in factory/checkpoints/, resumable, in git)
    python build_models.py --sweep              # Ray Tune + ASHA sweep (2 seeds, survivors 3000 steps),
                                                # ships the smallest within 10 % of the best
    python build_models.py --audio DIR --instrument bansuri   # train on your own WAVs
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CONVERGE_STEP_CAP = 30_000
CONVERGE_LR_DECAY_STEPS = 10_000  # learning rate ×0.4 every 10k steps


def main(argv=None) -> int:
    from factory import data as fdata

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--instrument", action="append", choices=list(fdata.INSTRUMENTS),
                   help="build only this instrument (repeatable); default: all")
    p.add_argument("--quick", action="store_true", help="smoke build: tiny data, few steps")
    p.add_argument("--sweep", action="store_true",
                   help="Ray Tune sweep of decoder configs first (ASHA early stopping, two seeds)")
    p.add_argument("--sweep-steps", type=int, default=None,
                   help="steps the sweep's surviving trials train (default 3000)")
    p.add_argument("--ray-address", default=None, help="existing Ray cluster (default: local)")
    p.add_argument("--audio", metavar="DIR", help="train from a folder of your WAV recordings")
    p.add_argument("--out", default=None, help="output models dir (default static/models)")
    p.add_argument("--work", default=None, help="work dir for data and checkpoints (default build/work)")
    p.add_argument("--steps", type=int, default=None,
                   help="training steps (full default 3000; the cap with --converge, default 30000)")
    p.add_argument("--converge", action="store_true",
                   help="train until the held-out loss improves < 1 %% over 2000 steps (or --steps); "
                        "state kept in --checkpoints so a later run resumes")
    p.add_argument("--shipped-config", action="store_true",
                   help="train the decoder config of the shipped model (its metadata.json 'decoder', "
                        "e.g. the one an earlier sweep chose) instead of the default")
    p.add_argument("--checkpoints", default=None,
                   help="folder for the compact training state (default factory/checkpoints with "
                        "--converge, else the work dir)")
    p.add_argument("--init-from", metavar="STATE_DIR", default=None,
                   help="a new run starts from the decoder weights of this training state (a folder with "
                        "state.npz, e.g. factory/checkpoints/sarangi/conv_c48_d5_k2_h48_n33_p40); same config")
    p.add_argument("--minutes", type=float, default=None, help="wall-clock training budget per instrument")
    p.add_argument("--data-minutes", type=float, default=None, help="minutes of rendered data (default 20)")
    p.add_argument("--sample-rate", type=int, default=None,
                   help="model sample rate in Hz (default factory.dsp.SAMPLE_RATE, 16000; 24000 works: "
                        "a whole number of samples per 250 Hz frame)")
    p.add_argument("--gru", action="store_true", help="also train the GRU comparison decoder")
    p.add_argument("--no-report", action="store_true", help="do not rewrite docs/models.md")
    args = p.parse_args(argv)

    from factory import build as fbuild
    from factory.model import Config

    names = args.instrument or list(fdata.INSTRUMENTS)
    if args.audio and len(names) != 1:
        p.error("--audio needs exactly one --instrument (the model it replaces)")
    plan = fbuild.Plan.quick() if args.quick else fbuild.Plan()
    if args.converge:
        from factory.train import Plateau

        plan.plateau = Plateau()  # with its final low-learning-rate phase
        plan.steps = CONVERGE_STEP_CAP
        # Fixed decay (not steps // 3), so raising the cap later does not change a resumed run.
        plan.lr_decay_steps = CONVERGE_LR_DECAY_STEPS
        plan.checkpoints = fbuild.ROOT / "factory" / "checkpoints"
    if args.checkpoints:
        plan.checkpoints = args.checkpoints
    if args.init_from:
        if not (Path(args.init_from) / "state.npz").is_file():
            p.error(f"--init-from: {Path(args.init_from) / 'state.npz'} does not exist")
        plan.init_from = Path(args.init_from)
    if args.steps:
        plan.steps = args.steps
    if args.minutes:
        plan.time_budget_s = args.minutes * 60
    if args.data_minutes:
        plan.data_seconds = args.data_minutes * 60
    out = args.out or fbuild.DEFAULT_OUT
    work = args.work or fbuild.DEFAULT_WORK
    from factory.install import recover

    for line in recover(out):  # leftovers of a build that was killed while installing
        print(line, file=sys.stderr)
    results = []
    name = None
    try:
        for name in names:
            cfg, extra, state_dir = Config(), {}, None
            if args.shipped_config:
                shipped = fbuild.DEFAULT_OUT / name / "metadata.json"
                if not shipped.is_file():
                    p.error(f"--shipped-config: {shipped} does not exist")
                shipped_meta = fbuild.load_for_test(shipped.parent)
                cfg = Config.from_dict(shipped_meta["decoder"])
                if shipped_meta.get("sweep"):  # the config still comes from that sweep
                    extra["sweep"] = shipped_meta["sweep"]
            if args.sweep:
                from factory import sweep as fsweep

                sw = fsweep.run_sweep(name, plan, work, steps=args.sweep_steps,
                                      ray_address=args.ray_address, quick=args.quick,
                                      audio_dir=args.audio)
                cfg = sw["chosen_config"]
                if not args.converge:  # ship the chosen config's best surviving trial as it is
                    best = min((t for t in sw["trials"] if t["config"] == cfg.to_dict() and not t["stopped_early"]),
                               key=lambda t: t["heldout_loss"])
                    state_dir = best["state_dir"]
                extra = {"sweep": {"steps_per_trial": sw["steps_per_trial"], "rule": sw["rule"],
                                   "scheduler": sw["scheduler"], "seeds": sw["seeds"],
                                   "seed_agreement": sw["seed_agreement"],
                                   "trials": len(sw["trials"]),
                                   "chosen_heldout_loss": sw["chosen"]["heldout_loss"],
                                   "rung_agreement": sw.get("rung_agreement"),
                                   "best_heldout_loss": min(r["heldout_loss"] for r in sw["results"])}}
            if args.sample_rate:
                from factory.dsp import hop_samples

                try:
                    hop_samples(args.sample_rate)
                except ValueError as err:
                    p.error(f"--sample-rate: {err}")
                cfg = Config.from_dict(dict(cfg.to_dict(), sample_rate=args.sample_rate))
            r = fbuild.build_instrument(name, out=out, quick=args.quick, plan=plan, cfg=cfg,
                                        work_root=work, audio_dir=args.audio, extra_meta=extra,
                                        state_dir=state_dir)
            results.append(r)
            m = r.metadata
            print(f"{name}: {m['bytes']} bytes, {m['params']} params, held-out loss "
                  f"{m['quality']['heldout_spectral_loss']} → {r.out_dir}")
            if args.gru:
                from factory import compare
                compare.gru_vs_conv(name, plan, work, quick=args.quick)
    except fdata.FactoryError as err:
        print(f"error: {err}", file=sys.stderr)
        installed = [r.name for r in results]
        if name is not None and name not in installed:
            print(f"{name} was not installed: {Path(out) / name} is unchanged", file=sys.stderr)
        if installed:
            print(f"installed before the error: {', '.join(installed)}", file=sys.stderr)
        return 2
    if not args.quick and args.out is None and results:
        from factory import demo

        for name, size in demo.write_all(out, names=[r.name for r in results]).items():
            print(f"{name}: demo {size} bytes → {demo.DEFAULT_DIR / (name + '.mp3')}")
    if not args.no_report and not args.quick and args.out is None:
        from factory import report
        report.write_report(out, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
