"""factory.sweep: Ray Tune sweep with ASHA early stopping and two seeds; the smallest config within
10 % of the best loss of the configs that trained to the end is shipped."""
from __future__ import annotations

import pytest


def _r(loss, size):
    return {"heldout_loss": loss, "bytes": size, "config": {"size": size}}


def test_smallest_model_within_ten_percent_of_the_best_is_chosen():
    from factory.sweep import choose

    results = [_r(4.0, 200_000), _r(4.3, 90_000), _r(4.5, 50_000), _r(5.0, 20_000)]
    assert choose(results)["bytes"] == 90_000
    assert choose([_r(4.0, 100)])["bytes"] == 100


def _t(name, size, seed, loss, steps):
    return {"config": {"name": name}, "bytes": size, "seed": seed, "heldout_loss": loss, "steps": steps,
            "receptive_field": 31}


def test_configs_are_ranked_on_survivors_mean_over_seeds_and_stopped_trials_do_not_count():
    from factory.sweep import summarise

    trials = [
        _t("big", 200_000, 0, 3.0, 3000), _t("big", 200_000, 1, 3.2, 3000),
        _t("mid", 90_000, 0, 3.2, 3000), _t("mid", 90_000, 1, 3.4, 3000),
        # best at its rung but stopped by ASHA with seed 1: ranked on its one surviving seed
        _t("small", 50_000, 0, 3.9, 3000), _t("small", 50_000, 1, 3.1, 1500),
        _t("tiny", 20_000, 0, 6.0, 500), _t("tiny", 20_000, 1, 6.5, 500),  # stopped at the first rung
    ]
    out = summarise(trials, full_steps=3000)
    ranking = [(r["config"]["name"], r["heldout_loss"]) for r in out["ranking"]]
    assert ranking == [("big", 3.1), ("mid", 3.3), ("small", 3.9)]
    assert out["chosen"]["config"]["name"] == "mid"  # 3.3 ≤ 3.1 × 1.1, and smaller than big
    agree = out["seed_agreement"]
    assert agree["configs_in_every_seed"] == 2 and agree["kendall_tau"] == 1.0 and agree["same_best"]
    with pytest.raises(ValueError, match="no trial reached 3000 steps"):
        summarise([t for t in trials if t["steps"] < 3000], full_steps=3000)


def test_seeds_are_compared_at_every_rung_over_the_configs_both_reached():
    from factory.sweep import rung_agreement

    def t(name, seed, losses):
        return {"config": {"name": name}, "seed": seed, "heldout_at": dict(losses)}

    trials = [t("a", 0, {500: 4.0, 1500: 3.5}), t("a", 1, {500: 4.1, 1500: 3.4}),
              t("b", 0, {500: 4.5}), t("b", 1, {500: 4.7}),
              t("c", 0, {500: 5.0, 1500: 3.9}), t("c", 1, {500: 4.6, 1500: 4.0})]
    rungs = {r["step"]: r for r in rung_agreement(trials, [0, 1])}
    assert rungs[500]["configs"] == 3 and rungs[500]["same_best"]
    assert rungs[500]["kendall_tau"] == pytest.approx(1 / 3, abs=1e-3)  # a<b<c vs a<c<b: 2 of 3 pairs agree
    assert rungs[1500]["configs"] == 2 and rungs[1500]["kendall_tau"] == 1.0
    assert rung_agreement(trials, [0]) == []  # one seed: nothing to compare


def test_kendall_tau_counts_agreeing_pairs():
    from factory.sweep import kendall_tau

    assert kendall_tau([1, 2, 3], [10, 20, 30]) == 1.0
    assert kendall_tau([1, 2, 3], [30, 20, 10]) == -1.0
    assert kendall_tau([1, 2, 3, 4], [1, 2, 4, 3]) == pytest.approx(4 / 6)
    assert kendall_tau([1], [1]) is None


@pytest.mark.build
def test_the_size_the_sweep_ranks_by_is_within_ten_percent_of_each_shipped_models_bytes():
    """choose() ships the smallest config by estimated_bytes, so the estimate must be what a
    converted model of that config weighs (metadata.json "bytes", written by the build). Its graph
    JSON is taken as a 4-layer one's: a 5-layer model's is ~6 % heavier."""
    import json

    from factory.model import Config
    from factory.sweep import estimated_bytes
    from tests.conftest import ROOT

    metas = [json.loads(p.read_text()) for p in sorted((ROOT / "static" / "models").glob("*/metadata.json"))]
    assert metas, "no shipped models to compare with"
    for meta in metas:
        estimate = estimated_bytes(Config.from_dict(meta["decoder"]))
        assert abs(estimate - meta["bytes"]) <= 0.10 * meta["bytes"], f"{meta['name']}: {estimate} vs {meta['bytes']}"


@pytest.mark.build
def test_ray_tune_asha_sweep_runs_locally_with_two_seeds_records_results_and_resumes(tmp_path):
    pytest.importorskip("ray.tune")
    from factory import build, sweep

    plan = build.Plan.quick(progress=False)
    configs = [sweep.CONFIGS[0], sweep.CONFIGS[3]]
    out = sweep.run_sweep("sitar", plan, tmp_path, steps=6, quick=True, configs=configs)
    assert out["scheduler"].startswith("ASHA") and out["seeds"] == [0, 1]
    trials = out["trials"]
    assert sorted((t["config"]["channels"], t["seed"]) for t in trials) == [(32, 0), (32, 1), (64, 0), (64, 1)]
    for t in trials:  # each ran to the end or was stopped by ASHA at a rung (after an evaluation)
        assert t["stopped_early"] == (t["steps"] < 6) and t["steps"] >= 2
    survivors = {t["config"]["channels"] for t in trials if t["steps"] == 6}
    assert {r["config"]["channels"] for r in out["results"]} == survivors
    assert out["chosen_config"].to_dict() in [c.to_dict() for c in configs]
    assert (tmp_path / "_quick" / "sitar" / "sweep.json").is_file()
    again = sweep.run_sweep("sitar", plan, tmp_path, steps=6, quick=True, configs=configs)
    key = lambda r: (r["config"]["channels"], r["seed"])  # noqa: E731
    assert sorted(again["trials"], key=key) == sorted(trials, key=key), "restored, not rerun"
