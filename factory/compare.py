"""GRU decoder vs the causal conv, same data and steps (the GRU is never served: TF.js runs it
~90x slower than the conv stack)."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from factory import build as fbuild
from factory import train as ftrain
from factory.model import Config, count_params


def gru_vs_conv(name: str, plan, work_root, steps: int = 500, quick: bool = False,
                conv_cfg: Config | None = None) -> dict:
    """Trains both decoders for `steps` on the same data; writes <work>/<name>/gru_vs_conv.json."""
    work_root = Path(work_root)
    if quick:
        work_root = work_root / "_quick"
        steps = min(steps, plan.steps)
    teachers = fbuild.fdata.INSTRUMENTS[name].teachers
    _, tr, held = fbuild.prepare(name, teachers, plan, work_root)
    conv_cfg = conv_cfg or Config(float16=False)
    gru_cfg = replace(conv_cfg, kind="gru", float16=False)
    out = {"instrument": name, "steps": steps, "teachers": [t.describe() for t in teachers]}
    for cfg in (conv_cfg, gru_cfg):
        res = ftrain.train(work_root / name / f"compare_{cfg.kind}_c{cfg.channels}_{steps}", cfg, tr, held,
                           steps=steps, batch=plan.batch, progress=plan.progress, eval_every=steps)
        out[cfg.kind] = {"heldout_spectral_loss": round(res["heldout_loss_float32"], 4),
                         "params": count_params(res["decoder"]), "sec_per_step": res["sec_per_step"],
                         "config": cfg.to_dict()}
    (work_root / name / "gru_vs_conv.json").write_text(json.dumps(out, indent=2))
    return out
