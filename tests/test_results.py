"""results.json (its fields pinned, its numbers equal to the printed ones) and the figures."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import assert_clean_error, run_tool
from PIL import Image
from test_lecture import numbers

import fashion_items
from fashion_tools import results as results_module

# The format's field names and types; a change here is a change of SCHEMA_VERSION.
SCHEMA = {
    "schema_version": int,
    "run": {"command": list, "options": dict, "seed": int, "precision": str, "started": str,
            "versions": {"python": str, "tensorflow": str, "keras": str, "numpy": str, "scikit-learn": str},
            "data": {"source": str, "files": dict, "sha256": dict},
            "machine": {"cpu": str, "vendor": str, "vector": str, "flags": list, "cores": int, "onednn": bool,
                        "onednn_by": str, "gpus": list, "os": str, "arch": str}},
    "shapes": {"x_train": list, "y_train": list, "x_test": list, "y_test": list},
    "sample": {"index": int, "label": int, "name": str, "pixels": list},
    "model": {"layers": list, "total_params": int},
    "training": {"epochs": int, "batch_size": int, "loss": list, "accuracy": list},
    "test": {"loss": float, "accuracy": float, "count": int, "class_counts": list, "confusion_matrix": list,
             "f1_micro": float, "f1_macro": float, "per_class": list},
    "prediction": {"index": int, "label": int, "name": str, "probabilities": list},
    "timings": {"load_data": float, "training": float, "evaluation": float, "total": float},
    "files": {"model": str, "results": str, "figures": dict},
}
LAYER = {"name": str, "kind": str, "output_shape": list, "params": int}
PER_CLASS = {"label": int, "name": str, "precision": float, "recall": float, "f1": float, "support": int}


def check_schema(value, schema, where="results"):
    if isinstance(schema, dict):
        assert isinstance(value, dict), where
        assert set(value) == set(schema), (where, set(value) ^ set(schema))
        for key, sub in schema.items():
            check_schema(value[key], sub, f"{where}.{key}")
    else:
        assert isinstance(value, schema) and not (schema is int and isinstance(value, bool)), (where, value)


@pytest.fixture(scope="module")
def results(trained_run):
    return json.loads(trained_run.results.read_text())


def test_results_fields_and_types(results):
    check_schema(results, SCHEMA)
    assert results["schema_version"] == 2
    for layer in results["model"]["layers"]:
        check_schema(layer, LAYER, "layer")
    for row in results["test"]["per_class"]:
        check_schema(row, PER_CLASS, "per_class")
    assert set(results["run"]["data"]["sha256"]) == {"train_images", "train_labels", "test_images", "test_labels"}
    assert len(results["sample"]["pixels"]) == 28 and all(len(r) == 28 for r in results["sample"]["pixels"])
    assert len(results["prediction"]["probabilities"]) == 10
    assert sum(results["prediction"]["probabilities"]) == pytest.approx(1, abs=1e-5)


def test_results_numbers_equal_the_printed_ones(results, trained_run):
    printed = numbers(trained_run.result.stdout)
    test = results["test"]
    assert test["loss"] == printed["loss"] and test["accuracy"] == printed["accuracy"]
    assert test["f1_micro"] == printed["f1"]
    assert test["confusion_matrix"] == printed["matrix"].tolist()
    assert results["prediction"]["name"] == printed["prediction"]
    assert results["shapes"] == {"x_train": [600, 28, 28], "y_train": [600], "x_test": [200, 28, 28],
                                 "y_test": [200]}
    assert results["sample"]["label"] == 2 and results["sample"]["name"] == "pullover"
    assert results["model"]["total_params"] == 411242
    assert [layer["params"] for layer in results["model"]["layers"]] == [160, 0, 8256, 0, 0, 401536, 1290]
    assert results["training"]["epochs"] == 1 and len(results["training"]["loss"]) == 1
    assert test["class_counts"] == [20] * 10 == [sum(row) for row in test["confusion_matrix"]]
    assert results["run"]["options"]["epochs"] == 1 and results["run"]["seed"] == fashion_items.MY_SEED


def test_per_class_scores_and_macro_f1_agree_with_the_printed_matrix(results, trained_run):
    """Each class's precision, recall and F1 from the printed matrix by their definitions (column and
    row sums), not by the library the code calls."""
    matrix = numbers(trained_run.result.stdout)["matrix"]
    per_class = results["test"]["per_class"]
    assert [(row["label"], row["name"]) for row in per_class] == list(enumerate(fashion_items.LABELS))
    for i, row in enumerate(per_class):
        hits, predicted, actual = int(matrix[i, i]), int(matrix[:, i].sum()), int(matrix[i].sum())
        precision, recall = hits / predicted if predicted else 0.0, hits / actual  # a class never predicted: 0
        assert row["support"] == actual == 20
        assert row["precision"] == pytest.approx(precision) and row["recall"] == pytest.approx(recall)
        assert row["f1"] == pytest.approx(2 * precision * recall / (precision + recall) if hits else 0.0)
    assert results["test"]["f1_macro"] == pytest.approx(np.mean([row["f1"] for row in per_class]))


def scores_of(answer: list[int], pred: list[int], labels: list[str], monkeypatch) -> dict:
    """results.build's "test" block for these labels (the rest of a run stubbed: only the scores matter)."""
    monkeypatch.setattr(results_module, "versions", dict)  # spares importing TensorFlow
    answer_, pred_ = np.array(answer), np.array(pred)
    data = SimpleNamespace(x_train=np.zeros((1, 28, 28), np.uint8), y_train=np.zeros(1, np.uint8),
                           x_test=np.zeros((len(answer), 28, 28), np.uint8), y_test=answer_, source="x",
                           files={}, sha256={})
    built = results_module.build(
        command=[], options={"seed": 1, "batch_size": 1}, precision="float32", machine={},
        started=datetime.datetime(2024, 1, 1), data=data, sample_index=0, labels=labels, layers=[], history={},
        loss=0.0, accuracy=0.0, answer=answer_, pred=pred_, matrix=np.zeros((len(labels),) * 2, int), f1_micro=0.0,
        sample_probs=np.full(len(labels), 1 / len(labels)), timings={}, files={})
    return built["test"]


