"""First note: cold takes on the default page, sung once, scored as tests/e2e/test_first_note.py
scores them (tests/e2e/first_note.py): from the first voiced frame of the page's own microphone
signal, the first output's delay, the share of voiced frames that sound and the share more than
50 cents off; with and without two busy processes starting with each take, and at half a core.
Also every measured mic-to-output onset of those takes against the latency budget."""
from __future__ import annotations

import contextlib
import os

import numpy as np

from bench.live import cpu_limited_browser
from tests.e2e.browser_io import from_b64
from tests.e2e.first_note import RING_DB, SOUNDING_RMS, busy_cores, choose_instrument, noloop, score_take
from tests.signals import HIGH_VOICE_SEMITONES, TAKE, sung_take, write_wav

FIRST_PHRASE = TAKE[:6]  # the take's first phrase (A3 B3 'k' C#4 D4, 2.7 s) and its rest
BURST_SECONDS = 6
PLUCKED = "sitar"  # the plucked instrument, sung by a high voice
KEYED = "harmonium"  # the keyed instrument, its takes started with two busy processes


def cold_take(pages, wav: str, seconds: float, burst: int = 0, executable: str | None = None,
              instrument: str | None = None) -> dict:
    """One cold page (a new browser), `instrument` chosen (else the page's first), Sing, the phrase
    sung once; scored."""
    kw = {"executable": executable} if executable else {}
    page = pages.open("?probe=1", wav=noloop(wav), **kw)
    if instrument:
        choose_instrument(page, instrument)
    with busy_cores(burst, BURST_SECONDS) if burst else contextlib.nullcontext():
        page.click("#sing")
        page.wait_for_function("swaraProbe.running", timeout=60_000)
        page.wait_for_timeout(int(1000 * seconds))
    out = from_b64(page.evaluate("__f32ToB64(swaraProbe.read())"))
    mic = from_b64(page.evaluate("__f32ToB64(swaraProbe.readMicrophone())"))
    end = page.evaluate("""({rate: swaraProbe.sampleRate, latency: swaraProbe.latency, host: swaraProbe.stats.host,
        underruns: swaraProbe.outputStats.underruns, switches: swaraProbe.switches.length,
        late: swaraProbe.audioThreadLate})""")
    pages.close()
    n = min(len(out), len(mic))
    row = score_take(mic[:n], out[:n], end["rate"])
    # The score compares the microphone with the output on the audio clock, which stops when the audio
    # thread is starved (a fake device waits for it; a real one glitches): how much of the take's wall
    # time the page rendered, and the audio thread's worst lateness, say whether the take kept real time.
    row.update(host=end["host"], underruns=end["underruns"], switches=end["switches"],
               latency_ms=end["latency"]["measuredMs"], budget_ms=end["latency"]["budget"],
               rendered_fraction=min(1.0, n / end["rate"] / seconds), late_worst_ms=(end["late"] or {}).get("worstMs"))
    return row


def summary(rows: list[dict]) -> dict:
    first = np.array([r["first_output_ms"] for r in rows])
    voiced = np.array([r["voiced_fraction"] for r in rows])
    off = np.array([r["off_fraction"] for r in rows])
    return {
        "takes": len(rows), "first_output_p50_ms": float(np.percentile(first, 50)),
        "first_output_p99_ms": float(np.percentile(first, 99)), "first_output_max_ms": float(first.max()),
        "voiced_min": float(voiced.min()), "voiced_p50": float(np.median(voiced)), "off_max": float(off.max()),
        "median_cents_p50": float(np.median([r["median_cents"] for r in rows])),
        "hosts": sorted({str(r["host"]) for r in rows}), "underruns": int(sum(r["underruns"] or 0 for r in rows)),
        "switches": int(sum(r["switches"] for r in rows)),
        "rendered_min": min((r["rendered_fraction"] for r in rows if "rendered_fraction" in r), default=None),
        "late_worst_ms": max((r["late_worst_ms"] for r in rows if r.get("late_worst_ms") is not None), default=None),
    }


def latency_distribution(rows: list[dict]) -> dict:
    """Every measured onset of the takes (ms) against the budget the page showed."""
    ms = np.array([x for r in rows for x in r["latency_ms"]])
    budget = rows[0]["budget_ms"] or {}
    return {"onsets": len(ms), "p10_ms": float(np.percentile(ms, 10)), "p50_ms": float(np.percentile(ms, 50)),
            "p90_ms": float(np.percentile(ms, 90)), "max_ms": float(ms.max()), "budget_ms": budget}


