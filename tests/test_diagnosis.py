"""Issue 26: students' common mistakes, trained for real (fashion_tools/mistakes.py, `mistakes`), and grade's
diagnosis of them from what a log prints (fashion_tools/grading/check/diagnosis.py).

The shipped signatures (fashion_tools/grading/check/signatures.json) come from full runs on the real data; the
held-out runs in tests/data/real/mistakes/ are the lecture's script with one mistake each, run for real and
never used for a signature. The lecture's own runs, every honest real log here and the five seeds of
tests/data/reference.json, must get no diagnosis.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TOOL, run_tool

from fashion_tools import mistakes
from fashion_tools.grading.check.diagnosis import (
    FEATURE_NAMES,
    MEASURED,
    MIN_MARGIN,
    band,
    diagnose,
    load_signatures,
    shown,
)
from fashion_tools.grading.intake.submissions import parse_file
from fashion_tools.grading.parse.summary import SummaryLayer
from fashion_tools.grading.parse.values import EpochNumbers, ParsedLog
from fashion_tools.grading.readers.console_log import clean_text, read_text

REAL = ROOT / "tests" / "data" / "real"
REFERENCE = ROOT / "tests" / "data" / "reference.json"


# ---- what a log prints of each epoch ----

def test_each_epochs_end_is_read_from_keras_bars_even_when_a_page_wraps_them():
    """Keras 3's redirected bars: epoch 1's numbers are those of its last '300/300' line, as printed; the same
    log printed to PDF (its metrics wrapped onto lines of their own) reads the same."""
    text = clean_text(read_text(REAL / "keras3.log")[0])
    last = [line for line in text[:text.index("Epoch 2/10")].splitlines() if line.startswith("300/300")][-1]
    want = {k: float(v) for k, v in re.findall(r"(loss|accuracy): ([\d.]+)", last)}
    for name in ("keras3.log", "keras3_log.pdf"):
        first = parse_file(REAL / name).epoch_numbers[0]
        assert (first.epoch, first.steps, first.loss, first.accuracy) == (1, 300, want["loss"], want["accuracy"])


def test_this_tools_epoch_lines_give_no_steps_and_the_runs_own_numbers():
    """tool_utf-8.log's results.json is tests/data/expected.json: its history, as the log rounds it."""
    history = json.loads((ROOT / "tests" / "data" / "expected.json").read_text())["training"]
    numbers = parse_file(REAL / "tool_utf-8.log").epoch_numbers
    assert [(e.steps, e.loss, e.accuracy) for e in numbers] == [
        (None, round(loss, 4), round(accuracy, 4)) for loss, accuracy in zip(history["loss"], history["accuracy"],
                                                                            strict=True)]


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

def test_bands_widen_a_measured_range_by_ratios():
    """A loss's band on the log scale: MIN_MARGIN at the least (wider for a mistake's few seeds), else two
    standard deviations of the seeds' logs; an accuracy's through its error rate, so that it never passes 1."""
    loss = {"values": [1.0, 1.0]}
    for kind in ("lecture", "mistake"):
        m = MIN_MARGIN[kind]
        assert band("test_loss", loss, kind) == pytest.approx((math.exp(-m), math.exp(m)))
    spread = {"values": [0.5, 2.0]}  # two seeds a factor 4 apart
    low, high = band("test_loss", spread, "mistake")
    assert (low, high) == pytest.approx((0.5 / 4 ** math.sqrt(2), 2.0 * 4 ** math.sqrt(2)))
    low, high = band("test_accuracy", {"values": [0.9, 0.9]}, "lecture")
    assert (low, high) == pytest.approx((1 - 0.1 * math.exp(0.05), 1 - 0.1 * math.exp(-0.05))) and high < 1


def test_report_csv_has_a_diagnosis_column(tmp_path):
    report = tmp_path / "grades.csv"
    run_tool("grade", "--expected", str(REFERENCE), str(REAL / "keras3.log"), "--report", str(report))
    row = next(csv.DictReader(report.open()))
    assert row["diagnosis"] == ""  # an honest run of the lecture: no mistake named



# ---- the shipped signatures against real runs they were not measured on ----

