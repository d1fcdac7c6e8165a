"""The app's streaming decoders (decoder-tfjs.js with the shipped stream.json graphs, and
decoder-cpu.js, the same network in plain JS from the graph's weights) in headless Chromium: block
after block, from the silent caches, they give the Python model's whole-sequence frames (the Keras
decoder rebuilt from the shipped weights) for a stream that starts from silence (≥ 100 dB SNR in
float32, blocks of 1, 2, 4 and 16 frames), the tensor count stays flat, and reset() starts a new
stream."""
from __future__ import annotations

import numpy as np
import pytest

from factory.stream import PARITY_BLOCKS as BLOCKS
from factory.stream import PARITY_MIN_SNR_DB as MIN_SNR_DB
from tests.conftest import STATIC_DIR
from tests.e2e.browser_io import from_b64, install_js_helpers, snr_db, to_b64
from tests.reference import whole_sequence_controls
from tests.signals import decoder_controls

MODELS = STATIC_DIR / "models"
SHIPPED = sorted(p.parent.name for p in MODELS.glob("*/metadata.json"))

pytestmark = pytest.mark.e2e

N_FRAMES = 96
# The TF.js backends that compute in float32 here (WebGL through SwiftShader is float32 too, but
# compiling a shader set per block size takes minutes).
BACKENDS = ("cpu", "wasm")

RUN = """async ([ids, backends, blocks, f0b, ldb]) => {
  const k = await import('/tests/build/testkit.js');
  const tf = k.tf;
  const manifest = await (await fetch('/models/manifest.json')).json();
  const f0 = __b64ToF32(f0b), ld = __b64ToF32(ldb), n = f0.length;
  const out = {};
  for (const backend of backends) {
    await k.tfBackend.useBackend(backend);
    for (const id of ids) {
      const meta = manifest.models.find((m) => m.id === id);
      const stream = await k.decoder.loadDecoder(meta.url, meta, { warmupBlockFrames: 4, cpu: false });
      const cpu = await k.decoder.loadDecoder(meta.url, meta, { warmupBlockFrames: 4 });
      const row = { kind: stream.kind, cpuKind: cpu.kind, blocks: {}, cpuBlocks: {} };
      for (const [dec, into] of [[stream, row.blocks], [cpu, row.cpuBlocks]]) {
        for (const block of blocks) {
          dec.reset();
          const parts = [[], [], []];
          let tensorsAfterFirst = null;
          for (let s = 0; s < n; s += block) {
            const o = await dec.run(f0.subarray(s, s + block), ld.subarray(s, s + block));
            parts[0].push(...o.amplitudes);
            parts[1].push(...o.harmonicDistribution);
            parts[2].push(...o.noiseMagnitudes);
            if (tensorsAfterFirst === null) tensorsAfterFirst = tf.memory().numTensors;
          }
          into[block] = { outputs: parts.map((p) => __f32ToB64(new Float32Array(p))),
            tensorsAfterFirst, tensorsAfterLast: tf.memory().numTensors };
        }
      }
      cpu.dispose();
      // An empty block computes nothing and leaves the stream where it was; a mismatched one is refused.
      stream.reset();
      await stream.run(f0.subarray(0, 4), ld.subarray(0, 4));
      const empty = await stream.run(new Float32Array(0), new Float32Array(0));
      const after = await stream.run(f0.subarray(4, 8), ld.subarray(4, 8));
      row.emptyBlock = { frames: empty.amplitudes.length, next: __f32ToB64(after.amplitudes) };
      row.mismatch = await stream.run(f0.subarray(0, 3), ld.subarray(0, 4)).then(() => 'accepted', (e) => e.message);
      const before = tf.memory().numTensors;
      stream.dispose();
      row.disposedTensors = before - tf.memory().numTensors;
      out[`${backend}/${id}`] = { backend: tf.getBackend(), ...row };
    }
  }
  return out;
}"""


def _phrase():
    """A sung-like line with a silent gap (f0 0 Hz, loudness at the floor) in the middle."""
    return decoder_controls(N_FRAMES)


@pytest.fixture(scope="module")
def results(pw, live_server):
    from tests.e2e.conftest import BASE_ARGS, CHROMIUM

    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BASE_ARGS)
    try:
        page = browser.new_page(bypass_csp=True)  # wait_for_function evaluates with eval()
        page.goto(live_server + "/")
        page.wait_for_function("document.body.dataset.state === 'ready'", timeout=60_000)
        install_js_helpers(page)
        f0, ld = _phrase()
        out = page.evaluate(RUN, [SHIPPED, list(BACKENDS), list(BLOCKS), to_b64(f0), to_b64(ld)])
    finally:
        browser.close()
    return out


@pytest.fixture(scope="module")
def references():
    """{model id: the Python model's controls for the phrase after silence, [[n, width]] per output}."""
    from factory.stream import rebuild_decoder

    f0, ld = _phrase()
    out = {}
    for model_id in SHIPPED:
        dec, meta = rebuild_decoder(MODELS / model_id)
        out[model_id] = whole_sequence_controls(dec, meta, f0, ld)
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("model_id", SHIPPED)
def test_streamed_blocks_equal_the_python_models_whole_sequence(results, references, backend, model_id):
    import json

    meta = json.loads((MODELS / model_id / "metadata.json").read_text())
    r = results[f"{backend}/{model_id}"]
    # On the CPU backends the default decoder is the plain-JS one; the graph stays one option away.
    assert r["backend"] == backend and r["kind"] == "streaming" and r["cpuKind"] == "cpu"
    widths = (1, meta["n_harmonics"], meta["n_noise"])
    ref = references[model_id]
    for kind in ("blocks", "cpuBlocks"):
        for block in BLOCKS:
            outputs = r[kind][str(block)]["outputs"]
            got = [from_b64(b).reshape(N_FRAMES, w) for b, w in zip(outputs, widths, strict=True)]
            for name, a, b in zip(meta["outputs"], ref, got, strict=True):
                snr = snr_db(a, b)
                assert snr >= MIN_SNR_DB, f"{backend} {model_id} {kind} {name} block {block}: {snr:.1f} dB"
            # Old caches are disposed every block: the tensor count is flat.
            assert r[kind][str(block)]["tensorsAfterLast"] == r[kind][str(block)]["tensorsAfterFirst"]
    assert r["disposedTensors"] > 0
    assert r["emptyBlock"]["frames"] == 0
    np.testing.assert_array_equal(from_b64(r["emptyBlock"]["next"]), from_b64(r["blocks"]["4"]["outputs"][0])[4:8])
    assert "3 f0 frames but 4 loudness frames" in r["mismatch"]
