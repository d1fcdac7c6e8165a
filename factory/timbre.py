"""Timbre check: does each instrument sound like the SoundFont preset it learned from?

A sung phrase (factory.voice: glottal pulses, formants, rests, meend, vibrato) goes through an
instrument; its output is compared with SoundFont presets playing the same melody (the pitch the
engine asked of the instrument, frame by frame) by two distances that ignore pitch and loudness:

- harmonic profile: amplitude of harmonic k (k = 1 … N_HARMONICS, at the known f0) in dB relative
  to the frame's strongest harmonic, averaged over the analysed frames; distance = mean |difference|
  in dB over the harmonics both signals have (below HARMONIC_MAX_HZ);
- MFCC: mean of c1 … c12 (c0, the level, left out) over the analysed frames; distance = Euclidean.

Frames analysed: voiced, ≥ EDGE_FRAMES from a note onset/offset, within LEVEL_RANGE_DB of the
loudest. `profile` works on any 16 kHz audio; `render_model` is a Python rendering of the engine's
offline path (same decoder graph as shipped, same ddsp synths, the engine's octave and loudness
mapping; the sung f0 as generated rather than tracked); the benchmark (`bench/sections/timbre.py`) feeds the
real browser engine's output to `profile`.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factory.analysis import LOUDNESS_FLOOR_DB
from factory.dsp import HOP, SAMPLE_RATE

N_HARMONICS = 16
HARMONIC_MAX_HZ = 7600.0      # below the 8 kHz Nyquist of the 16 kHz models
FLOOR_DB = -50.0              # weaker harmonics count as -50 dB (noise, not timbre)
N_FFT = 1024                  # 64 ms: resolves harmonics of f0 ≥ ~120 Hz
STFT_HOP = 4 * HOP            # every 4th control frame
EDGE_FRAMES = 12              # skip 48 ms after onsets / before offsets (attack, release)
LEVEL_RANGE_DB = 25.0
MIN_FRAMES = 10               # a harmonic needs this many analysed frames to count
N_MFCC = 13                   # c0 … c12; c0 dropped
GATE_DB = -40.0               # mapping.js default gateDb: quieter input frames are silence
SINGER_MIDI = 57.0            # mapping.js's initial singer pitch estimate (A3)
PLUCK_SETTLE_FRAMES = 25      # 100 ms: a plucked preset plucks notes held at least this long
STRIKE_RISE_DB = 6.0          # an answer's level rising this much within STRIKE_FRAMES: its string was struck
STRIKE_FRAMES = 10            # 40 ms

# The sung phrase (midi, seconds; None = rest): steps, a leap, glides between notes, two rests.
PHRASE = [(57, 0.9), (59, 0.6), (60, 0.9), (None, 0.35), (62, 0.8), (64, 0.6), (62, 0.5),
          (60, 0.9), (None, 0.35), (57, 0.7), (55, 0.6), (57, 1.1), (None, 0.4)]

# Seven GM presets: the five instruments' own and two other winds (FluidR3_GM, bank 0).
PRESETS = {"Shanai": 111, "Violin": 40, "Pan Flute": 75, "Reed Organ": 20, "Sitar": 104,
           "Flute": 73, "Clarinet": 71}


@dataclass
class Profile:
    harmonics_db: np.ndarray   # [N_HARMONICS] dB re the strongest harmonic; NaN where unmeasured
    mfcc: np.ndarray           # [N_MFCC - 1] mean c1 … c12
    frames: int                # frames analysed


def sung_voice(seconds_scale: float = 1.0, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The phrase sung at 16 kHz → (audio [n] float32, f0_hz per control frame [n // HOP], 0 in rests)."""
    from factory.voice import sung_phrase

    audio, f0, _ = sung_phrase([(m, s * seconds_scale) for m, s in PHRASE], sample_rate=SAMPLE_RATE,
                               seed=seed)
    n = len(audio) // HOP
    return audio[: n * HOP], f0[: n * HOP: HOP][:n].astype(np.float32)


