"""`python fashion_items.py reference`: several seeds, their spread, resuming, jobs; and grading by it.

Real runs on the small synthetic data set (1 epoch a seed, each seed a process of its own).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TOOL, assert_clean_error, run_tool
from synthetic import make_dataset

from fashion_tools import reference
from fashion_tools.grading.check.expected import Spread, load_expected
from fashion_tools.grading.check.numbers import check_accuracy, check_loss
from fashion_tools.grading.parse.values import parse_sections

SEEDS = ["--seeds", "3", "--seed", "7", "--epochs", "1", "--no-figures"]


def run_reference(out: Path, *extra: str, data: Path, cwd: Path):
    return run_tool("reference", *SEEDS, "--data-dir", str(data), "--out", str(out), *extra, cwd=cwd)


def numbers(path: Path) -> dict:
    """What a reference measured, without what differs from run to run (times, dates, paths)."""
    ref = json.loads(path.read_text())
    spread = {k: v for k, v in ref["spread"].items() if k != "seconds_per_seed"}
    return {"spread": spread, "test": ref["test"], "training": ref["training"], "prediction": ref["prediction"],
            "seed": ref["run"]["seed"]}


@pytest.fixture(scope="module")
def one_job(tmp_path_factory, synthetic_dir):
    folder = tmp_path_factory.mktemp("reference")
    result = run_reference(folder / "ref", "--jobs", "1", data=synthetic_dir, cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "ref", result


def test_each_seed_has_its_own_history_and_the_spread_sums_them_up(one_job):
    out, result = one_job
    ref = json.loads((out / "reference.json").read_text())
    spread = ref["spread"]
    assert spread["seeds"] == [7, 8, 9]
    seeds = [json.loads((out / "seeds" / f"seed-{s}.json").read_text()) for s in (7, 8, 9)]
    losses = [s["training"]["loss"][0] for s in seeds]
    assert len(set(losses)) == 3  # three seeds, three different trainings
    assert spread["training"]["loss"][0]["values"] == losses
    for name, key in (("test_accuracy", "accuracy"), ("test_loss", "loss"), ("f1_micro", "f1_micro")):
        stats = spread[name]
        assert stats["values"] == [s["test"][key] for s in seeds]
        assert stats["min"] <= stats["mean"] <= stats["max"]
        assert stats["min"] == min(stats["values"]) and stats["max"] == max(stats["values"])
        assert stats["std"] == pytest.approx(float(__import__("numpy").std(stats["values"], ddof=1)))
    # The first seed's results are the expected file's own: grade reads it as a results.json.
    assert ref["test"] == seeds[0]["test"] and ref["run"]["seed"] == 7
    assert spread["machine"] == seeds[0]["run"]["machine"] and spread["versions"]["keras"]
    # One line per finished seed in a log (no progress bar: not a terminal), then the table.
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("seed ")] == ["seed 7 (1/3)", "seed 8 (2/3)",
                                                                                  "seed 9 (3/3)"]
    assert any(line.split()[:1] == ["min"] for line in lines) and any(line.split()[:1] == ["max"] for line in lines)
    assert "\r" not in result.stdout + result.stderr
    assert (out / "seeds" / "seed-8.h5").stat().st_size > 0
    assert "Epoch 1/1" in (out / "seeds" / "seed-8.log").read_text()


def test_two_jobs_give_the_same_numbers_as_one(one_job, tmp_path, synthetic_dir):
    """Side by side, each process with half the cores: op determinism makes the numbers the same."""
    out, _ = one_job
    result = run_reference(tmp_path / "ref", "--jobs", "2", data=synthetic_dir, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert numbers(tmp_path / "ref" / "reference.json") == numbers(out / "reference.json")


def test_interrupted_then_resumed_gives_the_same_file(one_job, tmp_path, synthetic_dir):
    out, _ = one_job
    command = [sys.executable, str(TOOL), "reference", *SEEDS, "--data-dir", str(synthetic_dir), "--jobs", "1",
               "--out", str(tmp_path / "ref")]
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in proc.stdout:
        if line.startswith("seed 7 (1/3)"):
            break
    proc.send_signal(signal.SIGTERM)  # killed: the running seed dies with it (nothing half-written)
    proc.wait(timeout=60)
    seeds_dir = tmp_path / "ref" / "seeds"
    assert (seeds_dir / "seed-7.json").exists() and not (tmp_path / "ref" / "reference.json").exists()
    assert not any(p.name.startswith(".") for p in seeds_dir.iterdir()), list(seeds_dir.iterdir())

    again = run_reference(tmp_path / "ref", "--jobs", "1", data=synthetic_dir, cwd=tmp_path)
    assert_clean_error(again, 2, "already holds finished seeds (7)", "--resume")
    resumed = run_reference(tmp_path / "ref", "--jobs", "1", "--resume", data=synthetic_dir, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming: 1 of 3 seeds already finished (7)" in resumed.stdout
    assert [line[:12] for line in resumed.stdout.splitlines() if line.startswith("seed ")] == ["seed 8 (2/3)",
                                                                                              "seed 9 (3/3)"]
    assert numbers(tmp_path / "ref" / "reference.json") == numbers(out / "reference.json")


def test_resuming_with_other_options_is_refused(one_job, tmp_path, synthetic_dir):
    out, _ = one_job
    result = run_tool("reference", "--seeds", "3", "--seed", "7", "--epochs", "2", "--resume", "--no-figures",
                      "--data-dir", str(synthetic_dir), "--out", str(out), cwd=tmp_path)
    assert_clean_error(result, 2, "seed 7", "--epochs 1", "asks for 2")


@pytest.mark.parametrize(("args", "words"), [
    (["--seeds", "0"], ["--seeds"]),
    (["--seeds", "3", "--seed", str(2**32 - 2)], ["past the largest seed"]),
    (["--sample", "5000"], ["--sample", "outside the training set"]),
    (["--jobs", "0"], ["--jobs"]),
])
def test_bad_options_are_one_line(tmp_path, synthetic_dir, args, words):
    result = run_tool("reference", *args, "--data-dir", str(synthetic_dir), "--out", str(tmp_path / "ref"),
                      cwd=tmp_path)
    assert_clean_error(result, 2, *words)
    assert not (tmp_path / "ref" / "reference.json").exists()


def test_a_failing_seed_stops_the_reference_with_its_last_line(tmp_path):
    """A label outside 0-9 is found when a seed loads the data: that seed's error, and where its log is."""
    import numpy as np
    from synthetic import make_dataset, write_idx

    folder = make_dataset(tmp_path / "data", 30, 10)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.full(10, 12, np.uint8))
    # one job: with two, seeds 7 and 8 fail alike and either may end first
    result = run_tool("reference", *SEEDS, "--jobs", "1", "--data-dir", str(folder), "--out", str(tmp_path / "ref"),
                      cwd=tmp_path)
    assert_clean_error(result, 2, "seed 7 failed (exit status 2)", "label 12 is outside 0..9", "seed-7.log")
    assert not (tmp_path / "ref" / "reference.json").exists()


