"""The `--quick` model, built once per test session and shared by the factory and e2e tests."""
from __future__ import annotations

from pathlib import Path

QUICK_INSTRUMENT = "shehnai"


def quick_models(tmp_path_factory) -> tuple[Path, Path]:
    """Builds the --quick model once per session → (models dir, its work dir)."""
    base = tmp_path_factory.getbasetemp() / "quick_build"
    done = base / "done"
    if not done.is_file():
        from factory import build

        build.build_instrument(QUICK_INSTRUMENT, out=base / "models", quick=True, work_root=base / "work",
                               plan=build.Plan.quick(progress=False))
        done.touch()
    return base / "models", base / "work" / "_quick"
