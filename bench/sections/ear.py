"""Out of distribution: each instrument's answer to the sung phrase against its own and a held-out teacher,
and what an outside ear (musicnn) hears in it (factory.judge on the real engine's renders)."""
from __future__ import annotations

from bench.sections import timbre
from bench.sections.common import Context

KEY = "ear"
HEADING = "## Out of distribution: held-out teacher and an outside ear"


def measure(ctx: Context) -> dict:
    """factory.judge.judge_models on the engine's offline renders of factory.timbre's sung phrase (the
    Timbre section's, when it ran first in this run)."""
    from factory import judge

    voice, answers = timbre.answers(ctx)
    result = judge.judge_models(answers, voice)
    for name, r in result["instruments"].items():
        print(f"  ear {name:10s} own {r['own_distance']['harmonic_db']} dB, "
              f"held-out {r['heldout_distance']['harmonic_db']} dB; hears {[t for t, _ in r['ear']['output']['top']]}; "
              f"voice ×{r['voice_ratio']}")
    return result


def render(result: dict) -> list[str]:
    from factory import ear, judge

    return [HEADING, "",
            "The sung phrase of the Timbre section (no model trained on a voice) rendered offline by the engine "
            "(WASM) for each instrument. Its own teacher (the FluidR3_GM preset it trained on) and a held-out "
            "teacher (the same program from a SoundFont no model trained on: "
            f"{judge.HELDOUT_SOUNDFONT}, unless the model's metadata names one) play the pitch the engine asked "
            "of it; harmonic-profile (dB) / MFCC distances as in Timbre; nearest of Timbre's seven presets. "
            f"The ear: {ear.PACKAGE}'s {ear.MODEL} tagger (trained on MagnaTagATune recordings; "
            "`docs/models.md`), mean sigmoid score of each tag over 3 s windows of each clip levelled to "
            f"{ear.LEVEL_DBFS:g} dBFS, the top {ear.TOP_N} shown. Voice tags: the sum of "
            f"{', '.join(ear.VOICE_TAGS)}; the bar is at most {ear.VOICE_RATIO_MAX:g} × the voice's own. "
            f"Kind heard: the tags among the output's top {ear.TOP_N} (`factory.ear.KINDS`). Bars (issue 19): "
            f"timbre = nearest its own preset by both distances and within {judge.TIMBRE_BAR_DB:g} dB of it; "
            "voice; kind. See `factory/judge.py`.", "", *judge.format_table(result), "", judge.summary(result)]
