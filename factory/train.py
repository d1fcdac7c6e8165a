"""Training: multi-scale spectral loss through the ddsp synths; resumable (factory.resume state),
stopping at a step cap, a time budget or a held-out plateau (Plateau)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from factory import resume
from factory.data import FactoryError
from factory.model import Config, Synth, build_decoder

FFT_SIZES = (1024, 512, 256, 128)


@dataclass
class Plateau:
    """Converged: the best held-out loss improved by < min_improvement (relative) over the last
    window_steps (compared with the best at or before step - window_steps).

    anneal_steps > 0 adds a final low-learning-rate phase: once converged, training goes on for
    anneal_steps while the learning rate falls exponentially to anneal_factor × its value, then
    stops. Without it the run stops wherever the weights happen to be while the loss still swings
    with the learning rate (harmonium: held-out 2.86-3.29 between evaluations at 6.6e-4).
    """

    window_steps: int = 2000
    min_improvement: float = 0.01
    anneal_steps: int = 1000
    anneal_factor: float = 0.05

    def improvement(self, heldout: list) -> float | None:
        """Relative improvement over the last window; None until a full window has been evaluated.

        heldout: [[step, loss], ...] in step order.
        """
        if not heldout:
            return None
        last = heldout[-1][0]
        before = [h for s, h in heldout if s <= last - self.window_steps]
        if not before:
            return None
        best_before = min(before)
        best_now = min(h for _, h in heldout)
        return (best_before - best_now) / best_before

    def converged(self, heldout: list) -> bool:
        imp = self.improvement(heldout)
        return imp is not None and imp < self.min_improvement


class AnnealedSchedule(tf.keras.optimizers.schedules.LearningRateSchedule):
    """`base` (a schedule) × anneal_factor ** ((step - start) / anneal_steps) after `start`
    (start < 0: no annealing yet; set by the training loop when the plateau rule fires)."""

    def __init__(self, base, anneal_steps: int, anneal_factor: float):
        self.base = base
        self.anneal_steps = max(int(anneal_steps), 1)
        self.anneal_factor = float(anneal_factor)
        self.start = tf.Variable(-1, dtype=tf.int64, trainable=False, name="anneal_start")

    def __call__(self, step):
        step = tf.cast(step, tf.int64)
        frac = tf.clip_by_value(tf.cast(step - self.start, tf.float32) / self.anneal_steps, 0.0, 1.0)
        factor = tf.where(self.start >= 0, tf.pow(self.anneal_factor, frac), 1.0)
        return self.base(step) * factor

    def get_config(self):
        return {"anneal_steps": self.anneal_steps, "anneal_factor": self.anneal_factor}


def make_loss():
    import ddsp

    return ddsp.losses.SpectralLoss(fft_sizes=FFT_SIZES, loss_type="L1", mag_weight=1.0,
                                    logmag_weight=1.0)


def _fp16_roundtrip(dec):
    """Weights as TF.js will hold them after --quantize_float16 (for scoring float16 configs)."""
    saved = [w.numpy() for w in dec.weights]
    for w in dec.weights:
        w.assign(tf.cast(tf.cast(w, tf.float16), tf.float32))
    return saved


def evaluate(dec, cfg: Config, held: dict, batch: int = 8, float16: bool | None = None) -> float:
    """Mean held-out multi-scale spectral loss (fixed noise seed; float16-rounded weights if cfg says)."""
    float16 = cfg.float16 if float16 is None else float16
    loss_fn = make_loss()
    n_frames = held["f0_hz"].shape[1]
    synth = Synth(n_frames, cfg)
    saved = _fp16_roundtrip(dec) if float16 else None
    tf.random.set_seed(1234)
    total, count = 0.0, 0
    try:
        for i in range(0, len(held["audio"]), batch):
            f0 = tf.constant(held["f0_hz"][i:i + batch])
            ld = tf.constant(held["loudness_db"][i:i + batch])
            audio = synth(dec(f0, ld), f0)
            n = int(f0.shape[0])
            total += float(loss_fn(held["audio"][i:i + batch], audio)) * n
            count += n
    finally:
        if saved is not None:
            for w, v in zip(dec.weights, saved, strict=True):
                w.assign(v)
    return total / max(count, 1)


def train(work: Path, cfg: Config, train_data: dict, held: dict, steps: int, batch: int = 8,
          lr: float = 1e-3, time_budget_s: float | None = None, progress: bool = True,
          eval_every: int = 250, ckpt_every: int = 100, seed: int = 0, report=None,
          plateau: Plateau | None = None, lr_decay_steps: int | None = None,
          init_from: Path | None = None) -> dict:
    """Trains (or resumes) the decoder whose state lives in `work`; returns the decoder and a summary.

    Stops at `steps` (the cap), when `time_budget_s` is spent (resume later to continue) or, with
    `plateau`, when the held-out loss (evaluated every `eval_every` steps) has converged.
    The learning rate decays ×0.4 every `lr_decay_steps` (default: the saved run's, else
    steps // 3); a resumed run keeps its schedule, and an explicit other value is refused. A NaN loss
    stops training, restores the last good state and raises FactoryError.
    `report(step, train_loss, heldout_loss)` is called at each evaluation (used by Ray Tune).
    init_from: a run with no state yet starts from the decoder weights of that training state
    (fresh optimizer, schedule and loss log; recorded in the log as "init_from").
    The state (factory.resume: weights, Adam slots, loss log) is saved every `ckpt_every` steps.
    """
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    dec = build_decoder(cfg)
    if lr_decay_steps is None and resume.exists(work):
        # A resumed run keeps its schedule, even when the step cap was raised.
        lr_decay_steps = resume.read_header(work)["meta"].get("lr_decay_steps")
    decay = int(lr_decay_steps or max(steps // 3, 1))
    sched = tf.keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=decay, decay_rate=0.4)
    if plateau is not None and plateau.anneal_steps > 0:
        sched = AnnealedSchedule(sched, plateau.anneal_steps, plateau.anneal_factor)
    opt = tf.keras.optimizers.Adam(sched, global_clipnorm=3.0)
    opt.build(dec.trainable_variables)
    meta = {"config": cfg.to_dict(), "lr": lr, "lr_decay_steps": decay, "batch": batch, "seed": seed}
    history = {"train": [], "heldout": [], "sec_per_step": []}
    start = 0
    try:
        if resume.exists(work):
            start, history = resume.restore(work, dec, opt, meta)
        elif init_from is not None:
            at = resume.load_decoder_weights(init_from, dec)
            history["init_from"] = {"state": str(init_from), "step": at}
    except resume.StateError as err:
        raise FactoryError(str(err)) from err

    n_timings = len(history["sec_per_step"])
    # {"start": step, "improvement": plateau improvement then}: the final low-learning-rate phase
    anneal = history.get("anneal")
    if anneal and isinstance(sched, AnnealedSchedule):
        sched.start.assign(int(anneal["start"]))

    def save(at_step):
        # This invocation's mean step time so far (one entry, updated): a killed run keeps it.
        del history["sec_per_step"][n_timings:]
        if timed_steps:
            history["sec_per_step"].append([at_step, timed / timed_steps, batch, n_frames])
        resume.save(work, at_step, dec, opt, history, meta)

    n_frames = train_data["f0_hz"].shape[1]
    synth = Synth(n_frames, cfg)
    loss_fn = make_loss()
    n_train = len(train_data["audio"])
    batch = min(batch, n_train)

    @tf.function(reduce_retracing=True)
    def step_fn(f0, ld, audio):
        with tf.GradientTape() as tape:
            out = synth(dec(f0, ld), f0)
            loss = loss_fn(audio, out)
        grads = tape.gradient(loss, dec.trainable_variables)
        opt.apply_gradients(zip(grads, dec.trainable_variables, strict=True))
        return loss

    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=steps, initial=start, desc=f"train {work.name}", unit="step")
    t_begin = time.time()
    timed, timed_steps, recent = 0.0, 0, []
    step = start
    stopped = "steps"
    while step < steps:
        if anneal and step >= anneal["start"] + (plateau.anneal_steps if plateau else 0):
            stopped = "converged"
            break
        if not anneal and plateau is not None and plateau.converged(history["heldout"]):
            if not isinstance(sched, AnnealedSchedule):
                stopped = "converged"
                break
            anneal = history["anneal"] = {"start": step, "improvement": plateau.improvement(history["heldout"])}
            sched.start.assign(step)
        if time_budget_s is not None and time.time() - t_begin > time_budget_s:
            stopped = "time budget"
            break
        rng = np.random.default_rng(seed * 1_000_003 + step)
        idx = rng.choice(n_train, size=batch, replace=False)
        t0 = time.time()
        loss = float(step_fn(tf.constant(train_data["f0_hz"][idx]),
                             tf.constant(train_data["loudness_db"][idx]),
                             tf.constant(train_data["audio"][idx])))
        dt = time.time() - t0
        if not math.isfinite(loss):
            kept = "there is no checkpoint yet"
            if resume.exists(work):
                resume.restore(work, dec, opt, meta)
                kept = (f"the last good checkpoint is kept ({work / resume.STATE_FILE}, "
                        f"step {resume.read_header(work)['step']})")
            if bar:
                bar.close()
            raise FactoryError(f"NaN/inf loss at step {step} in {work}: training stopped; "
                               f"{kept}; lower the learning rate or check the data")
        if step > start:  # the first step traces the graph
            timed += dt
            timed_steps += 1
        step += 1
        recent.append(loss)
        if bar:
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.3f}")
        if step % 25 == 0:
            history["train"].append([step, float(np.mean(recent))])
            recent = []
        evaluated = step % eval_every == 0 or step == steps
        if evaluated:
            h = evaluate(dec, cfg, held, float16=False)
            history["heldout"].append([step, h])
        if evaluated or step % ckpt_every == 0:
            save(step)
        if evaluated:
            if report is not None:
                report(step, history["train"][-1][1] if history["train"] else loss, h)
    if bar:
        bar.close()
    save(step)
    heldout = evaluate(dec, cfg, held)
    sps = [s[1] for s in history["sec_per_step"]]
    return {"decoder": dec, "steps": step, "stopped": stopped, "heldout_loss": heldout,
            "plateau_improvement": (anneal["improvement"] if anneal else
                                    plateau.improvement(history["heldout"]) if plateau else None),
            "anneal_start": anneal["start"] if anneal else None,
            "heldout_loss_float32": evaluate(dec, cfg, held, float16=False) if cfg.float16 else heldout,
            "sec_per_step": float(np.mean(sps)) if sps else None, "history": history,
            "batch": batch, "example_frames": n_frames}
