"""The live engine keeps playing through faults and over time: a lost WebGL context, a minute of
singing on the default host (memory flat, no underrun)."""
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


def tensor_count(page):
    """The engine's TF.js tensor count, or None where it runs no TF.js (the audio thread)."""
    return page.evaluate("swaraProbe.stats.numTensors ?? null")


def test_a_minute_of_singing_on_the_default_host_keeps_memory_flat_without_underruns(open_page, tmp_path):
    """About a minute of a looped take on the default page: the page's memory (every realm, the audio thread
    and the Worker included: measureUserAgentSpecificMemory) grows < 10 MB. On the audio thread
    (where the measurement puts the engine on a device fast enough) the output has no underrun and
    the engine reports no tensors (no TF.js there); in the Worker (a slower or busier device) its
    TF.js tensor count stays flat."""
    audio, _, _ = sung_take(sample_rate=48000)
    page, errors = sing_into_page(open_page, write_wav(tmp_path / "take.wav", audio, 48000), seconds=3)
    host = probe(page, "stats.host")
    tensors = [tensor_count(page)]
    underruns_start = probe(page, "outputStats.underruns")
    blocks_start = probe(page, "stats.blocks")
    bytes_start = page.evaluate(MEASURE_MEMORY)  # waits for a garbage collection
    for _ in range(4):
        page.wait_for_timeout(8000)
        read_output(page)  # the probe's own recording must not count as growth
        tensors.append(tensor_count(page))
    bytes_end = page.evaluate(MEASURE_MEMORY)
    stats = probe(page, "stats")
    underruns = probe(page, "outputStats.underruns") - underruns_start
    growth_mb = (bytes_end - bytes_start) / 2**20
    print(f"\nsoak on the {host} host: {stats['blocks'] - blocks_start} blocks, numTensors {tensors}, memory "
          f"{bytes_start / 2**20:.1f} -> {bytes_end / 2**20:.1f} MB, underruns {underruns}, "
          f"dropped {stats['droppedFrames']}")
    assert stats["blocks"] > blocks_start, "the engine kept rendering"
    if host == "worker":
        assert None not in tensors and len(set(tensors)) == 1, f"numTensors changed while singing: {tensors}"
    else:
        assert host == "audio" and tensors == [None] * len(tensors), f"the audio thread runs no TF.js: {tensors}"
    assert growth_mb < 10, f"memory grew {growth_mb:.1f} MB while singing"
    if host == "audio":  # the default where the device is fast enough: the audio thread never runs dry
        assert underruns == 0, f"{underruns} underruns while singing on the audio thread"
    assert errors == []
