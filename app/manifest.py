"""The models manifest: one entry per `static/models/<name>/`, checked before the browser sees it.

A model is listed only if its metadata.json, its graph (the streaming graph metadata.json names,
`streaming.model`, the one graph a model ships) and weight shards agree with each other;
otherwise it goes under `errors` with the reason, and the other models are unaffected.
"""
from __future__ import annotations

import json
import logging
import math
import sys
from array import array
from math import prod
from pathlib import Path

from factory.analysis import analysis_metadata

log = logging.getLogger("swara.manifest")

REQUIRED_KEYS = ("name", "sample_rate", "frame_rate", "n_harmonics", "n_noise")
# Bytes per stored value, by the stored dtype (a quantization's dtype if there is one).
STORED_BYTES = {"float32": 4, "int32": 4, "bool": 1, "float16": 2, "uint8": 1, "uint16": 2}
# The graph's inputs and outputs (docs/architecture.md, "The model contract") when metadata.json's
# "streaming" does not list them.
DEFAULT_INPUTS = ("f0_hz", "loudness_db")
# The last dimension each graph output must have, from the metadata key that states it.
OUTPUT_WIDTH_KEYS = {"amplitudes": None, "harmonic_distribution": "n_harmonics", "noise_magnitudes": "n_noise"}
# The analysis the page runs as the factory did (factory/analysis.py): every model states it.
ANALYSIS_KEYS = tuple(analysis_metadata())


# metadata.json "playing": how the instrument is played (static/js/engine/idiom/, docs/models.md).
# A key maps to (low, high) for a number, ("pair", low, high) for [low < high], ("ints", low, high)
# for a list of integers, bool for a flag, or a nested section. The factory writes the section
# (factory/playing.py) and checks it with check_playing before it ships.
STRIKE_SCHEMA = {"jump_semitones": (0.25, 12), "jump_ms": (1, 100), "consonant_max_ms": (10, 1000)}
TARAF_SCHEMA = {"ring_s": (0.05, 20), "level_db": (-60, 0)}
CHIKARI_SCHEMA = {"ring_s": (0.05, 20), "level_db": (-60, 0), "octaves": ("ints", -2, 3),
                  "pick_hz": ("pair", 20, 8000), "default_on": bool}
PLAYING_SCHEMA = {
    "voice": {},
    "keyed": {"key_change_ms": (0, 100), "key_hysteresis_semitones": (0, 0.5), "bellows_ms": (1, 2000)},
    "plucked": {"attack_ms": (1, 500), "strength_ms": (1, 500), "decay_early_db_per_s": (0, 200),
                "decay_late_db_per_s": (0, 200), "decay_knee_ms": (1, 10000), "meend_max_semitones": (0, 12),
                "strike": STRIKE_SCHEMA},
    "bowed": {"attack_ms": (1, 500), "bow_change_ms": (1, 500), "bow_change_db": (0, 40), "strike": STRIKE_SCHEMA},
    "breath": {"band_hz": ("pair", 20, 8000), "level_db": (-60, 0), "aperiodicity_ref": (0.001, 1),
               "onset_db": (0, 40), "onset_ms": (1, 1000), "soft_db_per_db": (0, 2), "tongue_db": (0, 20),
               "tongue_ms": (1, 1000), "strike": STRIKE_SCHEMA},
}
VIBRATO_SCHEMA = {"depth": (0, 1), "period_ms": (20, 1000), "follow_semitones": (0.1, 6), "follow_db": (0.5, 40)}
PLAYING_OPTIONAL = {"taraf": TARAF_SCHEMA, "chikari": CHIKARI_SCHEMA, "vibrato": VIBRATO_SCHEMA}
PLAYING_FREE_KEYS = {"idiom", "measured"}  # "measured": how the factory found the numbers (text)


class ModelFault(ValueError):
    """A model that must not be offered; the message names the file and the fault."""


