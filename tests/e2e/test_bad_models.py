"""A broken instrument on the server: the page names it and why, and another instrument still sings."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tests.conftest import STATIC_DIR
from tests.e2e.conftest import BASE_ARGS, CHROMIUM
from tests.e2e.test_security import READY, poll, sing_for
from tests.signals import sung_vowel, write_wav

pytestmark = pytest.mark.e2e


def test_a_model_with_nan_weights_is_shown_unavailable_and_another_one_plays(pw, tmp_path):
    from tests.serving import served_app

    shipped = sorted(p.parent.name for p in (STATIC_DIR / "models").glob("*/metadata.json"))
    if len(shipped) < 2:
        pytest.fail("needs two shipped models")
    victim, survivors = shipped[0], shipped[1:]
    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR, static, ignore=shutil.ignore_patterns("*.map"))
    meta = json.loads((static / "models" / victim / "metadata.json").read_text())
    graph_name = meta["streaming"]["model"]
    shard = static / "models" / victim / json.loads((static / "models" / victim / graph_name).read_text())[
        "weightsManifest"][0]["paths"][0]
    shard.write_bytes(b"\xff" * shard.stat().st_size)  # every float32/float16 weight becomes NaN

    audio, _ = sung_vowel(220.0, seconds=6.0, sample_rate=48000)
    wav = write_wav(tmp_path / "a3.wav", audio, 48000)
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                 args=BASE_ARGS + [f"--use-file-for-fake-audio-capture={wav}"])
    try:
        with served_app(static) as url:
            page = browser.new_page()
            page.goto(f"{url}/?backend=wasm&probe=1")
            poll(page, READY, 90)
            hint = page.text_content("#instrument-hint")
            assert hint.startswith(f"Unavailable: {victim}/{graph_name}: weight ") and "NaN or infinite" in hint, hint
            chips = page.eval_on_selector_all("#instrument-list [data-id]", "els => els.map((e) => e.dataset.id)")
            assert chips == survivors
            out = sing_for(page)
            assert out.size and float(np.max(np.abs(out))) > 0.01, f"{survivors[0]} stayed silent"
    finally:
        browser.close()
