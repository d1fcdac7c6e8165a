"""The streaming decoder graph, the one graph a model ships (`stream.json` + shards).

The shipped graph is read back into TensorFlow (`GraphModel`, `shipped_graph`) and run as it is,
block by block from its caches (`run_stream`), or over a whole sequence from zero caches
(`run_whole`). The Keras decoder of a shipped instrument is rebuilt from `metadata.json`'s
"decoder" config with the shipped weights (found by tracing the graph: each layer's Conv2D, the
gain and offset after its LRN, the head), and must give the shipped graph's outputs: that is how
a shipped instrument is re-exported without retraining, and the Python model the tests compare
the browser's decoders with.

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

from factory.analysis import LOUDNESS_FLOOR_DB  # noqa: E402
from factory.export import OUTPUTS  # noqa: E402

# The streaming graph's promise, checked by tests in TF and in the browser: block after block of
# these sizes it gives the whole-sequence graph's frames to at least this SNR (float32).
PARITY_BLOCKS = (1, 2, 4, 16)
PARITY_MIN_SNR_DB = 100.0


class GraphModel:
    """A TF.js graph model (model_file + its shards) loaded back into TensorFlow, runnable as is."""

    def __init__(self, model_dir: Path, model_file: str):
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
        return dict(zip(outputs, fetched, strict=True))

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

    def bias_of(self, conv: dict, units: int) -> str:
        """The bias of a Conv2D: fused into it, or the BiasAdd after it."""
        if conv["op"] == "_FusedConv2D":
            bias = self.const_input({"input": conv["input"][2:]}, [units])
        else:
            bias = self.const_input(self.forward(conv["name"], "BiasAdd"), [units])
        if bias is None:
            raise ValueError(f"{self.dir}: no bias of shape [{units}] on {conv['name']}")
        return bias


def shipped_graph(model_dir: Path) -> GraphModel:
    """The graph a model ships (metadata.json's streaming.model), loaded into TensorFlow."""
    model_dir = Path(model_dir)
    meta = json.loads((model_dir / "metadata.json").read_text())
    if "model" not in meta.get("streaming", {}):
        raise ValueError(f"{model_dir}/metadata.json: no streaming graph (streaming.model)")
    return GraphModel(model_dir, meta["streaming"]["model"])


def run_stream(graph: GraphModel, streaming: dict, f0: np.ndarray, ld: np.ndarray, block: int,
               caches: list) -> tuple[dict, list]:
    """The streaming graph block by block: f0, ld [1, n, 1]; streaming metadata.json's
    "streaming" (cache names); caches as its shapes → ({output: [1, n, width]}, final caches)."""
    parts = {k: [] for k in OUTPUTS}
    specs = streaming["caches"]
    for s in range(0, f0.shape[1], block):
        feeds = {"f0_hz": f0[:, s:s + block], "loudness_db": ld[:, s:s + block]}
        feeds.update({c["input"]: v for c, v in zip(specs, caches, strict=True)})
        out = graph.run(feeds, list(OUTPUTS) + [c["output"] for c in specs])
        for k in OUTPUTS:
            parts[k].append(out[k])
        caches = [out[c["output"]] for c in specs]
    return {k: np.concatenate(v, axis=1) for k, v in parts.items()}, caches


def run_whole(graph: GraphModel, streaming: dict, f0: np.ndarray, ld: np.ndarray) -> dict:
    """The streaming graph over a whole sequence [1, n, 1] in one block from all-zero caches:
    the zero padding of the whole-sequence decoder (Decoder.call), so its frames."""
    zero = [np.zeros(c["shape"], np.float32) for c in streaming["caches"]]
    return run_stream(graph, streaming, f0, ld, max(1, f0.shape[1]), zero)[0]


def shipped_weights(graph: GraphModel, dec) -> list[np.ndarray]:
    """The shipped arrays in the order of dec.weights (a built conv Decoder): each Conv2D filter
    [1, kernel, C in, C out] is the conv's kernel [kernel * C in, C out] reshaped (tap j = rows
    j*C in…), the head's [1, 1, C, units] its [C, units]."""
    if dec.cfg.kind != "conv":
        raise ValueError(f"{graph.dir}: only the conv decoder streams (metadata says {dec.cfg.kind!r})")
    layout = cpu_layout(graph, dec)
    found = {}
    for conv, norm, layer in zip(dec.convs, dec.norms, layout["layers"], strict=True):
        found[id(conv.kernel)] = graph.weights[layer["filter"]].reshape(conv.kernel.shape)
        found[id(conv.bias)] = graph.weights[layer["bias"]]
        found[id(norm.gamma)] = graph.weights[layer["gain"]]
        found[id(norm.beta)] = graph.weights[layer["offset"]]
    found[id(dec.head.kernel)] = graph.weights[layout["head"]["filter"]].reshape(dec.head.kernel.shape)
    found[id(dec.head.bias)] = graph.weights[layout["head"]["bias"]]
    missing = [w.name for w in dec.weights if id(w) not in found]
    if missing:
        raise ValueError(f"{graph.dir}: no shipped weight found for {', '.join(missing)}")
    return [found[id(w)] for w in dec.weights]


def probe_inputs(n_frames: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A test phrase [1, n, 1]: f0 over 70–1600 Hz with silent (0 Hz) stretches, loudness −80…+10 dB."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_frames)
    f0 = 300 * 2 ** (2.2 * np.sin(t / 37) + 0.1 * rng.standard_normal(n_frames))
    f0[(t // 50) % 4 == 3] = 0.0
    ld = -35 + 45 * np.sin(t / 23) + rng.normal(0, 2, n_frames)
    ld = np.clip(ld, LOUDNESS_FLOOR_DB, 10)
    return f0.astype(np.float32).reshape(1, -1, 1), ld.astype(np.float32).reshape(1, -1, 1)


def snr_db(reference: np.ndarray, test: np.ndarray) -> float:
    """10 log10(Σ ref² / Σ (test − ref)²); inf when identical."""
    err = float(np.sum((np.asarray(test, np.float64) - reference) ** 2))
    return float("inf") if err == 0 else 10 * np.log10(float(np.sum(np.asarray(reference, np.float64) ** 2)) / err)


def rebuild_decoder(model_dir: Path):
    """The Keras decoder of a shipped instrument, with its shipped (float16-rounded) weights;
    raises ValueError unless its whole-sequence frames are the shipped graph's (≥ the parity SNR)."""
    from factory.model import Config, build_decoder

    model_dir = Path(model_dir)
    meta = json.loads((model_dir / "metadata.json").read_text())
    if "decoder" not in meta:
        raise ValueError(f"{model_dir}/metadata.json: no \"decoder\" config to rebuild the model from")
    dec = build_decoder(Config.from_dict(meta["decoder"]))
    graph = shipped_graph(model_dir)
    dec.set_weights(shipped_weights(graph, dec))
    f0, ld = probe_inputs()
    shipped = run_whole(graph, meta["streaming"], f0, ld)
    rebuilt = dec(f0, ld)
    for k in OUTPUTS:
        snr = snr_db(shipped[k], np.asarray(rebuilt[k]))
        if not snr >= PARITY_MIN_SNR_DB:
            raise ValueError(f"{model_dir}: the rebuilt decoder's {k} differs from the shipped graph's "
                             f"({snr:.1f} dB SNR, at least {PARITY_MIN_SNR_DB:g} expected)")
    return dec, meta


CONV_OPS = ("_FusedConv2D", "Conv2D")


def cpu_layout(graph: GraphModel, dec) -> dict:
    """Where the browser's CPU decoder finds each weight in the streaming graph (node names of
    the graph's weights, traced: each layer's Conv2D filter [1, kernel, C in, C out] and bias,
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
    for i, (conv, node) in enumerate(zip(dec.convs, convs[:-1], strict=True)):  # the last is the head
        cin, c = (2 if i == 0 else cfg.channels), cfg.channels
        lrn = graph.forward(node["name"], "LRN")
        gain = graph.forward(lrn["name"], "Mul", lambda n, c=c: graph.const_input(n, [c]) is not None)
        offset = graph.forward(gain["name"], "AddV2", lambda n, c=c: graph.const_input(n, [c]) is not None)
        layers.append({"filter": filt(node, [1, conv.kernel_size, cin, c]), "bias": graph.bias_of(node, c),
                       "gain": graph.const_input(gain, [c]), "offset": graph.const_input(offset, [c]),
                       "kernel": conv.kernel_size, "dilation": conv.dilation, "channels_in": cin})
    units = dec.head.units
    head = {"filter": filt(convs[-1], [1, 1, cfg.channels, units]), "bias": graph.bias_of(convs[-1], units)}
    return {"layers": layers, "head": head, "channels": cfg.channels, "constants": inference_constants()}


def add_streaming(model_dir: Path, dec, meta: dict, float16: bool) -> dict:
    """Exports dec's streaming graph into model_dir (stream.json + shards, the model's one graph)
    and returns the metadata with its bytes and its "streaming" entry; model_dir is a build's
    staging directory."""
    from factory import convert, export

    with tempfile.TemporaryDirectory(prefix="swara-stream-") as tmp:
        saved = export.export_streaming_saved_model(dec, Path(tmp) / "saved_model")
        sizes = convert.convert_streaming(saved, model_dir, float16=float16)
    meta = {**meta, **sizes}
    meta["streaming"] = {**export.streaming_metadata(dec, convert.STREAM_MODEL),
                         "cpu": cpu_layout(GraphModel(model_dir, convert.STREAM_MODEL), dec)}
    return meta


def restream(model_dir: Path) -> dict:
    """Re-exports a shipped instrument's graph from its own weights, installed atomically (the
    folder's other graph files, e.g. an older whole-sequence model.json, are left out)."""
    from factory import convert
    from factory.data import dump_json

    model_dir = Path(model_dir)
    dec, meta = rebuild_decoder(model_dir)
    with tempfile.TemporaryDirectory(prefix=f"swara-{model_dir.name}-") as tmp:
        stage = Path(tmp) / model_dir.name
        stage.mkdir()
        for p in model_dir.iterdir():
            if p.is_file() and p.suffix not in (".json", ".bin"):
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
        print(f"{d}: {meta['streaming']['model']} + shards {meta['bytes']} bytes, "
              f"caches {[c['shape'] for c in meta['streaming']['caches']]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