def read_json(path: Path, label: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ModelFault(f"{label}: missing") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ModelFault(f"{label}: cannot read: {err}") from err
    except json.JSONDecodeError as err:
        raise ModelFault(f"{label}: not valid JSON (line {err.lineno}, column {err.colno}): {err.msg}") from err


def read_metadata(path: Path) -> dict:
    """Reads one metadata.json; raises ModelFault naming the file and the fault."""
    label = f"{path.parent.name}/{path.name}"
    meta = read_json(path, label)
    if not isinstance(meta, dict):
        raise ModelFault(f"{label}: expected a JSON object, found {type(meta).__name__}")
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise ModelFault(f"{label}: missing keys {', '.join(missing)}")
    streaming = meta.get("streaming")
    name = streaming.get("model") if isinstance(streaming, dict) else None
    if not isinstance(name, str) or Path(name).name != name or not name.endswith(".json"):
        raise ModelFault(f"{label}: streaming.model must name the model's graph, a .json file beside it, "
                         f"found {name!r}")
    if not (path.parent / name).is_file():
        raise ModelFault(f"{label}: no {name} beside it")
    check_playing(meta, label)
    check_analysis(meta, label)
    return meta


def _check_value(value, spec, where: str) -> None:
    if spec is bool:
        if not isinstance(value, bool):
            raise ModelFault(f"{where} must be true or false, found {value!r}")
    elif isinstance(spec, dict):
        _check_section(value, spec, where)
    elif spec[0] == "pair":
        lo, hi = spec[1:]
        if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)
                and lo <= value[0] < value[1] <= hi):
            raise ModelFault(f"{where} must be [low, high] with {lo} <= low < high <= {hi}, found {value!r}")
    elif spec[0] == "ints":
        lo, hi = spec[1:]
        if not (isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool)
                                                           and lo <= v <= hi for v in value)):
            raise ModelFault(f"{where} must be a non-empty list of integers {lo} to {hi}, found {value!r}")
    else:
        lo, hi = spec
        if not (_is_number(value) and lo <= value <= hi):
            raise ModelFault(f"{where} must be a number from {lo} to {hi}, found {value!r}")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_section(section, schema: dict, where: str, optional: dict | None = None, free=()) -> None:
    if not isinstance(section, dict):
        raise ModelFault(f"{where} must be an object, found {type(section).__name__}")
    optional = optional or {}
    for key, spec in schema.items():
        if key not in section:
            raise ModelFault(f"{where} lacks {key!r}")
        _check_value(section[key], spec, f"{where}.{key}")
    for key, value in section.items():
        if key in optional:
            _check_value(value, optional[key], f"{where}.{key}")
        elif key not in schema and key not in free:
            known = ", ".join(sorted(schema) + sorted(optional))
            raise ModelFault(f"{where} has an unknown key {key!r} (known: {known})")


def check_playing(meta: dict, label: str) -> None:
    """metadata.json's "playing" section (optional: without it the instrument plays as the voice
    sings) names a known idiom with every number that idiom needs, in range."""
    playing = meta.get("playing")
    if playing is None:
        return
    where = f"{label}: playing"
    if not isinstance(playing, dict):
        raise ModelFault(f"{where} must be an object, found {type(playing).__name__}")
    idiom = playing.get("idiom")
    if idiom not in PLAYING_SCHEMA:
        raise ModelFault(f"{where}.idiom must be one of {', '.join(PLAYING_SCHEMA)}, found {idiom!r}")
    optional = {k: v for k, v in PLAYING_OPTIONAL.items() if k != "chikari" or idiom == "plucked"}
    _check_section(playing, PLAYING_SCHEMA[idiom], where, optional, PLAYING_FREE_KEYS)


def check_analysis(meta: dict, label: str) -> None:
    """The `analysis` section (loudness window and floor, voice f0 range) the page reads is there."""
    analysis = meta.get("analysis")
    if not isinstance(analysis, dict):
        raise ModelFault(f"{label}: no 'analysis' section (the loudness window and floor and the voice f0 range "
                         f"the page must analyse with); `python -m factory.analysis static/models/<id>` writes it")
    for key in ANALYSIS_KEYS:
        value = analysis.get(key)
        if not _is_number(value):
            raise ModelFault(f"{label}: analysis.{key} must be a finite number, found {value!r}")
    if not 0 < analysis["f0_min_hz"] < analysis["f0_max_hz"]:
        raise ModelFault(f"{label}: analysis f0 range {analysis['f0_min_hz']}–{analysis['f0_max_hz']} Hz is empty")


def _dims(spec: dict) -> list[int]:
    return [int(d.get("size", -1)) for d in (spec.get("tensorShape") or {}).get("dim") or []]


def check_graph(model: dict, meta: dict, label: str, inputs=DEFAULT_INPUTS, outputs=tuple(OUTPUT_WIDTH_KEYS),
                caches=()) -> None:
    """model is a TF.js graph model whose signature has `inputs`, `outputs` and `caches`
    (streaming state: {"input", "output", "shape"}) and whose output widths match the metadata."""
    if not isinstance(model, dict) or model.get("format") != "graph-model" or "modelTopology" not in model:
        raise ModelFault(f"{label}: not a TF.js graph model (no format 'graph-model' with a modelTopology)")
    if not isinstance(model.get("weightsManifest"), list):
        raise ModelFault(f"{label}: no weightsManifest list")
    signature = model.get("signature") or {}
    graph_inputs = {k.split(":")[0]: v for k, v in (signature.get("inputs") or {}).items()}
    graph_outputs = signature.get("outputs") or {}
    for name in inputs:
        if name not in graph_inputs:
            raise ModelFault(f"{label}: metadata.json names input {name!r}, the graph has {sorted(graph_inputs)}")
    for name in outputs:
        if name not in graph_outputs:
            raise ModelFault(f"{label}: metadata.json names output {name!r}, the graph has {sorted(graph_outputs)}")
    for name, key in OUTPUT_WIDTH_KEYS.items():
        if name not in graph_outputs:
            continue
        want, have = (1, "1") if key is None else (meta[key], f"{key} = {meta[key]}")
        dims = _dims(graph_outputs[name])
        got = dims[-1] if dims else None
        if got != want:
            raise ModelFault(f"{label}: output {name!r} is {got} wide in the graph but metadata.json says {have}")
    for cache in caches:
        for kind, name, table in (("input", cache.get("input"), graph_inputs),
                                  ("output", cache.get("output"), graph_outputs)):
            if name not in table:
                raise ModelFault(f"{label}: metadata.json names cache {kind} {name!r}, the graph has no such {kind}")
            if _dims(table[name]) != list(cache.get("shape", [])):
                raise ModelFault(f"{label}: cache {kind} {name!r} is {_dims(table[name])} in the graph "
                                 f"but metadata.json says {cache.get('shape')}")


