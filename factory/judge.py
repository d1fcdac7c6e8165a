"""Each instrument judged out of distribution (issue 19): the sung phrase (factory.timbre), which no
model trained on, against the teacher it learned from, a held-out teacher it never heard, and the
outside ear (factory.ear).

Per instrument, from its answer to the voice (audio at 16 kHz and the pitch the engine asked of it):
- the own teacher (metadata "source": the SoundFont preset it trained on, its first teacher) and the
  held-out teacher (`heldout_teacher`) play the asked pitch (factory.timbre.render_teacher, through
  a teacher's body where it has one); harmonic-profile and
  MFCC distances of the answer to each;
- the nearest of factory.timbre's seven presets by each distance (factory.timbre.compare/verdict);
- the ear's top tags of the answer, the voice and both teachers; the answer's voice tags as a
  fraction of the voice's; whether it hears the instrument's kind (factory.ear.KINDS).

The bench section (`bench/sections/ear.py`) judges the browser engine's renders, the factory report
(`factory/report.py`) the Python rendering (factory.timbre.render_model).
"""
from __future__ import annotations

import numpy as np

from factory import ear, timbre
from factory.dsp import SAMPLE_RATE, hz_to_midi

TIMBRE_BAR_DB = 5.0  # issue 19: harmonic-profile distance to the own teacher at most this, and nearest it
# A held-out teacher for a model whose metadata names none: its own program from this SoundFont.
# Not MuseScore_General: its presets for these programs are FluidR3's samples (harmonic profiles
# 0.0-0.3 dB apart on the sung phrase), so it would not be a teacher the model never heard.
HELDOUT_SOUNDFONT = "TimGM6mb.sf2"


def own_teacher(meta: dict):
    """The factory.data.Preset a model trained on (metadata "source"): its first teacher, with its
    body if it has one (factory.timbre.own_teachers)."""
    teachers = timbre.own_teachers(meta)
    if not teachers:
        raise ValueError(f"model {meta.get('name', '?')}: metadata 'source' names no SoundFont program "
                         "(trained on recordings?): it has no teacher to judge it against")
    return next(iter(teachers.values()))


def heldout_teacher(meta: dict):
    """The teacher the model never heard: metadata source.heldout_teacher ({soundfont, program,
    preset}, written by a multi-teacher build) if there is one, else its own program from
    HELDOUT_SOUNDFONT."""
    from factory.data import SF_DIRS, Preset

    own = own_teacher(meta)
    held = (meta.get("source") or {}).get("heldout_teacher")
    if held:
        if held.get("soundfont") not in SF_DIRS:
            raise ValueError(f"model {meta.get('name', '?')}: source.heldout_teacher's SoundFont "
                             f"{held.get('soundfont')!r} is not one the factory knows ({', '.join(SF_DIRS)})")
        return Preset.from_dict({"preset": f"program {held['program']}", **held})
    return Preset(HELDOUT_SOUNDFONT, own.program, own.preset, own.bank)


def preset_name(p) -> str:
    return f"{p.soundfont.rsplit('.', 1)[0]} {p.preset} ({p.program})" + (f" + {p.body} body" if p.body else "")


def distances(audio: np.ndarray, asked_f0_hz: np.ndarray, preset,
              struck: list[int] | None = None) -> tuple[dict, np.ndarray]:
    """The preset playing asked_f0_hz (through its body, if it has one; plucked at `struck`, as
    factory.timbre.compare), and the answer's distances to it → ({harmonic_db, mfcc}, its audio)."""
    ref = timbre.render_teacher(asked_f0_hz, preset, struck=struck)
    mine, theirs = timbre.profile(audio, asked_f0_hz), timbre.profile(ref, asked_f0_hz)
    return {"harmonic_db": round(timbre.harmonic_distance_db(mine, theirs), 2),
            "mfcc": round(timbre.mfcc_distance(mine, theirs), 2)}, ref


