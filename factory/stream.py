"""The streaming decoder for instruments already shipped, without retraining.

The trained weights of a shipped instrument live only in its TF.js files (training checkpoints
are not in git), so this module reads `model.json` + shards back into TensorFlow: it runs the
shipped graph as it is, rebuilds the Keras decoder from `metadata.json`'s "decoder" config with
the shipped weights (found by tracing the graph: each conv's MatMul, its layer norm's gain and
offset, the head), checks that the rebuilt decoder gives the shipped graph's outputs, and exports
the streaming graph (`stream.json`) beside the whole-sequence one.

    python -m factory.stream static/models/*        # re-export every shipped instrument
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from factory.export import INPUTS, OUTPUTS  # noqa: E402

# The streaming graph's promise, checked by tests in TF and in the browser: block after block of
# these sizes it gives the whole-sequence graph's frames to at least this SNR (float32).
PARITY_BLOCKS = (1, 2, 4, 16)
PARITY_MIN_SNR_DB = 100.0
# The rebuilt decoder must give the shipped graph's outputs to float32 rounding (max abs error
# relative to the output's peak); a wrong weight assignment is off by orders of magnitude more.
REBUILD_TOLERANCE = 1e-5
MATMUL_OPS = ("_FusedMatMul", "MatMul")


class GraphModel:
    """A TF.js graph model (model.json + shards) loaded back into TensorFlow, runnable as is."""

    def __init__(self, model_dir: Path, model_file: str = "model.json"):
        import tensorflow as tf
        from google.protobuf import json_format
        from tensorflow.core.framework import graph_pb2
        from tensorflowjs import read_weights

        self.dir = Path(model_dir)
        path = self.dir / model_file
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such TF.js graph model")
        m = json.loads(path.read_text())
        self.signature = m.get("signature", {})
        weights = read_weights.read_weights(m["weightsManifest"], str(self.dir), flatten=True)
        self.weights = {w["name"]: np.asarray(w["data"]) for w in weights}
        topology = m["modelTopology"]
        self.nodes = {n["name"]: n for n in topology["node"]}
        self.order = [n["name"] for n in topology["node"]]
        graph_def = json_format.ParseDict({k: v for k, v in topology.items() if k in ("node", "versions")},
                                          graph_pb2.GraphDef(), ignore_unknown_fields=True)
        for node in graph_def.node:
            if node.op == "Const" and node.name in self.weights:
                node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(self.weights[node.name]))
        self.graph = tf.Graph()
        with self.graph.as_default():
            tf.graph_util.import_graph_def(graph_def, name="")
        self.session = tf.compat.v1.Session(graph=self.graph)

    def output_tensor(self, name: str) -> str:
        outs = self.signature.get("outputs", {})
        return outs[name]["name"] if name in outs else f"{name}:0"

    def run(self, feeds: dict, outputs) -> dict:
        """feeds {input name: array}, outputs [names] → {name: array}."""
        fetched = self.session.run([self.output_tensor(k) for k in outputs],
                                   {f"{k}:0": np.asarray(v, np.float32) for k, v in feeds.items()})
        return dict(zip(outputs, fetched))

    # Tracing the graph back to the Keras layers.

    def consumers(self, name: str) -> list[dict]:
        return [n for n in self.nodes.values() if any(i.split(":")[0] == name for i in n.get("input", []))]

    def const_input(self, node: dict, shape) -> str | None:
        """The weight (a Const of this shape) among node's inputs, if any."""
        for i in node.get("input", []):
            src = i.split(":")[0]
            if src in self.weights and list(self.weights[src].shape) == list(shape):
                return src
        return None

    def forward(self, start: str, op: str, want=lambda n: True) -> dict:
        """The first node of type `op` (passing `want`) downstream of `start`, breadth first."""
        seen, frontier = {start}, [start]
        while frontier:
            nxt = []
            for name in frontier:
                for c in self.consumers(name):
                    if c["name"] in seen:
                        continue
                    if c["op"] == op and want(c):
                        return c
                    seen.add(c["name"])
                    nxt.append(c["name"])
            frontier = nxt
        raise ValueError(f"{self.dir}: no {op} downstream of {start}")

    def depth(self, name: str) -> int:
        """The node's longest distance from the graph's inputs."""
        if not hasattr(self, "_depth"):
            self._depth = {}
            sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
        if name not in self._depth:
            ins = [i.split(":")[0] for i in self.nodes[name].get("input", []) if not i.startswith("^")]
            self._depth[name] = 1 + max((self.depth(i) for i in ins), default=0)
        return self._depth[name]

    def matmuls(self) -> list[dict]:
        """MatMul nodes from input to output."""
        return sorted((n for n in self.nodes.values() if n["op"] in MATMUL_OPS), key=lambda n: self.depth(n["name"]))

    def bias_of(self, matmul: dict, units: int) -> str:
        """The bias of a MatMul or Conv2D: fused into it, or the BiasAdd after it."""
        if matmul["op"] in ("_FusedMatMul", "_FusedConv2D"):
            bias = self.const_input({"input": matmul["input"][2:]}, [units])
        else:
            bias = self.const_input(self.forward(matmul["name"], "BiasAdd"), [units])
        if bias is None:
            raise ValueError(f"{self.dir}: no bias of shape [{units}] on {matmul['name']}")
        return bias