def analysis_frames(f0_hz: np.ndarray, n_stft: int) -> np.ndarray:
    """Indices of STFT frames inside steady voiced stretches of f0_hz [control frames]."""
    voiced = np.asarray(f0_hz) > 0
    # distance (in control frames) to the nearest unvoiced frame
    steady = voiced.copy()
    for shift in range(1, EDGE_FRAMES + 1):
        steady[shift:] &= voiced[:-shift]
        steady[:-shift] &= voiced[shift:]
    idx = np.arange(n_stft) * (STFT_HOP // HOP)
    ok = idx < len(f0_hz)
    ok[ok] = steady[idx[ok]]
    return np.nonzero(ok)[0]


def profile(audio: np.ndarray, f0_hz: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Profile:
    """Timbre profile of `audio` [n] (16 kHz) whose pitch per control frame is f0_hz [n // HOP]."""
    import librosa

    if sample_rate != SAMPLE_RATE:
        raise ValueError(f"profile expects {SAMPLE_RATE} Hz audio, got {sample_rate}")
    audio = np.asarray(audio, dtype=np.float32)
    mag = np.abs(librosa.stft(audio, n_fft=N_FFT, hop_length=STFT_HOP, window="hann", center=True))
    frames = analysis_frames(f0_hz, mag.shape[1])
    if frames.size:
        energy_db = 10 * np.log10(np.sum(mag[:, frames] ** 2, axis=0) + 1e-12)
        frames = frames[energy_db >= energy_db.max() - LEVEL_RANGE_DB]
    bin_hz = SAMPLE_RATE / N_FFT
    per_frame = np.full((frames.size, N_HARMONICS), np.nan)
    for row, j in enumerate(frames):
        f0 = float(f0_hz[j * (STFT_HOP // HOP)])
        amps = np.full(N_HARMONICS, np.nan)
        for k in range(1, N_HARMONICS + 1):
            if k * f0 > HARMONIC_MAX_HZ:
                break
            lo = int(np.floor((k - 0.4) * f0 / bin_hz))
            hi = int(np.ceil((k + 0.4) * f0 / bin_hz)) + 1
            amps[k - 1] = mag[lo:hi, j].max()
        db = 20 * np.log10(amps + 1e-9)
        per_frame[row] = np.maximum(db - np.nanmax(db), FLOOR_DB)
    counts = np.sum(np.isfinite(per_frame), axis=0)
    with warnings.catch_warnings():  # all-NaN columns (harmonics above HARMONIC_MAX_HZ) stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_db = np.nanmean(per_frame, axis=0) if frames.size else np.full(N_HARMONICS, np.nan)
    mean_db[counts < MIN_FRAMES] = np.nan
    mfcc = librosa.feature.mfcc(y=audio, sr=SAMPLE_RATE, n_mfcc=N_MFCC, n_fft=N_FFT,
                                hop_length=STFT_HOP, n_mels=40, fmax=SAMPLE_RATE / 2)
    mfcc_mean = mfcc[1:, frames].mean(axis=1) if frames.size else np.full(N_MFCC - 1, np.nan)
    return Profile(mean_db, mfcc_mean, int(frames.size))


def harmonic_distance_db(a: Profile, b: Profile) -> float:
    """Mean |difference| (dB) of the harmonic profiles over the harmonics both measured."""
    both = np.isfinite(a.harmonics_db) & np.isfinite(b.harmonics_db)
    if not both.any():
        return float("nan")
    return float(np.mean(np.abs(a.harmonics_db[both] - b.harmonics_db[both])))


def mfcc_distance(a: Profile, b: Profile) -> float:
    return float(np.linalg.norm(a.mfcc - b.mfcc))


def preset_style(program: int):
    """How a preset plays the melody: the Style of the instrument trained on it (factory.data),
    else sustained (the two extra winds)."""
    from factory import data as fdata
    from factory.dsp import Style

    for inst in fdata.INSTRUMENTS.values():
        if any(c.program == program for c in inst.teachers):
            return inst.style
    return Style(low_midi=0, high_midi=127)


def strikes(audio: np.ndarray, f0_hz: np.ndarray) -> list[int]:
    """Control frames where an answer [n] (16 kHz) playing f0_hz [n // HOP] strikes its string: each
    voiced stretch's first frame, and inside one each rise of its level (compute_loudness) by
    STRIKE_RISE_DB within STRIKE_FRAMES (the rise's first such frame)."""
    from factory.data import compute_loudness

    f0_hz = np.asarray(f0_hz)
    ld = compute_loudness(np.asarray(audio, np.float32))
    n = min(len(ld), len(f0_hz))
    voiced = f0_hz[:n] > 0
    out, rising = [], False
    for i in range(n):
        if not voiced[i]:
            rising = False
            continue
        if i == 0 or not voiced[i - 1]:
            out.append(i)
            continue
        rise = ld[i] - ld[max(0, i - STRIKE_FRAMES):i].min() >= STRIKE_RISE_DB
        if rise and not rising and i - out[-1] > STRIKE_FRAMES:
            out.append(i)
        rising = rise
    return out


def melody_score(f0_hz: np.ndarray, velocity: int = 100, expression: float = 110.0, style=None,
                 struck: list[int] | None = None):
    """A factory.dsp.Score that plays the pitch contour f0_hz [control frames] (0 = rest), the
    way the instrument is played:

    - sustained (default): one key per voiced stretch (its median pitch), the contour as pitch
      bend (±12 semitones): glides between notes are meend on one breath or bow;
    - plucked (style.sustained False, the sitar), with `struck` (frames, see `strikes`): plucked
      there, as the answer being judged was, and left to ring, the contour bending the string in
      between (a meend inside a stroke);
    - plucked without `struck`: a pluck at each new note (the contour's semitone, median over
      PLUCK_SETTLE_FRAMES, changes and holds that long) and re-plucks every mean style.pluck_s
      within a note, as the training scores play.
    """
    from factory.dsp import FRAME_RATE, Score, hz_to_midi

    f0_hz = np.asarray(f0_hz, dtype=np.float64)
    n = len(f0_hz)
    key = np.full(n, -1, np.int16)
    bend = np.zeros(n, np.float32)
    onsets = []
    voiced = f0_hz > 0
    plucked = style is not None and not style.sustained
    repluck = int(round(np.mean(style.pluck_s) * FRAME_RATE)) if plucked else 0
    hits = set(struck or ())
    edges = np.diff(np.concatenate([[0], voiced.astype(np.int8), [0]]))
    for start, stop in zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0], strict=True):
        midi = hz_to_midi(f0_hz[start:stop])
        if not plucked:
            k = int(np.round(np.median(midi)))
            key[start:stop] = k
            bend[start:stop] = np.clip(midi - k, -12, 12)
            onsets.append((int(start), k, velocity))
            continue
        # the note being played: the semitone of the contour's running median (past vibrato)
        half = PLUCK_SETTLE_FRAMES // 2
        note = np.array([np.round(np.median(midi[max(0, i - half):i + half + 1])) for i in range(len(midi))])
        if struck is not None:
            k = None
            for i in range(len(midi)):
                if k is None or start + i in hits:
                    k = int(note[i])
                    onsets.append((int(start + i), k, velocity))
                key[start + i] = k
                bend[start + i] = np.clip(midi[i] - k, -12, 12)
            continue
        # a semitone held < PLUCK_SETTLE_FRAMES is passed through in a glide, not plucked
        runs = np.split(np.arange(len(midi)), np.nonzero(np.diff(note))[0] + 1)
        k, last = None, 0
        for run in runs:
            if k is None or (len(run) >= PLUCK_SETTLE_FRAMES and int(note[run[0]]) != k):
                k, last = int(note[run[0]]), run[0]
                onsets.append((int(start + last), k, velocity))
            for i in run:
                if i - last >= repluck:
                    last = i
                    onsets.append((int(start + i), k, velocity))
                key[start + i] = k
                bend[start + i] = np.clip(midi[i] - k, -12, 12)
    return Score(key=key, bend=bend, expression=np.full(n, expression, np.float32), onsets=onsets)


def render_preset(f0_hz: np.ndarray, program: int, soundfont: str = "FluidR3_GM.sf2",
                  expression: float = 110.0, struck: list[int] | None = None) -> np.ndarray:
    """FluidSynth playing the contour f0_hz [control frames] with a GM preset, the way its
    instrument is played (preset_style; a plucked one struck at `struck`) → 16 kHz audio."""
    from factory import data as fdata

    return render_teacher(f0_hz, fdata.Preset(soundfont, program, f"program {program}"), expression, struck)


def render_teacher(f0_hz: np.ndarray, teacher, expression: float = 110.0,
                   struck: list[int] | None = None) -> np.ndarray:
    """A teacher (factory.data.Preset: a SoundFont preset, through its body if it has one)
    playing the contour f0_hz [control frames] the way its instrument is played (a plucked one
    struck at `struck`, the frames where the answer it is compared with was) → 16 kHz audio."""
    from factory import data as fdata

    style = preset_style(teacher.program)
    return fdata.render(melody_score(f0_hz, expression=expression, style=style, struck=struck), teacher)


def teacher_label(teacher) -> str:
    """A teacher's column name: a plain FluidR3_GM preset by its name (as PRESETS), else with
    its SoundFont and body (e.g. 'Cello (MuseScore) + sarangi body')."""
    sf = "" if teacher.soundfont == "FluidR3_GM.sf2" else f" ({teacher.soundfont.split('_')[0].split('.')[0]})"
    return f"{teacher.preset}{sf}" + (f" + {teacher.body} body" if teacher.body else "")


def own_teachers(meta: dict) -> dict:
    """{label: Preset} of the teachers a model's metadata names, its first teacher first
    (source.teachers; a one-teacher model: source's soundfont, program, preset)."""
    from factory import data as fdata

    src = meta.get("source") or {}
    if src.get("teachers"):
        teachers = [fdata.Preset.from_dict(t) for t in src["teachers"]]
    elif "program" in src:
        teachers = [fdata.Preset(src["soundfont"], int(src["program"]), src.get("preset", f"program {src['program']}"),
                                 int(src.get("bank", 0)))]
    else:
        return {}
    return {teacher_label(t): t for t in teachers}


def engine_inputs(meta: dict, voice: np.ndarray, f0_hz: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the engine asks of the instrument (static/js/engine/mapping.js, settled), from the voice
    [n] at 16 kHz and its known f0_hz [n // HOP] (not the engine's tracker): the sung f0 moved by
    whole octaves nearest the instrument's mean pitch, the sung loudness mapped onto the
    instrument's mean and spread; gated frames silent.

    → (asked f0_hz [T] (0 where gated), loudness_db [T], f0_hz [T] with gaps held (the decoder's
    input: it never sees 0 Hz)).
    """
    from factory import data as fdata
    from factory.dsp import fill_unvoiced, hz_to_midi

    ld = fdata.compute_loudness(voice)
    n = min(len(ld), len(f0_hz))
    ld, f0_hz = ld[:n], np.asarray(f0_hz[:n], dtype=np.float64)
    voiced = (f0_hz > 0) & (ld > GATE_DB)
    singer_midi = float(np.mean(hz_to_midi(f0_hz[voiced]))) if voiced.any() else SINGER_MIDI
    octaves = round((meta["f0_stats"]["mean_midi"] - singer_midi) / 12)
    mean, std = float(ld[voiced].mean()), float(ld[voiced].std()) + 1e-6
    ratio = min(2.0, max(0.5, meta["loudness_stats"]["std_db"] / std))
    mapped_ld = np.clip(meta["loudness_stats"]["mean_db"] + (ld - mean) * ratio, LOUDNESS_FLOOR_DB, 0.0)
    mapped_ld = np.where(voiced, mapped_ld, LOUDNESS_FLOOR_DB)
    mapped_f0 = np.where(voiced, f0_hz * 2.0 ** octaves, 0.0)
    return mapped_f0.astype(np.float32), mapped_ld.astype(np.float32), fill_unvoiced(mapped_f0)


def render_model(model_dir: Path, voice: np.ndarray, f0_hz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The instrument in model_dir answering the voice, rendered in Python (decoder graph as
    shipped, ddsp synths at the model's rate) → (audio [n] resampled to 16 kHz, asked f0_hz [T],
    0 where gated)."""
    import json

    import tensorflow as tf

    from factory.model import Config, Synth
    from factory.stream import run_whole, shipped_graph

    meta = json.loads((Path(model_dir) / "metadata.json").read_text())
    asked, ld, f0_filled = engine_inputs(meta, voice, f0_hz)
    f0 = f0_filled[None, :, None].astype(np.float32)
    controls = run_whole(shipped_graph(model_dir), meta["streaming"], f0, ld[None, :, None].astype(np.float32))
    controls = {k: tf.constant(v) for k, v in controls.items()}
    f0_t = tf.constant(f0)
    tf.random.set_seed(7)
    cfg = Config.from_dict(meta["decoder"])
    audio = np.asarray(Synth(len(ld), cfg)(controls, f0_t))[0]
    if cfg.sample_rate != SAMPLE_RATE:  # the check compares at 16 kHz (harmonics below 7.6 kHz)
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(SAMPLE_RATE, cfg.sample_rate)
        audio = resample_poly(audio, SAMPLE_RATE // g, cfg.sample_rate // g).astype(np.float32)
    return audio, asked


def compare(audio: np.ndarray, asked_f0_hz: np.ndarray, presets: dict | None = None,
            struck: list[int] | None = None) -> list[dict]:
    """Distances of `audio` (playing asked_f0_hz) to each preset playing the same contour, nearest
    first by harmonic profile: [{preset, program, harmonic_db, mfcc}].

    struck: where `audio` struck its string (`strikes`) when it was played with its idiom (the
    engine's pluck envelope): a plucked preset is struck there and left to ring. None (a render
    without the idiom, whose level follows the voice): plucked as the training scores pluck.

    presets: {name: a FluidR3_GM program, or a factory.data.Preset (any teacher)}; default PRESETS."""
    presets = presets or PRESETS
    mine = profile(audio, asked_f0_hz)
    rows = []
    for name, p in presets.items():
        played = (render_preset(asked_f0_hz, p, struck=struck) if isinstance(p, int)
                  else render_teacher(asked_f0_hz, p, struck=struck))
        ref = profile(played, asked_f0_hz)
        rows.append({"preset": name, "program": p if isinstance(p, int) else p.program,
                     "harmonic_db": round(harmonic_distance_db(mine, ref), 2),
                     "mfcc": round(mfcc_distance(mine, ref), 2)})
    return sorted(rows, key=lambda r: r["harmonic_db"])


def compare_model(audio: np.ndarray, asked_f0_hz: np.ndarray, meta: dict, struck: list[int] | None = None) -> dict:
    """A model's output against PRESETS and its own teachers (those not among PRESETS added;
    `struck` as compare's): {rows, verdict (own: its first teacher), teachers: their labels}."""
    teachers = own_teachers(meta)
    rows = compare(audio, asked_f0_hz, {**PRESETS, **{k: t for k, t in teachers.items() if k not in PRESETS}}, struck)
    own = next(iter(teachers), None)
    return {"rows": rows, "verdict": verdict(rows, own, tuple(teachers)) if own else None,
            "teachers": list(teachers)}


def verdict(rows: list[dict], own: str, teachers: tuple = ()) -> dict:
    """Is the nearest preset by each distance `own` (or another of the model's `teachers`)?
    {nearest_harmonic, nearest_mfcc, own_* (distances to `own`), ok}."""
    by_h = min(rows, key=lambda r: r["harmonic_db"])
    by_m = min(rows, key=lambda r: r["mfcc"])
    mine = next(r for r in rows if r["preset"] == own)
    ours = {own, *teachers}
    return {"own": own, "nearest_harmonic": by_h["preset"], "nearest_mfcc": by_m["preset"],
            "own_harmonic_db": mine["harmonic_db"], "own_mfcc": mine["mfcc"],
            "ok": by_h["preset"] in ours and by_m["preset"] in ours}


def render_models(models_dir: Path, names: list[str] | None = None) -> tuple[np.ndarray, dict]:
    """Every model in models_dir (or those named) answering the sung voice, rendered in Python →
    (voice [n] at 16 kHz, {name: {"meta", "audio" [n] at 16 kHz, "asked" f0 [T]}})."""
    import json

    voice, f0 = sung_voice()
    out = {}
    for meta_path in sorted(Path(models_dir).glob("*/metadata.json")):
        name = meta_path.parent.name
        if names and name not in names:
            continue
        audio, asked = render_model(meta_path.parent, voice, f0)
        out[name] = {"meta": json.loads(meta_path.read_text()), "audio": audio, "asked": asked}
    return voice, out


def check_models(models_dir: Path, names: list[str] | None = None, answers: dict | None = None) -> dict:
    """The timbre table for every model in models_dir (Python rendering, or the `answers` of
    render_models): {name: {rows, verdict, teachers}}; each answer gets its "rows" too."""
    answers = answers if answers is not None else render_models(models_dir, names)[1]
    out = {}
    for name, a in answers.items():
        out[name] = compare_model(a["audio"], a["asked"], a["meta"])
        a["rows"] = out[name]["rows"]
    return out


def format_table(results: dict) -> str:
    """Markdown: one row per instrument, harmonic-profile dB / MFCC distance per preset, and to
    its own teachers that are not among the presets."""
    names = list(PRESETS)
    lines = ["| instrument | own preset | " + " | ".join(names) + " | own teachers beyond these "
             "| nearest (harmonics / MFCC) |",
             "| --- | --- | " + " | ".join("---" for _ in names) + " | --- | --- |"]

    def cell(row, own):
        c = f"{row['harmonic_db']:.1f} / {row['mfcc']:.0f}"
        return f"**{c}**" if row["preset"] == own else c

    for inst, r in results.items():
        by = {row["preset"]: row for row in r["rows"]}
        v = r["verdict"] or {}
        cells = [cell(by[p], v.get("own")) if p in by else "" for p in names]
        cells.append("; ".join(f"{row['preset']}: {cell(row, v.get('own'))}" for row in r["rows"]
                               if row["preset"] not in PRESETS) or "–")
        lines.append(f"| {inst} | {v.get('own', '?')} | " + " | ".join(cells)
                     + f" | {v.get('nearest_harmonic', '?')} / {v.get('nearest_mfcc', '?')}"
                     + (" ✓ |" if v.get("ok") else " ✗ |"))
    return "\n".join(lines)

