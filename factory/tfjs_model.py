"""Runs a converted TF.js graph model (static/models/<name>/) in TensorFlow, weights as shipped.

model.json's modelTopology is a GraphDef in protobuf JSON; its weights (float16-quantised or
float32) are put back into the Const nodes, so Python computes what the browser loads.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
_QUANTISED = {"float16": np.float16}


def read_weights(model_dir: Path) -> dict:
    """{node name: numpy array} from model.json's weightsManifest and its shard files."""
    model_dir = Path(model_dir)
    manifest = json.loads((model_dir / "model.json").read_text())["weightsManifest"]
    values = {}
    for group in manifest:
        buf = b"".join((model_dir / p).read_bytes() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            q = (w.get("quantization") or {}).get("dtype")
            if q is not None and q not in _QUANTISED:
                raise ValueError(f"{model_dir}: weight {w['name']} quantised as {q}, not supported here")
            dtype = np.dtype(_QUANTISED[q] if q else _DTYPES[w["dtype"]])
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            a = np.frombuffer(buf[offset:offset + n * dtype.itemsize], dtype=dtype).reshape(w["shape"])
            offset += n * dtype.itemsize
            values[w["name"]] = a.astype(np.float32) if q else a
    return values


def load(model_dir: Path):
    """→ fn(f0_hz [1, T, 1], loudness_db [1, T, 1]) → {output name: tensor} (model.json signature)."""
    import tensorflow as tf
    from google.protobuf import json_format
    from tensorflow.core.framework import graph_pb2

    model_dir = Path(model_dir)
    model = json.loads((model_dir / "model.json").read_text())
    graph_def = json_format.ParseDict(model["modelTopology"], graph_pb2.GraphDef(),
                                      ignore_unknown_fields=True)
    values = read_weights(model_dir)
    for node in graph_def.node:
        if node.name in values:
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(values[node.name]))
    wrapped = tf.compat.v1.wrap_function(lambda: tf.compat.v1.import_graph_def(graph_def, name=""), [])
    sig = model["signature"]
    inputs = list(sig["inputs"])
    if sorted(inputs) != ["f0_hz:0", "loudness_db:0"]:
        raise ValueError(f"{model_dir}: inputs {inputs}, expected f0_hz and loudness_db")
    g = wrapped.graph
    return wrapped.prune(feeds=[g.get_tensor_by_name("f0_hz:0"), g.get_tensor_by_name("loudness_db:0")],
                         fetches={k: g.get_tensor_by_name(v["name"]) for k, v in sig["outputs"].items()})