SIGNED = load_signatures()
HELD_OUT = sorted((REAL / "mistakes").glob("*.log.gz"))
# Measured, and no number sets it apart from the lecture (the same loss, on label numbers): never named
UNTOLD = sorted(name for name, signature in SIGNED["mistakes"].items() if not signature["tells"])
# Every honest real run here (the lecture's script under Keras 3, in a terminal, a notebook, its renders; the
# tool's own run), none of them used for any signature
HONEST = ["keras3.log", "keras3_second.log", "out_of_order.log", "typo_confusion_matrix.log", "sample_122_debug.log",
          "author_version.log", "ctrl_c.log", "jupyterlab.ipynb", "jupyterlab.pdf", "notebook_matrix_result.ipynb",
          "notebook_dataframe.html", "keras3_log.pdf", "report.docx", "pasted_comments.py", "tool_utf-8.log",
          "tool_cp1252.log"]


def held_out_log(path: Path, folder: Path) -> Path:
    """A held-out run's log as the student handed it in (stored gzipped: Keras' bars make megabytes)."""
    log = folder / path.name.removesuffix(".gz")
    log.write_bytes(gzip.decompress(path.read_bytes()))
    return log


def grade_json(*args: str) -> dict:
    result = run_tool("grade", "--expected", str(REFERENCE), "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", [p for p in HELD_OUT if p.name.split(".")[0] not in UNTOLD],
                         ids=lambda p: p.name.split(".")[0])
def test_each_mistakes_held_out_run_is_named_with_its_evidence(path, tmp_path):
    """The lecture's script with one mistake, run for real and unseeded: the report names that mistake alone,
    with the numbers of this very log against the mistake's measured range, and the part to revisit."""
    name = path.name.split(".")[0]
    log = held_out_log(path, tmp_path)
    (sub,) = grade_json(str(log))["submissions"]
    assert [d["mistake"] for d in sub["diagnosis"]] == [name]
    (d,) = sub["diagnosis"]
    assert d["part"] == mistakes.MISTAKES[name].part and d["evidence"]
    values = shown(parse_file(log))
    said = {key: f"{FEATURE_NAMES[key]} {values[key]:.4f}: " for key in MEASURED if key in values}
    said.update({"steps_per_epoch": f"{values.get('steps_per_epoch', 0):,} training steps an epoch: ",
                 "epochs": f"it trained {values.get('epochs')} epochs; "})
    tells = SIGNED["mistakes"][name]["tells"]
    prefixes = [said.get(tell) or f"layer {int(tell.split(':')[1]) + 1} (" for tell in tells]
    assert all(e.startswith(tuple(prefixes)) for e in d["evidence"]), (tells, d["evidence"])
    exact = [p for tell, p in zip(tells, prefixes, strict=True) if not tell.endswith(("loss", "accuracy"))
             and (tell in values or tell.startswith("params:"))]
    assert all(any(e.startswith(p) for e in d["evidence"]) for p in exact)  # an exact tell is always said


def test_a_mistake_that_prints_the_lectures_numbers_is_never_named(tmp_path):
    """Labels left as numbers with sparse categorical cross-entropy: the same loss, so the same numbers as the
    lecture (measured); its held-out run gets no diagnosis, and no honest run could be told from it."""
    assert UNTOLD == ["sparse_labels"]
    for path in (p for p in HELD_OUT if p.name.split(".")[0] in UNTOLD):
        assert diagnose(parse_file(held_out_log(path, tmp_path)), SIGNED) == []


def test_every_mistake_with_tells_has_a_held_out_run():
    assert {p.name.split(".")[0] for p in HELD_OUT} >= {n for n, s in SIGNED["mistakes"].items() if s["tells"]}


@pytest.mark.parametrize("name", HONEST)
def test_no_honest_run_is_diagnosed(name):
    assert diagnose(parse_file(REAL / name), SIGNED) == []


