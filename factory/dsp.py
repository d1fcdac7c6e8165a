"""Pure DSP for the model factory: raga-like scores and f0 helpers.

Never imports TensorFlow or training code: the scores are plain numpy arrays, one value per
frame (250 frames/s, 64 samples at 16 kHz), so the f0 of every rendered frame is known exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 16000              # the default model rate; a model's own is in its Config / metadata.json
FRAME_RATE = 250
HOP = SAMPLE_RATE // FRAME_RATE  # 64


def hop_samples(sample_rate: int = SAMPLE_RATE) -> int:
    """Samples per control frame at `sample_rate` (must be a whole number: 24 kHz → 96)."""
    if sample_rate <= 0 or sample_rate % FRAME_RATE:
        raise ValueError(f"{sample_rate} Hz is not a whole number of samples per frame at {FRAME_RATE} "
                         f"frames/s (e.g. 16000 or 24000; 22050 would need another frame rate)")
    return sample_rate // FRAME_RATE

# Thaat scales (semitones above Sa), so phrases sound raga-like rather than random.
THAATS = {
    "bilawal": [0, 2, 4, 5, 7, 9, 11],
    "yaman": [0, 2, 4, 6, 7, 9, 11],
    "kafi": [0, 2, 3, 5, 7, 9, 10],
    "bhairav": [0, 1, 4, 5, 7, 8, 11],
    "bhairavi": [0, 1, 3, 5, 7, 8, 10],
    "khamaj": [0, 2, 4, 5, 7, 9, 10],
    "todi": [0, 1, 3, 6, 7, 8, 11],
    "purvi": [0, 1, 4, 6, 7, 8, 11],
}


def hz_to_midi(hz):
    hz = np.asarray(hz, dtype=np.float64)
    return 12.0 * np.log2(np.maximum(hz, 1e-5) / 440.0) + 69.0


def midi_to_hz(midi):
    return 440.0 * 2.0 ** ((np.asarray(midi, dtype=np.float64) - 69.0) / 12.0)


def cents(a_hz, b_hz):
    """Cents of a relative to b (elementwise)."""
    return 1200.0 * np.log2(np.asarray(a_hz, dtype=np.float64) / np.asarray(b_hz, dtype=np.float64))


@dataclass
class Style:
    """How an instrument is played: range, note lengths, ornaments."""

    low_midi: int
    high_midi: int
    note_s: tuple[float, float] = (0.25, 1.4)   # note durations
    phrase_notes: tuple[int, int] = (3, 9)
    rest_s: tuple[float, float] = (0.15, 0.8)
    p_meend: float = 0.35        # glide into the note from the previous one
    max_meend: float = 5.0       # semitones
    p_gamak: float = 0.2         # fast wide oscillation
    p_andolan: float = 0.15      # slow narrow swing
    p_vibrato: float = 0.4
    sustained: bool = True       # False: plucked (re-pluck long notes)
    pluck_s: tuple[float, float] = (0.12, 0.45)


@dataclass
class Score:
    """Frame-wise score. key = held MIDI key (-1 rest); bend in semitones relative to key."""

    key: np.ndarray          # int16 [n]
    bend: np.ndarray         # float32 [n]
    expression: np.ndarray   # float32 [n] 0..127 (CC11)
    onsets: list = field(default_factory=list)  # (frame, key, velocity)

    @property
    def n_frames(self) -> int:
        return int(self.key.shape[0])

    @property
    def voiced(self) -> np.ndarray:
        return self.key >= 0

    def f0_hz(self, fill_rests: bool = True) -> np.ndarray:
        """f0 per frame from key + bend; rests hold the neighbouring note's pitch (or 0)."""
        f0 = np.where(self.voiced, midi_to_hz(self.key.astype(np.float64) + self.bend), 0.0)
        if fill_rests:
            f0 = fill_unvoiced(f0)
        return f0.astype(np.float32)


def fill_unvoiced(f0: np.ndarray) -> np.ndarray:
    """Replaces zeros with the previous voiced value (leading zeros: the first voiced value)."""
    f0 = np.asarray(f0, dtype=np.float64).copy()
    voiced = f0 > 0
    if not voiced.any():
        return f0
    idx = np.where(voiced, np.arange(len(f0)), 0)
    np.maximum.accumulate(idx, out=idx)
    first = np.argmax(voiced)
    idx[:first] = first
    return f0[idx]


def _smooth_step(n: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, max(n, 1))
    return t * t * (3 - 2 * t)


