"""Our WebGL phase cumsum (static/js/gpu/phase-scan.js + shaders/cumsum_*.glsl) in headless Chromium.

The shader runs on SwiftShader (software WebGL2) with float32 textures and again with float16
textures forced; the reference is a float64 cumsum of the same float32 increments, wrapped.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# The app on the page starts TF.js before the test code runs, and TF.js caches its texture
# format then: the float16 run therefore sets the flag through TF.js's URL flags.
F16_PATH = "/?tfjsflags=WEBGL_FORCE_F16_TEXTURES:true"

TEN_MINUTES = 16000 * 600  # samples at 16 kHz
BLOCK = 16384  # samples per accumulate() call for the long run (the engine uses 256-320)

SETUP = """async (f16) => {
  const k = await import('/tests/build/testkit.js');
  if (f16) k.tf.env().set('WEBGL_FORCE_F16_TEXTURES', true);
  await k.tfBackend.useBackend('webgl');
  globalThis.kit = k;
  return {backend: k.tf.getBackend(), float32: k.tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')};
}"""

# Accumulates `total` samples of a constant increment in calls of `block`, checking every sample
# against a float64 running sum of the same float32 increment, wrapped to [0, 2pi).
LONG_RUN = """async ([hz, total, block]) => {
  const acc = kit.cumsum.createPhaseAccumulator(kit.tf);
  const TWO_PI = 2 * Math.PI;
  const omega = new Float32Array(block).fill(TWO_PI * hz / 16000);
  const out = new Float32Array(block);
  let ref = 0, maxErr = 0, done = 0;
  const t0 = performance.now();
  while (done < total) {
    const n = Math.min(block, total - done);
    const phases = acc.accumulate(n === block ? omega : omega.subarray(0, n), n === block ? out : undefined);
    for (let i = 0; i < n; i++) {
      ref += omega[i];
      if (ref >= TWO_PI) ref -= TWO_PI;
      const d = Math.abs(phases[i] - ref);
      const wrapped = Math.min(d, TWO_PI - d);
      if (wrapped > maxErr) maxErr = wrapped;
    }
    done += n;
  }
  const seconds = (performance.now() - t0) / 1000;
  acc.dispose();
  return {kind: acc.kind, maxErr, seconds, samples: done};
}"""


@pytest.fixture
def webgl_page(open_page):
    def _open(f16: bool):
        page, errors, _ = open_page(path=F16_PATH if f16 else "/")
        info = page.evaluate(SETUP, f16)
        assert info["backend"] == "webgl"
        assert info["float32"] is (not f16), info
        return page

    return _open


@pytest.mark.parametrize("f16", [False, True], ids=["float32-textures", "float16-textures"])
def test_ten_minutes_of_440hz_phase_stay_within_1e3_rad_of_float64(webgl_page, f16):
    page = webgl_page(f16)
    r = page.evaluate(LONG_RUN, [440.0, TEN_MINUTES, BLOCK])
    assert r["kind"] == "webgl-shader"
    assert r["samples"] == TEN_MINUTES
    label = "float16" if f16 else "float32"
    assert r["maxErr"] <= 1e-3, f"{label} textures: max wrapped phase error {r['maxErr']:.3g} rad over 10 min"
    print(f"\n{label} textures: 10 min of 440 Hz in {BLOCK}-sample calls: max error {r['maxErr']:.3g} rad, "
          f"{r['seconds']:.1f} s")


def test_engine_sized_blocks_of_varying_frequency_match_float64(webgl_page):
    """Blocks of 320 samples (5 frames), then odd sizes, of a gliding pitch: phase carried exactly."""
    page = webgl_page(False)
    r = page.evaluate("""() => {
      const acc = kit.cumsum.createPhaseAccumulator(kit.tf);
      const TWO_PI = 2 * Math.PI;
      let ref = 0, maxErr = 0, t = 0;
      for (const n of [...Array(50).fill(320), 1, 7, 255, 256, 257, 4097, 320]) {
        const omega = new Float32Array(n);
        for (let i = 0; i < n; i++, t++) omega[i] = TWO_PI * (200 + 600 * Math.abs(Math.sin(t / 3000))) / 16000;
        const phases = acc.accumulate(omega);
        for (let i = 0; i < n; i++) {
          ref = (ref + omega[i]) % TWO_PI;
          const d = Math.abs(phases[i] - ref);
          maxErr = Math.max(maxErr, Math.min(d, TWO_PI - d));
        }
      }
      return {maxErr, phaseRad: acc.phaseRad, ref};
    }""")
    assert r["maxErr"] <= 1e-5, f"max error {r['maxErr']:.3g} rad"
    assert abs(r["phaseRad"] - r["ref"]) <= 1e-5


def test_reset_restarts_from_the_given_phase_and_negative_increments_wrap(webgl_page):
    page = webgl_page(False)
    r = page.evaluate("""() => {
      const acc = kit.cumsum.createPhaseAccumulator(kit.tf);
      acc.reset(1.0);
      const a = acc.accumulate(new Float32Array([0.5, -2.0, 7.0]));
      return Array.from(a);
    }""")
    import math

    expected = [1.5, (1.5 - 2.0) % (2 * math.pi), (1.5 - 2.0 + 7.0) % (2 * math.pi)]
    for got, want in zip(r, expected, strict=True):
        assert abs(got - want) < 1e-5, (r, expected)


def test_no_tensors_or_textures_leak_across_many_calls(webgl_page):
    page = webgl_page(True)
    r = page.evaluate("""async () => {
      const acc = kit.cumsum.createPhaseAccumulator(kit.tf);
      const omega = new Float32Array(320).fill(0.1);
      acc.accumulate(omega);
      await acc.accumulateAsync(omega);
      const before = kit.tf.memory();
      for (let i = 0; i < 200; i++) acc.accumulate(omega);
      for (let i = 0; i < 20; i++) await acc.accumulateAsync(omega);
      const after = kit.tf.memory();
      return {before: [before.numTensors, before.numDataBuffers], after: [after.numTensors, after.numDataBuffers]};
    }""")
    assert r["after"] == r["before"], r


def test_cpu_backend_gets_the_float64_accumulator(open_page):
    page, _, _ = open_page()
    r = page.evaluate("""async () => {
      const k = await import('/tests/build/testkit.js');
      await k.tfBackend.useBackend('cpu');
      const acc = k.cumsum.createPhaseAccumulator(k.tf);
      const p = acc.accumulate(new Float32Array([1, 2, 4]));
      return {kind: acc.kind, p: Array.from(p)};
    }""")
    assert r["kind"] == "float64-js"
    assert abs(r["p"][2] - (7 - 2 * 3.141592653589793)) < 1e-6


def test_block_sizes_share_compiled_shaders(webgl_page):
    """Per-call values are uniforms (shapes included): block sizes up to 4096 run the same 3 binaries.
    (Calls wider than the GPU's max texture width get squarified textures and one more variant;
    tfjs's own read-back programs stay shape-specific and are not counted.)"""
    page = webgl_page(False)
    r = page.evaluate("""() => {
      const acc = kit.cumsum.createPhaseAccumulator(kit.tf);
      const ours = () => Object.keys(kit.tf.backend().binaryCache).filter((k) => k.includes('carry * RADIX')).length;
      acc.accumulate(new Float32Array(320).fill(0.1));
      const first = ours();
      const counts = [];
      for (const n of [64, 256, 320, 700, 1024, 2000, 4096]) {
        acc.accumulate(new Float32Array(n).fill(0.1));
        counts.push([n, ours()]);
      }
      return {first, after: ours(), counts};
    }""")
    assert (r["first"], r["after"]) == (3, 3), f"our compiled cumsum programs: {r}"


@pytest.mark.parametrize("f16", [False, True], ids=["float32-textures", "float16-textures"])
def test_whole_clip_calls_on_packed_textures_match_float64_within_1e6_rad(webgl_page, f16):
    """Calls longer than a live block run the packed-texture scan: a gliding pitch in one call of
    each length (135,168 samples leaves an odd number of blocks at the top level) stays within
    the fixed-point format's bound (half a 2^-22-turn step plus float32 output rounding)."""
    page = webgl_page(f16)
    r = page.evaluate("""() => {
      const acc = kit.cumsum.createPhaseAccumulator(kit.tf);
      const TWO_PI = 2 * Math.PI;
      const out = [];
      for (const n of [4097, 16000, 135168, 160000]) {
        acc.reset();
        const omega = new Float32Array(n);
        for (let i = 0; i < n; i++) omega[i] = TWO_PI * (200 + 600 * Math.abs(Math.sin(i / 3000))) / 16000;
        const phases = acc.accumulate(omega);
        let ref = 0, maxErr = 0;
        for (let i = 0; i < n; i++) {
          ref = (ref + omega[i]) % TWO_PI;
          const d = Math.abs(phases[i] - ref);
          maxErr = Math.max(maxErr, Math.min(d, TWO_PI - d));
        }
        out.push([n, maxErr]);
      }
      return out;
    }""")
    for n, err in r:
        assert err < 1e-6, f"{n} samples: max error {err:.3g} rad"
