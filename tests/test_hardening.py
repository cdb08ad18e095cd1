"""Faults and hostile input: a clean error, the right exit status, nothing earlier lost.

Data files: property-based tests on the IDX reader. Writing: a full disk, kills and Ctrl-C at
random moments, two runs at once.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from conftest import TOOL, Result, assert_clean_error, lambda_model, run_tool, start_and_wait_for
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from synthetic import idx_bytes, make_dataset

from fashion_tools import data
from fashion_tools.errors import ToolError

# --- the IDX reader -----------------------------------------------------------------------

VALID_IMAGES = idx_bytes(np.arange(3 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(3, 28, 28))
VALID_LABELS = idx_bytes(np.array([0, 9, 4], np.uint8))
READER_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_bytes(tmp_path: Path, raw: bytes, name: str, gz: bool, magic: int):
    path = tmp_path / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return data.read_idx(path, magic)


def read_or_clean_error(tmp_path, raw, gz, magic=data.IMAGE_MAGIC):
    """The reader's whole contract: an array of what the header says, or a ToolError; nothing else."""
    try:
        array = read_bytes(tmp_path, raw, "file", gz, magic)
    except ToolError as exc:
        assert str(exc) and "\n" not in str(exc)
        event(f"refused: {refusal(str(exc))}")  # --hypothesis-show-statistics: how far the inputs got
        return None
    event("read")
    assert array.dtype == np.uint8
    return array


def refusal(message: str) -> str:
    """The kind of a refusal: its message without the path and the numbers."""
    return re.sub(r"(0x)?[0-9a-f]*\d[0-9a-f]*", "N", message.split(": ", 1)[-1])[:60]


def accepts(raw: bytes, magic: int) -> bool:
    """Whether raw is a well-formed IDX file of this kind, by the format's definition (LeCun's MNIST page):
    a big-endian magic whose last byte is the number of dimensions, the dimensions, then exactly their
    product of bytes; images 28x28, labels 0..9 (what Fashion-MNIST holds)."""
    if len(raw) < 4 or struct.unpack(">I", raw[:4])[0] != magic:
        return False
    ndim = magic & 0xFF
    if len(raw) < 4 + 4 * ndim:
        return False
    dims = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    body = raw[4 + 4 * ndim:]
    if len(body) != int(np.prod(dims, dtype=np.int64)):
        return False
    return dims[1:] == (28, 28) if magic == data.IMAGE_MAGIC else all(b < 10 for b in body)


