"""benchmarks/benchmark.py: one real end-to-end invocation on the synthetic data, and its parsing.

Timings never pass or fail a test: these check the table and JSON structure, and that every ratio is
computed from the numbers the benchmark measured. The targets and the hardware bound are checked on
reports built from literal numbers, for an AVX2 and an AVX-512 CPU.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_script

from fashion_tools.machine import read_cpu

BENCHMARK = Path(__file__).parent.parent / "benchmarks" / "benchmark.py"


bench = load_script(BENCHMARK)


def run_benchmark(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCHMARK), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory, synthetic_dir):
    """baseline and default, 1 epoch, 1 repetition: two fresh TensorFlow processes."""
    folder = tmp_path_factory.mktemp("bench")
    result = run_benchmark("--data-dir", str(synthetic_dir), "--epochs", "1", "--repeat", "1",
                           "--variants", "baseline,default", "--json", "out.json", "--no-warmup", cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, json.loads((folder / "out.json").read_text())


def test_json_has_every_measured_number_per_variant(bench_run):
    _, report = bench_run
    assert list(report["variants"]) == ["baseline", "default"]
    assert report["settings"]["epochs"] == 1 and report["settings"]["repeat"] == 1
    for name, v in report["variants"].items():
        assert len(v["runs"]) == 1, name
        run = v["runs"][0]
        assert len(run["epoch_s"]) == 1 and run["epoch_s"][0] > 0
        assert run["n_train"] == 600  # the synthetic set
        assert 0 <= run["test_accuracy"] <= 1
        assert run["wall_s"] > run["training_s"] > 0
        assert run["peak_rss_mb"] > 100  # TensorFlow alone takes more: this is the child, not the parent
        assert run["precision"] == "float32"
        for key in bench.SUMMARISED:
            assert v["stats"][key]["median"] == run[key], (name, key)


def test_each_variant_is_what_it_says(bench_run):
    """The baseline times itself in its own process; default's numbers come from the tool's results.json."""
    _, report = bench_run
    base, tool = report["variants"]["baseline"]["runs"][0], report["variants"]["default"]["runs"][0]
    assert "import_s" in base and "import_s" not in tool
    assert tool["eval_s"] > 0 and base["eval_s"] > 0
    assert base["prediction"] in bench_labels() and tool["prediction"] in bench_labels()


def bench_labels() -> list[str]:
    from fashion_items import LABELS

    return LABELS


def test_rates_and_ratios_come_from_the_measured_numbers(bench_run):
    _, report = bench_run
    base, default = report["variants"]["baseline"], report["variants"]["default"]
    run = default["runs"][0]
    assert math.isclose(run["train_samples_per_s"], run["n_train"] / run["epoch_s"][0])
    assert math.isclose(run["s_per_epoch"], run["epoch_s"][0])

    def med(v, key):
        return v["stats"][key]["median"]

    ratios = default["vs_baseline"]
    assert math.isclose(ratios["wall"], med(default, "wall_s") / med(base, "wall_s"))
    assert math.isclose(ratios["train_throughput"],
                        med(default, "train_samples_per_s") / med(base, "train_samples_per_s"))
    assert math.isclose(ratios["eval"], med(default, "eval_s") / med(base, "eval_s"))
    assert math.isclose(ratios["cpu"], med(default, "cpu_s") / med(base, "cpu_s"))
    assert math.isclose(ratios["accuracy_diff"], med(default, "test_accuracy") - med(base, "test_accuracy"))
    assert "vs_baseline" not in base
    # Which targets, met when, and the peak from the CPU: pinned on literal reports below. Here: this
    # machine's targets are listed, and the bound is this CPU's peak over the 600 images trained on.
    vector = report["machine"]["vector"]
    assert [t["target"] for t in default["targets"]] == [ACCURACY, *VECTOR_TARGETS.get(vector, [])]
    assert all(isinstance(t["met"], bool) for t in default["targets"])
    peak = report["settings"]["peak_gflops_float32"]
    assert peak == report["machine"]["peak_gflops_float32"] and report["settings"]["peak_gflops_from"] == "the CPU"
    assert math.isclose(default["bound_s_per_epoch"], 600 * FLOP_PER_TRAINING_IMAGE / (peak * 1e9))
    assert math.isclose(default["times_bound"], med(default, "s_per_epoch") / default["bound_s_per_epoch"])


# The targets of issues 7 and 15 and the model's arithmetic, as the issues state them.
ACCURACY = "|accuracy diff| <= 0.005"
WALL_AVX2, BOUND_AVX2 = "end-to-end ratio <= 0.6", "s/epoch <= 2.5x the hardware bound"
VECTOR_TARGETS = {"AVX2": [WALL_AVX2, BOUND_AVX2], "AVX-512": ["end-to-end ratio <= 0.86"]}
FAST_TARGETS = ["training throughput ratio >= 1.5", "test accuracy >= 0.89"]
# 3 x 2 x multiply-adds of a forward pass: 28*28*32*4 + 14*14*64*128 + 7*7*64*128 + 128*10 = 2,108,672
FLOP_PER_TRAINING_IMAGE = 12_652_032

# An AVX2-only AMD EPYC and an AVX-512 Intel Xeon, two cores each, as /proc/cpuinfo shows them.
AVX2_CPU = ("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7R13 Processor\n"
            "cpu MHz\t\t: 2650.000\nflags\t\t: fpu sse4_2 avx fma avx2\n")
AVX512_CPU = ("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8488C\n"
              "cpu MHz\t\t: 2000.000\nflags\t\t: fpu sse4_2 avx fma avx2 avx512f avx512_bf16 amx_bf16\n")


def literal_run(wall_s: float, s_per_epoch: float, accuracy: float, per_s: float, precision: str = "float32") -> dict:
    return {"wall_s": wall_s, "s_per_epoch": s_per_epoch, "test_accuracy": accuracy, "train_samples_per_s": per_s,
            "first_epoch_s": s_per_epoch + 1, "training_s": 10 * s_per_epoch + 1, "eval_s": 2.0,
            "cpu_s": 2 * wall_s, "peak_rss_mb": 900.0, "test_loss": 0.3, "precision": precision,
            "n_train": 60000, "onednn": True}


@pytest.mark.parametrize("cpu, peak, bound, default_wall, default_s, default_acc, fast_per_s, fast_acc, met", [
    # 2 cores x 2.65 GHz x 32 FLOP (two 256-bit FMAs); 60,000 x 12,652,032 FLOP / 169.6 GFLOP/s = 4.476 s
    (AVX2_CPU, 169.6, 4.475954716981132, 55.0, 10.0, 0.9080, 4800.0, 0.8900,  # 10 s is 2.23x the bound
     {ACCURACY: True, WALL_AVX2: True, BOUND_AVX2: True, **dict.fromkeys(FAST_TARGETS, True)}),
    (AVX2_CPU, 169.6, 4.475954716981132, 60.0, 12.0, 0.9030, 4200.0, 0.8850,  # 0.6 is met; 12 s is 2.68x
     {ACCURACY: False, WALL_AVX2: True, BOUND_AVX2: False, **dict.fromkeys(FAST_TARGETS, False)}),
    (AVX2_CPU, 169.6, 4.475954716981132, 70.0, 11.0, 0.9140, 4500.0, 0.9000,  # 11 s is 2.46x
     {ACCURACY: True, WALL_AVX2: False, BOUND_AVX2: True, **dict.fromkeys(FAST_TARGETS, True)}),
    # 2 cores x 2.0 GHz x 64 FLOP (Intel's two 512-bit FMAs): 2.965 s; no bound target for AVX-512
    (AVX512_CPU, 256.0, 2.96532, 86.0, 20.0, 0.9100, 4500.0, 0.8950,  # 0.86 and 1.5x are met
     {ACCURACY: True, "end-to-end ratio <= 0.86": True, **dict.fromkeys(FAST_TARGETS, True)}),
    (AVX512_CPU, 256.0, 2.96532, 87.0, 5.0, 0.9100, 4500.0, 0.8950,
     {ACCURACY: True, "end-to-end ratio <= 0.86": False, **dict.fromkeys(FAST_TARGETS, True)}),
    # AMD's AVX-512 (Zen 4) runs on 256-bit units: 2 x 2.0 x 32 = 128 GFLOP/s, 5.931 s; AVX-512's targets
    (AVX512_CPU.replace("GenuineIntel", "AuthenticAMD"), 128.0, 5.93064, 80.0, 20.0, 0.9100, 4500.0, 0.8950,
     {ACCURACY: True, "end-to-end ratio <= 0.86": True, **dict.fromkeys(FAST_TARGETS, True)}),
], ids=["avx2-all-met", "avx2-at-the-limits", "avx2-slow", "avx512-intel-met", "avx512-intel-slow", "avx512-amd"])
def test_targets_and_bound_of_a_report_with_literal_numbers(monkeypatch, cpu, peak, bound, default_wall, default_s,
                                                            default_acc, fast_per_s, fast_acc, met):
    """Against a baseline of 100 s, 20 s/epoch, 3,000 images/s and accuracy 0.9100."""
    monkeypatch.setattr(bench, "this_cpu", lambda: read_cpu(cpu, cores=2))
    runs = {"baseline": [literal_run(100.0, 20.0, 0.9100, 3000.0)],
            "default": [literal_run(default_wall, default_s, default_acc, 6000.0)],
            "fast": [literal_run(50.0, 8.0, fast_acc, fast_per_s, "mixed_bfloat16")]}
    args = argparse.Namespace(peak_gflops=None, epochs=10, repeat=1, seed=2018)
    report = bench.build_report(args, "/data", runs)
    assert report["settings"]["peak_gflops_float32"] == pytest.approx(peak)
    default, fast = report["variants"]["default"], report["variants"]["fast"]
    assert default["bound_s_per_epoch"] == pytest.approx(bound)
    assert fast["bound_s_per_epoch"] == pytest.approx(bound / 2)  # bfloat16: twice the FLOP a cycle
    assert default["times_bound"] == pytest.approx(default_s / bound)
    targets = {t["target"]: t["met"] for t in default["targets"] + fast["targets"]}
    assert list(targets) == list(met) and targets == met
    assert "targets" not in report["variants"]["baseline"]


def test_table_shows_each_variant_and_its_ratios(bench_run):
    result, report = bench_run
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("variant"))
    for heading in ("train img/s", "s/epoch", "bound s/epoch", "eval s", "wall s", "CPU s", "peak RSS MB", "test acc"):
        assert heading in header
    base_row = next(line for line in lines if line.startswith("baseline "))
    assert f"{report['variants']['baseline']['stats']['wall_s']['median']:.1f}" in base_row.split()
    ratio_row = next(line for line in lines if line.startswith("default ") and line.split()[1].endswith("x"))
    assert ratio_row.split()[1] == f"{report['variants']['default']['vs_baseline']['wall']:.2f}x"
    assert f"Targets of issues 7 and 15 for {report['machine']['vector']} CPUs" in result.stdout
    machine_line = next(line for line in lines if line.startswith("Machine: "))
    assert report["machine"]["cpu"] in machine_line and f"{report['machine']['cores']} cores" in machine_line
    assert "repetition 1/1 baseline" in result.stderr and "Traceback" not in result.stderr


def test_each_variant_records_oneDNN_as_tensorflow_reported_it(bench_run):
    """The tool's runs report oneDNN from results.json's run.machine, the baseline from TensorFlow
    itself; on an AVX2 CPU the tool turns it on where the lecture's script runs TensorFlow's default."""
    _, report = bench_run
    base, default = report["variants"]["baseline"], report["variants"]["default"]
    assert isinstance(base["onednn"], bool) and isinstance(default["onednn"], bool)
    if report["machine"]["vector"] in ("AVX2", "AVX-512"):
        assert default["onednn"] is True


def test_epoch_lines_are_read_from_the_tools_log():
    log = "Training in float32 precision\nEpoch 1/3 - loss: 0.5272 - accuracy: 0.8141 - 9.3s\n" \
          "Epoch 2/3 - loss: 0.3400 - accuracy: 0.8800 - 7.1s\nEpoch 3/3 - loss: 0.3000 - accuracy: 0.8900 - 6.9s\n"
    assert bench.parse_epoch_lines(log) == [9.3, 7.1, 6.9]
    rates = bench.epoch_rates([9.3, 7.1, 6.9], 60000)
    assert rates["s_per_epoch"] == 7.0 and rates["first_epoch_s"] == 9.3  # the first epoch left out
    assert math.isclose(rates["train_samples_per_s"], 60000 / 7.0)


def test_spread_and_cells():
    stat = bench.spread([3.0, 1.0, 2.0])
    assert stat == {"median": 2.0, "min": 1.0, "max": 3.0}
    assert bench.cell(stat, "{:.1f}") == "2.0 [1.0-3.0]"
    assert bench.cell(bench.spread([5.0]), "{:.1f}") == "5.0"


def test_bad_variant_and_missing_data_are_one_line_errors(tmp_path):
    result = run_benchmark("--variants", "baseline,turbo", cwd=tmp_path)
    assert result.returncode == 2 and "turbo" in result.stderr and "Traceback" not in result.stderr
    result = run_benchmark("--data-dir", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2 and "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_a_failing_variant_stops_the_benchmark_with_its_error(tmp_path):
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(b"garbage\n")
    result = run_benchmark("--data-dir", str(tmp_path), "--epochs", "1", "--repeat", "1", "--variants", "baseline",
                           "--no-warmup", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "variant baseline failed" in result.stderr
    assert "not an IDX file" in result.stderr