def test_the_table_and_figure(tmp_path, synthetic_dir, one_job):
    out, _ = one_job
    spread = json.loads((out / "reference.json").read_text())["spread"]
    table = reference.spread_table(spread).splitlines()
    assert [row.split()[0] for row in table] == ["seed", "7", "8", "9", "min", "mean", "max", "std"]
    assert table[1].split()[1] == f"{spread['test_accuracy']['values'][0]:.4f}"
    from fashion_tools.figures import draw_spread

    path = Path(draw_spread(tmp_path, spread))
    from PIL import Image

    assert Image.open(path).size[0] > 500


# ---- grading against a spread ----

LOG = "Keras CNN model loss =  {loss}\nKeras CNN model accuracy =  {accuracy}\n"
SPREAD = Spread(seeds=[0, 1, 2, 3, 4], accuracy=(0.8977, 0.9110, 0.0052), loss=(0.2490, 0.2790, 0.011))


@pytest.fixture
def with_spread():
    return dataclasses.replace(load_expected(str(ROOT / "tests" / "data" / "expected.json")), spread=SPREAD)


def test_margins_come_from_the_measured_spread():
    assert SPREAD.margins == (0.011, 0.022)  # 2 standard deviations, rounded up
    tight = Spread(seeds=[1, 2], accuracy=(0.9, 0.9001, 0.0001), loss=(0.25, 0.2501, 0.0001))
    assert tight.margins == (0.005, 0.01)  # the floors


def test_grading_passes_inside_the_range_and_fails_below_it_less_the_margin(with_spread):
    inside = parse_sections(LOG.format(loss=0.2601, accuracy=0.9015))
    result = check_accuracy(inside, with_spread, 0.005)
    assert result.passed and result.reason == "0.9015 is within the 5-seed range 0.8977-0.9110"
    below_the_range = parse_sections(LOG.format(loss=0.2601, accuracy=0.8951))
    result = check_accuracy(below_the_range, with_spread, 0.005)
    assert result.passed and result.reason == "0.8951 is within the 5-seed range 0.8977-0.9110 less 0.005"
    too_low = parse_sections(LOG.format(loss=0.2601, accuracy=0.8901))
    result = check_accuracy(too_low, with_spread, 0.005)
    assert not result.passed and result.reason == "0.8901 is below the 5-seed range 0.8977-0.9110 less 0.005 = 0.8927"
    assert check_accuracy(too_low, with_spread, 0.011).passed  # the default margin of this spread
    assert check_loss(inside, with_spread, 0.022).reason == "0.2601 is within the 5-seed range 0.2490-0.2790"
    close = parse_sections(LOG.format(loss=0.2801, accuracy=0.9201))
    assert check_loss(close, with_spread, 0.022).reason == "0.2801 is within the 5-seed range 0.2490-0.2790 plus 0.022"
    assert check_accuracy(close, with_spread, 0.005).reason == "0.9201 is above the 5-seed range 0.8977-0.9110"
    low_loss = parse_sections(LOG.format(loss=0.2301, accuracy=0.9015))
    assert check_loss(low_loss, with_spread, 0.022).reason == "0.2301 is below the 5-seed range 0.2490-0.2790"
    high = parse_sections(LOG.format(loss=0.3100, accuracy=0.9015))
    assert not check_loss(high, with_spread, 0.022).passed
    assert "above the 5-seed range 0.2490-0.2790 plus 0.022 = 0.3010" in check_loss(high, with_spread, 0.022).reason


def test_grade_command_uses_the_spread_and_its_margins(tmp_path, one_job):
    """Through the command: the expected file from `reference`, the default margins from its spread."""
    out, _ = one_job
    ref = json.loads((out / "reference.json").read_text())
    spread = ref["spread"]
    low = spread["test_accuracy"]["min"]
    margin = Spread(spread["seeds"], (low, spread["test_accuracy"]["max"], spread["test_accuracy"]["std"]),
                    (spread["test_loss"]["min"], spread["test_loss"]["max"], spread["test_loss"]["std"])).margins[0]
    seed_log = (out / "seeds" / "seed-8.log").read_text()
    log = tmp_path / "student.log"
    log.write_text(seed_log)
    result = run_tool("grade", str(log), "--expected", str(out / "reference.json"), "--json", cwd=tmp_path)
    graded = json.loads(result.stdout)
    assert graded["tolerances"]["accuracy"] == margin
    reasons = {c["check"]: c["reason"] for c in graded["submissions"][0]["checks"]}
    assert "3-seed range" in reasons["accuracy"] and "3-seed range" in reasons["loss"]


def test_without_a_spread_grading_stays_as_it_was(tmp_path):
    expected = ROOT / "tests" / "data" / "expected.json"
    exp = load_expected(str(expected))
    assert exp.spread is None
    log = parse_sections(LOG.format(loss=exp.loss + 0.01, accuracy=exp.accuracy - 0.01))
    result = check_accuracy(log, exp, 0.02)
    assert result.passed and result.reason == f"{exp.accuracy - 0.01:.4f} is at least the expected " \
                                              f"{exp.accuracy:.4f} - 0.02"
    log_file = tmp_path / "a.log"
    log_file.write_text(LOG.format(loss=0.3, accuracy=0.9))
    graded = json.loads(run_tool("grade", str(log_file), "--expected", str(expected), "--json",
                                 cwd=tmp_path).stdout)
    assert graded["tolerances"]["accuracy"] == 0.02 and graded["tolerances"]["loss"] == 0.05


def test_a_bad_spread_is_one_line(tmp_path):
    data = json.loads((ROOT / "tests" / "data" / "expected.json").read_text())
    data["spread"] = {"seeds": [1, 2], "test_accuracy": {"min": 0.9, "max": 0.8, "std": 0.01},
                      "test_loss": {"min": 0.2, "max": 0.3, "std": 0.01}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    (tmp_path / "a.log").write_text("x")
    result = run_tool("grade", str(tmp_path / "a.log"), "--expected", str(path), cwd=tmp_path)
    assert_clean_error(result, 2, "spread.test_accuracy", "min 0.9 above max 0.8")


def test_resuming_on_other_data_is_refused(one_job, tmp_path):
    out, _ = one_job
    other = make_dataset(tmp_path / "other", seed=1)
    result = run_tool("reference", *SEEDS, "--resume", "--data-dir", str(other), "--out", str(out), cwd=tmp_path)
    assert_clean_error(result, 2, "seed 7", "other data files", "--data-dir")


def test_resuming_on_the_same_files_elsewhere_goes_on(one_job, tmp_path, synthetic_dir):
    out, _ = one_job
    copy = shutil.copytree(out, tmp_path / "ref")
    data = shutil.copytree(synthetic_dir, tmp_path / "data")
    result = run_reference(copy, "--resume", data=data, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Resuming: 3 of 3 seeds already finished (7, 8, 9)" in result.stdout
    assert numbers(copy / "reference.json") == numbers(out / "reference.json")
