"""Shared fixtures and helpers: the synthetic data set, a way to run the real command, one trained
run, a model that leaves a marker when its code runs, and waiting for a line of a running command."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from synthetic import make_dataset  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "fashion_items.py"
REAL_DATA = Path("/usr/share/datasets/fashion-mnist")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_tool(*args: str, cwd: Path | None = None, timeout: float = 600, env: dict | None = None) -> Result:
    """Run `python fashion_items.py ARGS` in a subprocess, its output captured (not a terminal)."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, str(TOOL), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def start_and_wait_for(args: list[str], cwd: Path, prefix: str) -> subprocess.Popen:
    """Start `python fashion_items.py ARGS` and return once it has printed a line starting with prefix."""
    proc = subprocess.Popen([sys.executable, str(TOOL), *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in proc.stdout:
        if line.startswith(prefix):
            return proc
    proc.wait(timeout=60)
    raise AssertionError(f"the command ended (status {proc.returncode}) before printing {prefix!r}: "
                         f"{proc.stderr.read()[-2000:]}")


def lambda_model(path: Path, marker: Path) -> Path:
    """A model whose Lambda layer carries its code in the file (a lambda is saved as bytecode) and
    creates marker whenever it runs. Building it runs the lambda once; the marker is removed after."""
    from fashion_tools.keras_setup import keras_import

    keras = keras_import()
    inputs = keras.Input((28, 28, 1))
    touched = keras.layers.Lambda(lambda x, trace=str(marker): (open(trace, "w").close(), x)[1])(inputs)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(touched))
    keras.Model(inputs, outputs).save(path)
    assert marker.exists(), "building the model should have run the lambda once"
    marker.unlink()
    return path


def load_script(path: Path):
    """Import a script that is not in a package (benchmarks/*.py) as a module named after its file."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def assert_clean_error(result: Result, status: int, *words: str) -> None:
    """One clear error: the exit status, the words on stderr, and never a traceback."""
    assert result.returncode == status, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    for word in words:
        assert word.lower() in result.stderr.lower(), (word, result.stderr)


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("synthetic-data"))


@pytest.fixture(scope="session")
def real_subset_dir(tmp_path_factory) -> Path:
    """The real data set's first 2,000 training and 500 test images, as four files of their own: real
    pictures, seconds of training. Skipped where the real data set is not installed."""
    if not (REAL_DATA / "train-images-idx3-ubyte.gz").exists():
        pytest.skip(f"the real data set is not in {REAL_DATA} (apt-get install dataset-fashion-mnist)")
    from synthetic import write_idx

    from fashion_tools import data

    real = data.load(data.locate(str(REAL_DATA)))
    folder = tmp_path_factory.mktemp("real-subset")
    for name, array in (("train-images-idx3-ubyte", real.x_train[:2000]),
                        ("train-labels-idx1-ubyte", real.y_train[:2000]),
                        ("t10k-images-idx3-ubyte", real.x_test[:500]), ("t10k-labels-idx1-ubyte", real.y_test[:500])):
        write_idx(folder / name, array)
    return folder


@dataclass
class TrainedRun:
    folder: Path
    result: Result

    @property
    def model(self) -> Path:
        return self.folder / "after.h5"

    @property
    def results(self) -> Path:
        return self.folder / "results.json"


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory, synthetic_dir) -> TrainedRun:
    """One real run of the command on the synthetic data, 1 epoch; shared by the tests that read it."""
    folder = tmp_path_factory.mktemp("trained")
    result = run_tool("--epochs", "1", "--data-dir", str(synthetic_dir), cwd=folder)
    assert result.returncode == 0, result.stderr
    return TrainedRun(folder, result)