def test_the_lectures_reference_seeds_are_not_diagnosed():
    """The five seeds of tests/data/reference.json as their logs print them: epochs 1 and 10, the test numbers,
    the lecture's summary."""
    ref = json.loads(REFERENCE.read_text())
    spread, training = ref["spread"], ref["spread"]["training"]
    layers = [SummaryLayer(layer["name"], layer["kind"], layer["params"]) for layer in ref["model"]["layers"]]
    for i in range(len(spread["seeds"])):
        first = EpochNumbers(1, None, training["loss"][0]["values"][i], training["accuracy"][0]["values"][i])
        last = EpochNumbers(10, None, training["loss"][-1]["values"][i], training["accuracy"][-1]["values"][i])
        log = ParsedLog(epochs=list(range(1, 11)), epochs_declared=10, layers=layers, epoch_numbers=[first, last],
                        loss=spread["test_loss"]["values"][i], accuracy=spread["test_accuracy"]["values"][i])
        assert shown(log)["test_loss"] and diagnose(log, SIGNED) == []

def test_one_real_convolution_of_two_with_3x3_kernels_is_named():
    """wrong_architecture.log: a real run with only the first convolution 3x3: its count is the mistake's,
    the second's the lecture's."""
    (d,) = diagnose(parse_file(REAL / "wrong_architecture.log"), SIGNED)
    assert d.mistake == "kernel3"
    assert d.evidence == ["layer 1 (Conv2D) has 320 parameters, (3 x 3 x 1 + 1) x 32; the lecture's 160, "
                          "(2 x 2 x 1 + 1) x 32"]


def test_the_signatures_record_how_they_were_measured():
    for name, signature in SIGNED["mistakes"].items():
        assert signature["seeds"] and signature["machine"]["cpu"] and signature["versions"]["tensorflow"]
        assert signature["changes"] == mistakes.changes(name)
    assert SIGNED["lecture"]["seeds"] == json.loads(REFERENCE.read_text())["spread"]["seeds"]


def test_one_penalty_charges_a_diagnosed_mistake_once(tmp_path):
    """SGD fails accuracy and loss, one mistake: with one_penalty only the first of them costs points."""
    log = held_out_log(REAL / "mistakes" / "sgd.log.gz", tmp_path)
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("one_penalty = true\n\n[points]\naccuracy = 2\n")
    plain = grade_json(str(log), "--points", "accuracy=2")["submissions"][0]
    once = grade_json(str(log), "--rubric", str(rubric))["submissions"][0]
    failed = [c["check"] for c in plain["checks"] if c["verdict"] == "FAIL"]
    explained = [c for c in mistakes.MISTAKES["sgd"].explains if c in failed]
    assert plain["waived"] == {} and len(explained) > 1
    assert set(once["waived"]) == set(explained[1:])
    worth = {c["check"]: 2 if c["check"] == "accuracy" else 1 for c in plain["checks"]}
    assert once["points"] == plain["points"] + sum(worth[c] for c in explained[1:])
    assert [c["verdict"] for c in once["checks"]] == [c["verdict"] for c in plain["checks"]]  # still FAIL


def test_feedback_gives_the_diagnosis_as_advice(tmp_path):
    log = held_out_log(REAL / "mistakes" / "unscaled.log.gz", tmp_path)
    run_tool("grade", "--expected", str(REFERENCE), str(log), "--feedback", str(tmp_path / "fb"))
    (text,) = [p.read_text() for p in (tmp_path / "fb").iterdir()]
    assert "What your numbers suggest (advice, not a verdict):" in text
    assert f"revisit {mistakes.MISTAKES['unscaled'].part}" in text


def test_mistakes_help_and_grading_with_a_diagnosis_import_no_tensorflow(tmp_path):
    """`mistakes --help` answers at once, and grade reads logs and diagnoses them without TensorFlow."""
    log = held_out_log(REAL / "mistakes" / "unscaled.log.gz", tmp_path)
    for args in (["mistakes", "--help"], ["grade", "--expected", str(REFERENCE), str(log)]):
        out = subprocess.run([sys.executable, "-X", "importtime", str(TOOL), *args], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert out.returncode in (0, 1), out.stderr[-2000:]
        imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in out.stderr.splitlines()
                    if line.startswith("import time:") and line.count("|") == 2}
        assert "fashion_tools" in imported and not imported & {"tensorflow", "keras"}
    assert "pixels not scaled?" in out.stdout