def judge_models(answers: dict[str, dict], voice: np.ndarray) -> dict:
    """answers {name: {"meta", "audio" [n] at 16 kHz, "asked" f0 [T] (0 where gated), optional "struck"
    (where it struck its string, when it played its idiom: factory.timbre.compare), optional "rows"
    (factory.timbre.compare of this answer, else computed)}} and the voice [n] they answered →
    {"voice": {tags, voice_score}, "instruments": {name: judgement}} (JSON-ready)."""
    clips = {"voice": (voice, SAMPLE_RATE)}
    out = {}
    for name, a in answers.items():
        own, held = own_teacher(a["meta"]), heldout_teacher(a["meta"])
        struck = a.get("struck")
        d_own, own_audio = distances(a["audio"], a["asked"], own, struck)
        d_held, held_audio = distances(a["audio"], a["asked"], held, struck)
        rows = a.get("rows") or timbre.compare_model(a["audio"], a["asked"], a["meta"], struck)["rows"]
        label = timbre.teacher_label(own)  # the own teacher's row (a preset, or a teacher beyond them)
        ours = tuple(timbre.own_teachers(a["meta"]))  # nearest any teacher it learned from
        nearest = timbre.verdict(rows, label, ours) if any(r["preset"] == label for r in rows) else None
        voiced = a["asked"] > 0
        out[name] = {"asked_midi": round(float(np.mean(hz_to_midi(a["asked"][voiced]))), 1) if voiced.any() else None,
                     "own": preset_name(own), "heldout": preset_name(held), "own_distance": d_own,
                     "heldout_distance": d_held,
                     "nearest_harmonic": min(rows, key=lambda r: r["harmonic_db"])["preset"],
                     "nearest_mfcc": min(rows, key=lambda r: r["mfcc"])["preset"],
                     "timbre_ok": bool(nearest and nearest["ok"] and d_own["harmonic_db"] <= TIMBRE_BAR_DB)}
        clips.update({f"{name}/output": (a["audio"], SAMPLE_RATE), f"{name}/own": (own_audio, SAMPLE_RATE),
                      f"{name}/heldout": (held_audio, SAMPLE_RATE)})
    heard = ear.listen(clips)

    def tags(scores: dict) -> dict:
        return {"top": [[t, round(s, 2)] for t, s in ear.top_tags(scores)],
                "voice_score": round(ear.voice_score(scores), 3)}

    for name, r in out.items():
        r["ear"] = {who: tags(heard[f"{name}/{who}"]) for who in ("output", "own", "heldout")}
        r.update(ear.judge(name, heard[f"{name}/output"], heard["voice"]))
        r["ok"] = r["ok"] and r["timbre_ok"]
    return {"voice": tags(heard["voice"]), "instruments": out}


def _tags(t: dict) -> str:
    return ", ".join(f"{tag} {score:.2f}" for tag, score in t["top"])


def _midi(m) -> str:
    return "–" if m is None else f"{m:.1f}"


def _mark(ok) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


def format_table(results: dict) -> list[str]:
    """Markdown lines: a sentence on the voice, then one row per instrument."""
    v = results["voice"]
    lines = [f"The ear hears the sung voice as: {_tags(v)} (voice tags {v['voice_score']:.2f}).", "",
             "| instrument | played at (mean MIDI) | own teacher | harmonics / MFCC | held-out teacher "
             "| harmonics / MFCC | nearest preset (harmonics / MFCC) | ear: output | ear: own teacher "
             "| ear: held-out teacher | voice tags (× the voice's) | kind heard | bars: timbre / voice / kind |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in results["instruments"].items():
        o, h = r["own_distance"], r["heldout_distance"]
        kind = f"{r['kind']} {_mark(r['kind_ok'])}" if r["kind"] else "–"
        lines.append(
            f"| {name} | {_midi(r['asked_midi'])} | {r['own']} | {o['harmonic_db']:.1f} / {o['mfcc']:.0f} "
            f"| {r['heldout']} | {h['harmonic_db']:.1f} / {h['mfcc']:.0f} "
            f"| {r['nearest_harmonic']} / {r['nearest_mfcc']} "
            f"| {_tags(r['ear']['output'])} | {_tags(r['ear']['own'])} | {_tags(r['ear']['heldout'])} "
            f"| {r['ear']['output']['voice_score']:.2f} ({r['voice_ratio']:.2f}×) | {kind} "
            f"| {_mark(r['timbre_ok'])} / {_mark(r['voice_ok'])} / {_mark(r['kind_ok'])} |")
    return lines


def summary(results: dict) -> str:
    """Which instruments pass each bar, and which own teachers the ear hears as more of a singer
    than the voice itself (the voice bar's yardstick)."""
    inst, voice = results["instruments"], results["voice"]["voice_score"]

    def names(ok) -> str:
        return ", ".join(n for n, r in inst.items() if ok(r)) or "none"

    singing = [f"{r['own']} {r['ear']['own']['voice_score']:.2f}" for r in inst.values()
               if r["ear"]["own"]["voice_score"] > voice]
    return (f"Passed, of {len(inst)}: timbre {names(lambda r: r['timbre_ok'])}; "
            f"voice {names(lambda r: r['voice_ok'])}; kind {names(lambda r: r['kind_ok'])}; "
            f"every bar: {names(lambda r: r['ok'])}. Own teachers the ear hears as more of a singer "
            f"than the sung voice (voice tags): {', '.join(singing) or 'none'}.")
