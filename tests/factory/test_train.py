"""factory.train: loss goes down, training resumes from its compact state, stops at a held-out
plateau, NaN stops it safely."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.build


def _data(n=6, frames=125, seed=0):
    """Harmonic tones with known f0 and ddsp loudness (0.5 s windows)."""
    from factory import data

    rng = np.random.default_rng(seed)
    audio, f0s = [], []
    for _ in range(n):
        f0 = rng.uniform(200, 500)
        t = np.arange(frames * 64) / 16000
        y = sum(0.3 / k * np.sin(2 * np.pi * k * f0 * t) for k in range(1, 6)).astype(np.float32)
        audio.append(y)
        f0s.append(np.full((frames, 1), f0, np.float32))
    audio = np.stack(audio)
    ld = np.stack([data.compute_loudness(a)[:, None] for a in audio])
    return {"audio": audio, "f0_hz": np.stack(f0s), "loudness_db": ld}


def test_training_reduces_loss_and_reports_seconds_per_step(tmp_path):
    from factory import train
    from factory.model import Config

    d = _data()
    res = train.train(tmp_path, Config(channels=16), d, d, steps=60, batch=4, progress=False,
                      eval_every=30, lr=3e-3)
    hist = res["history"]
    assert res["steps"] == 60
    assert hist["heldout"][-1][1] < hist["heldout"][0][1] * 1.05
    assert hist["train"][-1][1] < hist["train"][0][1]
    assert res["sec_per_step"] > 0
    assert np.isfinite(res["heldout_loss"])


def test_interrupted_training_resumes_from_the_last_checkpoint(tmp_path):
    from factory import train
    from factory.model import Config

    d = _data()
    cfg = Config(channels=16)
    first = train.train(tmp_path, cfg, d, d, steps=20, batch=4, progress=False, ckpt_every=10)
    w = [v.numpy() for v in first["decoder"].weights]
    again = train.train(tmp_path, cfg, d, d, steps=20, batch=4, progress=False)
    assert again["steps"] == 20  # nothing left to do
    for a, b in zip(w, again["decoder"].weights, strict=True):
        np.testing.assert_array_equal(a, b.numpy())
    more = train.train(tmp_path, cfg, d, d, steps=30, batch=4, progress=False)
    assert more["steps"] == 30
    saved = json.loads((tmp_path / "history.json").read_text())
    assert saved["train"][-1][0] <= 30
    # one step-time entry per invocation that trained (kept in every save, so a killed run has it)
    assert [e[0] for e in saved["sec_per_step"]] == [20, 30] and all(e[1] > 0 for e in saved["sec_per_step"])


def test_time_budget_stops_early_and_resume_continues(tmp_path):
    from factory import train
    from factory.model import Config

    d = _data()
    res = train.train(tmp_path, Config(channels=16), d, d, steps=10_000, batch=4, progress=False,
                      time_budget_s=0.0)
    assert res["stopped"] == "time budget" and res["steps"] < 10_000


def test_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(tmp_path):
    from factory import train
    from factory.data import FactoryError
    from factory.model import Config

    d = _data()
    cfg = Config(channels=16)
    from factory import resume

    train.train(tmp_path, cfg, d, d, steps=10, batch=4, progress=False, ckpt_every=10)
    good = (tmp_path / resume.STATE_FILE).read_bytes()
    bad = dict(d, audio=np.full_like(d["audio"], np.nan))
    with pytest.raises(FactoryError, match="NaN"):
        train.train(tmp_path, cfg, bad, d, steps=20, batch=4, progress=False, ckpt_every=1)
    assert (tmp_path / resume.STATE_FILE).read_bytes() == good
    assert resume.read_header(tmp_path)["step"] == 10


def test_plateau_needs_a_full_window_and_compares_best_losses():
    from factory.train import Plateau

    p = Plateau(window_steps=2000, min_improvement=0.01)
    assert p.improvement([]) is None
    assert not p.converged([[250, 5.0], [1750, 4.0]])  # less than one window evaluated
    falling = [[s, 5.0 - s / 1000] for s in range(250, 3001, 250)]  # 4.75 → 2.0
    assert p.improvement(falling) == pytest.approx((4.0 - 2.0) / 4.0)
    assert not p.converged(falling)
    flat = falling + [[s, 2.0 - (s - 3000) * 1e-6] for s in range(3250, 5001, 250)]
    # best 2.0 at step 3000 vs 1.998 now: 0.1 % better over the last 2000 steps
    assert p.improvement(flat) == pytest.approx(0.002 / 2.0)
    assert p.converged(flat)
    noisy = flat + [[5250, 9.0]]  # one bad evaluation does not undo convergence
    assert p.converged(noisy)


def test_training_stops_at_the_plateau_before_the_step_cap(tmp_path):
    from factory import train
    from factory.model import Config

    d = _data()
    # A demanding rule (50 % better every 10 steps) that a short run cannot keep up.
    plateau = train.Plateau(window_steps=10, min_improvement=0.5, anneal_steps=0)  # no final phase
    res = train.train(tmp_path, Config(channels=16), d, d, steps=400, batch=4, progress=False,
                      eval_every=5, plateau=plateau, lr=3e-3)
    assert res["stopped"] == "converged"
    assert 10 <= res["steps"] < 400
    assert res["plateau_improvement"] < 0.5
    again = train.train(tmp_path, Config(channels=16), d, d, steps=400, batch=4, progress=False,
                        eval_every=5, plateau=plateau, lr=3e-3)
    assert again["stopped"] == "converged" and again["steps"] == res["steps"]  # nothing left


def test_after_the_plateau_a_final_phase_trains_anneal_steps_at_a_falling_learning_rate_and_resumes(tmp_path):
    from factory import train
    from factory.model import Config

    d = _data()
    cfg = Config(channels=16)
    # a rule every run meets at its first full window (evaluations at 5, 10, 15: step 15)
    plateau = train.Plateau(window_steps=10, min_improvement=1.0, anneal_steps=20, anneal_factor=0.01)
    kw = dict(batch=4, progress=False, eval_every=5, plateau=plateau, lr=3e-3, lr_decay_steps=10_000)
    # stopped (as if killed) 10 steps into the final phase, then resumed with the same command
    first = train.train(tmp_path, cfg, d, d, steps=400, time_budget_s=None, **kw)
    start = first["anneal_start"]
    assert start == 15 and first["stopped"] == "converged" and first["steps"] == start + 20
    assert first["plateau_improvement"] < 1.0  # the rule that started the final phase
    sched = train.AnnealedSchedule(train.tf.keras.optimizers.schedules.ExponentialDecay(3e-3, 10_000, 0.4),
                                   20, 0.01)
    sched.start.assign(start)
    base = float(sched.base(start))
    assert float(sched(start)) == pytest.approx(base, rel=1e-6)
    assert float(sched(start + 10)) == pytest.approx(base * 0.1, rel=1e-2)   # halfway: 0.01 ** 0.5
    assert float(sched(start + 40)) == pytest.approx(float(sched.base(start + 40)) * 0.01, rel=1e-2)

    resumed_dir = tmp_path / "resumed"
    part = train.train(resumed_dir, cfg, d, d, steps=start + 10, **kw)
    assert part["stopped"] == "steps" and part["anneal_start"] == start
    rest = train.train(resumed_dir, cfg, d, d, steps=400, **kw)
    assert rest["stopped"] == "converged" and rest["steps"] == start + 20 and rest["anneal_start"] == start
    saved = json.loads((resumed_dir / "history.json").read_text())
    assert saved["anneal"]["start"] == start


def test_state_is_small_and_resuming_with_other_settings_is_refused(tmp_path):
    from factory import resume, train
    from factory.data import FactoryError
    from factory.model import Config, count_params

    d = _data()
    cfg = Config(channels=16)
    res = train.train(tmp_path, cfg, d, d, steps=10, batch=4, progress=False, lr_decay_steps=1000)
    params = count_params(res["decoder"])
    # weights + two Adam slots in float32 (12 bytes a parameter) + header, compressed
    assert (tmp_path / resume.STATE_FILE).stat().st_size < 12 * params + 20_000
    with pytest.raises(FactoryError, match="lr_decay_steps: saved 1000, now 2000"):
        train.train(tmp_path, cfg, d, d, steps=20, batch=4, progress=False, lr_decay_steps=2000)
    with pytest.raises(FactoryError, match="config"):
        train.train(tmp_path, Config(channels=24), d, d, steps=20, batch=4, progress=False,
                    lr_decay_steps=1000)