@st.composite
def damaged_files(draw) -> bytes:
    """A valid images or labels file with a few bytes overwritten (the header too), then cut or extended."""
    raw = bytearray(draw(st.sampled_from([VALID_IMAGES, VALID_LABELS])))
    for _ in range(draw(st.integers(0, 3))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    end = draw(st.one_of(st.just(len(raw)), st.integers(0, len(raw) + 8)))
    return bytes(raw[:end]) + bytes(max(0, end - len(raw)))


LABEL_FILES = st.binary(max_size=12).map(lambda body: idx_bytes(np.frombuffer(body, np.uint8)))  # any label values


@READER_SETTINGS
@given(raw=st.one_of(st.binary(max_size=3000), damaged_files(), LABEL_FILES), gz=st.booleans(),
       magic=st.sampled_from([data.IMAGE_MAGIC, data.LABEL_MAGIC]))
def test_arbitrary_bytes(tmp_path, raw, gz, magic):
    array = read_or_clean_error(tmp_path, raw, gz, magic)
    assert (array is not None) == accepts(raw, magic)
    if array is not None:
        header = 4 + 4 * (magic & 0xFF)
        assert array.shape == struct.unpack(f">{magic & 0xFF}I", raw[4:header]) and array.tobytes() == raw[header:]


@READER_SETTINGS
@given(count=st.integers(0, 3), rows_cols=st.sampled_from([(28, 28)] * 4 + [(27, 28), (28, 0), (14, 56), (1, 784)]),
       off_by=st.one_of(st.just(0), st.integers(-3, 3)), fill=st.binary(min_size=1, max_size=8), gz=st.booleans())
def test_valid_header_with_any_body(tmp_path, count, rows_cols, off_by, fill, gz):
    """Mostly 28x28 (some other shapes, two of 784 pixels), and bodies of the length the header declares
    or a few bytes off."""
    rows, cols = rows_cols
    size = max(0, count * rows * cols + off_by)
    body = (fill * size)[:size]
    array = read_or_clean_error(tmp_path, struct.pack(">IIII", data.IMAGE_MAGIC, count, rows, cols) + body, gz)
    assert (array is not None) == ((rows, cols) == (28, 28) and size == count * 784)
    if array is not None:
        assert array.shape == (count, 28, 28) and array.tobytes() == body


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("raw, magic", [(VALID_IMAGES, data.IMAGE_MAGIC), (VALID_LABELS, data.LABEL_MAGIC)])
def test_truncated_at_every_boundary(tmp_path, raw, magic, gz):
    for cut in sorted({*range(min(20, len(raw))), len(raw) // 2, len(raw) - 1}):
        with pytest.raises(ToolError):
            read_bytes(tmp_path, raw[:cut], "cut", gz, magic)
    assert read_bytes(tmp_path, raw, "whole", gz, magic).shape[0] == 3


def test_gzip_stream_that_ends_early(tmp_path):
    stream = gzip.compress(VALID_IMAGES)
    for cut in (10, len(stream) // 2, len(stream) - 4):
        path = tmp_path / "early.gz"
        path.write_bytes(stream[:cut])
        with pytest.raises(ToolError, match="gzip|truncated"):
            data.read_idx(path, data.IMAGE_MAGIC)


@pytest.mark.parametrize("gz", [False, True])
def test_huge_declared_size_allocates_nothing_large(tmp_path, gz):
    """A header declaring 2^31 images over a 1 MB body: refused, without reserving gigabytes."""
    raw = struct.pack(">IIII", data.IMAGE_MAGIC, 2**31, 28, 28) + bytes(1 << 20)
    tracemalloc.start()
    with pytest.raises(ToolError, match="2147483648 images"):
        read_bytes(tmp_path, raw, "huge", gz, data.IMAGE_MAGIC)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 64 << 20, f"peak {peak / 2**20:.0f} MiB"


# --- data folders, through the real command -----------------------------------------------

def small_data(tmp_path) -> Path:
    return make_dataset(tmp_path / "data", n_train=30, n_test=10)


def test_folder_with_a_file_missing(tmp_path):
    folder = small_data(tmp_path)
    (folder / "train-labels-idx1-ubyte.gz").unlink()
    assert_clean_error(run_tool("--data-dir", str(folder), cwd=tmp_path), 2, "lacks train-labels-idx1-ubyte")


# Root reads any file whatever its mode, by two capabilities; without them (dropped for the command and
# what it runs: the bounding and inheritable sets) a mode-0 file is as unreadable to root as to a user.
WITHOUT_READ_OVERRIDE = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                         "--bounding-set=-dac_override,-dac_read_search"]


def test_unreadable_file(tmp_path):
    folder = small_data(tmp_path)
    (folder / "t10k-images-idx3-ubyte.gz").chmod(0)
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("as root this needs setpriv (util-linux) to drop root's right to read any file")
        prefix = WITHOUT_READ_OVERRIDE
    proc = subprocess.run([*prefix, sys.executable, str(TOOL), "--data-dir", str(folder)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    assert_clean_error(result, 2, "t10k-images-idx3-ubyte.gz: permission denied")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_counts_disagree_and_labels_out_of_range(tmp_path):
    folder = small_data(tmp_path)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.zeros(11, np.uint8))))
    assert_clean_error(run_tool("--data-dir", str(folder), cwd=tmp_path), 2, "10 images", "11 labels")
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.full(10, 10, np.uint8))))
    assert_clean_error(run_tool("--data-dir", str(folder), cwd=tmp_path), 2, "label 10 is outside 0..9")


