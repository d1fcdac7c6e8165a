"""factory.sweep: Ray Tune sweep; the smallest config within 10 % of the best loss is shipped."""
from __future__ import annotations

import pytest


def _r(loss, size):
    return {"heldout_loss": loss, "bytes": size, "config": {"size": size}}


def test_smallest_model_within_ten_percent_of_the_best_is_chosen():
    from factory.sweep import choose

    results = [_r(4.0, 200_000), _r(4.3, 90_000), _r(4.5, 50_000), _r(5.0, 20_000)]
    assert choose(results)["bytes"] == 90_000
    assert choose([_r(4.0, 100)])["bytes"] == 100


def test_the_default_sweep_covers_at_least_eight_configs_over_every_dimension():
    from factory.sweep import CONFIGS

    assert len(CONFIGS) >= 8
    for field in ("channels", "depth", "kernel", "n_harmonics", "n_noise", "float16"):
        assert len({getattr(c, field) for c in CONFIGS}) > 1, field
    assert all(c.n_harmonics <= 60 and c.n_noise <= 65 for c in CONFIGS)


@pytest.mark.build
def test_ray_tune_sweep_runs_locally_records_results_and_resumes(tmp_path):
    pytest.importorskip("ray.tune")
    from factory import build, sweep

    plan = build.Plan.quick(progress=False)
    configs = [sweep.CONFIGS[0], sweep.CONFIGS[3]]
    out = sweep.run_sweep("sitar", plan, tmp_path, steps=3, quick=True, configs=configs)
    assert len(out["results"]) == 2
    assert out["chosen_config"].to_dict() in [c.to_dict() for c in configs]
    assert (tmp_path / "_quick" / "sitar" / "sweep.json").is_file()
    again = sweep.run_sweep("sitar", plan, tmp_path, steps=3, quick=True, configs=configs)
    key = lambda r: r["config"]["channels"]  # noqa: E731
    assert sorted(again["results"], key=key) == sorted(out["results"], key=key), "restored, not rerun"
