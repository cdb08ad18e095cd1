#!/usr/bin/env python3
"""Where a training step's time goes, op by op: the measurement behind the speed targets.

    python benchmarks/ops.py                      # 40 profiled steps of 200 images: ~1 minute on 2 cores
    python benchmarks/ops.py --steps 20 --json ops.json

Trains the lecture's model on the real training set as the tool does (its oneDNN choice, its
batches) and records --steps steps with TensorFlow's profiler. For each op of the step: which
layer and pass it belongs to, its time per step, and, for the convolutions and matrix products,
the float32 GFLOP/s it reached against this CPU's peak (fashion_tools/machine.py). An op's time is
its own duration; ops of one step may run side by side, so the times add up to more than a step
(--one-op-at-a-time runs them one after another).
The step's wall time is measured apart, over as many unprofiled steps.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmark import data_files, hardware_bound, publish  # noqa: E402

from fashion_tools import data as fashion_data  # noqa: E402
from fashion_tools.atomic import check_writable_folder  # noqa: E402
from fashion_tools.cli import HelpFormatter, add_data_dir, positive_int, report_errors  # noqa: E402
from fashion_tools.errors import ToolError  # noqa: E402
from fashion_tools.machine import describe, device_line, this_cpu  # noqa: E402

PROG = "ops.py"
SEED = 1234  # the benchmark's: the same batches
# The profiled model's layers get these names (the same layers as network.build_model, renamed), so
# every op's name says which layer it belongs to.
LAYER_NAMES = ("conv1", "pool1", "conv2", "pool2", "flatten", "dense1", "dense2")
LAYER_IN_OP = re.compile(r"/(" + "|".join(LAYER_NAMES) + r")(?:_\d+)?/")
# Op types as TensorFlow runs them (oneDNN's "_MklNative...", fused "_Fused...") to one name each.
OP_PREFIX = re.compile(r"^_?(MklNative|Mkl)?(Fused)?")
# The ops that multiply. Each costs 2 x its layer's forward multiply-adds x the batch a step; a dense
# layer's three (forward, gradients of input and of weights) are one line.
PASS_OF = {"Conv2D": "forward", "MatMul": "all three", "Conv2DBackpropInput": "backward (input)",
           "Conv2DBackpropFilter": "backward (weights)", "Conv2DBackpropFilterWithBias": "backward (weights)"}


def canonical_op(op_type: str) -> str:
    return OP_PREFIX.sub("", op_type)


def forward_macs(model) -> dict[str, int]:
    """Multiply-adds per image of each layer with a kernel: output positions x kernel size."""
    return {layer.name: math.prod(layer.output.shape[1:-1]) * math.prod(layer.kernel.shape)
            for layer in model.layers if hasattr(layer, "kernel")}


def renamed_model():
    """network.build_model's model, its layers named LAYER_NAMES."""
    from fashion_tools.keras_setup import keras_import
    from fashion_tools.network import build_model

    keras = keras_import()
    config = build_model().get_config()
    for layer, name in zip(config["layers"][1:], LAYER_NAMES, strict=True):  # [0] is the Input
        layer["config"]["name"] = name
    return keras.Sequential.from_config(config)


def op_rows(xplane: str) -> list[dict[str, Any]]:
    """TensorFlow's own per-op table (the profiler's framework_op_stats) of one recorded trace."""
    try:
        from tensorflow.python.profiler.internal import _pywrap_profiler_plugin as plugin
    except ImportError as exc:
        raise ToolError(f"this TensorFlow cannot convert its profiles ({exc}); use TensorBoard's profiler") from exc
    raw, ok = plugin.xspace_to_tools_data([xplane], "framework_op_stats", {})
    if not ok:
        raise ToolError("TensorFlow's profiler gave no op table for this trace")
    table = json.loads(raw)[0]
    columns = [c["id"] for c in table["cols"]]
    return [{c: (cell or {}).get("v") for c, cell in zip(columns, row["c"], strict=True)} for row in table["rows"]]


