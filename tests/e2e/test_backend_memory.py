"""A returning singer's device is not measured from scratch: the page remembers the measurement
(backend-memory.js) and the engine Worker confirms its choice with one measurement of that backend.
Every visit opens the default page (+ the probe) in one browser profile, as a returning user would."""
from __future__ import annotations

import json
import time

import pytest

from tests.e2e.live import LIVE, expected_backend, probe

pytestmark = pytest.mark.e2e

KEY = "swara.backendMeasurement"


def revisit(page):
    """The same page again in the same browser profile (its localStorage kept)."""
    again = page.context.new_page()
    again.goto(page.url)
    again.wait_for_function("document.body.dataset.state === 'ready'", timeout=90_000)
    return again


def stored_record(page) -> dict | None:
    record = page.evaluate(f"localStorage.getItem('{KEY}')")
    return json.loads(record) if record else None


def assert_same_engine_rule(backend: dict) -> None:
    """The choice is the chooser's rule applied to what this visit measured (tests/e2e/live.py
    expected_backend: wasm and cpu run the same engine, wasm unless cpu is clearly faster)."""
    choice = backend["choice"]
    at = [m for m in backend["measurements"]
          if m["blockFrames"] == choice["blockFrames"] and not m.get("error") and not m.get("earlier")]
    if choice["keepsUp"]:
        assert choice["backend"] == expected_backend(at), f"{at}: {choice}"


def test_a_returning_visit_confirms_the_remembered_choice_or_measures_again(open_page):
    page, errors, _ = open_page(path=LIVE)
    first = probe(page, "backend")
    assert_same_engine_rule(first)
    stored = stored_record(page)
    if first["choice"]["blockFrames"] != 1:
        assert stored is None, "a choice at a longer block is not remembered (the next visit measures again)"
        pytest.skip(f"this run chose {first['choice']['blockFrames']}-frame blocks: nothing to remember")
    assert (stored["choice"]["backend"], stored["choice"]["blockFrames"]) == (first["choice"]["backend"], 1)
    assert {m["backend"] for m in stored["measurements"]} == {m["backend"] for m in first["measurements"]}

    confirmed = 0
    for _ in range(3):
        stored = stored_record(page)  # what this revisit starts from (a revisit that measured again renews it)
        again = revisit(page)
        second = probe(again, "backend")
        fresh = [m for m in second["measurements"] if not m.get("earlier")]
        if second["choice"].get("remembered"):
            confirmed += 1
            assert len(fresh) == 1 and fresh[0]["backend"] == stored["choice"]["backend"], "one backend measured now"
            assert "confirmed now" in second["choice"]["reason"] and second["choice"]["keepsUp"]
            shown = again.text_content("#backend")
            assert (shown == "audio thread" if second["choice"]["host"] == "audio"
                    else shown.startswith(stored["choice"]["backend"]))
        else:  # the remembered backend no longer kept up at this moment: everything measured again
            assert {"wasm", "cpu"} <= {m["backend"] for m in fresh}, second["measurements"]
            assert_same_engine_rule(second)
        again.close()
    assert confirmed >= 1, "a device that just measured keeps up with its own choice on at least one of 3 revisits"
    assert not errors, errors


def test_a_corrupt_or_foreign_memory_is_ignored(open_page):
    page, errors, _ = open_page(path=LIVE)
    for bad in ["{", json.dumps({"device": "another phone", "modelId": "bansuri", "measuredAt": int(time.time() * 1000),
                                 "choice": {"backend": "cpu", "blockFrames": 1}, "measurements": []})]:
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, bad])
        again = revisit(page)
        backend = probe(again, "backend")
        assert not backend["choice"].get("remembered"), "a record that is unreadable or from another device is not used"
        assert {"wasm", "cpu"} <= {m["backend"] for m in backend["measurements"]}
        again.close()
    assert not errors, errors
