"""benchmarks/ops.py: the per-op profile of a training step. Timings never pass or fail a test: these
check that the ops land on the right layers and that every rate is computed from the measured times."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_script

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
ops = load_script(BENCHMARKS / "ops.py")


@pytest.mark.parametrize("op_type, canonical", [
    ("_MklNativeFusedConv2D", "Conv2D"), ("_FusedConv2D", "Conv2D"), ("Conv2D", "Conv2D"),
    ("_MklNativeConv2DBackpropFilterWithBias", "Conv2DBackpropFilterWithBias"),
    ("_MklNativeConv2DBackpropInput", "Conv2DBackpropInput"), ("_MklMatMul", "MatMul"),
    ("_MklNativeFusedMatMul", "MatMul"), ("ReluGrad", "ReluGrad"), ("_MklNativeMaxPoolGrad", "MaxPoolGrad"),
])
def test_op_types_are_named_alike_with_onednn_on_or_off(op_type, canonical):
    assert ops.canonical_op(op_type) == canonical


def test_the_renamed_model_is_the_lectures_with_the_benchmarks_flop_count():
    model = ops.renamed_model()
    assert [layer.name for layer in model.layers] == list(ops.LAYER_NAMES)
    macs = ops.forward_macs(model)
    assert list(macs) == ["conv1", "conv2", "dense1", "dense2"]
    assert sum(macs.values()) == load_script(BENCHMARKS / "benchmark.py").FORWARD_MACS
    assert model.count_params() == 411_242  # the lecture's summary


def row(op_type: str, name: str, self_us: float) -> dict:
    return {"type": op_type, "operation": name, "total_self_time": self_us}


def test_breakdown_puts_each_op_on_its_layer_per_step_with_its_rate():
    steps, batch = 4, 200
    macs = {"conv1": 100_352, "conv2": 1_605_632, "dense1": 401_408, "dense2": 1_280}
    rows = [row("IDLE", "IDLE", 9e9),
            row("_MklNativeConv2DBackpropFilter", "StatefulPartitionedCall/gradient_tape/sequential/conv2_1/"
                "convolution/Conv2DBackpropFilter", 80_000),
            row("_MklNativeFusedConv2D", "StatefulPartitionedCall/sequential/conv2/Relu", 12_000),
            row("_MklNativeFusedConv2D", "StatefulPartitionedCall/sequential/conv2/Relu", 12_000),
            row("_MklMatMul", "StatefulPartitionedCall/gradient_tape/sequential/dense1/MatMul/MatMul", 6_000),
            row("_MklNativeFusedMatMul", "StatefulPartitionedCall/sequential/dense1/Relu", 4_000),
            row("ReluGrad", "StatefulPartitionedCall/gradient_tape/sequential/conv1/ReluGrad", 8_000),
            row("Mul", "StatefulPartitionedCall/adam/Mul_3", 400),
            row("Dataset", "Iterator::Root::Map", 200)]
    lines = ops.breakdown(rows, steps, batch, macs, peak_gflops=100.0)
    assert [(line["layer"], line["op"]) for line in lines] == [
        ("conv2", "Conv2DBackpropFilter"), ("conv2", "Conv2D"), ("dense1", "MatMul"), ("conv1", "ReluGrad"),
        ("loss and optimizer", "Mul"), ("input pipeline", "Dataset")]
    first = lines[0]
    assert first["ms_per_step"] == pytest.approx(20.0)
    assert first["gflops"] == pytest.approx(2 * 1_605_632 * 200 / 0.020 / 1e9)
    assert first["of_peak"] == pytest.approx(first["gflops"] / 100.0)
    assert lines[1]["ms_per_step"] == pytest.approx(6.0)  # two rows of one op add up
    assert lines[2]["gflops"] == pytest.approx(3 * 2 * 401_408 * 200 / 0.0025 / 1e9)  # forward and 2 gradients
    assert "gflops" not in lines[3]


def test_a_real_profile_on_the_synthetic_set(tmp_path, synthetic_dir):
    result = subprocess.run([sys.executable, str(BENCHMARKS / "ops.py"), "--data-dir", str(synthetic_dir),
                             "--steps", "3", "--batch-size", "50", "--one-op-at-a-time", "--json", "ops.json"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "ops.json").read_text())
    assert report["device"].startswith("Training in float32 precision on ")
    assert report["steps"] == 3 and report["batch_size"] == 50 and report["wall_ms_per_step"] > 0
    found = {(line["layer"], line["op"]) for line in report["ops"]}
    assert {("conv1", "Conv2D"), ("conv2", "Conv2D"), ("conv2", "Conv2DBackpropInput"),
            ("dense1", "MatMul")} <= found
    assert any(layer == "conv1" and "BackpropFilter" in op for layer, op in found)
    assert not any(layer == "conv1" and op == "Conv2DBackpropInput" for layer, op in found)  # the input needs none
    for line in report["ops"]:
        if "gflops" in line:
            assert line["gflops"] > 0
    assert report["ops"][0]["layer"] in result.stdout and "ms/step" in result.stdout


def test_no_data_is_one_line(tmp_path):
    result = subprocess.run([sys.executable, str(BENCHMARKS / "ops.py"), "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
