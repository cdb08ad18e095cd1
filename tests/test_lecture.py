"""The lecture's script as a command: its sections, its model, its numbers, its files, its errors."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import TOOL, assert_clean_error, run_tool, start_and_wait_for

import fashion_items
from fashion_tools import network

SECTIONS = ["== DB SHAPING INFO ==", "X train shape: (600, 28, 28)", "Y train shape: (600,)",
            "X test shape: (200, 28, 28)", "Y test shape: (200,)", "== SAMPLE DATA (RAW) ==",
            "This is a pullover 2", "Total params: 411,242", "Epoch 1/1 - loss: ",
            "Keras CNN model loss = ", "Keras CNN model accuracy = ", "== CONFUSION MATRIX ==",
            "F1 score: ", "Prediction after learning: "]


def numbers(stdout: str) -> dict:
    """The numbers a run prints, as the lecture prints them."""
    matrix = stdout.split("== CONFUSION MATRIX ==")[1].split("F1 score")[0]
    return {
        "loss": float(re.search(r"Keras CNN model loss =\s+(\S+)", stdout).group(1)),
        "accuracy": float(re.search(r"Keras CNN model accuracy =\s+(\S+)", stdout).group(1)),
        "matrix": np.array([int(v) for v in re.findall(r"\d+", matrix)]).reshape(10, 10),
        "f1": float(re.search(r"F1 score: (\S+)", stdout).group(1)),
        "prediction": re.search(r"Prediction after learning: (\S+)", stdout).group(1),
    }


def test_whole_command_prints_every_section_in_order(trained_run):
    out = trained_run.result.stdout
    positions = [out.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), [s for s, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "\r" not in out and "\x1b" not in out and "\b" not in out
    assert len(re.findall(r"^Epoch \d+/1 - loss: [\d.]+ - accuracy: [\d.]+ - [\d.]+s$", out, re.M)) == 1
    n = numbers(out)
    assert n["matrix"].sum() == 200 and n["matrix"].trace() / 200 == pytest.approx(n["accuracy"])
    assert n["f1"] == pytest.approx(n["accuracy"])
    assert n["prediction"] in network.LABELS
    assert "Traceback" not in trained_run.result.stderr


def test_saved_model_loads_back_with_the_same_predictions(trained_run, synthetic_dir):
    import keras

    from fashion_tools import data

    d = data.load(data.locate(str(synthetic_dir)))
    x, y = network.preprocess(d.x_test, d.y_test)
    model = keras.models.load_model(trained_run.model)
    _, accuracy, probs = network.evaluate(model, x, y)
    assert accuracy == pytest.approx(numbers(trained_run.result.stdout)["accuracy"])
    printed = json.loads(trained_run.results.read_text())["prediction"]["probabilities"]
    np.testing.assert_allclose(fashion_items.predict_sample(model, d.x_train[5]), printed, rtol=1e-5)
    assert not list(trained_run.folder.glob(".after.h5.*")), "a temporary file was left behind"


def test_same_command_twice_gives_the_same_numbers(trained_run, synthetic_dir, tmp_path):
    again = run_tool("--epochs", "1", "--data-dir", str(synthetic_dir), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    first, second = numbers(trained_run.result.stdout), numbers(again.stdout)
    np.testing.assert_array_equal(first.pop("matrix"), second.pop("matrix"))
    assert first == second


def test_another_seed_gives_other_numbers(trained_run, synthetic_dir, tmp_path):
    other = run_tool("--epochs", "1", "--seed", "7", "--data-dir", str(synthetic_dir), "--no-figures", cwd=tmp_path)
    assert other.returncode == 0, other.stderr
    assert numbers(other.stdout)["loss"] != numbers(trained_run.result.stdout)["loss"]


@pytest.mark.parametrize("args, words", [
    (["--epochs", "0"], ["--epochs", "below 1"]),
    (["--epochs", "ten"], ["--epochs", "not a whole number"]),
    (["--batch-size", "-5"], ["--batch-size", "below 1"]),
    (["--sample", "-1"], ["--sample", "negative"]),
    (["--sample", "600"], ["--sample", "outside the training set"]),
    (["--seed", "-1"], ["--seed", "negative"]),
    (["--seed", str(2**32)], ["--seed", "above 4,294,967,295"]),
    (["--model", "no/such/folder/after.h5"], ["--model", "does not exist"]),
    (["--data-dir", "no-such-dir"], ["--data-dir", "no such folder"]),
    (["--no-such-option"], ["unrecognized arguments"]),
])
def test_bad_options_exit_2_before_any_work(args, words, synthetic_dir, tmp_path):
    if "--data-dir" not in args:
        args = [*args, "--data-dir", str(synthetic_dir)]
    started = time.perf_counter()
    result = run_tool(*args, cwd=tmp_path)
    assert_clean_error(result, 2, *words)
    assert "DB SHAPING INFO" not in result.stdout
    assert len(result.stderr.strip().splitlines()) <= 2  # argparse's usage line, then the error
    assert not (tmp_path / "after.h5").exists()
    assert time.perf_counter() - started < 60


def test_model_path_in_a_file_is_refused(tmp_path, synthetic_dir):
    (tmp_path / "plain").write_text("x")
    result = run_tool("--model", "plain/after.h5", "--data-dir", str(synthetic_dir), cwd=tmp_path)
    assert_clean_error(result, 2, "does not exist")


def test_errors_and_help_do_not_import_tensorflow():
    code = ("import sys, fashion_items; s = fashion_items.main({}); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'tensorflow imported'; "
            "sys.exit(s)")
    for argv, status in ((["--help"], 0), (["--epochs", "0"], 2), (["--model", "/no/such/dir/m.h5"], 2)):
        proc = subprocess.run([sys.executable, "-c", code.format(argv)], cwd=TOOL.parent,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == status, proc.stderr


def test_ctrl_c_during_training_keeps_the_previous_model(tmp_path, synthetic_dir):
    previous = b"the previous model, which must survive"
    (tmp_path / "after.h5").write_bytes(previous)
    proc = start_and_wait_for(["--epochs", "200", "--data-dir", str(synthetic_dir)], tmp_path, "Epoch 1/200")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert (tmp_path / "after.h5").read_bytes() == previous
    assert not list(tmp_path.glob(".after.h5.*"))
