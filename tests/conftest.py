"""Shared fixtures: a live server on a free port, and sung-like test signals."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The static folder the e2e tests serve; SWARA_STATIC_DIR points them at another model set.
STATIC_DIR = Path(os.environ.get("SWARA_STATIC_DIR", ROOT / "static"))
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def live_server():
    """Serves the real app (static/ with the bundle) on 127.0.0.1; yields its base URL."""
    from tests.serving import served_app

    if not (STATIC_DIR / "build" / "app.js").is_file():
        pytest.fail("static/build/app.js is missing: run `make bundle` (make test does it)")
    with served_app(STATIC_DIR) as url:
        yield url