def shipped_weights(graph: GraphModel, dec) -> list[np.ndarray]:
    """The shipped arrays in the order of dec.weights (a built conv Decoder)."""
    cfg = dec.cfg
    if cfg.kind != "conv":
        raise ValueError(f"{graph.dir}: only the conv decoder streams (metadata says {cfg.kind!r})")
    mms = graph.matmuls()
    if len(mms) != cfg.depth + 1:
        raise ValueError(f"{graph.dir}: {len(mms)} MatMuls in the graph, the config's depth {cfg.depth} "
                         f"needs {cfg.depth + 1}")
    found = {}
    for i, (conv, norm, mm) in enumerate(zip(dec.convs, dec.norms, mms)):
        c = cfg.channels
        found[id(conv.kernel)] = graph.const_input(mm, conv.kernel.shape)
        found[id(conv.bias)] = graph.bias_of(mm, c)
        rsqrt = graph.forward(mm["name"], "Rsqrt")
        scale = graph.forward(rsqrt["name"], "Mul", lambda n: graph.const_input(n, [c]) is not None)
        found[id(norm.gamma)] = graph.const_input(scale, [c])
        offset = graph.forward(scale["name"], "AddV2", lambda n: graph.const_input(n, [c]) is not None)
        found[id(norm.beta)] = graph.const_input(offset, [c])
    head = mms[-1]
    found[id(dec.head.kernel)] = graph.const_input(head, dec.head.kernel.shape)
    found[id(dec.head.bias)] = graph.bias_of(head, dec.head.units)
    missing = [w.name for w in dec.weights if not found.get(id(w))]
    if missing:
        raise ValueError(f"{graph.dir}: no shipped weight found for {', '.join(missing)}")
    if len({found[id(w)] for w in dec.weights}) != len(dec.weights):
        raise ValueError(f"{graph.dir}: two Keras weights traced to the same shipped constant")
    return [graph.weights[found[id(w)]] for w in dec.weights]


