"""Issue 26: students' common mistakes, trained for real (fashion_tools/mistakes.py, `mistakes`), and grade's
diagnosis of them from what a log prints (fashion_tools/grading/diagnosis.py).

The shipped signatures (fashion_tools/grading/signatures.json) come from full runs on the real data; the
held-out runs in tests/data/real/mistakes/ are the lecture's script with one mistake each, run for real and
never used for a signature. The lecture's own runs, every honest real log here and the five seeds of
tests/data/reference.json, must get no diagnosis.
"""

from __future__ import annotations

import csv
import json

import pytest
from conftest import ROOT, run_tool

from fashion_tools import mistakes
from fashion_tools.grading.diagnosis import band
from fashion_tools.grading.submissions import parse_file

REAL = ROOT / "tests" / "data" / "real"
REFERENCE = ROOT / "tests" / "data" / "reference.json"


# ---- what a log prints of each epoch ----

@pytest.mark.parametrize(("name", "steps", "loss", "accuracy"), [
    ("keras3.log", 300, 0.5388, 0.8105),  # Keras 3's redirected bars: the epoch's last '300/300' line
    ("keras3_log.pdf", 300, 0.5388, 0.8105),  # the same printed: the metrics wrapped onto lines of their own
    ("jupyterlab.ipynb", 300, 0.5376, 0.8089),
    ("tool_utf-8.log", None, 0.5276, 0.8135),  # this tool's one line per epoch shows no steps
])
def test_each_epochs_end_is_read_from_real_logs(name, steps, loss, accuracy):
    first = parse_file(REAL / name).epoch_numbers[0]
    assert (first.epoch, first.steps, first.loss, first.accuracy) == (1, steps, loss, accuracy)


def test_an_epoch_cut_short_gives_its_steps_and_no_numbers():
    """Ctrl-C in epoch 3: its bar never reached 300/300, so a mid-epoch value is not taken for the epoch's."""
    numbers = parse_file(REAL / "ctrl_c.log").epoch_numbers
    assert [(e.epoch, e.steps) for e in numbers] == [(1, 300), (2, 300), (3, 300)]
    assert numbers[2].loss is None and numbers[2].accuracy is None


# ---- the mistakes as trained ----

def test_architecture_mistakes_have_the_lectures_formula_counts():
    """The parameter counts the diagnosis names come from the very models the mistakes train."""
    from fashion_tools.network import build_model

    def counts(name: str) -> list[int]:
        r = mistakes.recipe(name)
        return [layer.count_params() for layer in build_model(r.kernel, r.dense, r.softmax).layers]

    lecture = counts(None)
    assert counts("kernel3")[0] == (3 * 3 * 1 + 1) * 32 == 320 and counts("kernel3")[2] == (3 * 3 * 32 + 1) * 64
    assert counts("dense64")[5] == (7 * 7 * 64 + 1) * 64 == 200_768 and sum(counts("dense64")) == 209_834
    assert counts("no_softmax") == lecture and counts("unscaled") == lecture


def test_mistakes_trains_each_mistake_with_the_seed_runner(real_subset_dir, tmp_path):
    """`mistakes NAME` trains through reference's seed runner (one epoch on 2,000 real images here) and writes
    a signature: what the mistake changes, its seeds, and the numbers that tell it from the lecture."""
    out = tmp_path / "m"
    result = run_tool("mistakes", "batch32", "--seeds", "1", "--epochs", "1", "--jobs", "1", "--data-dir",
                      str(real_subset_dir), "--lecture", str(REFERENCE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    seed = json.loads((out / "batch32" / "seeds" / "seed-1234.json").read_text())
    assert seed["run"]["options"]["mistake"] == "batch32" and seed["training"]["batch_size"] == 32
    signature = json.loads((out / "signatures.json").read_text())["mistakes"]["batch32"]
    assert signature["changes"] == {"batch_size": 32} and signature["seeds"] == [1234]
    assert signature["features"]["steps_per_epoch"] == 63  # 2,000 images in batches of 32
    assert {"steps_per_epoch", "epochs"} <= set(signature["tells"])  # 63 steps, 1 epoch: not the lecture's


# ---- the diagnosis ----

def test_the_bands_widen_a_measured_range():
    summary = {"min": 1.0, "max": 1.2, "mean": 1.1, "std": 0.01}
    assert band(summary, "mistake") == pytest.approx((1.0 - 0.11, 1.2 + 0.11))  # 10 % of the mean: few seeds
    assert band(summary, "lecture") == pytest.approx((1.0 - 0.055, 1.2 + 0.055))


def test_report_csv_has_a_diagnosis_column(tmp_path):
    report = tmp_path / "grades.csv"
    run_tool("grade", "--expected", str(REFERENCE), str(REAL / "keras3.log"), "--report", str(report))
    row = next(csv.DictReader(report.open()))
    assert row["diagnosis"] == ""  # an honest run of the lecture: no mistake named

