"""How each instrument is played: metadata.json's "playing" section (docs/models.md).

The engine's mapping stage plays the voice's contour in the instrument's idiom
(static/js/engine/idiom/): a harmonium's keys, a sitar's plucks, a sarangi's bow and taraf, a
wind player's breath. Each model declares its idiom and numbers here, so a new instrument
chooses its own; app/manifest.py checks the section (check_playing) before the page sees it.
A plucked instrument's envelope is measured from its teacher, rendered by the factory's own
renderer (factory.data.render) and measured in the decoder's loudness scale (compute_loudness).

    python -m factory.playing static/models     # (re)writes the section of every shipped model
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from app.manifest import ModelFault, check_playing
from factory import data as fdata
from factory import dsp
from factory.data import FactoryError
from factory.dsp import FRAME_RATE

# An articulated note: a jump of a semitone within 8 ms (a sung meend of 5 semitones over 120 ms
# moves at most half a semitone in 8 ms), or an unvoiced gap of up to 150 ms (a consonant).
STRIKE = {"jump_semitones": 1.0, "jump_ms": 8, "consonant_max_ms": 150}
# Sympathetic strings: a sarangi's taraf rings for seconds; heard 18 dB under a note at its pitch.
TARAF = {"ring_s": 2.5, "level_db": -18}

# How much of a singer's vibrato each instrument plays (static/js/dsp/vibrato-depth.js): the
# oscillation around a trend over one period (180 ms nulls a 5.6 Hz vibrato) at `depth`; moves wider
# than follow_semitones (notes, gamak, fast meend) as sung. A voice's steady 5-7 Hz vibrato is a
# singer's trait: an instrument holds the note and moves it on purpose (docs/models.md, Idiom).
VIBRATO_DEPTH = {"sitar": 0.25, "sarangi": 0.1, "bansuri": 0.5, "shehnai": 0.1}
VIBRATO = {"period_ms": 180, "follow_semitones": 1.0, "follow_db": 6.0}

# The pluck measurement: held notes across the instrument's range, struck at velocity 100.
PLUCK_NOTE_SECONDS = 2.0
PLUCK_VELOCITY = 100
PLUCK_PEAK_WINDOW_S = 0.25      # the attack's peak is searched this long after the note-on
PLUCK_KNEE_S = 0.3              # the string's first energy has died by then
PLUCK_LATE_S = 1.2              # the late decay is measured from the knee to here


def keyed() -> dict:
    """A harmonium: keys of the singer's Sa, a key change in 8 ms, bellows over 120 ms (slower
    than a voice's 5-6 Hz tremolo, which they smooth to a quarter)."""
    return {"idiom": "keyed", "key_change_ms": 8, "key_hysteresis_semitones": 0.3, "bellows_ms": 120}


def plucked(pluck: dict) -> dict:
    """A sitar: `pluck` is measure_pluck's result (attack and two decay rates); a meend bends the
    string up to 5 semitones (and a singer's overshoot) before it is plucked again."""
    return {"idiom": "plucked", **pluck, "strength_ms": 40, "meend_max_semitones": 5.5, "strike": dict(STRIKE),
            "taraf": {**TARAF, "level_db": -22},
            "chikari": {"ring_s": 0.8, "level_db": -14, "octaves": [1, 2], "pick_hz": [1500, 6000],
                        "default_on": False}}


def bowed() -> dict:
    """A sarangi: a bow takes the string in 30 ms; a bow change dips 6 dB over 60 ms; taraf."""
    return {"idiom": "bowed", "attack_ms": 30, "bow_change_ms": 60, "bow_change_db": 6.0,
            "strike": dict(STRIKE), "taraf": dict(TARAF)}


def breath(band_hz: tuple[float, float], level_db: float, onset_db: float = 12.0) -> dict:
    """A wind instrument: breath in `band_hz`, `level_db` under the note for a clean voice,
    `onset_db` more at an onset (the attack's air, fading over onset_ms)."""
    return {"idiom": "breath", "band_hz": list(band_hz), "level_db": level_db, "aperiodicity_ref": 0.1,
            "onset_db": onset_db, "onset_ms": 80, "soft_db_per_db": 0.5, "tongue_db": 4.0, "tongue_ms": 60,
            "strike": dict(STRIKE)}


def _held_note(key: int) -> dsp.Score:
    n = int((PLUCK_NOTE_SECONDS + 0.2) * FRAME_RATE)
    held = np.full(n, -1, np.int16)
    held[: int(PLUCK_NOTE_SECONDS * FRAME_RATE)] = key
    return dsp.Score(key=held, bend=np.zeros(n, np.float32), expression=np.full(n, 127, np.float32),
                     onsets=[(0, key, PLUCK_VELOCITY)])


def pluck_curve(loudness_db: np.ndarray) -> dict:
    """Attack and decay of one struck note from its loudness per frame [n] (note-on at frame 0)."""
    peak = int(np.argmax(loudness_db[: int(PLUCK_PEAK_WINDOW_S * FRAME_RATE)]))
    knee, late = peak + int(PLUCK_KNEE_S * FRAME_RATE), peak + int(PLUCK_LATE_S * FRAME_RATE)
    if late >= len(loudness_db):
        raise FactoryError(f"pluck measurement: the note is shorter than {PLUCK_LATE_S} s after its peak")
    return {"attack_ms": 1000 * (peak + 1) / FRAME_RATE,
            "early_db_per_s": (loudness_db[peak] - loudness_db[knee]) / PLUCK_KNEE_S,
            "late_db_per_s": (loudness_db[knee] - loudness_db[late]) / (PLUCK_LATE_S - PLUCK_KNEE_S)}


def measure_pluck(preset: fdata.Preset, style: dsp.Style) -> dict:
    """A plucked teacher's envelope: the median over held notes every 3 semitones of the range."""
    curves = [pluck_curve(fdata.compute_loudness(fdata.render(_held_note(key), preset)))
              for key in range(style.low_midi, style.high_midi + 1, 3)]
    med = {k: float(np.median([c[k] for c in curves])) for k in curves[0]}
    return {"attack_ms": round(med["attack_ms"], 1),
            "decay_early_db_per_s": round(med["early_db_per_s"], 1),
            "decay_knee_ms": round(1000 * PLUCK_KNEE_S),
            "decay_late_db_per_s": round(med["late_db_per_s"], 1),
            "measured": (f"{preset.soundfont} {preset.preset} (program {preset.program}), {len(curves)} notes "
                         f"MIDI {style.low_midi}-{style.high_midi} held {PLUCK_NOTE_SECONDS:g} s at velocity "
                         f"{PLUCK_VELOCITY}, compute_loudness; medians: peak, fall from the peak to "
                         f"{PLUCK_KNEE_S:g} s, then to {PLUCK_LATE_S:g} s")}


def playing_section(name: str, preset: fdata.Preset | None = None) -> dict:
    """The "playing" section of instrument `name` (its teacher `preset` measured where needed),
    checked as the manifest will check it."""
    if name not in fdata.INSTRUMENTS:
        raise FactoryError(f"no idiom for unknown instrument {name!r}; known: {', '.join(fdata.INSTRUMENTS)}")
    inst = fdata.INSTRUMENTS[name]
    preset = preset or inst.teachers[0]
    section = {
        "harmonium": keyed,
        "sitar": lambda: plucked(measure_pluck(preset, inst.style)),
        "sarangi": bowed,
        # the model already plays its teacher's air (its noise bands); at -24 dB the added breath
        # outweighed it on held notes (the answer's MFCC nearest Flute, 26, not Pan Flute, 31):
        # at -30 the sung phrase stays nearest Pan Flute (22 vs 32). The attack's air stays where
        # it was (-30 + 18 = -24 + 12 dB): it is the first sound of each note, and 6 dB less of it
        # made the page hear the note 1-7 ms later
        "bansuri": lambda: breath((800, 5000), -30.0, onset_db=18.0),
        # a double reed: the reed closes the air path, so little air is heard on a held note. The
        # model already plays the Shanai's (between its harmonics, 1.5-6 kHz, the answer without
        # added breath is within 1 dB of its teacher); at -28 dB the breath put 9 dB more air there
        # than the teacher has, at -40 1 dB. The attack's air stays (-40 + 24 = -28 + 12 dB): with
        # less of it three of five sung onsets crossed the page's onset threshold ~9 ms later
        "shehnai": lambda: breath((1500, 6000), -40.0, onset_db=24.0),
    }[name]()
    if name in VIBRATO_DEPTH:
        section["vibrato"] = {"depth": VIBRATO_DEPTH[name], **VIBRATO}
    try:
        check_playing({"playing": section}, f"{name}/metadata.json")
    except ModelFault as err:
        raise FactoryError(f"the factory's playing section is invalid: {err}") from err
    return section


def patch_models(models_dir: Path) -> list[str]:
    """Writes the playing section into every model's metadata.json under `models_dir` (no
    retraining); the teacher is the one the model names in its "source"."""
    done = []
    for meta_path in sorted(Path(models_dir).glob("*/metadata.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        src = meta.get("source", {})
        preset = (fdata.Preset(src["soundfont"], src["program"], src["preset"], src.get("bank", 0))
                  if "soundfont" in src else None)
        meta["playing"] = playing_section(meta["name"], preset)
        fdata.dump_json(meta, meta_path)
        done.append(meta["name"])
    return done


if __name__ == "__main__":
    models = Path(sys.argv[1] if len(sys.argv) > 1 else "static/models")
    print("playing section written:", ", ".join(patch_models(models)))
