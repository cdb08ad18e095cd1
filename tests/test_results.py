"""results.json (its fields pinned, its numbers equal to the printed ones) and the figures."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import assert_clean_error, run_tool
from PIL import Image
from test_lecture import numbers

import fashion_items

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
