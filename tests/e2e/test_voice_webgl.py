"""The webgl path in headless Chromium (SwiftShader, float32 textures): the fused decoder
(decoder-webgl.js: our programs, 2 a conv layer) gives the Python model's whole-sequence frames block
after block (>= 100 dB SNR, blocks of 1, 2, 4 and 16 frames, as the streaming graph promises), and the voice
on the GPU (voice-webgl.js: decoder, gate, harmonic and filtered-noise synthesis, one read-back a
block) gives the JS synth's audio (synth.js, float64, the same noise PRNG) for the same controls and
gate, with the tensor and texture counts flat over 1,000 blocks. The engine takes that path on webgl.
"""
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
VOICE_BLOCK = 4
LEAK_BLOCKS = 1000
# The voice against the JS synth: the GPU sums in float32 where the JS synth sums in float64, and
# takes each sample's phase rounded to 2^-22 turn (<= 7.5e-7 rad, k times that for harmonic k);
# measured ~113 dB here. 90 dB keeps the check meaningful (an off-by-one sample, frame or noise
# draw costs tens of dB) with room for another GPU's float32 rounding.
MIN_VOICE_SNR_DB = 90.0

RUN = """async ([ids, blocks, f0b, ldb, gateb, voiceBlock, leakBlocks]) => {
  const k = await import('/tests/build/testkit.js');
  const tf = k.tf;
  const manifest = await (await fetch('/models/manifest.json')).json();
  const f0 = __b64ToF32(f0b), ld = __b64ToF32(ldb), gate = __b64ToF32(gateb), n = f0.length;
  const out = {};
  for (const id of ids) {
    const meta = manifest.models.find((m) => m.id === id);
    await k.tfBackend.useBackend('webgl');
    const decoder = await k.decoder.loadDecoder(meta.url, meta, { warmupBlockFrames: voiceBlock });
    const row = { backend: tf.getBackend(), kind: decoder.kind, blocks: {} };
    for (const block of blocks) {
      decoder.reset();
      const parts = [[], [], []];
      for (let s = 0; s < n; s += block) {
        const o = await decoder.run(f0.subarray(s, s + block), ld.subarray(s, s + block));
        parts[0].push(...o.amplitudes); parts[1].push(...o.harmonicDistribution); parts[2].push(...o.noiseMagnitudes);
      }
      row.blocks[block] = parts.map((p) => __f32ToB64(new Float32Array(p)));
    }
    // The JS synth on the same controls (the fused decoder's, read back) and gate.
    decoder.reset();
    const synth = new k.synth.Synth(meta, {});
    const jsAudio = [];
    for (let s = 0; s < n; s += voiceBlock) {
      const c = await decoder.run(f0.subarray(s, s + voiceBlock), ld.subarray(s, s + voiceBlock));
      for (let i = 0; i < voiceBlock; i++) {
        const g = gate[s + i];
        c.amplitudes[i] *= g;
        for (let j = 0; j < meta.n_noise; j++) c.noiseMagnitudes[i * meta.n_noise + j] *= g;
      }
      jsAudio.push(...synth.render({ f0Hz: f0.subarray(s, s + voiceBlock), ...c }));
    }
    const voice = decoder.createVoice({});
    const gpuAudio = [];
    for (let s = 0; s < n; s += voiceBlock) {
      const end = s + voiceBlock;
      gpuAudio.push(...voice.render(f0.subarray(s, end), ld.subarray(s, end), gate.subarray(s, end)));
    }
    row.jsAudio = __f32ToB64(new Float32Array(jsAudio));
    row.gpuAudio = __f32ToB64(new Float32Array(gpuAudio));
    // reset() starts the same stream again.
    voice.reset();
    const again = voice.render(f0.subarray(0, voiceBlock), ld.subarray(0, voiceBlock), gate.subarray(0, voiceBlock));
    row.againFirstBlock = __f32ToB64(Float32Array.from(again));
    if (leakBlocks) {
      const count = () => [tf.memory().numTensors, tf.memory().numDataBuffers];
      row.countsBefore = count();
      for (let b = 0; b < leakBlocks; b++) {
        const s = (b * voiceBlock) % n;
        voice.render(f0.subarray(s, s + voiceBlock), ld.subarray(s, s + voiceBlock), gate.subarray(s, s + voiceBlock));
      }
      row.countsAfter = count();
      // The engine takes the GPU voice on webgl.
      const engine = new k.engine.Engine({ meta, decoder, blockFrames: voiceBlock });
      row.engineVoice = engine.voice !== null && engine.synth === engine.voice;
      engine.dispose();
      leakBlocks = 0; // once is enough: the same code runs for every instrument
    }
    voice.dispose();
    decoder.dispose();
    out[id] = row;
  }
  return out;
}"""


def _phrase():
    """A sung-like line with a silent, gated gap (f0 0 Hz, loudness at the floor) and a half-open gate."""
    f0, ld = decoder_controls(N_FRAMES)
    gate = np.ones(N_FRAMES, np.float32)
    gate[40:52] = 0.0
    gate[52] = 0.5
    return f0, ld, gate


@pytest.fixture(scope="module")
def results(pw, live_server):
    from tests.e2e.conftest import BASE_ARGS, CHROMIUM

    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BASE_ARGS)
    try:
        page = browser.new_page(bypass_csp=True)  # wait_for_function evaluates with eval()
        page.set_default_timeout(300_000)
        page.goto(live_server + "/?backend=wasm")  # the page's own engine stays off the GPU
        page.wait_for_function("document.body.dataset.state === 'ready'", timeout=90_000)
        install_js_helpers(page)
        f0, ld, gate = _phrase()
        out = page.evaluate(RUN, [SHIPPED, list(BLOCKS), to_b64(f0), to_b64(ld), to_b64(gate), VOICE_BLOCK,
                                  LEAK_BLOCKS])
    finally:
        browser.close()
    return out


