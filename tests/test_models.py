"""Loading a model without running code from it, and describing its layers."""

from __future__ import annotations

import zipfile

import pytest
from conftest import lambda_model

from fashion_tools import models
from fashion_tools.errors import ToolError
from fashion_tools.network import build_model


@pytest.fixture(scope="module")
def lecture_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "after.h5"
    build_model().save(path)
    return path


def test_the_lectures_model_is_read_and_loaded(lecture_model):
    kinds = models.layer_kinds(models.read_config(lecture_model))
    assert kinds == ["InputLayer", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]
    model = models.load_model_safely(lecture_model)
    layers = models.describe_layers(model)
    assert [(layer["kind"], layer["params"]) for layer in layers] == [
        ("Conv2D", 160), ("MaxPooling2D", 0), ("Conv2D", 8256), ("MaxPooling2D", 0), ("Flatten", 0),
        ("Dense", 401536), ("Dense", 1290)]
    assert layers[0]["output_shape"] == [None, 28, 28, 32]


def test_a_keras_file_is_read_from_its_config(tmp_path):
    path = tmp_path / "model.keras"
    build_model().save(path)
    assert zipfile.is_zipfile(path)
    assert "Conv2D" in models.layer_kinds(models.read_config(path))


def test_nested_models_are_searched():
    config = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Functional", "config": {"layers": [{"class_name": "Lambda", "config": {}}]}},
        {"class_name": "Dense", "config": {}}]}}
    assert models.layer_kinds(config) == ["Lambda", "Dense"]


def test_a_lambda_layer_is_refused_before_keras_sees_the_file(tmp_path):
    marker = tmp_path / "ran"
    path = lambda_model(tmp_path / "evil.h5", marker)
    with pytest.raises(ToolError, match="refused.*Lambda"):
        models.load_model_safely(path)
    assert not marker.exists()


@pytest.mark.parametrize("content, words", [
    (None, "not found"), (b"", "empty"), (b"not a model", "not a readable Keras model"),
])
def test_files_that_are_no_model(tmp_path, content, words):
    path = tmp_path / "after.h5"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ToolError, match=words):
        models.read_config(path)


def test_the_shape_check_can_be_turned_off(tmp_path):
    from fashion_tools.keras_setup import keras_import

    keras = keras_import()
    path = tmp_path / "other.h5"
    keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]).save(path)
    with pytest.raises(ToolError, match="takes \\(4,\\) and gives \\(3,\\)"):
        models.load_model_safely(path)
    assert models.load_model_safely(path, check_shape=False).count_params() == 15
