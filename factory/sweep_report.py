"""The sweep's part of docs/models.md: the ASHA table, whether its choice ships, which
instruments were swept (from factory/checkpoints/<name>/sweep.json, factory.sweep's record)."""
from __future__ import annotations

import json


def asha_table(sweep: dict) -> list[str]:
    """An ASHA sweep (factory.sweep): per config, each seed's held-out loss and the steps it reached."""
    seeds = sweep["seeds"]
    lines = [f"Sweep (Ray Tune, {sweep['scheduler']}, seeds {', '.join(map(str, seeds))}; {sweep['rule']}):", "",
             "| channels | depth | kernel | harmonics | noise bands | float16 | RF | est. bytes | "
             + " | ".join(f"seed {s}: held-out loss (steps)" for s in seeds) + " | mean (survivors) | chosen |",
             "| --- " * (10 + len(seeds)) + "|"]
    cfgs = {}
    for t in sweep["trials"]:
        cfgs.setdefault(json.dumps(t["config"], sort_keys=True), {})[t["seed"]] = t
    ranked = {json.dumps(r["config"], sort_keys=True): r for r in sweep["results"]}
    chosen = json.dumps(sweep["chosen"]["config"], sort_keys=True)

    def order(k):
        return (ranked[k]["heldout_loss"] if k in ranked else float("inf"),
                min(t["heldout_loss"] for t in cfgs[k].values()))
    for k in sorted(cfgs, key=order):
        by_seed = cfgs[k]
        c = next(iter(by_seed.values()))
        cells = [f"{by_seed[s]['heldout_loss']} ({by_seed[s]['steps']})" if s in by_seed else "" for s in seeds]
        mean = ranked[k]["heldout_loss"] if k in ranked else "stopped"
        lines.append(f"| {c['config']['channels']} | {c['config']['depth']} | {c['config']['kernel']} "
                     f"| {c['config']['n_harmonics']} | {c['config']['n_noise']} | {c['config']['float16']} "
                     f"| {c['receptive_field']} | {c['bytes']} | " + " | ".join(cells)
                     + f" | {mean} | {'**yes**' if k == chosen else ''} |")
    agree = sweep.get("seed_agreement")
    if agree:
        lines += ["", f"Seed agreement over the {agree['configs_in_every_seed']} configs that survived with every "
                      f"seed: Kendall tau {agree['kendall_tau']:.2f}, same best config: {agree['same_best']}."]
    elif sweep.get("seed_agreement", 0) is None:
        lines += ["", "Seed agreement of the survivors: fewer than two configs survived with both seeds."]
    rungs = sweep.get("rung_agreement") or []
    if rungs:
        lines += ["", "Seed agreement at each evaluation that at least two configs reached with both seeds "
                      "(ASHA's rungs rank every config, the survivors only a few):", "",
                  "| step | configs | Kendall tau | same best |", "| --- | --- | --- | --- |"]
        lines += [f"| {r['step']} | {r['configs']} | {r['kendall_tau']:.2f} | {r['same_best']} |" for r in rungs]
    return lines + [""]