# --- writing results ----------------------------------------------------------------------

PREVIOUS_MODEL = b"previous after.h5"
PREVIOUS_RESULTS = '{"previous": true}\n'


def plant_previous(folder: Path) -> None:
    (folder / "after.h5").write_bytes(PREVIOUS_MODEL)
    (folder / "results.json").write_text(PREVIOUS_RESULTS)


def assert_complete_or_previous(folder: Path) -> str:
    """Each file left is the previous one or a complete new one; never a partial file."""
    import h5py

    model = (folder / "after.h5").read_bytes()
    if model != PREVIOUS_MODEL:
        with h5py.File(folder / "after.h5", "r") as f:
            assert "model_config" in f.attrs
            assert sum(1 for _ in f["model_weights"]) >= 7
            f.visititems(lambda name, obj: obj[()] if isinstance(obj, h5py.Dataset) else None)
    results = (folder / "results.json").read_text()
    if results != PREVIOUS_RESULTS:
        assert json.loads(results)["schema_version"] == 2
    return "new" if model != PREVIOUS_MODEL else "previous"


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A 3 MiB tmpfs: too small for the 5 MB model."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({proc.stderr.decode().strip()}); needs root")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_disk_full_while_saving(tiny_filesystem, synthetic_dir):
    plant_previous(tiny_filesystem)
    result = run_tool("--epochs", "1", "--data-dir", str(synthetic_dir), "--no-figures", cwd=tiny_filesystem)
    assert_clean_error(result, 1, "no space left", "after.h5")
    assert (tiny_filesystem / "after.h5").read_bytes() == PREVIOUS_MODEL
    assert (tiny_filesystem / "results.json").read_text() == PREVIOUS_RESULTS
    assert not [p for p in tiny_filesystem.iterdir() if p.name.startswith(".")], "a temporary file was left"


# Where the strikes land: each marker line is followed by work that takes far longer than the
# jitter after it (an epoch, saving the model, the figures and results.json), so every run is struck.
STRIKE_AFTER = ["Training in", "Epoch 1/2", "Epoch 2/2", "Keras CNN model loss", "Prediction after learning"]


def test_killed_or_interrupted_at_random_moments(tmp_path, synthetic_dir):
    """Kill (SIGKILL) and interrupt (SIGINT) runs from training to the last write, ten times."""
    rng = random.Random(20181)
    folder = tmp_path / "run"
    folder.mkdir()
    for i in range(10):
        if i % 2 == 0:
            plant_previous(folder)
        proc = start_and_wait_for(["--epochs", "2", "--data-dir", str(synthetic_dir)], folder,
                                  STRIKE_AFTER[i % len(STRIKE_AFTER)])
        time.sleep(rng.uniform(0.0, 0.05))
        strike = signal.SIGKILL if i % 3 else signal.SIGINT
        proc.send_signal(strike)
        _, err = proc.communicate(timeout=300)
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert proc.returncode == (130 if strike == signal.SIGINT else -signal.SIGKILL), (proc.returncode, err)
        if proc.returncode == 130:
            assert err.strip().splitlines()[-1].startswith("fashion_items.py: interrupted"), err
        assert_complete_or_previous(folder)
        temporaries = [p for p in folder.rglob(".*.tmp*")]
        if proc.returncode == 130:
            assert not temporaries, "an interrupted write left its temporary file"
        for path in temporaries:  # SIGKILL leaves them: nothing can run after it
            path.unlink()


