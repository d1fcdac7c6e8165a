"""The outside ear: a music tagger trained on real recordings says what an instrument sounds like.

The ear is musicnn 0.1.0 (PyPI `musicnn`, Pons & Serra 2019), its MTT_musicnn model: a CNN over
96-band log-mel spectrograms (16 kHz, 512-point FFT, hop 256) of 3 s windows, trained on
MagnaTagATune (real recordings) to give 50 tags a sigmoid score each (`TAGS`). Its weights ship
inside the wheel, so nothing is fetched at run time. Nothing of ours trained on it and it never
heard our models' teachers: it judges by what real instruments and singers sound like.

musicnn builds a TensorFlow 1 graph and disables eager execution when imported, which would break
any TF 2 code in the same process (training, the factory's decoders), so `listen` runs it in a
child process (`python -m factory.ear WINDOWS.npz SCORES.json`).

Judgements (bars of issue 19):
- top tags: the TOP_N highest mean scores of a clip;
- voice: the sum of the scores of VOICE_TAGS, of an instrument's output as a ratio to the sung
  voice's own (`voice_ratio`); the output no longer sounds like a singer at ≤ VOICE_RATIO_MAX;
- the kind: each instrument names the tags the ear must hear among a clip's TOP_N (its kind) and
  those it must not (`KINDS`).
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL = "MTT_musicnn"
PACKAGE = "musicnn==0.1.0"
EAR_RATE = 16000          # musicnn's configuration.SR
WINDOW_S = 3.0            # the input length the MTT models were trained on
WINDOW_HOP_S = 1.5        # windows overlap by half: every part of a clip is heard twice
LEVEL_DBFS = -20.0        # every clip is levelled to this RMS first: the log-mel input depends on level
TOP_N = 3

# The 50 MagnaTagATune tags, in the model's output order (musicnn/configuration.py MTT_LABELS).
TAGS = ("guitar", "classical", "slow", "techno", "strings", "drums", "electronic", "rock", "fast", "piano",
        "ambient", "beat", "violin", "vocal", "synth", "female", "indian", "opera", "male", "singing", "vocals",
        "no vocals", "harpsichord", "loud", "quiet", "flute", "woman", "male vocal", "no vocal", "pop", "soft",
        "sitar", "solo", "man", "classic", "choir", "voice", "new age", "dance", "male voice", "female vocal",
        "beats", "harp", "cello", "no voice", "weird", "country", "metal", "female voice", "choral")

# Every tag that says a person sings (opera and choir included: singing, whatever the style);
# the "no vocal(s)"/"no voice" tags are left out (they say the opposite).
VOICE_TAGS = ("vocal", "vocals", "singing", "voice", "female", "male", "woman", "man", "female vocal",
              "male vocal", "female voice", "male voice", "opera", "choir", "choral")
VOICE_RATIO_MAX = 0.4


@dataclass(frozen=True)
class Kind:
    """What the ear must hear in an instrument (each tag among the output's TOP_N) and must not."""

    hears: tuple[str, ...] = ()
    not_hears: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [", ".join(self.hears)] if self.hears else []
        parts += [f"not {', '.join(self.not_hears)}"] if self.not_hears else []
        return "; ".join(parts)


# The kind of each instrument (issue 19): a flute in the bansuri, a sitar in the sitar, Indian
# music in the sarangi and the shehnai (MagnaTagATune has no sarangi or shehnai tag), and no bowed
# string (violin, cello) in the harmonium (no organ or harmonium tag either).
KINDS = {
    "bansuri": Kind(hears=("flute",)),
    "sitar": Kind(hears=("sitar",)),
    "sarangi": Kind(hears=("indian",)),
    "shehnai": Kind(hears=("indian",)),
    "harmonium": Kind(not_hears=("violin", "cello")),
}


class EarError(RuntimeError):
    """The ear cannot listen; the message says why and what to do."""


def require_musicnn() -> None:
    if importlib.util.find_spec("musicnn") is None:
        raise EarError(f"the outside ear needs the PyPI package {PACKAGE} (its metadata pins numpy<1.17, which "
                       f"it does not need): pip install --no-deps {PACKAGE}  (make install-test does this)")


def to_ear(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """audio [n] at sample_rate → [m] float32 at EAR_RATE with an RMS of LEVEL_DBFS."""
    from math import gcd

    from scipy.signal import resample_poly

    audio = np.asarray(audio, dtype=np.float64).reshape(-1)
    if audio.size == 0 or not np.isfinite(audio).all():
        raise EarError("a clip for the ear is empty or has NaN/infinite samples")
    if sample_rate != EAR_RATE:
        g = gcd(int(sample_rate), EAR_RATE)
        audio = resample_poly(audio, EAR_RATE // g, int(sample_rate) // g)
    rms = float(np.sqrt(np.mean(audio ** 2)))
    if rms < 1e-6:
        raise EarError("a clip for the ear is silent")
    return (audio * (10 ** (LEVEL_DBFS / 20) / rms)).astype(np.float32)


def listen(clips: dict[str, tuple[np.ndarray, int]], timeout_s: float = 600.0) -> dict[str, dict[str, float]]:
    """{name: (audio [n], sample_rate)} → {name: {tag: mean score over the clip's 3 s windows}},
    the 50 TAGS each. The log-mel windows are computed here, the network runs in a child process."""
    require_musicnn()
    if not clips:
        return {}
    with tempfile.TemporaryDirectory(prefix="swara-ear-") as tmp:
        src, dst = Path(tmp) / "windows.npz", Path(tmp) / "scores.json"
        names = list(clips)
        np.savez(src, **{f"clip{i}": windows(log_mel(to_ear(*clips[name]))) for i, name in enumerate(names)})
        done = subprocess.run([sys.executable, "-m", "factory.ear", str(src), str(dst)], capture_output=True,
                              text=True, timeout=timeout_s, cwd=Path(__file__).resolve().parent.parent)
        if done.returncode != 0:
            raise EarError(f"the ear ({MODEL}) failed with status {done.returncode}: {done.stderr[-2000:]}")
        scores = json.loads(dst.read_text())
    return {name: scores[f"clip{i}"] for i, name in enumerate(names)}


def top_tags(scores: dict[str, float], n: int = TOP_N) -> list[tuple[str, float]]:
    """The n highest-scoring tags, highest first: [(tag, score)]."""
    return sorted(scores.items(), key=lambda kv: -kv[1])[:n]


def voice_score(scores: dict[str, float]) -> float:
    """How much the ear hears a singer: the sum of the VOICE_TAGS' scores."""
    return float(sum(scores[t] for t in VOICE_TAGS))


def voice_ratio(output: dict[str, float], voice: dict[str, float]) -> float:
    """The output's voice score as a fraction of the sung voice's own."""
    return voice_score(output) / max(voice_score(voice), 1e-9)


def hears_kind(kind: Kind, scores: dict[str, float], n: int = TOP_N) -> bool:
    """Every tag of kind.hears among the top n, none of kind.not_hears."""
    top = {t for t, _ in top_tags(scores, n)}
    return all(t in top for t in kind.hears) and not any(t in top for t in kind.not_hears)


def judge(instrument: str, output: dict[str, float], voice: dict[str, float]) -> dict:
    """The bars of issue 19 for one instrument's output: {voice_ratio, voice_ok, kind, kind_ok (None
    without a KINDS entry), ok}."""
    ratio = voice_ratio(output, voice)
    kind = KINDS.get(instrument)
    kind_ok = hears_kind(kind, output) if kind else None
    return {"voice_ratio": round(ratio, 3), "voice_ok": ratio <= VOICE_RATIO_MAX,
            "kind": kind.describe() if kind else None, "kind_ok": kind_ok,
            "ok": ratio <= VOICE_RATIO_MAX and kind_ok is not False}


# ---- the input (musicnn.extractor.batch_data's, from an array) and the child process ----

def _frames(seconds: float) -> int:
    """STFT frames of the ear's input in `seconds` (as musicnn.extractor counts them)."""
    import librosa
    from musicnn import configuration as config  # no TensorFlow in it

    return int(librosa.time_to_frames(seconds, sr=config.SR, n_fft=config.FFT_SIZE, hop_length=config.FFT_HOP))


def log_mel(audio: np.ndarray) -> np.ndarray:
    """audio [n] at EAR_RATE → [frames, 96], as musicnn.extractor.batch_data computes it."""
    import librosa
    from musicnn import configuration as config

    mel = librosa.feature.melspectrogram(y=audio, sr=config.SR, hop_length=config.FFT_HOP,
                                         n_fft=config.FFT_SIZE, n_mels=config.N_MELS).T
    return np.log10(10000 * mel.astype(np.float16) + 1).astype(np.float32)


def windows(rep: np.ndarray) -> np.ndarray:
    """[frames, 96] → [k, n, 96]: windows of WINDOW_S every WINDOW_HOP_S, the last one ending at the
    clip's end; a clip shorter than a window is repeated to fill it (the model's training padding)."""
    n, hop = _frames(WINDOW_S) + 1, _frames(WINDOW_HOP_S)
    if len(rep) < n:
        rep = np.concatenate([rep] * (n // len(rep) + 1))[:n]
    starts = list(range(0, len(rep) - n + 1, hop))
    if starts[-1] != len(rep) - n:
        starts.append(len(rep) - n)
    return np.stack([rep[s:s + n] for s in starts])


def _hear(batches: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """{name: windows [k, n, 96]} → {name: {tag: mean score}}, MTT_musicnn run here. This disables
    eager execution: only in the child process."""
    import tensorflow as tf
    from musicnn import configuration as config
    from musicnn import models

    if tuple(config.MTT_LABELS) != TAGS:
        raise EarError(f"musicnn's MTT tags are not the ones factory.ear names: is it {PACKAGE}?")
    tf.compat.v1.disable_eager_execution()
    n = next(iter(batches.values())).shape[1]
    with tf.name_scope("model"):
        x = tf.compat.v1.placeholder(tf.float32, [None, n, config.N_MELS])
        is_training = tf.compat.v1.placeholder(tf.bool)
        y = tf.nn.sigmoid(models.define_model(x, is_training, MODEL, len(TAGS))[0])
    weights = Path(importlib.util.find_spec("musicnn").origin).parent / MODEL
    out = {}
    with tf.compat.v1.Session() as sess:
        tf.compat.v1.train.Saver().restore(sess, str(weights) + "/")
        for name, batch in batches.items():
            mean = sess.run(y, feed_dict={x: batch, is_training: False}).mean(axis=0)
            out[name] = {tag: round(float(s), 4) for tag, s in zip(TAGS, mean, strict=True)}
    return out


def main(argv: list[str] | None = None) -> None:
    import os
    import warnings

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.filterwarnings("ignore")  # musicnn's tf.compat.v1.layers deprecation warnings, one per layer
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        raise SystemExit("usage: python -m factory.ear WINDOWS.npz SCORES.json  (log-mel windows: factory.ear.listen)")
    with np.load(args[0]) as npz:
        batches = {name: npz[name] for name in npz.files}
    Path(args[1]).write_text(json.dumps(_hear(batches)))


if __name__ == "__main__":
    main()
