"""Each instrument in its idiom on the default page: a sung phrase plays, the playing controls it
has (and only those) are shown beside the tuning, and using them raises no error."""
from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.live import probe, read_output, sing_into_page
from tests.signals import sung_take, write_wav

pytestmark = pytest.mark.e2e

# Which playing controls each shipped instrument shows (its metadata.json "playing").
CONTROLS = {"bansuri": set(), "harmonium": set(), "shehnai": set(), "sarangi": {"taraf"}, "sitar": {"taraf", "chikari"}}
PHRASE = [(57, 0.8), (61, 0.5), ("k", 0.06), (64, 0.7), (None, 0.4), (62, 0.6), (59, 0.8), (None, 0.5)]


def shown(page) -> set[str]:
    return {name for name in ("taraf", "chikari")
            if page.is_visible("#playing") and page.is_visible(f"#{name}-row")}


def test_each_instrument_plays_a_sung_phrase_with_only_its_playing_controls(open_page, tmp_path):
    audio, _, _ = sung_take(PHRASE, sample_rate=48000)
    page, errors = sing_into_page(open_page, write_wav(tmp_path / "phrase.wav", audio, 48000), seconds=0.5)
    chips = page.eval_on_selector_all(".chip", "cs => cs.map(c => c.dataset.id)")
    assert sorted(chips) == sorted(CONTROLS)
    rate = probe(page, "sampleRate")
    frame = int(rate // 100)
    for model_id in chips:
        page.click(f".chip[data-id='{model_id}']")
        page.wait_for_function("id => swaraProbe.stats.modelId === id", arg=model_id, timeout=60_000)
        assert shown(page) == CONTROLS[model_id], f"{model_id} shows {shown(page)}"
        if "taraf" in CONTROLS[model_id]:
            page.fill("#taraf", "1.5")
            page.dispatch_event("#taraf", "input")
            assert page.inner_text("#taraf-out") == "150%"
        if "chikari" in CONTROLS[model_id]:
            page.check("#chikari")
        read_output(page)
        page.wait_for_timeout(4500)  # longer than one loop of the phrase
        out = read_output(page)
        rms = np.sqrt(np.mean(out[: len(out) // frame * frame].reshape(-1, frame) ** 2, axis=1))
        assert rms.max() > 0.01, f"{model_id} does not play the phrase"
        assert probe(page, "errors") == [] and errors == [], f"{model_id}: {errors}"
