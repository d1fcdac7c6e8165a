"""The engine offline in headless Chromium (the test kit on the page's main thread): streaming
equals the whole clip, and the tensor count stays flat. The live page is tests/e2e/test_live.py."""
from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import STATIC_DIR
from tests.e2e.browser_io import from_b64, install_js_helpers, snr_db, to_b64
from tests.signals import PHRASE, sung_phrase

pytestmark = pytest.mark.e2e

MODELS = sorted(p.parent.name for p in (STATIC_DIR / "models").glob("*/metadata.json"))


def require_models():
    if not MODELS:
        pytest.fail("no shipped models in static/models: run `python build_models.py` (or --quick)")


RUN_ENGINE_BOTH_WAYS = """async ([id, b64, blockFrames]) => {
  const k = await import('/tests/build/testkit.js');
  const manifest = await (await fetch('/models/manifest.json')).json();
  const meta = manifest.models.find((m) => m.id === id);
  const decoder = await k.decoder.loadDecoder(meta.url, meta);
  const phaseAccumulator = k.cumsum.createPhaseAccumulator(k.tf);
  const voice = __b64ToF32(b64);
  const render = async (streaming) => {
    decoder.reset(); phaseAccumulator.reset();
    const engine = new k.engine.Engine({ meta, decoder, phaseAccumulator, blockFrames });
    return engine.renderClip(voice, { streaming });
  };
  const streamed = await render(true);
  const whole = await render(false);
  return [__f32ToB64(streamed), __f32ToB64(whole), k.tf.getBackend(), phaseAccumulator.kind];
}"""


@pytest.mark.parametrize("backend", ["webgl", "wasm"])
def test_streaming_equals_whole_clip_within_40_db_and_block_edges_are_smooth(open_page, backend):
    require_models()
    voice, _, _ = sung_phrase(PHRASE[:4], sample_rate=16000)  # its first three notes and rest
    page, errors, _ = open_page(path=f"/?backend={backend}&block=4")
    install_js_helpers(page)
    block_frames = 4
    s64, w64, used, kind = page.evaluate(RUN_ENGINE_BOTH_WAYS, [MODELS[0], to_b64(voice), block_frames])
    streamed, whole = from_b64(s64), from_b64(w64)
    assert used == backend
    n = min(len(streamed), len(whole))
    assert n > 16000
    snr = snr_db(whole[:n], streamed[:n])
    print(f"streaming vs whole clip on {backend} ({kind}): {snr:.1f} dB SNR")
    assert snr >= 40, f"streaming vs whole clip: {snr:.1f} dB SNR on {backend} ({kind})"
    block = block_frames * 64
    jumps = np.abs(np.diff(streamed[:n]))
    edges = np.arange(block, n - 1, block) - 1
    inner = np.setdiff1d(np.arange(n - 1), edges)
    assert jumps[edges].max() <= jumps[inner].max(), "a block edge jumps more than any sample inside a block"
    assert errors == []


@pytest.mark.parametrize("backend", ["webgl", "wasm"])
def test_tensor_count_stays_flat_over_300_engine_blocks(open_page, backend):
    require_models()
    page, errors, _ = open_page(path=f"/?backend={backend}&block=4")
    r = page.evaluate("""async (id) => {
      const k = await import('/tests/build/testkit.js');
      const m = await k.bench.benchMemory({ id, blocks: 300, every: 50 });
      return { flat: m.flat, series: m.series.map((s) => s.numTensors), backend: m.backend };
    }""", MODELS[0])
    assert r["backend"] == backend
    assert r["flat"], f"numTensors over the blocks on {backend}: {r['series']}"
    assert errors == []
