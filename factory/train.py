"""Training: multi-scale spectral loss through the ddsp synths; resumable via CheckpointManager."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from factory.data import FactoryError
from factory.model import Config, Synth, build_decoder

FFT_SIZES = (1024, 512, 256, 128)


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
            for w, v in zip(dec.weights, saved):
                w.assign(v)
    return total / max(count, 1)


def train(work: Path, cfg: Config, train_data: dict, held: dict, steps: int, batch: int = 8,
          lr: float = 1e-3, time_budget_s: float | None = None, progress: bool = True,
          eval_every: int = 250, ckpt_every: int = 100, seed: int = 0, report=None) -> dict:
    """Trains (or resumes) the decoder in `work`; returns the decoder and a summary.

    Stops at `steps` or when `time_budget_s` is spent (resume later to continue). A NaN loss
    stops training, restores the last good checkpoint and raises FactoryError.
    `report(step, train_loss, heldout_loss)` is called at each evaluation (used by Ray Tune).
    """
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    dec = build_decoder(cfg)
    sched = tf.keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=max(steps // 3, 1),
                                                           decay_rate=0.4)
    opt = tf.keras.optimizers.Adam(sched, global_clipnorm=3.0)
    step_var = tf.Variable(0, dtype=tf.int64, name="step")
    ckpt = tf.train.Checkpoint(decoder=dec, optimizer=opt, step=step_var)
    manager = tf.train.CheckpointManager(ckpt, str(work / "ckpt"), max_to_keep=2)
    if manager.latest_checkpoint:
        ckpt.restore(manager.latest_checkpoint).expect_partial()
    hist_path = work / "history.json"
    history = json.loads(hist_path.read_text()) if hist_path.is_file() else {"train": [], "heldout": [], "sec_per_step": []}
    start = int(step_var.numpy())
    history["train"] = [h for h in history["train"] if h[0] <= start]
    history["heldout"] = [h for h in history["heldout"] if h[0] <= start]

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
        opt.apply_gradients(zip(grads, dec.trainable_variables))
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
            if manager.latest_checkpoint:
                ckpt.restore(manager.latest_checkpoint).expect_partial()
            if bar:
                bar.close()
            kept = (f"the last good checkpoint is kept ({manager.latest_checkpoint})" if manager.latest_checkpoint
                    else "there is no checkpoint yet")
            raise FactoryError(f"NaN/inf loss at step {step} in {work}: training stopped; "
                               f"{kept}; lower the learning rate or check the data")
        if step > start:  # the first step traces the graph
            timed += dt
            timed_steps += 1
        step += 1
        step_var.assign(step)
        recent.append(loss)
        if bar:
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.3f}")
        if step % 25 == 0:
            history["train"].append([step, float(np.mean(recent))])
            recent = []
        if step % ckpt_every == 0 or step == steps:
            manager.save(checkpoint_number=step)
            hist_path.write_text(json.dumps(history))
        if step % eval_every == 0 or step == steps:
            h = evaluate(dec, cfg, held, float16=False)
            history["heldout"].append([step, h])
            hist_path.write_text(json.dumps(history))
            if report is not None:
                report(step, history["train"][-1][1] if history["train"] else loss, h)
    if bar:
        bar.close()
    if timed_steps:
        history["sec_per_step"].append([step, timed / timed_steps, batch, n_frames])
    manager.save(checkpoint_number=step)
    hist_path.write_text(json.dumps(history))
    heldout = evaluate(dec, cfg, held)
    sps = [s[1] for s in history["sec_per_step"]]
    return {"decoder": dec, "steps": step, "stopped": stopped, "heldout_loss": heldout,
            "heldout_loss_float32": evaluate(dec, cfg, held, float16=False) if cfg.float16 else heldout,
            "sec_per_step": float(np.mean(sps)) if sps else None, "history": history,
            "batch": batch, "example_frames": n_frames}