def make_score(seconds: float, style: Style, seed: int = 0) -> Score:
    """Generates expressive monophonic raga-like phrases totalling about `seconds`."""
    rng = np.random.default_rng(seed)
    n_total = int(round(seconds * FRAME_RATE))
    key = np.full(n_total, -1, np.int16)
    bend = np.zeros(n_total, np.float32)
    expr = np.zeros(n_total, np.float32)
    onsets = []
    t = int(rng.uniform(0.05, 0.2) * FRAME_RATE)
    while t < n_total - FRAME_RATE // 2:
        thaat = THAATS[rng.choice(list(THAATS))]
        # Sa somewhere in the lower half of the range.
        span = style.high_midi - style.low_midi
        sa = style.low_midi + int(rng.integers(0, max(1, span // 2 - 2)))
        pitches = [sa + o + 12 * k for k in (-1, 0, 1, 2) for o in thaat]
        pitches = [p for p in pitches if style.low_midi <= p <= style.high_midi]
        if not pitches:
            pitches = [style.low_midi]
        pos = int(rng.integers(0, len(pitches)))
        n_notes = int(rng.integers(style.phrase_notes[0], style.phrase_notes[1] + 1))
        base_expr = rng.uniform(70, 127)
        held = None  # (key) currently sounding within the phrase (for meend)
        prev_pitch = None
        for _ in range(n_notes):
            step = int(rng.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3]))
            pos = int(np.clip(pos + step, 0, len(pitches) - 1))
            pitch = pitches[pos]
            dur = int(rng.uniform(*style.note_s) * FRAME_RATE)
            dur = max(dur, 20)
            end = min(t + dur, n_total)
            if end - t < 10:
                break
            seg = np.arange(end - t)
            b = np.zeros(end - t, np.float64)
            glide = (held is not None and prev_pitch is not None and rng.random() < style.p_meend
                     and abs(pitch - held) <= style.max_meend and abs(pitch - prev_pitch) <= style.max_meend
                     and pitch != round(prev_pitch))
            if glide:
                # Meend: keep the key held, bend from the previous pitch to this one.
                k = held
                g = int(rng.uniform(0.08, 0.4) * FRAME_RATE)
                g = min(g, len(seg) - 1)
                b[:] = pitch - k
                b[:g] = (prev_pitch - k) + (pitch - prev_pitch) * _smooth_step(g)
            else:
                k = pitch
                vel = int(np.clip(rng.normal(95, 18), 40, 127))
                onsets.append((t, k, vel))
                if not style.sustained:
                    # Re-pluck long notes so the sound does not die away.
                    f = t + int(rng.uniform(*style.pluck_s) * FRAME_RATE)
                    while f < end - 10:
                        onsets.append((f, k, int(np.clip(rng.normal(85, 18), 35, 127))))
                        f += int(rng.uniform(*style.pluck_s) * FRAME_RATE)
            # Ornaments on top of the target pitch.
            secs = seg / FRAME_RATE
            r = rng.random()
            onset_ramp = np.clip(secs / 0.15, 0, 1)
            if r < style.p_gamak:
                rate, depth = rng.uniform(3.5, 7.0), rng.uniform(0.5, 2.0)
                b += depth * 0.5 * (1 - np.cos(2 * np.pi * rate * secs)) * onset_ramp * rng.choice([-1, 1])
            elif r < style.p_gamak + style.p_andolan:
                rate, depth = rng.uniform(1.0, 2.5), rng.uniform(0.15, 0.5)
                b += depth * np.sin(2 * np.pi * rate * secs) * onset_ramp
            elif r < style.p_gamak + style.p_andolan + style.p_vibrato:
                rate, depth = rng.uniform(4.5, 6.5), rng.uniform(0.08, 0.35)
                b += depth * np.sin(2 * np.pi * rate * secs) * np.clip(secs / 0.3, 0, 1)
            b = np.clip(b, -11.5, 11.5)
            # Dynamics: swell or fade inside the note on top of the phrase level.
            shape = rng.choice(["flat", "swell", "fade", "arch"])
            x = seg / max(len(seg) - 1, 1)
            env = {"flat": np.ones_like(x), "swell": 0.6 + 0.4 * x, "fade": 1.0 - 0.45 * x,
                   "arch": 0.65 + 0.35 * np.sin(np.pi * x)}[shape]
            key[t:end] = k
            bend[t:end] = b
            expr[t:end] = np.clip(base_expr * env * rng.uniform(0.8, 1.05), 20, 127)
            held, prev_pitch = k, k + b[-1]  # key still down, last sounding pitch
            t = end
            if t >= n_total:
                break
        # Rest between phrases.
        t += int(rng.uniform(*style.rest_s) * FRAME_RATE)
    return Score(key=key, bend=bend, expression=expr, onsets=onsets)
