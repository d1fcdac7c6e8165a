"""The converted TF.js graph model (the streaming graph, the one a model ships), run in headless
Chromium, gives the TF decoder's outputs: the trained Python model on the whole sequence.

The `--quick` model (built once per session, into a temp dir) is served to the page through a
Playwright route at /static/models/_test/*, and loaded with the app's own decoder stage.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.e2e.browser_io import from_b64, install_js_helpers, to_b64
from tests.quick_build import QUICK_INSTRUMENT, quick_models
from tests.reference import whole_sequence_controls

pytestmark = [pytest.mark.e2e, pytest.mark.build]

N_FRAMES = 300
BLOCK = 64


def _inputs():
    rng = np.random.default_rng(0)
    t = np.arange(N_FRAMES) / 250
    f0 = 330 * 2 ** ((2 * np.sin(2 * np.pi * 0.7 * t) + 0.3 * np.sin(2 * np.pi * 5.5 * t)) / 12)
    ld = -45 + 25 * np.sin(2 * np.pi * 0.4 * t) + rng.normal(0, 1, N_FRAMES)
    return f0.astype(np.float32), ld.astype(np.float32)


def _tf_outputs(work, meta, f0, ld, float16):
    """The trained decoder (its training state) on silence + the phrase → {output: [n, width]}."""
    from factory import resume, train
    from factory.model import Config, build_decoder

    cfg = Config.from_dict(meta["decoder"])
    dec = build_decoder(cfg)
    latest = json.loads((work / QUICK_INSTRUMENT / "latest.json").read_text())["work"]
    resume.load_decoder(latest, dec)
    if float16:
        train._fp16_roundtrip(dec)
    return dict(zip(meta["outputs"], whole_sequence_controls(dec, meta, f0, ld), strict=True))


def test_tfjs_model_in_chromium_matches_the_tensorflow_decoder(open_page, tmp_path_factory):
    models, work = quick_models(tmp_path_factory)
    model_dir = models / QUICK_INSTRUMENT
    meta = json.loads((model_dir / "metadata.json").read_text())
    f0, ld = _inputs()

    page, errors, _ = open_page()

    def serve(route):
        name = route.request.url.split("/static/models/_test/")[1].split("?")[0]
        path = model_dir / name
        if not path.is_file():
            return route.fulfill(status=404, body="")
        ctype = "application/json" if name.endswith(".json") else "application/octet-stream"
        return route.fulfill(status=200, body=path.read_bytes(), headers={"content-type": ctype})

    page.route("**/static/models/_test/**", serve)
    install_js_helpers(page)
    result = page.evaluate(
        """async ([meta, f0b, ldb, block]) => {
            const k = await import('/tests/build/testkit.js');
            await k.tfBackend.useBackend('cpu');
            const tf = k.tf;
            const url = `/static/models/_test/${meta.streaming.model}`;
            const f0 = __b64ToF32(f0b), ld = __b64ToF32(ldb), n = f0.length;
            const read = async (dec, size) => {
                const parts = {a: [], h: [], z: []};
                for (let s = 0; s < n; s += size) {
                    const o = await dec.run(f0.subarray(s, s + size), ld.subarray(s, s + size));
                    parts.a.push(...o.amplitudes);
                    parts.h.push(...o.harmonicDistribution);
                    parts.z.push(...o.noiseMagnitudes);
                }
                dec.dispose();
                return [parts.a, parts.h, parts.z].map((p) => __f32ToB64(new Float32Array(p)));
            };
            // The TF.js graph itself, the whole phrase in one block from the silent caches.
            const graph = await k.decoder.loadDecoder(url, meta, {cpu: false});
            const graphKind = graph.kind;
            const whole = await read(graph, n);
            // The app's decoder stage, block by block.
            const dec = await k.decoder.loadDecoder(url, meta);
            const kind = dec.kind;
            const blocks = await read(dec, block);
            return {backend: tf.getBackend(), graphKind, kind, whole, blocks};
        }""",
        [meta, to_b64(f0), to_b64(ld), BLOCK],
    )
    # On the cpu backend the app decodes with the CPU decoder (the streaming network in plain JS).
    assert result["backend"] == "cpu" and result["graphKind"] == "streaming" and result["kind"] == "cpu"
    shapes = {"amplitudes": 1, "harmonic_distribution": meta["n_harmonics"], "noise_magnitudes": meta["n_noise"]}
    js = {k: from_b64(b).reshape(N_FRAMES, n) for (k, n), b in zip(shapes.items(), result["whole"], strict=True)}
    js_block = {k: from_b64(b).reshape(N_FRAMES, n) for (k, n), b in zip(shapes.items(), result["blocks"], strict=True)}
    same_weights = _tf_outputs(work, meta, f0, ld, float16=meta["weights_dtype"] == "float16")
    float32 = _tf_outputs(work, meta, f0, ld, float16=False)
    report = {}
    for k in shapes:
        ref = same_weights[k]
        scale = max(1.0, float(np.abs(ref).max()))
        err = float(np.abs(js[k] - ref).max())
        report[k] = err
        # Same (float16-rounded) weights, float32 arithmetic in another order: rounding only.
        assert err < 1e-4 * scale, f"{k}: TF.js vs TF max abs error {err:g}"
        # The app's block-by-block decoder gives the whole-sequence frames.
        berr = float(np.abs(js_block[k] - ref).max())
        assert berr < 1e-4 * scale, f"{k}: streamed blocks vs TF max abs error {berr:g}"
        # Against the float32 weights: float16 storage costs ~1e-3 relative (≤ 2e-2 allowed).
        f32 = float32[k]
        assert np.abs(js[k] - f32).max() < 2e-2 * max(float(np.abs(f32).max()), 1e-3), k
    assert not [e for e in errors if "model" in e.lower()], errors
    print("TF.js vs TF max abs error:", report)
