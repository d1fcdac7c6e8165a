"""Idiom on a sung phrase no model trained on: does each instrument play like itself and still
follow the singer? `python -m bench.run --only idiom` (node renders, numpy measures).

The phrase (IDIOM_PHRASE, tests.signals.sung_take): raga Yaman on Sa A3, meend up to 5 semitones
(every legato note glides in 120 ms), 50-cent vibrato, consonants ('k', 't') and rests between
some notes. Each instrument renders it with the engine the default page runs on the audio thread
(factory/engine_render.py, scripts/render-engine.mjs: plain-JS decoder and synth, 1-frame blocks,
the idiom), with the raga's keys.
The output is measured, not the controls:
- pitch (librosa.pyin on the output) against the sung pitch after the engine's octave shift
  (keyed instruments: against the nearest key of it), at the output lag (0-6 frames) that fits
  best: the share of frames more than 50 cents off, where the gate is open and pyin hears a pitch;
- keyed: the share of those frames within 12 cents of a key of the raga;
- plucked: the output's fall (compute_loudness, as the decoder's scale) 0.6 s after each held
  note's struck peak, and the strikes the output makes (factory.timbre.strikes: where the gate
  opens, and each rise of 6 dB within 40 ms) at articulated notes and inside meends.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from factory.engine_render import render_engine
from factory.timbre import STRIKE_FRAMES, strikes  # what a strike is, as the timbre judge hears it
from tests.signals import sung_take

ROOT = Path(__file__).resolve().parent.parent
SA_MIDI = 57
YAMAN = [0, 2, 4, 6, 7, 9, 11]
# (midi | None rest | consonant, seconds): S G R P (meend of 5) k P D, rest, N S' t D P M' P, rest
IDIOM_PHRASE = [(57, 0.9), (61, 0.6), (59, 0.5), (64, 0.8), ("k", 0.06), (64, 0.7), (66, 0.5), (None, 0.4),
                (68, 0.6), (69, 0.9), ("t", 0.05), (66, 0.6), (64, 0.5), (63, 0.4), (64, 1.0), (None, 0.5)]
VIBRATO_CENTS = 50
HELD_S = 0.7            # a plucked note held this long is measured 0.6 s after its peak


def nearest_key(midi, sa=SA_MIDI, degrees=YAMAN):
    """The nearest key of the scale [same shape as midi]."""
    keys = np.array([sa + d + 12 * o for o in range(-4, 5) for d in degrees], np.float64)
    return keys[np.argmin(np.abs(np.asarray(midi)[..., None] - keys), axis=-1)]


def notes_frames(frame_rate: int):
    """Per note of IDIOM_PHRASE: (start frame, frames, midi, articulated) for sung notes."""
    out, t, prev = [], 0, None
    for m, s in IDIOM_PHRASE:
        n = int(s * frame_rate)
        if isinstance(m, int):
            out.append((t, n, m, prev is None or isinstance(prev, str) or prev == "rest"))
        prev = m if m is not None else "rest"
        t += n
    return out


def best_lag(out_midi, target_midi, mask, max_lag=6):
    """Lag (frames, the output later) with the fewest frames more than 50 cents off."""
    best = None
    for lag in range(max_lag + 1):
        o, a, m = out_midi[lag:], target_midi[:len(target_midi) - lag], mask[lag:] & mask[:len(mask) - lag]
        off = float(np.mean(np.abs(o[m] - a[m]) > 0.5)) if m.any() else 1.0
        if best is None or off < best[1]:
            best = (lag, off, m.sum())
    return best


def measure(meta: dict, audio: np.ndarray, asked_hz: np.ndarray, gate: np.ndarray, sung_hz: np.ndarray) -> dict:
    import librosa

    from factory.data import compute_loudness

    rate, hop, fps = meta["sample_rate"], meta["hop_samples"], meta["frame_rate"]
    n = min(len(asked_hz), len(audio) // hop, len(sung_hz))
    f0, voiced, _ = librosa.pyin(audio[: n * hop], fmin=70, fmax=2200, sr=rate, frame_length=1024, hop_length=hop,
                                 center=True)
    f0, voiced = np.nan_to_num(f0[:n]), voiced[:n] & (gate[:n] >= 1)
    sung = sung_hz[:n]
    ok = voiced & (sung > 0) & (asked_hz[:n] > 0)
    octaves = np.round(np.log2(np.where(ok, asked_hz[:n], 1) / np.where(ok, sung, 1)))  # whole octaves (mapping)
    target = np.where(ok, 69 + 12 * np.log2(np.maximum(sung, 1) / 440) + 12 * octaves, 0)
    keyed = meta.get("playing", {}).get("idiom") == "keyed"
    if keyed:
        target = nearest_key(target)
    out_midi = 69 + 12 * np.log2(np.maximum(f0, 1) / 440)
    lag, off, frames = best_lag(out_midi, target, ok)
    row = {"id": meta["id"], "idiom": meta.get("playing", {}).get("idiom", "voice"), "frames": int(frames),
           "lag_frames": lag, "off_50_cents": off}
    if keyed:
        on_key = np.abs(out_midi[ok] - nearest_key(out_midi[ok])) <= 0.12
        row["on_key_12_cents"] = float(on_key.mean())
    if row["idiom"] == "plucked":
        ld = compute_loudness(audio[: n * hop], rate)[:n]
        struck = strikes(audio[: n * hop], np.where(gate[:n] >= 1, asked_hz[:n], 0))
        drops, at_articulated, in_meend = [], 0, 0
        for start, length, _, articulated in notes_frames(fps):
            # a strike belongs to the note it starts (its level needs STRIKE_FRAMES to rise, and the
            # output lags the voice by a few frames); any later one is inside the note: in a meend
            here = [i for i in struck if start - 2 <= i < start + length]
            at_start = any(i <= start + STRIKE_FRAMES + 8 for i in here)
            at_articulated += int(articulated and at_start)
            in_meend += int(not articulated and at_start) + sum(1 for i in here if i > start + STRIKE_FRAMES + 8)
            if articulated and length / fps >= HELD_S:
                seg = ld[start:start + length]
                peak = start + int(np.argmax(seg[:int(0.1 * fps)]))
                drops.append(float(ld[peak] - ld[peak + int(0.6 * fps)]))
        row.update(decay_db_at_0_6_s=drops, strikes_at_articulated=at_articulated,
                   articulated_notes=sum(1 for *_, a in notes_frames(fps) if a), strikes_inside_meend=in_meend)
    return row


def bench_idiom(metas: list[dict]) -> dict:
    """Renders IDIOM_PHRASE through every shipped instrument (node) and measures the output."""
    rate = metas[0]["sample_rate"]
    hop = metas[0]["hop_samples"]
    voice, f0, _ = sung_take(IDIOM_PHRASE, sample_rate=rate, seed=5, vibrato_cents=VIBRATO_CENTS)
    rows = []
    answers = render_engine(voice, scale={"saMidi": SA_MIDI, "degrees": YAMAN})
    for meta in metas:
        r = answers[meta["id"]]
        row = measure(meta, r["audio"], r["asked_f0_hz"], r["gate"], f0[::hop])
        rows.append(row)
        print("  idiom", json.dumps(row))
    return {"phrase": IDIOM_PHRASE, "sa_midi": SA_MIDI, "degrees": YAMAN, "vibrato_cents": VIBRATO_CENTS, "rows": rows}


def idiom_section(r: dict) -> list[str]:
    L = ["## Idiom: a sung phrase no model trained on", "",
         (f"Raga Yaman on Sa A3 (MIDI {r['sa_midi']}), meend up to 5 semitones (legato notes glide in 120 ms), "
         f"{r['vibrato_cents']}-cent vibrato, consonants and rests (`bench/idiom.py` IDIOM_PHRASE), through each "
         "instrument with the engine the default page runs on the audio thread (plain-JS decoder, 1-frame blocks, the "
         "instrument's idiom, the raga's keys). Measured on the output: pitch by pyin against the sung pitch after the "
         "octave shift (keyed: against its nearest key), at the best output lag; decay by compute_loudness. "
         "`python -m bench.run --only idiom` reproduces."), "",
         "| instrument | idiom | frames > 50 cents off (lag) | on a key within 12 cents | decay 0.6 s into held notes "
         "(dB) | strikes at articulated notes | strikes inside a meend |",
         "|---|---|---|---|---|---|---|"]
    for x in r["rows"]:
        key = f"{100 * x['on_key_12_cents']:.1f} %" if "on_key_12_cents" in x else "–"
        decay = ", ".join(f"{d:.1f}" for d in x["decay_db_at_0_6_s"]) if "decay_db_at_0_6_s" in x else "–"
        strikes = f"{x['strikes_at_articulated']} of {x['articulated_notes']}" if "articulated_notes" in x else "–"
        meend = str(x["strikes_inside_meend"]) if "strikes_inside_meend" in x else "–"
        L.append(f"| {x['id']} | {x['idiom']} | {100 * x['off_50_cents']:.1f} % ({x['lag_frames']}) | {key} | "
                 f"{decay} | {strikes} | {meend} |")
    return L + [""]
