"""results.json: a run's numbers in a form a program can read (grading compares against it).

The field names and types are pinned by tests/test_results.py; change SCHEMA_VERSION when
they change.
"""

from __future__ import annotations

import datetime
import json
import platform
from typing import Any

import numpy as np

from fashion_tools.atomic import atomic_write_text

SCHEMA_VERSION = 2  # 2 added run.machine; grading reads 1 and 2


def versions() -> dict[str, str]:
    import keras
    import sklearn
    import tensorflow as tf

    return {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": np.__version__, "scikit-learn": sklearn.__version__}


def per_class_scores(answer: np.ndarray, pred: np.ndarray, labels: list[str]) -> list[dict[str, Any]]:
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        answer, pred, labels=range(len(labels)), zero_division=0)
    return [{"label": i, "name": name, "precision": float(precision[i]), "recall": float(recall[i]),
             "f1": float(f1[i]), "support": int(support[i])} for i, name in enumerate(labels)]


def build(*, command: list[str], options: dict[str, Any], precision: str, machine: dict[str, Any],
          started: datetime.datetime, data, sample_index: int, labels: list[str], layers: list[dict],
          history: dict[str, list[float]], loss: float, accuracy: float,
          answer: np.ndarray, pred: np.ndarray, matrix: np.ndarray, f1_micro: float,
          sample_probs: np.ndarray, timings: dict[str, float], files: dict[str, Any]) -> dict[str, Any]:
    """Everything the run printed, plus what is needed to reproduce and to grade it."""
    from sklearn.metrics import f1_score

    label = int(data.y_train[sample_index])
    predicted = int(np.argmax(sample_probs))
    return {
        "schema_version": SCHEMA_VERSION,
        "run": {
            "command": command,
            "options": options,
            "seed": options["seed"],
            "precision": precision,
            "started": started.isoformat(timespec="seconds"),
            "versions": versions(),
            "machine": machine,
            "data": {"source": data.source, "files": data.files, "sha256": data.sha256},
        },
        "shapes": {"x_train": list(data.x_train.shape), "y_train": list(data.y_train.shape),
                   "x_test": list(data.x_test.shape), "y_test": list(data.y_test.shape)},
        "sample": {"index": sample_index, "label": label, "name": labels[label],
                   "pixels": data.x_train[sample_index].tolist()},
        "model": {"layers": layers, "total_params": sum(layer["params"] for layer in layers)},
        "training": {"epochs": len(history.get("loss", [])), "batch_size": options["batch_size"],
                     "loss": [float(v) for v in history.get("loss", [])],
                     "accuracy": [float(v) for v in history.get("accuracy", [])]},
        "test": {
            "loss": loss, "accuracy": accuracy, "count": int(len(answer)),
            "class_counts": np.bincount(answer, minlength=len(labels)).tolist(),
            "confusion_matrix": matrix.tolist(),
            "f1_micro": f1_micro,
            "f1_macro": float(f1_score(answer, pred, average="macro", zero_division=0)),
            "per_class": per_class_scores(answer, pred, labels),
        },
        "prediction": {"index": sample_index, "label": predicted, "name": labels[predicted],
                       "probabilities": [float(p) for p in sample_probs]},
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "files": files,
    }


def write(path: str, results: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(results, indent=1) + "\n")


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
