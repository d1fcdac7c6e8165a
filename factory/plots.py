"""The figures of docs/models.md: loss curves and spectrograms (matplotlib, PNG)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def loss_png(history: dict, path: Path, title: str, plateau=None):
    """Train and held-out loss over steps; with `plateau` (factory.train.Plateau), the last window
    and the best held-out loss before it, so the plateau (or its absence) is visible."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=80)
    if history.get("train"):
        s, v = zip(*history["train"], strict=True)
        ax.plot(s, v, label="train (25-step mean)", lw=0.6, alpha=0.6)
    if history.get("heldout"):
        s, v = zip(*history["heldout"], strict=True)
        ax.plot(s, v, "o-", label="held-out", lw=1.5, ms=2)
        anneal = history.get("anneal")
        if anneal:
            ax.axvspan(anneal["start"], s[-1], color="#cfe3f5", zorder=0,
                       label="final phase: learning rate falling ×0.05")
        if plateau is not None and s[-1] > plateau.window_steps:
            # the window in which the rule fired (before the final phase, if there is one)
            end = anneal["start"] if anneal else s[-1]
            start = end - plateau.window_steps
            before = [h for st, h in history["heldout"] if st <= start]
            ax.axvspan(start, end, color="0.85", zorder=0,
                       label=f"last {plateau.window_steps} steps before the rule fired")
            if before:
                ax.axhline(min(before) * (1 - plateau.min_improvement), color="k", lw=0.8, ls="--",
                           label=f"{plateau.min_improvement:.0%} below the best before it")
        lo, hi = min(v), max(v)
        ax.set_ylim(lo - 0.15 * (hi - lo), hi + 0.3 * (hi - lo))
    ax.set_xlabel("step")
    ax.set_ylabel("multi-scale spectral loss")
    ax.set_title(title)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def spectrogram_png(target: np.ndarray, resynth: np.ndarray, path: Path, title: str, sr: int = 16000):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import scipy.signal

    fig, axes = plt.subplots(2, 1, figsize=(7, 4.5), dpi=64, sharex=True)
    for ax, y, label in ((axes[0], target, "ground truth (held out)"), (axes[1], resynth, "resynthesis")):
        f, t, s = scipy.signal.stft(y, fs=sr, nperseg=512, noverlap=256)
        db = 20 * np.log10(np.abs(s) + 1e-6)
        ax.pcolormesh(t, f / 1000, db, vmin=db.max() - 80, vmax=db.max(), shading="auto", cmap="magma")
        ax.set_ylabel("kHz")
        ax.set_title(f"{title}: {label}", fontsize=9)
    axes[1].set_xlabel("s")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
