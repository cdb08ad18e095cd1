"""grade's model checks as tasks: each worker process loads TensorFlow and the test set once and keeps
them for every model it gets; a model goes with its check, checked by SHA-256. What a check says names
the files as the client knows them, not as the worker's copies.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from fashion_tools import data as fashion_data
from fashion_tools.errors import ToolError
from fashion_tools.measure.cluster.connect import run_tasks, session
from fashion_tools.measure.cluster.files import Blob, share_files, worker_data, worker_folder, worker_lock


def check_models(address: str, submissions: list, exp, data_dir: str | None) -> dict[Path, Any]:
    """grade's model checks as tasks: {model path: its CheckResult}, each model checked once."""
    files = fashion_data.locate(data_dir) or fashion_data.download()
    fashion_data.check(files)  # a bad data file is one line here, before any worker loads it
    models = {sub.model_path: sub.log for sub in submissions if sub.model_path is not None}
    with session(address) as client:
        data = share_files(client, files)
        source = str(Path(files["train_images"]).parent)
        calls = ((path, f"fashion-model-{path.name}", measure_model,
                  (data, source, str(path), read_model(path), log, exp)) for path, log in models.items())
        with contextlib.closing(run_tasks(client, calls)) as finished:
            return dict(finished)


def read_model(path: Path) -> Blob:
    """A model to send; one that cannot be read here goes as no bytes, and fails as a missing file."""
    try:
        return Blob.read(path)
    except OSError:
        return Blob(path.name, b"", "")


_test_sets: dict[tuple[str, int], Any] = {}  # this worker process's, loaded once


def measure_model(data: dict[str, Blob], source: str, shown: str, model: Blob, log, exp):
    """On a worker: grade's check of one model, on the test set this worker process loaded once. What it
    says names the files as the client knows them (source: the data's folder, shown: the model), not as
    the worker's copies."""
    from fashion_tools.grading.check import model_check

    key = (str(worker_data(data)), sum(exp.class_counts))
    with worker_lock:  # TensorFlow and the test set, loaded by the first thread that asks
        if key not in _test_sets:
            try:
                _test_sets[key] = model_check.ReferenceTestSet(*key)
            except ToolError as exc:
                raise ToolError(str(exc).replace(key[0], source), exc.exit_status) from None
    with tempfile.TemporaryDirectory(prefix="model-", dir=worker_folder()) as tmp:
        path = Path(tmp) / model.name
        if model.sha256:
            path.write_bytes(model.checked())
        result = model_check.check_model(path, log, exp, _test_sets[key])
    return replace(result, found=result.found.replace(str(path), shown), reason=result.reason.replace(str(path), shown))
