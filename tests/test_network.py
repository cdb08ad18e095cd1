"""The lecture's network, shared by training, prediction and grading: scaling, layers, evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from fashion_tools import network


def test_scale_images_takes_one_image_or_many():
    one = np.full((28, 28), 51, dtype=np.uint8)
    assert network.scale_images(one).shape == (1, 28, 28, 1)
    many = network.scale_images(np.stack([one, one, one]))
    assert many.shape == (3, 28, 28, 1) and many.dtype == np.float32
    assert float(many[0, 0, 0, 0]) == pytest.approx(0.2)


def test_labels_are_the_lectures_in_label_order():
    assert network.TOTAL_CLASS == len(network.LABELS) == 10
    assert network.LABELS[2] == "pullover" and network.LABELS[9] == "ankle-boot"


def test_preprocess_scales_reshapes_and_one_hot_encodes():
    x = np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8)
    xs, ys = network.preprocess(x, np.array([3, 9]))
    assert xs.dtype == np.float32 and xs.shape == (2, 28, 28, 1)
    assert xs.min() == 0.0 and xs.max() == 1.0
    assert ys.dtype == np.float32 and ys.shape == (2, 10)
    np.testing.assert_array_equal(ys.argmax(axis=1), [3, 9])
    np.testing.assert_array_equal(ys.sum(axis=1), [1, 1])


def test_model_layers_and_parameter_counts():
    model = network.build_model()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]
    assert [layer.count_params() for layer in model.layers] == [160, 0, 8256, 0, 0, 401536, 1290]
    assert model.count_params() == 411242
    assert model.output_shape == (None, 10)
    assert [model.layers[i].padding for i in range(4)] == ["same"] * 4


def test_one_pass_evaluation_equals_keras_evaluate(synthetic_dir):
    from fashion_tools import data

    d = data.load(data.locate(str(synthetic_dir)))
    x, y = network.preprocess(d.x_test, d.y_test)
    model = network.build_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy, probs = network.evaluate(model, x, y)
    keras_loss, keras_accuracy = model.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(keras_loss, rel=1e-5)
    assert accuracy == pytest.approx(keras_accuracy, abs=1e-6)
    assert probs.shape == (200, 10)
