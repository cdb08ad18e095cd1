"""The fast mode: bfloat16 where the CPU or a GPU computes it, float32 with a note elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_tool

from fashion_tools import precision
from fashion_tools.machine import device_line, read_cpu

WITH_BF16 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 fma\n"
WITHOUT = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f fma\n"


def test_cpu_flags_are_read():
    assert precision.cpu_has_bf16(WITH_BF16)
    assert precision.cpu_has_bf16(WITHOUT.replace("fma", "amx_bf16 fma"))
    assert not precision.cpu_has_bf16(WITHOUT)
    assert not precision.cpu_has_bf16("")


def test_float32_needs_no_check():
    assert precision.choose("float32") == ("float32", None)


def given_machine(monkeypatch, cpuinfo: str, gpus: list[str]) -> None:
    """This process's CPU read from cpuinfo (precision reads it through this_cpu), and TensorFlow's GPUs."""
    monkeypatch.setattr(precision, "this_cpu", lambda: read_cpu(cpuinfo, cores=1))
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: gpus if kind == "GPU" else [])


def test_a_gpu_runs_bfloat16_even_without_cpu_support(monkeypatch):
    given_machine(monkeypatch, WITHOUT, ["GPU:0"])
    assert precision.choose("mixed_bfloat16") == ("mixed_bfloat16", None)


def test_a_bf16_cpu_without_a_gpu_runs_bfloat16(monkeypatch):
    given_machine(monkeypatch, WITH_BF16, [])
    assert precision.choose("mixed_bfloat16") == ("mixed_bfloat16", None)
    given_machine(monkeypatch, WITHOUT.replace("fma", "amx_tile amx_bf16 fma"), [])  # AMX without AVX512-BF16
    assert precision.choose("mixed_bfloat16") == ("mixed_bfloat16", None)


def test_without_bf16_falls_back_to_float32_with_a_note(monkeypatch):
    given_machine(monkeypatch, WITHOUT, [])
    ran, note = precision.choose("mixed_bfloat16")
    assert ran == "float32" and "no bfloat16 support" in note


def test_fast_mode_run(tmp_path, synthetic_dir):
    result = run_tool("--epochs", "1", "--data-dir", str(synthetic_dir), "--no-figures",
                      "--precision", "mixed_bfloat16", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    run = json.loads((tmp_path / "results.json").read_text())["run"]
    ran = run["precision"]
    assert device_line(ran, run["machine"]) in result.stdout.splitlines()  # printed as recorded
    # This machine's flags read here, not through the code under test; TensorFlow's GPUs as the run recorded them.
    flags = next((line.split(":", 1)[1].split() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("flags")), [])
    native = bool(run["machine"]["gpus"]) or "avx512_bf16" in flags or "amx_bf16" in flags
    assert ran == ("mixed_bfloat16" if native else "float32")
    assert ("no bfloat16 support" in result.stderr) == (ran == "float32")  # a fallback always says so
    probabilities = json.loads((tmp_path / "results.json").read_text())["prediction"]["probabilities"]
    assert sum(probabilities) == pytest.approx(1, abs=1e-3)  # float32 softmax output


def test_float16_on_a_cpu_falls_back_to_float32_with_a_note(monkeypatch):
    given_machine(monkeypatch, WITH_BF16, [])  # bfloat16 support is no float16 support
    ran, note = precision.choose("mixed_float16")
    assert ran == "float32" and "mixed_float16 is for GPUs" in note


def test_unknown_precision_is_a_usage_error(tmp_path):
    result = run_tool("--precision", "float16", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr
