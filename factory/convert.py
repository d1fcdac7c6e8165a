"""SavedModel → TF.js graph model (float16 weights where chosen), written atomically.

A model folder ships one graph, the streaming one (`stream.json` + `stream-shard*.bin`, beside
metadata.json): the page runs nothing else, and the whole-sequence frames it would give are the
streaming graph's from zero caches (factory.stream.run_whole)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).iterdir() if p.is_file())


MIN_FLOAT16_ELEMENTS = 16


STREAM_MODEL = "stream.json"
# What a model folder may weigh on disk (graph + shards + metadata.json): the page's budget.
FOLDER_BYTES_LIMIT = 150_000


def convert(saved_model: Path, out_dir: Path, float16: bool = True, experiments: bool = True) -> int:
    """Converts into out_dir (created) as the converter names it (model.json + group1-shard*.bin);
    returns their bytes.

    float16 quantizes the weight tensors only (≥ MIN_FLOAT16_ELEMENTS elements: kernels, biases,
    norm gains); scalar constants of the graph (exp_sigmoid's log(10), 1/127, 440 Hz …) stay
    float32, so TF.js computes exactly what TensorFlow does with float16-rounded weights.

    experiments=True keeps grappler from constant-folding Fill/ZerosLike-style ops into large
    constants, so big all-equal tensors stay as small ops in model.json.
    """
    import tensorflowjs as tfjs

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    quant = None
    if float16:
        with tempfile.TemporaryDirectory() as probe:
            convert(saved_model, Path(probe), float16=False, experiments=experiments)
            quant = {"float16": [w["name"] for w in _weights(Path(probe))
                                 if w["dtype"] == "float32" and _size(w) >= MIN_FLOAT16_ELEMENTS]}
    tfjs.converters.convert_tf_saved_model(
        str(saved_model), str(out_dir), signature_def="serving_default", saved_model_tags="serve",
        quantization_dtype_map=quant,
        # Outputs stay reachable by name through model.json "signature" (amplitudes → Identity:0 …);
        # structured output names would make GraphModel.execute return a map instead of an array.
        use_structured_outputs_names=False, experiments=experiments)
    return dir_bytes(out_dir)


def _weights(model_dir: Path) -> list:
    import json

    m = json.loads((Path(model_dir) / "model.json").read_text())
    return [w for g in m["weightsManifest"] for w in g["weights"]]


def _size(w) -> int:
    n = 1
    for d in w["shape"]:
        n *= int(d)
    return n


def convert_streaming(saved_model: Path, out_dir: Path, float16: bool = True) -> dict:
    """Converts the streaming SavedModel into out_dir as stream.json + stream-shard*.bin, with the
    constant-compressing experiments switch and compacted → {"bytes": what the page fetches,
    "bytes_before_compression": the plain converter's output, for the record}."""
    import json

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        plain = convert(saved_model, Path(tmp) / "plain", float16, experiments=False)
        converted = Path(tmp) / "experiments"
        convert(saved_model, converted, float16, experiments=True)
        m = json.loads((converted / "model.json").read_text())
        for group in m["weightsManifest"]:
            renamed = []
            for p in group["paths"]:
                new = "stream-" + p.split("-", 1)[1]   # group1-shard1of1.bin → stream-shard1of1.bin
                shutil.copy2(converted / p, out_dir / new)
                renamed.append(new)
            group["paths"] = renamed
        _key_outputs_by_order(saved_model, m)
        _drop_output_identities(m)
        (out_dir / STREAM_MODEL).write_text(json.dumps(m))
    compact_model_json(out_dir, STREAM_MODEL)
    return {"bytes": graph_bytes(out_dir, STREAM_MODEL), "bytes_before_compression": plain}


def _key_outputs_by_order(saved_model: Path, m: dict) -> None:
    """Names model.json's signature outputs by the SavedModel's output keys.

    The converter matches each output tensor to a signature key by shape alone, so outputs of
    equal shape (the caches, [1, -1, C]) keep bare tensor names. The signature's outputs are its
    dict's values flattened in sorted key order (tf.nest), which gives each tensor its key.
    """
    import tensorflow as tf

    fn = tf.saved_model.load(str(saved_model)).signatures["serving_default"]
    keys = sorted(fn.structured_outputs)
    by_tensor = {v["name"]: v for v in m["signature"]["outputs"].values()}
    named = {}
    for key, tensor in zip(keys, fn.outputs, strict=True):
        entry = by_tensor[tensor.name]
        last = int(entry["tensorShape"]["dim"][-1]["size"])
        if last != fn.structured_outputs[key].shape[-1]:
            raise ValueError(f"output {key}: converted tensor {tensor.name} has {last} channels, "
                             f"the SavedModel's has {fn.structured_outputs[key].shape[-1]}")
        named[key] = entry
    m["signature"]["outputs"] = named


def _drop_output_identities(m: dict) -> None:
    """Points each signature output at the node its Identity copies and drops the Identity:
    TF.js runs every node as a kernel, and a streaming block pays per kernel."""
    nodes = m["modelTopology"]["node"]
    by_name = {n["name"]: n for n in nodes}
    used = {i.lstrip("^").split(":")[0] for n in nodes for i in n.get("input", [])}
    drop = set()
    for entry in m["signature"]["outputs"].values():
        name = entry["name"].split(":")[0]
        node = by_name.get(name)
        if node is None or node["op"] != "Identity" or name in used or len(node.get("input", [])) != 1:
            continue
        src = node["input"][0]
        if src.startswith("^") or by_name[src.split(":")[0]]["op"] == "Placeholder":
            continue
        entry["name"] = src if ":" in src else f"{src}:0"
        drop.add(name)
    m["modelTopology"]["node"] = [n for n in nodes if n["name"] not in drop]


def graph_bytes(model_dir: Path, model_file: str = STREAM_MODEL) -> int:
    """Bytes a page downloads for one graph: its JSON plus the shards it names."""
    import json

    m = json.loads((Path(model_dir) / model_file).read_text())
    paths = [p for g in m["weightsManifest"] for p in g["paths"]]
    return (Path(model_dir) / model_file).stat().st_size + sum((Path(model_dir) / p).stat().st_size for p in paths)


def install_atomically(src_dir: Path, dest: Path) -> None:
    """Installs a built model folder at dest in one atomic step (see factory/install.py)."""
    from factory.install import install_atomically as install

    install(src_dir, dest)


def compact_model_json(model_dir: Path, model_file: str = STREAM_MODEL) -> int:
    """Rewrites the graph's JSON smaller: short node names, no device attrs, no JSON whitespace.

    The graph is unchanged (same ops, same weights, same order); the signature keeps the input
    placeholders (f0_hz, loudness_db, caches) and the structured output names. Returns its bytes.
    """
    import json

    path = Path(model_dir) / model_file
    m = json.loads(path.read_text())
    nodes = m["modelTopology"]["node"]
    keep = {n["name"] for n in nodes if n["op"] == "Placeholder"}
    keep |= {v["name"].split(":")[0] for v in m.get("signature", {}).get("outputs", {}).values()}
    rename = {}
    for i, n in enumerate(nodes):
        rename[n["name"]] = n["name"] if n["name"] in keep else _b36(i)

    def ref(s):
        ctrl = s.startswith("^")
        base = s[1:] if ctrl else s
        name, _, idx = base.partition(":")
        new = rename.get(name, name) + (f":{idx}" if idx else "")
        return ("^" if ctrl else "") + new

    for n in nodes:
        n["name"] = rename[n["name"]]
        n.pop("device", None)
        if "input" in n:
            n["input"] = [ref(s) for s in n["input"]]
    for group in m["weightsManifest"]:
        for w in group["weights"]:
            w["name"] = rename.get(w["name"], w["name"])
    text = json.dumps(m, separators=(",", ":"))
    path.write_text(text)
    return len(text.encode())


def _b36(i: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        i, r = divmod(i, 36)
        s = digits[r] + s
        if i == 0:
            return "n" + s