def test_two_runs_at_once_leave_a_complete_model(tmp_path, synthetic_dir):
    args = [sys.executable, str(TOOL), "--epochs", "1", "--data-dir", str(synthetic_dir)]
    procs = [subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert assert_complete_or_previous(tmp_path) == "new"
    from fashion_tools.models import load_model_safely

    assert load_model_safely(tmp_path / "after.h5").count_params() == 411242
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    shutil.rmtree(tmp_path / "figures")


# --- models handed to predict (and grade) -------------------------------------------------

@pytest.fixture(scope="module")
def bad_models(tmp_path_factory, trained_run) -> dict[str, Path]:
    """Each kind of model file a student might hand in that must be refused; plus the marker path."""
    import h5py
    import keras

    folder = tmp_path_factory.mktemp("bad-models")
    marker = folder / "lambda-ran"
    good = trained_run.model.read_bytes()
    (folder / "truncated.h5").write_bytes(good[: len(good) // 2])
    (folder / "empty.h5").write_bytes(b"")
    with h5py.File(folder / "not-a-model.h5", "w") as f:
        f["numbers"] = np.arange(10)
    lambda_model(folder / "lambda.h5", marker)
    other = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(5)])
    other.save(folder / "other-architecture.h5")
    return {p.stem: p for p in folder.glob("*.h5")} | {"marker": marker}


# What each bad model's refusal says besides its file's name; predict and grade give the same reason.
REFUSALS = {
    "truncated": ["not a readable keras model"],
    "empty": ["empty"],
    "not-a-model": ["holds no keras model"],
    "lambda": ["refused", "Lambda"],
    "other-architecture": ["(28, 28, 1)"],
}


@pytest.mark.parametrize("name", REFUSALS)
def test_predict_refuses_bad_models(bad_models, name, tmp_path, synthetic_dir):
    result = run_tool("predict", "--model", str(bad_models[name]), "--data-dir", str(synthetic_dir),
                      "--test-index", "0", cwd=tmp_path)
    assert_clean_error(result, 2, f"{name}.h5", *REFUSALS[name])
    assert len(result.stderr.strip().splitlines()) == 1
    assert not bad_models["marker"].exists(), "the Lambda layer's code ran"


def test_grade_fails_the_model_check_of_bad_models_unrun(bad_models, tmp_path, synthetic_dir, trained_run):
    """A submission folder holding each bad model: its model check fails with the reason, nothing runs."""
    for name in REFUSALS:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "console.txt").write_text(trained_run.result.stdout)
        shutil.copy(bad_models[name], folder / "after.h5")
    result = run_tool("grade", "--expected", str(trained_run.results), "--data-dir", str(synthetic_dir), "--json",
                      *(str(tmp_path / name) for name in REFUSALS), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    graded = {Path(s["submission"]).name: s for s in json.loads(result.stdout)["submissions"]}
    assert sorted(graded) == sorted(REFUSALS)
    for name, words in REFUSALS.items():
        model = [c for c in graded[name]["checks"] if c["check"] == "model"]
        assert len(model) == 1 and model[0]["verdict"] == "FAIL", (name, model)
        reason = model[0]["reason"]
        assert f"{name}/after.h5" in reason, (name, reason)  # each submission's own file
        assert all(word.lower() in reason.lower() for word in words), (name, words, reason)
    assert not bad_models["marker"].exists(), "the Lambda layer's code ran"


# --- text handed to grade: bounded time and memory ----------------------------------------

GRADE_SECONDS = 30  # each hostile input is answered within this, on 2 cores
GRADE_PEAK_RSS = 400 << 20  # and within this much memory (a few times the 20 MB read limit)


# Run the command under a small Python parent: a child forked from pytest itself (TensorFlow
# loaded) would start with pytest's resident memory counted in its peak.
MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
           "sys.stderr.buffer.write(p.stderr); "
           "print(p.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss_of(command: list[str], cwd: Path) -> tuple[int, float, int]:
    """Exit status, seconds and peak RSS (bytes) of one run of command. A hang fails here, not forever,
    and its whole process group is killed: a grader left running would slow every later test."""
    proc = subprocess.Popen([sys.executable, "-c", MEASURE, *command], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=GRADE_SECONDS * 4)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"{command[-1]}: still running after {GRADE_SECONDS * 4} s") from None
    assert "Traceback" not in err, err
    status, seconds, peak_kb = out.split()
    return int(status), float(seconds), int(peak_kb) * 1024