def test_per_class_scores_and_macro_f1_by_hand(monkeypatch):
    # class 0: 3 true, 2 predicted, both right; class 1: 2 true, 2 predicted, 1 right;
    # class 2: 1 true, 2 predicted, 1 right
    test = scores_of([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ["a", "b", "c"], monkeypatch)
    rows = test["per_class"]
    assert [(r["label"], r["name"], r["support"]) for r in rows] == [(0, "a", 3), (1, "b", 2), (2, "c", 1)]
    assert [r["precision"] for r in rows] == pytest.approx([1, 1 / 2, 1 / 2])
    assert [r["recall"] for r in rows] == pytest.approx([2 / 3, 1 / 2, 1])
    assert [r["f1"] for r in rows] == pytest.approx([0.8, 1 / 2, 2 / 3])
    assert test["f1_macro"] == pytest.approx(59 / 90)  # (0.8 + 0.5 + 2/3) / 3; micro F1 would be 4/6


def test_per_class_scores_and_macro_f1_of_a_real_run(monkeypatch):
    """The labels behind tests/data/expected.json's confusion matrix (a real run on the whole data set)
    scored again: its per-class rows and macro F1, as that run wrote them."""
    real = json.loads((Path(__file__).parent / "data" / "expected.json").read_text())["test"]
    matrix = np.array(real["confusion_matrix"])
    answer = np.repeat(np.arange(10), matrix.sum(axis=1))
    pred = np.concatenate([np.repeat(np.arange(10), row) for row in matrix])
    test = scores_of(answer.tolist(), pred.tolist(), list(fashion_items.LABELS), monkeypatch)
    assert len(test["per_class"]) == 10
    for row, written in zip(test["per_class"], real["per_class"], strict=True):
        assert row == pytest.approx(written), written["name"]
    assert test["f1_macro"] == pytest.approx(real["f1_macro"]) == 0.9067149894381312


def test_every_written_file_is_listed(results, trained_run):
    out = trained_run.result.stdout
    assert "Saved model: after.h5" in out and "Saved results: results.json" in out
    for name in ("sample", "training", "confusion_matrix", "feature_maps", "predictions"):
        assert f"Saved figure: figures/{name}.png" in out
        assert results["files"]["figures"][name] == f"figures/{name}.png"


@pytest.mark.parametrize("name, min_size", [("sample", (250, 250)), ("training", (600, 250)),
                                            ("confusion_matrix", (600, 600)), ("feature_maps", (1000, 300)),
                                            ("predictions", (800, 400))])
def test_figures_are_pngs_of_sensible_size(trained_run, name, min_size):
    with Image.open(trained_run.folder / "figures" / f"{name}.png") as image:
        assert image.format == "PNG"
        assert image.width >= min_size[0] and image.height >= min_size[1]
        assert image.width <= 2500 and image.height <= 2500
        assert len(np.unique(np.asarray(image.convert("L")))) > 10  # a drawing, not a blank canvas


def test_no_figures_writes_none_and_results_can_move(tmp_path, synthetic_dir):
    (tmp_path / "out").mkdir()
    result = run_tool("--epochs", "1", "--data-dir", str(synthetic_dir), "--no-figures",
                      "--results", "out/numbers.json", "--model", "m.h5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "figures").exists()
    assert json.loads((tmp_path / "out" / "numbers.json").read_text())["files"]["figures"] == {}
    assert "Saved figure" not in result.stdout


def test_unwritable_figures_folder_fails_before_training(tmp_path, synthetic_dir):
    (tmp_path / "a-file").write_text("not a folder")
    result = run_tool("--data-dir", str(synthetic_dir), "--figures-dir", "a-file/figs", cwd=tmp_path)
    assert_clean_error(result, 2, "--figures-dir")
    assert "DB SHAPING INFO" not in result.stdout and not (tmp_path / "after.h5").exists()


def test_results_folder_missing_fails_before_training(tmp_path, synthetic_dir):
    result = run_tool("--data-dir", str(synthetic_dir), "--results", "nowhere/r.json", cwd=tmp_path)
    assert_clean_error(result, 2, "--results", "does not exist")