@pytest.mark.parametrize("model_id", SHIPPED)
def test_fused_decoder_blocks_equal_the_python_models_whole_sequence(results, model_id):
    from factory.stream import rebuild_decoder

    dec, meta = rebuild_decoder(MODELS / model_id)
    r = results[model_id]
    assert r["backend"] == "webgl" and r["kind"] == "webgl-fused"
    widths = (1, meta["n_harmonics"], meta["n_noise"])
    f0, ld, _ = _phrase()
    ref = whole_sequence_controls(dec, meta, f0, ld)
    for block in BLOCKS:
        got = [from_b64(b).reshape(N_FRAMES, w) for b, w in zip(r["blocks"][str(block)], widths, strict=True)]
        for name, a, b in zip(meta["outputs"], ref, got, strict=True):
            snr = snr_db(a, b)
            assert snr >= MIN_SNR_DB, f"{model_id} {name} block {block}: {snr:.1f} dB"


@pytest.mark.parametrize("model_id", SHIPPED)
def test_gpu_voice_equals_the_js_synth_on_the_same_controls(results, model_id):
    r = results[model_id]
    js, gpu = from_b64(r["jsAudio"]), from_b64(r["gpuAudio"])
    assert js.shape == gpu.shape == (N_FRAMES * 64,)
    assert np.abs(js).max() > 1e-3  # the phrase sounds
    # The gated gap (frames 40-51) is silent once no open frame is within the FIR and glide reach.
    np.testing.assert_array_equal(gpu[42 * 64:52 * 64], 0.0)
    snr = snr_db(js, gpu)
    assert snr >= MIN_VOICE_SNR_DB, f"{model_id}: GPU voice vs JS synth {snr:.1f} dB"
    np.testing.assert_array_equal(from_b64(r["againFirstBlock"]), gpu[:VOICE_BLOCK * 64])
    print(f"\n{model_id}: GPU voice vs JS synth {snr:.1f} dB")


def test_gpu_voice_leaves_no_tensor_or_texture_behind_and_the_engine_takes_it(results):
    r = results[SHIPPED[0]]
    assert r["countsAfter"] == r["countsBefore"], f"[numTensors, numDataBuffers] over {LEAK_BLOCKS} blocks: {r}"
    assert r["engineVoice"] is True


F16 = """async ([id]) => {
  const k = await import('/tests/build/testkit.js');
  const tf = k.tf;
  const meta = (await (await fetch('/models/manifest.json')).json()).models.find((m) => m.id === id);
  const sr = meta.sample_rate, n = sr;  // 1 s of a sung-like vowel at 220 Hz, with an onset and a release
  const voice = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sr, env = Math.min(1, t / 0.05) * Math.min(1, (1 - t) / 0.1);
    for (let h = 1; h <= 8; h++) voice[i] += env * 0.3 / h * Math.sin(2 * Math.PI * 220 * h * t);
  }
  const render = async (backend) => {
    await k.tfBackend.useBackend(backend);
    const decoder = await k.decoder.loadDecoder(meta.url, meta, { warmupBlockFrames: 4 });
    const engine = new k.engine.Engine({ meta, decoder, blockFrames: 4 });
    const audio = await engine.renderClip(voice, { streaming: true });
    const r = { backend: tf.getBackend(), kind: decoder.kind, gpuVoice: engine.voice !== null,
                audio: __f32ToB64(audio) };
    engine.dispose();
    decoder.dispose();
    return r;
  };
  const cpu = await render('cpu');
  tf.env().set('WEBGL_FORCE_F16_TEXTURES', true);  // before the webgl backend makes its first texture
  const f16 = await render('webgl');
  return { cpu, f16 };
}"""


def test_with_float16_textures_the_webgl_engine_synthesises_in_js(pw, live_server):
    """Without float32 textures (many phones; ?f16=1) the GPU voice would be ~50 dB from the JS synth:
    the engine keeps the fused decoder (controls read once a block) and synthesises in float64 JS.
    Against the cpu engine only the decoder's float16 arithmetic differs: >= 40 dB (measured 54)."""
    from tests.e2e.conftest import BASE_ARGS, CHROMIUM

    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BASE_ARGS)
    try:
        page = browser.new_page(bypass_csp=True)
        page.set_default_timeout(300_000)
        page.goto(live_server + "/?backend=wasm")
        page.wait_for_function("document.body.dataset.state === 'ready'", timeout=90_000)
        install_js_helpers(page)
        r = page.evaluate(F16, [SHIPPED[0]])
    finally:
        browser.close()
    assert (r["f16"]["backend"], r["f16"]["kind"], r["f16"]["gpuVoice"]) == ("webgl", "webgl-fused", False)
    assert r["cpu"]["gpuVoice"] is False
    cpu, f16 = from_b64(r["cpu"]["audio"]), from_b64(r["f16"]["audio"])
    assert cpu.shape == f16.shape and np.abs(cpu).max() > 1e-2
    snr = snr_db(cpu, f16)
    print(f"\nfloat16 webgl engine vs cpu engine: {snr:.1f} dB")
    assert snr >= 40.0, f"{snr:.1f} dB"