def probe_inputs(n_frames: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A test phrase [1, n, 1]: f0 over 70–1600 Hz with silent (0 Hz) stretches, loudness −80…+10 dB."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_frames)
    f0 = 300 * 2 ** (2.2 * np.sin(t / 37) + 0.1 * rng.standard_normal(n_frames))
    f0[(t // 50) % 4 == 3] = 0.0
    ld = -35 + 45 * np.sin(t / 23) + rng.normal(0, 2, n_frames)
    return (f0.astype(np.float32).reshape(1, -1, 1), np.clip(ld, -80, 10).astype(np.float32).reshape(1, -1, 1))


def snr_db(reference: np.ndarray, test: np.ndarray) -> float:
    """10 log10(Σ ref² / Σ (test − ref)²); inf when identical."""
    err = float(np.sum((np.asarray(test, np.float64) - reference) ** 2))
    return float("inf") if err == 0 else 10 * np.log10(float(np.sum(np.asarray(reference, np.float64) ** 2)) / err)


def rebuild_decoder(model_dir: Path):
    """The Keras decoder of a shipped instrument, with its shipped (float16-rounded) weights;
    raises ValueError unless it reproduces the shipped graph's outputs."""
    from factory.model import Config, build_decoder

    model_dir = Path(model_dir)
    meta = json.loads((model_dir / "metadata.json").read_text())
    if "decoder" not in meta:
        raise ValueError(f"{model_dir}/metadata.json: no \"decoder\" config to rebuild the model from")
    cfg = Config.from_dict(meta["decoder"])
    dec = build_decoder(cfg)
    graph = GraphModel(model_dir)
    dec.set_weights(shipped_weights(graph, dec))
    f0, ld = probe_inputs()
    shipped = graph.run({"f0_hz": f0, "loudness_db": ld}, OUTPUTS)
    rebuilt = dec(f0, ld)
    for k in OUTPUTS:
        ref = shipped[k]
        err = float(np.abs(np.asarray(rebuilt[k]) - ref).max())
        if not err <= REBUILD_TOLERANCE * max(1.0, float(np.abs(ref).max())):
            raise ValueError(f"{model_dir}: the rebuilt decoder's {k} differs from the shipped graph's "
                             f"by {err:g} (tolerance {REBUILD_TOLERANCE:g})")
    return dec, meta


CONV_OPS = ("_FusedConv2D", "Conv2D")


def cpu_layout(graph: GraphModel, dec) -> dict:
    """Where the browser's CPU decoder finds each weight in the streaming graph (node names of
    model.json's weights, traced: each layer's Conv2D filter [1, kernel, C in, C out] and bias,
    the gain and offset after its LRN; the head's 1x1 filter and bias), with the constants of
    the arithmetic around them."""
    from factory.model import inference_constants

    cfg = dec.cfg
    convs = sorted((n for n in graph.nodes.values() if n["op"] in CONV_OPS), key=lambda n: graph.depth(n["name"]))
    if len(convs) != cfg.depth + 1:
        raise ValueError(f"{graph.dir}: {len(convs)} convolutions in the streaming graph, expected {cfg.depth + 1}")

    def filt(node, shape):
        name = graph.const_input(node, shape)
        if name is None:
            raise ValueError(f"{graph.dir}: no filter of shape {shape} on {node['name']}")
        return name

    layers = []
    for i, (conv, node) in enumerate(zip(dec.convs, convs)):
        cin, c = (2 if i == 0 else cfg.channels), cfg.channels
        lrn = graph.forward(node["name"], "LRN")
        gain = graph.forward(lrn["name"], "Mul", lambda n: graph.const_input(n, [c]) is not None)
        offset = graph.forward(gain["name"], "AddV2", lambda n: graph.const_input(n, [c]) is not None)
        layers.append({"filter": filt(node, [1, conv.kernel_size, cin, c]), "bias": graph.bias_of(node, c),
                       "gain": graph.const_input(gain, [c]), "offset": graph.const_input(offset, [c]),
                       "kernel": conv.kernel_size, "dilation": conv.dilation, "channels_in": cin})
    units = dec.head.units
    head = {"filter": filt(convs[-1], [1, 1, cfg.channels, units]), "bias": graph.bias_of(convs[-1], units)}
    return {"layers": layers, "head": head, "channels": cfg.channels, "constants": inference_constants()}


def add_streaming(model_dir: Path, dec, meta: dict, float16: bool) -> dict:
    """Exports dec's streaming graph into model_dir (stream.json + shards) and returns the
    metadata with its "streaming" entry; model_dir is a build's staging directory."""
    from factory import convert, export

    with tempfile.TemporaryDirectory(prefix="swara-stream-") as tmp:
        saved = export.export_streaming_saved_model(dec, Path(tmp) / "saved_model")
        stream_bytes = convert.convert_streaming(saved, model_dir, float16=float16)
    meta = dict(meta)
    meta["streaming"] = {**export.streaming_metadata(dec, convert.STREAM_MODEL), "bytes": stream_bytes,
                         "cpu": cpu_layout(GraphModel(model_dir, convert.STREAM_MODEL), dec)}
    return meta


def restream(model_dir: Path) -> dict:
    """Adds (or refreshes) a shipped instrument's streaming graph, installed atomically."""
    from factory import convert
    from factory.data import dump_json

    model_dir = Path(model_dir)
    dec, meta = rebuild_decoder(model_dir)
    with tempfile.TemporaryDirectory(prefix=f"swara-{model_dir.name}-") as tmp:
        stage = Path(tmp) / model_dir.name
        stage.mkdir()
        for p in model_dir.iterdir():
            if p.is_file() and not p.name.startswith("stream"):
                shutil.copy2(p, stage / p.name)
        meta = add_streaming(stage, dec, meta, float16=meta.get("weights_dtype", "float16") == "float16")
        dump_json(meta, stage / "metadata.json")
        convert.install_atomically(stage, model_dir)
    return meta


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m factory.stream", description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dirs", nargs="+", type=Path, help="static/models/<id> directories")
    args = ap.parse_args(argv)
    for d in args.model_dirs:
        meta = restream(d)
        print(f"{d}: stream.json + shards {meta['streaming']['bytes']} bytes, "
              f"caches {[c['shape'] for c in meta['streaming']['caches']]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
