"""The harmonic synth with our WebGL phase cumsum, in headless Chromium, against ddsp's golden audio.

Same fixture and bars as tests/js/test_synth.mjs (which runs the float64 JS accumulator in node):
>= 40 dB SNR against ddsp.synths.Harmonic(amp_resample_method='linear'), and 5-frame blocks equal
to one whole-clip call, with float32 and with forced float16 textures.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

# The app on the page starts TF.js before the test code runs, and TF.js caches its texture
# format then: the float16 run therefore sets the flag through TF.js's URL flags.
F16_PATH = "/?tfjsflags=WEBGL_FORCE_F16_TEXTURES:true"

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

RUN = """async ([header, payload, f16]) => {
  const k = await import('/tests/build/testkit.js');
  if (f16) k.tf.env().set('WEBGL_FORCE_F16_TEXTURES', true);
  await k.tfBackend.useBackend('webgl');
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  const all = new Float32Array(bytes.buffer);
  const a = {};
  for (const [name, {offset, length}] of Object.entries(header.arrays)) a[name] = all.subarray(offset, offset + length);
  const H = header.n_harmonics, hop = header.hop_samples, nFrames = header.n_frames;
  const acc = k.cumsum.createPhaseAccumulator(k.tf);

  const render = (blockFrames) => renderWith(blockFrames, (synth, c) => synth.render(c));
  const renderWith = (blockFrames, call) => {
    const synth = new k.harmonic.HarmonicSynth({sampleRate: header.sample_rate, hopSamples: hop, nHarmonics: H,
                                                phaseAccumulator: acc});
    const out = new Float32Array((nFrames + 1) * hop);
    let o = 0;
    for (let t = 0; t < nFrames; t += blockFrames) {
      const e = Math.min(nFrames, t + blockFrames);
      const y = call(synth, {f0Hz: a.f0_hz.subarray(t, e), amplitudes: a.amplitudes.subarray(t, e),
                              harmonicDistribution: a.harmonic_distribution.subarray(t * H, e * H)});
      out.set(y, o); o += y.length;
    }
    out.set(synth.flush(), o);
    return out;
  };
  const snr = (ref, x, offset) => {
    let s = 0, e = 0;
    for (let i = 0; i < ref.length; i++) { s += ref[i] ** 2; e += (ref[i] - x[i + offset]) ** 2; }
    return 10 * Math.log10(s / Math.max(e, 1e-30));
  };
  let t0 = performance.now();
  const whole = render(nFrames);
  const wholeMs = performance.now() - t0;
  t0 = performance.now();
  const blocks = render(5);
  const blocksMs = performance.now() - t0;
  const before = k.tf.memory().numTensors, beforeBuffers = k.tf.memory().numDataBuffers;
  render(5);
  const after = k.tf.memory().numTensors, afterBuffers = k.tf.memory().numDataBuffers;
  return {kind: acc.kind, float32: k.tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
          snrVsDdsp: snr(a.audio, whole, hop), snrBlocksVsDdsp: snr(a.audio, blocks, hop),
          snrBlocksVsWhole: snr(whole, blocks, 0), wholeMs, blocksMs,
          leaked: [after - before, afterBuffers - beforeBuffers]};
}"""


@pytest.mark.parametrize("f16", [False, True], ids=["float32-textures", "float16-textures"])
def test_webgl_harmonic_synth_matches_ddsp_and_streams_like_the_whole_clip(open_page, f16):
    header = json.loads((FIXTURES / "harmonic.json").read_text())
    payload = base64.b64encode((FIXTURES / "harmonic.bin").read_bytes()).decode()
    page, _, _ = open_page(path=F16_PATH if f16 else "/")
    r = page.evaluate(RUN, [header, payload, f16])
    assert r["kind"] == "webgl-shader"
    assert r["float32"] is (not f16)
    label = "float16" if f16 else "float32"
    assert r["snrVsDdsp"] >= 40, f"{label}: whole clip vs ddsp {r['snrVsDdsp']:.1f} dB"
    assert r["snrBlocksVsDdsp"] >= 40, f"{label}: 5-frame blocks vs ddsp {r['snrBlocksVsDdsp']:.1f} dB"
    assert r["snrBlocksVsWhole"] >= 40, f"{label}: 5-frame blocks vs whole clip {r['snrBlocksVsWhole']:.1f} dB"
    assert r["leaked"] == [0, 0], f"tensors/buffers leaked per clip: {r['leaked']}"
    print(f"\n{label}: vs ddsp {r['snrVsDdsp']:.1f} dB, blocks vs ddsp {r['snrBlocksVsDdsp']:.1f} dB, "
          f"blocks vs whole {r['snrBlocksVsWhole']:.1f} dB; 1 s of audio: whole {r['wholeMs']:.0f} ms, "
          f"5-frame blocks {r['blocksMs']:.0f} ms")
