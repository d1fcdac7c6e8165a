"""First note: cold takes on the default page, sung once (bench/first_note.py): the first output's
delay, p50/p99 over 20 takes, quiet and with two busy processes; a few of the sitar sung by a
high voice, and a few at half a core."""
from __future__ import annotations

from bench.first_note import bench_first_note, first_note_section
from bench.sections.common import Context

KEY = "first_note"
HEADING = "## First note:"


def measure(ctx: Context) -> dict:
    return bench_first_note(ctx.pages, ctx.tmp, takes=ctx.pick(1, 20), half_core_takes=ctx.pick(0, 3),
                            plucked_takes=ctx.pick(0, 5), keyed_takes=ctx.pick(0, 5))  # the e2e tests sing one


def render(r: dict) -> list[str]:
    return first_note_section(r)
