"""The live engine keeps playing through faults and over time: a lost WebGL context, a minute of
singing (tensors and memory flat)."""
from __future__ import annotations

import pytest

from tests.e2e.live import probe, read_output, sing_into_page, sounding_fraction
from tests.signals import PHRASE, sung_phrase, sung_take, write_wav

pytestmark = pytest.mark.e2e



def test_a_lost_webgl_context_moves_the_engine_to_another_backend_and_it_keeps_playing(open_page, tmp_path):
    audio, f0, _ = sung_phrase(PHRASE, sample_rate=48000)
    # Pinned to WebGL (8-frame blocks: SwiftShader here is slow), as a phone with a GPU would run.
    page, errors = sing_into_page(open_page, write_wav(tmp_path / "phrase.wav", audio, 48000), seconds=3,
                                  path="/?probe=1&backend=webgl&block=8")
    assert probe(page, "stats.backend") == "webgl"
    page.evaluate("swaraProbe.loseWebGLContext()")
    page.wait_for_function("swaraProbe.switches.length > 0", timeout=20_000)
    (switch,) = probe(page, "switches")
    assert switch["from"]["backend"] == "webgl" and switch["to"]["backend"] in ("wasm", "cpu"), switch
    assert "context lost" in switch["reason"], switch
    assert "context lost" in page.text_content("#status-text")
    read_output(page)
    page.wait_for_timeout(6000)
    out = read_output(page)
    rate = probe(page, "sampleRate")
    sounding, voiced = sounding_fraction(out, rate, f0[:: 48000 // 100] > 0)
    print(f"\nafter losing WebGL: {switch['to']['backend']}, {100 * sounding:.1f} % of {voiced} voiced frames sound")
    # Keeps playing: most of what is sung sounds (a loaded 2-core machine drops some blocks).
    assert sounding >= 0.8, f"only {100 * sounding:.1f} % of the voiced frames sound after the switch"
    assert probe(page, "errors") == [] and errors == []


MEASURE_MEMORY = "async () => (await performance.measureUserAgentSpecificMemory()).bytes"


def test_a_minute_of_singing_keeps_tensors_and_memory_flat(open_page, tmp_path):
    """60 s of a looped take: numTensors in the engine Worker flat, the page's memory (every realm,
    workers included, measureUserAgentSpecificMemory) grows < 10 MB; underruns are reported."""
    audio, _, _ = sung_take(sample_rate=48000)
    page, errors = sing_into_page(open_page, write_wav(tmp_path / "take.wav", audio, 48000), seconds=3)
    tensors = [probe(page, "stats.numTensors")]
    bytes_start = page.evaluate(MEASURE_MEMORY)  # waits for a garbage collection
    for _ in range(4):
        page.wait_for_timeout(8000)
        read_output(page)  # the probe's own recording must not count as growth
        tensors.append(probe(page, "stats.numTensors"))
    bytes_end = page.evaluate(MEASURE_MEMORY)
    stats = probe(page, "stats")
    growth_mb = (bytes_end - bytes_start) / 2**20
    print(f"\nsoak: {stats['blocks']} blocks, numTensors {tensors}, memory {bytes_start / 2**20:.1f} -> "
          f"{bytes_end / 2**20:.1f} MB, underruns {probe(page, 'outputStats.underruns')}, "
          f"dropped {stats['droppedFrames']}")
    assert len(set(tensors)) == 1, f"numTensors changed while singing: {tensors}"
    assert growth_mb < 10, f"memory grew {growth_mb:.1f} MB over the minute"
    assert isinstance(probe(page, "outputStats.underruns"), int)
    assert errors == []
