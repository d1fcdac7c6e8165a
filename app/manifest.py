"""The models manifest: one entry per `static/models/<name>/metadata.json`."""
from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger("swara.manifest")

REQUIRED_KEYS = ("name", "sample_rate", "frame_rate", "n_harmonics", "n_noise")


def read_metadata(path: Path) -> dict:
    """Reads one metadata.json; raises ValueError naming the file and the fault."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read: {err}") from err
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON (line {err.lineno}, column {err.colno}): {err.msg}") from err
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: expected a JSON object, found {type(meta).__name__}")
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise ValueError(f"{path}: missing keys {', '.join(missing)}")
    if not (path.parent / "model.json").is_file():
        raise ValueError(f"{path}: no model.json beside it")
    return meta


def build_manifest(models_dir: Path) -> dict:
    """Returns {"models": [...], "errors": [...]}; a broken model is reported and skipped."""
    models, errors = [], []
    for meta_path in sorted(Path(models_dir).glob("*/metadata.json")):
        try:
            meta = read_metadata(meta_path)
        except ValueError as err:
            log.warning("skipping model: %s", err)
            errors.append({"model": meta_path.parent.name, "error": str(err)})
            continue
        entry = dict(meta)
        entry["id"] = meta_path.parent.name
        entry["url"] = f"/static/models/{meta_path.parent.name}/model.json"
        models.append(entry)
    return {"models": models, "errors": errors}
