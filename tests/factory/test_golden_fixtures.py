"""The checked-in golden fixtures (tests/fixtures/*.json + .bin) are what make_golden.py writes
today with the installed ddsp: regenerated in memory and compared, so a ddsp/TF upgrade or an
edit of the script that changes the references cannot go unnoticed by the JS tests."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.fixtures import make_golden

NAMES = sorted(make_golden.FIXTURES)


def read_arrays(header: dict, payload: bytes) -> dict[str, np.ndarray]:
    flat = np.frombuffer(payload, dtype="<f4")
    return {k: flat[v["offset"]:v["offset"] + v["length"]] for k, v in header["arrays"].items()}


def test_fixtures_are_small():
    total = sum(p.stat().st_size for p in make_golden.HERE.iterdir() if p.suffix in (".json", ".bin"))
    assert total < 1_000_000, f"golden fixtures take {total} bytes"


@pytest.mark.parametrize("name", NAMES)
def test_checked_in_fixture_matches_a_fresh_ddsp_run(name):
    header = json.loads((make_golden.HERE / f"{name}.json").read_text())
    stored = read_arrays(header, (make_golden.HERE / f"{name}.bin").read_bytes())
    fresh_header, fresh_payload = make_golden.build(name)
    fresh = read_arrays(fresh_header, fresh_payload)
    assert json.loads(json.dumps(fresh_header)) == header
    for key, want in fresh.items():
        got = stored[key]
        scale = max(1e-6, float(np.max(np.abs(want))))
        err = float(np.max(np.abs(got - want))) / scale
        assert err < 1e-4, f"{name}.{key}: relative max difference {err:.2e}"


def test_mulberry32_first_values_are_the_reference_sequence():
    """Pins the PRNG shared with static/js/engine/synth/synth.js (mulberry32, seed 1)."""
    u = make_golden.mulberry32(1, 3)
    assert np.allclose(u, [0.6270739405881613, 0.002735721180215478, 0.5274470399599522])