def sweep_decision(m: dict, sweep: dict) -> list[str]:
    """Whether the sweep's choice ships: it replaces the shipped model only if its held-out loss
    (and then its timbre) is better."""
    chosen = sweep["chosen"]
    best = min((t for t in sweep["trials"] if t["config"] == chosen["config"] and not t["stopped_early"]),
               key=lambda t: t["heldout_loss"])
    c, d = chosen["config"], m.get("decoder", {})
    shipped = (m.get("quality") or {}).get("heldout_spectral_loss")
    name = f"c{c['channels']} d{c['depth']} k{c['kernel']} h{c['n_harmonics']} n{c['n_noise']}"
    noise = []
    rungs = sweep.get("rung_agreement") or []
    if rungs and len(sweep["seeds"]) >= 2:
        # at the first decision rung: how far apart are two seeds of one config, against the configs?
        step = min((r["step"] for r in rungs if r["step"] >= 500), default=rungs[-1]["step"])
        s0, s1 = sweep["seeds"][:2]
        by = {}
        for t in sweep["trials"]:
            v = (t.get("heldout_at") or {}).get(str(step), (t.get("heldout_at") or {}).get(step))
            if v is not None:
                by.setdefault(json.dumps(t["config"], sort_keys=True), {})[t["seed"]] = v
        pairs = [v for v in by.values() if s0 in v and s1 in v]
        if len(pairs) >= 2:
            seed_gap = sum(abs(v[s0] - v[s1]) for v in pairs) / len(pairs)
            means = [(v[s0] + v[s1]) / 2 for v in pairs]
            rung = next(r for r in rungs if r["step"] == step)
            noise = [f"At {step} steps, where ASHA makes its first cut, two seeds of one config differ by "
                     f"{seed_gap:.2f} on average while the configs' means span {max(means) - min(means):.2f}: "
                     f"the seeds rank the {len(pairs)} configs differently (Kendall tau {rung['kendall_tau']:.2f}, "
                     f"best config the same: {rung['same_best']}), so that cut is mostly the luck of the "
                     "initialisation. Asynchronous ASHA also lets the first trials to reach a rung through "
                     "with little to compare against, which is how the first-started trial became the only survivor. "
                     "To rank converged quality here the first cut has to come later than this noise allows "
                     "(or compare the mean of both seeds at the rung, or use synchronous rungs); that is not "
                     "done yet.", ""]
    if shipped is not None and best["heldout_loss"] >= shipped:
        return [f"The sweep's choice, {name} (best survivor: held-out {best['heldout_loss']} at "
                f"{best['steps']} steps, seed {best['seed']}), does not ship: the shipped c{d.get('channels')} "
                f"d{d.get('depth')} model, trained to its plateau, is better ({shipped} at "
                f"{m.get('training', {}).get('steps')} steps; {m.get('bytes'):,} bytes against the choice's "
                f"estimated {chosen['bytes']:,}). The survivors' 3,000 steps rank where configs are "
                "after 3,000 steps, and the first rung (500 steps) stops configs that learn slowly but end well: "
                "it keeps the sweep's bias toward fast learners, only weaker than the 100-step sweep's.", ""] + noise
    return [f"The sweep's choice, {name}, trained {best['steps']} steps (seed {best['seed']}): held-out "
            f"{best['heldout_loss']} vs the shipped model's {shipped}.", ""] + noise


def sweep_status(metas: list[dict], recorded: dict[str, dict | None]) -> list[str]:
    """Which instruments have a full ASHA sweep on record: `recorded` maps each name to its
    factory/checkpoints/<name>/sweep.json (or None)."""
    done = {n: sw for n, sw in recorded.items() if sw and sw.get("trials")}
    if not done:
        return ["**The full sweep has not been run yet**; the sweep tables below are the first build's",
                "100-step sweep.", ""]
    lines = []
    for n, sw in done.items():
        steps = sum(t["steps"] for t in sw["trials"])
        survivors = sum(not t["stopped_early"] for t in sw["trials"])
        lines.append(f"Full sweep run for {n}: {len(sw.get('configs') or [])} configs × {len(sw['seeds'])} seeds, "
                     f"{len(sw['trials'])} trials, {survivors} trained to {sw['steps_per_trial']} steps, "
                     f"{steps:,} steps in all (table under {n}).")
    others = [m["name"] for m in metas if m["name"] not in done]
    if others:
        lines.append(f"Not swept at scale yet: {', '.join(others)} (their tables are the first build's "
                     "100-step sweep; at ~0.3 s/step two at a time a sweep is ~1 hour per instrument here).")
    return lines + [""]


def first_build_table(sweep: dict) -> list[str]:
    """The first build's sweep (every config the same few steps, no early stopping)."""
    lines = [f"Sweep (Ray Tune, {sweep['steps_per_trial']} steps per trial; {sweep['rule']}):", "",
             "| channels | depth | kernel | harmonics | noise bands | float16 | RF | est. bytes | held-out loss "
             "| s/step | chosen |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in sorted(sweep["results"], key=lambda r: r["heldout_loss"]):
        c = r["config"]
        mark = "**yes**" if r["config"] == sweep["chosen"]["config"] else ""
        lines.append(f"| {c['channels']} | {c['depth']} | {c['kernel']} | {c['n_harmonics']} | {c['n_noise']} "
                     f"| {c['float16']} | {r['receptive_field']} | {r['bytes']} | {r['heldout_loss']} "
                     f"| {r['sec_per_step']} | {mark} |")
    return lines + [""]


def sweep_lines(m: dict, sweep: dict | None) -> list[str]:
    """An instrument's sweep record in docs/models.md: an ASHA sweep and its decision, else the first build's."""
    if not sweep:
        return []
    if sweep.get("trials"):
        return asha_table(sweep) + sweep_decision(m, sweep)
    return first_build_table(sweep)
