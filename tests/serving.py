"""The real app served on a free loopback port in a background thread (tests and benchmarks)."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

# The test kit's bundle (scripts/bundle.mjs): served beside the app for tests and benchmarks only.
TEST_BUILD = Path(__file__).resolve().parent / "build"
TEST_KIT_URL = "/tests/build/testkit.js"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_app(static_dir: Path | None = None, start_timeout_s: float = 20):
    """Yields the base URL of `create_app(static_dir)` served by uvicorn on 127.0.0.1, with the
    test kit (tests/build) at /tests/build: the app itself never serves it."""
    import uvicorn

    from app.main import STATIC_DIR, Static, create_app

    port = free_port()
    app = create_app(static_dir or STATIC_DIR)
    app.mount("/tests/build", Static(directory=str(TEST_BUILD), check_dir=False), name="test-kit")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + start_timeout_s
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError(f"the app did not start on port {port} within {start_timeout_s} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