def breakdown(rows: list[dict[str, Any]], steps: int, batch: int, macs: dict[str, int],
              peak_gflops: float | None) -> list[dict[str, Any]]:
    """One line per (layer, op type), busiest first: ms per step and, where it multiplies, GFLOP/s."""
    ms: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        if row["type"] == "IDLE":
            continue
        found = LAYER_IN_OP.search(row["operation"])
        layer = found.group(1) if found else ("loss and optimizer" if "StatefulPartitionedCall" in row["operation"]
                                              else "input pipeline")
        ms[layer, canonical_op(row["type"])] += row["total_self_time"] / 1000 / steps
    lines = []
    for (layer, op), t in sorted(ms.items(), key=lambda kv: -kv[1]):
        line: dict[str, Any] = {"layer": layer, "op": op, "pass": PASS_OF.get(op, ""), "ms_per_step": t}
        if op in PASS_OF and layer in macs:
            flop = 2 * macs[layer] * batch * (3 if op == "MatMul" else 1)  # a dense layer's forward and 2 gradients
            line["gflops"] = flop / (t / 1000) / 1e9
            if peak_gflops:
                line["of_peak"] = line["gflops"] / peak_gflops
        lines.append(line)
    return lines


def profile(args: argparse.Namespace) -> dict[str, Any]:
    from fashion_tools.batches import training_batches
    from fashion_tools.keras_setup import keras_import, set_seed
    from fashion_tools.network import preprocess

    d = fashion_data.load(data_files(args.data_dir))  # a data error answers before TensorFlow starts
    keras_import()
    import tensorflow as tf

    if args.one_op_at_a_time:
        tf.config.threading.set_inter_op_parallelism_threads(1)
    set_seed(SEED)
    x, y = preprocess(d.x_train, d.y_train)
    model = renamed_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    batches = training_batches(x, y, args.batch_size, SEED)
    model.fit(batches.take(args.steps), epochs=1, shuffle=False, verbose=0)  # traces the step, warms the caches
    started = time.perf_counter()
    model.fit(batches.take(args.steps), epochs=1, shuffle=False, verbose=0)
    wall_ms = (time.perf_counter() - started) * 1000 / args.steps
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        model.fit(batches.take(args.steps), epochs=1, shuffle=False, verbose=0)
        tf.profiler.experimental.stop()
        rows = op_rows(str(next(Path(logdir).rglob("*.xplane.pb"))))
    peak = args.peak_gflops or this_cpu().peak_gflops()
    macs = forward_macs(model)
    bound_ms = hardware_bound(args.batch_size, "float32", peak) * 1000 if peak else None
    return {"device": device_line("float32", describe()), "batch_size": args.batch_size, "steps": args.steps,
            "wall_ms_per_step": wall_ms, "bound_ms_per_step": bound_ms, "peak_gflops": peak,
            "forward_macs": macs, "ops": breakdown(rows, args.steps, args.batch_size, macs, peak)}


def format_report(report: dict[str, Any], top: int) -> str:
    wall, bound = report["wall_ms_per_step"], report["bound_ms_per_step"]
    step = f"One step of {report['batch_size']} images: {wall:.1f} ms wall"
    if bound:
        step += f", hardware bound {bound:.1f} ms ({wall / bound:.1f}x)"
    out = [report["device"], step,
           "", f"{'layer':<20} {'op':<30} {'pass':<20} {'ms/step':>8} {'GFLOP/s':>8} {'of peak':>8}"]
    for line in report["ops"][:top]:
        gflops = f"{line['gflops']:.0f}" if "gflops" in line else ""
        of_peak = f"{line['of_peak']:.0%}" if "of_peak" in line else ""
        out.append(f"{line['layer']:<20} {line['op']:<30} {line['pass']:<20} {line['ms_per_step']:>8.2f} "
                   f"{gflops:>8} {of_peak:>8}")
    total = sum(line["ms_per_step"] for line in report["ops"])
    out.append(f"{'all ops':<72} {total:>8.2f}")
    return "\n".join(out) + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0], formatter_class=HelpFormatter)
    parser.add_argument("--steps", type=positive_int, default=40, help="training steps timed, and as many profiled")
    parser.add_argument("--batch-size", type=positive_int, default=200, help="images per step (MY_BATCH)")
    add_data_dir(parser, download=False)
    parser.add_argument("--peak-gflops", type=float, default=None,
                        help="float32 GFLOP/s of all this machine's cores (default: computed from /proc/cpuinfo)")
    parser.add_argument("--one-op-at-a-time", action="store_true",
                        help="run the step's ops one after another (one inter-op thread), each with both cores: "
                             "every op's time is its own, and they add up to the step")
    parser.add_argument("--top", type=positive_int, default=20, help="lines of the table")
    parser.add_argument("--json", metavar="PATH", default=None, help="also write every number as JSON here")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.json:
        check_writable_folder(args.json, "--json")
    report = profile(args)
    publish(format_report(report, args.top), report, args.json)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return report_errors(PROG, lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