def bench_first_note(pages, tmp, takes: int = 20, half_core_takes: int = 3, plucked_takes: int = 5,
                     keyed_takes: int = 5) -> dict:
    audio, _, _ = sung_take(FIRST_PHRASE, sample_rate=48000)
    wav = write_wav(tmp / "first-phrase.wav", audio, 48000)
    seconds = len(audio) / 48000 + 0.5
    runs = {}
    for label, burst in (("quiet", 0), ("two busy processes", 2)):
        rows = []
        for i in range(takes):
            rows.append(cold_take(pages, wav, seconds, burst=burst))
            r = rows[-1]
            print(f"  {label} take {i + 1}: first output {r['first_output_ms']:.1f} ms, "
                  f"voiced {100 * r['voiced_fraction']:.1f} %, off {100 * r['off_fraction']:.1f} %, {r['host']}, "
                  f"load {os.getloadavg()[0]:.1f}")
        runs[label] = {"summary": summary(rows), "rows": rows, "load_average": os.getloadavg()[0]}
    high, _, _ = sung_take([(m + HIGH_VOICE_SEMITONES if isinstance(m, int) else m, s) for m, s in FIRST_PHRASE],
                           sample_rate=48000)
    high_wav = write_wav(tmp / "first-phrase-high.wav", high, 48000)
    rows = [cold_take(pages, high_wav, seconds, instrument=PLUCKED) for _ in range(plucked_takes)]
    if rows:
        runs[f"{PLUCKED}, a high voice"] = {"summary": summary(rows), "rows": rows, "load_average": os.getloadavg()[0]}
    rows = [cold_take(pages, wav, seconds, burst=2, instrument=KEYED) for _ in range(keyed_takes)]
    if rows:
        runs[f"{KEYED}, two busy processes"] = {"summary": summary(rows), "rows": rows,
                                                "load_average": os.getloadavg()[0]}
    with cpu_limited_browser(tmp) as (launcher, note):
        if launcher and half_core_takes:
            rows = [cold_take(pages, wav, seconds, executable=launcher) for _ in range(half_core_takes)]
            runs["half a core"] = {"summary": summary(rows), "rows": rows, "load_average": os.getloadavg()[0],
                                   "cgroup": note}
        print(f"  half-core takes: {note}")
    return {"phrase_seconds": len(audio) / 48000, "runs": runs,
            "latency": latency_distribution(runs["quiet"]["rows"]), "half_core": note}


def first_note_section(r: dict) -> list[str]:
    L = ["## First note: cold takes, sung once", "",
         (f"Each take a new browser on the default page (`?probe=1`), Sing, the take's first phrase "
          f"({r['phrase_seconds']:.1f} s: A3, B3, 'k', C#4, D4) sung once by the fake microphone (`%noloop`), scored "
          "from the first voiced frame of the page's own microphone signal (`tests/e2e/first_note.py`): the first "
          "output sample above the page's onset level, the share of voiced frames the output sounds during (within "
          f"{RING_DB} dB of the loudest output since the voice last rested, itself above {SOUNDING_RMS} RMS: a "
          "plucked string ringing down still sounds, nothing struck since a rest does not), the share more than 50 "
          "cents off "
          f"(`bench/first_note.py`). {PLUCKED.capitalize()}, a high voice: the instrument chosen before Sing, the "
          f"phrase {HIGH_VOICE_SEMITONES} semitones up (Sa E4: E4, F#4, 'k', G#4, A4). {KEYED.capitalize()}: chosen "
          "before Sing, with a burst, its keys measured against the sung pitch (a meend between keys counts as "
          "off). With a burst: two "
          f"`python -c 'while 1: pass'` processes start with each take and run {BURST_SECONDS} s. Load average: "
          "the machine's, as the condition's last take ended. *Real time*: the least share of a take's time after "
          "the page was running that it rendered (100 %: real time; its microphone and output recordings run on the "
          "audio clock, which a starved audio "
          "thread holds back: the scores above cannot see it), and the audio thread's worst lateness (`swaraProbe."
          "audioThreadLate`: on a real speaker, a glitch that long)."), "",
         ("| condition | takes | first output p50 / p99 (max) | voiced min / p50 | off max | pitch median | engine "
          "| underruns | switches | real time: rendered min, late worst | load |"),
         "|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, run in r["runs"].items():
        s = run["summary"]
        rendered, late = s.get("rendered_min"), s.get("late_worst_ms")
        real_time = (f"{100 * rendered:.0f} %, {late:.0f} ms" if rendered is not None and late is not None
                     else "–")
        L.append(f"| {label} | {s['takes']} | {s['first_output_p50_ms']:.1f} / {s['first_output_p99_ms']:.1f} "
                 f"({s['first_output_max_ms']:.1f}) ms | {100 * s['voiced_min']:.1f} / {100 * s['voiced_p50']:.1f} % | "
                 f"{100 * s['off_max']:.1f} % | {s['median_cents_p50']:.1f} c | {', '.join(s['hosts'])} | "
                 f"{s['underruns']} | {s['switches']} | {real_time} | {run['load_average']:.1f} |")
    lat = r["latency"]
    b = lat["budget_ms"]
    parts = ", ".join(f"{k} {v:.1f}" for k, v in b.items() if k != "total")
    L += ["", (f"Measured mic-to-output over the quiet takes' {lat['onsets']} onsets (`page/latency.js`; the phrase's "
               "one onset is the take's first note, which also waits for the take's octave: `TAKE_START`, 2 frames "
               "more than a later note; the Latency section has the onsets of later phrases): p10 "
               f"{lat['p10_ms']:.1f}, **p50 {lat['p50_ms']:.1f}**, p90 {lat['p90_ms']:.1f}, "
               f"max {lat['max_ms']:.1f} ms, against the budget {b.get('total', float('nan')):.1f} ms ({parts}). "
               f"Half a core: {r['half_core']}."), ""]
    return L