def write_big(path: Path, size: int, line: bytes) -> Path:
    with open(path, "wb") as f:
        block = line * (max(1, (1 << 20) // len(line)))
        written = 0
        while written < size:
            f.write(block)
            written += len(block)
    return path


def hostile_notebook(path: Path, kind: str) -> Path:
    if kind == "2gb-notebook":  # sparse: declares 2 GB, refused by its size before any reading
        with open(path, "wb") as f:
            f.truncate(2 << 30)
    elif kind == "nested-notebook":
        path.write_text('{"cells": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}")
    else:  # one cell whose output is 18 MB of one line
        path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": 1, "source": "print(x)",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": "Epoch 1/10 " * ((18 << 20) // 11)}]}]}))
    return path


@pytest.mark.parametrize("name", ["200mb-log", "50mb-line", "nul-bytes", "invalid-utf8", "18mb-line",
                                  "2gb-notebook", "nested-notebook", "18mb-notebook-line", "50mb-html-line",
                                  "18mb-html-line", "18mb-html-tags"])
def test_hostile_logs_are_graded_in_bounded_time_and_memory(name, tmp_path, trained_run):
    if name.endswith("notebook") or name.endswith("notebook-line"):
        log = hostile_notebook(tmp_path / "lab.ipynb", name)
    elif name == "50mb-html-line":
        log = write_big(tmp_path / "page.html", 50 << 20, b"<p>Keras CNN model accuracy = 0.9 &amp; ")
    elif name == "18mb-html-line":
        log = write_big(tmp_path / "page.html", 18 << 20, b"<b>X train shape: (60000, 28, 28)</b>&lt;br&gt; ")
    elif name == "18mb-html-tags":  # elements opened and never closed, entities, comments left open
        log = write_big(tmp_path / "page.html", 18 << 20, b'<div class="jp-OutputArea-output"><pre>&#x41;<!-- ')
    elif name == "200mb-log":
        log = write_big(tmp_path / "big.txt", 200 << 20, trained_run.result.stdout.encode())
    elif name == "50mb-line":
        log = write_big(tmp_path / "line.txt", 50 << 20, b"Keras CNN model accuracy = 0.9 " * 1000)
    elif name == "18mb-line":  # under the size limit: parsed, not refused
        log = write_big(tmp_path / "line.txt", 18 << 20, b"X train shape: (60000, 28, 28)  Epoch 1/10 ")
    elif name == "nul-bytes":
        log = tmp_path / "nul.txt"
        log.write_bytes(trained_run.result.stdout.encode().replace(b"\n", b"\x00\n"))
    else:
        log = tmp_path / "bad-utf8.txt"
        log.write_bytes(bytes(range(128, 256)) * 2000)
    status, seconds, peak = peak_rss_of([sys.executable, str(TOOL), "grade", "--expected", str(trained_run.results),
                                         str(log)], tmp_path)
    # graded, grading itself went fine: its checks fail, or (too large, binary) a person looks (REVIEW)
    assert status == (1 if name.startswith("18mb") else 3)
    assert seconds < GRADE_SECONDS and peak < GRADE_PEAK_RSS, (seconds, peak >> 20)


@pytest.mark.parametrize("name", ["deeply-nested", "enormous", "not-json"])
def test_hostile_expected_files_are_refused_in_bounded_time(name, tmp_path, trained_run):
    expected = tmp_path / "expected.json"
    if name == "deeply-nested":
        expected.write_text("[" * 200_000 + "]" * 200_000)
    elif name == "enormous":
        write_big(expected, 60 << 20, b'{"a": 1}, ')
    else:
        expected.write_bytes(b"\x00\xff" * 1000)
    log = tmp_path / "log.txt"
    log.write_text(trained_run.result.stdout)
    status, seconds, peak = peak_rss_of([sys.executable, str(TOOL), "grade", "--expected", str(expected), str(log)],
                                        tmp_path)
    assert status == 2
    assert seconds < GRADE_SECONDS and peak < GRADE_PEAK_RSS, (seconds, peak >> 20)