def _non_finite(data: bytes, dtype: str) -> bool:
    """True if any float32/float16 value in `data` (little-endian) is NaN or infinite (exponent all ones)."""
    code, mask = {"float32": ("I", 0x7F800000), "float16": ("H", 0x7C00)}[dtype]
    values = array(code, data)
    if sys.byteorder != "little":
        values.byteswap()
    return any((v & mask) == mask for v in values)


def check_weights(model_dir: Path, model: dict, label: str) -> None:
    """Every shard exists, each group's shards hold exactly the bytes its weights need, floats are finite."""
    for group in model["weightsManifest"]:
        shards = []
        for rel in group.get("paths", []):
            shard = model_dir / rel
            if Path(rel).is_absolute() or ".." in Path(rel).parts or not shard.is_file():
                raise ModelFault(f"{label}: weight shard {rel!r} is missing")
            shards.append(shard)
        data = b"".join(s.read_bytes() for s in shards)
        offset = 0
        for w in group.get("weights", []):
            stored = (w.get("quantization") or {}).get("dtype") or w.get("dtype")
            if stored not in STORED_BYTES:
                raise ModelFault(f"{label}: weight {w.get('name')!r} has unsupported dtype {stored!r}")
            size = prod(int(d) for d in w.get("shape", [])) * STORED_BYTES[stored]
            chunk = data[offset:offset + size]
            offset += size
            if len(chunk) == size and stored in ("float32", "float16") and _non_finite(chunk, stored):
                raise ModelFault(f"{label}: weight {w.get('name')!r} holds NaN or infinite values")
        if offset != len(data):
            names = ", ".join(group.get("paths", []))
            raise ModelFault(f"{label}: weight shards ({names}) hold {len(data)} bytes, "
                             f"but the weightsManifest describes {offset}")


def check_model(model_dir: Path) -> dict:
    """Metadata of a model that is safe to offer (its one graph, the streaming graph);
    raises ModelFault otherwise."""
    meta = read_metadata(model_dir / "metadata.json")
    streaming = meta["streaming"]
    label = f"{model_dir.name}/{streaming['model']}"
    model = read_json(model_dir / streaming["model"], label)
    check_graph(model, meta, label, streaming.get("inputs", DEFAULT_INPUTS),
                streaming.get("outputs", tuple(OUTPUT_WIDTH_KEYS)), streaming.get("caches", ()))
    check_weights(model_dir, model, label)
    return meta


_checked: dict[Path, tuple[tuple, dict | str]] = {}


def _fingerprint(model_dir: Path) -> tuple:
    """Names, sizes and modification times of a model's files: a rebuilt model changes it."""
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in model_dir.iterdir() if p.is_file()))


def checked_model(model_dir: Path) -> dict | str:
    """check_model, cached until a file of the model changes → metadata, or the fault as text."""
    try:
        key = _fingerprint(model_dir)
    except OSError as err:
        return f"{model_dir.name}: cannot list files: {err}"
    hit = _checked.get(model_dir)
    if hit and hit[0] == key:
        return hit[1]
    try:
        result: dict | str = check_model(model_dir)
    except ModelFault as err:
        result = str(err)
    _checked[model_dir] = (key, result)
    return result


def build_manifest(models_dir: Path) -> dict:
    """Returns {"models": [...], "errors": [{"model", "error"}]}; a broken model is reported and skipped."""
    models, errors = [], []
    for meta_path in sorted(Path(models_dir).glob("*/metadata.json")):
        model_dir = meta_path.parent
        if model_dir.name.startswith("."):
            continue  # an install in progress or its leftovers (factory/install.py)
        result = checked_model(model_dir)
        if isinstance(result, str):
            log.warning("skipping model: %s", result)
            errors.append({"model": model_dir.name, "error": result})
            continue
        entry = dict(result)
        entry["id"] = model_dir.name
        entry["url"] = f"/static/models/{model_dir.name}/{result['streaming']['model']}"
        models.append(entry)
    return {"models": models, "errors": errors}
