"""Shared fixtures: a live server on a free port, and sung-like test signals."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The static folder the e2e tests serve; SWARA_STATIC_DIR points them at another model set.
STATIC_DIR = Path(os.environ.get("SWARA_STATIC_DIR", ROOT / "static"))
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server():
    """Serves the real app (static/ with the bundle) on 127.0.0.1; yields its base URL."""
    import uvicorn

    from app.main import create_app

    if not (STATIC_DIR / "build" / "app.js").is_file():
        pytest.fail("static/build/app.js is missing: run `make bundle` (make test does it)")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(STATIC_DIR), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("test server did not start in 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
