"""The training batches: what Keras' fit(x, y, batch_size) would make, reproducible, autotuning off."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow")
from fashion_tools.batches import training_batches  # noqa: E402


def arrays(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Image i is filled with the value i and labelled i % 10, so every pair can be traced back."""
    x = np.repeat(np.arange(n, dtype=np.float32), 28 * 28).reshape(n, 28, 28, 1)
    y = np.eye(10, dtype=np.float32)[np.arange(n) % 10]
    return x, y


def epoch(dataset) -> tuple[list[int], list[int]]:
    """One pass: the batch sizes and the image numbers in the order they came."""
    sizes, order = [], []
    for images, labels in dataset:
        images, labels = images.numpy(), labels.numpy()
        ids = images[:, 0, 0, 0].astype(int)
        assert (images == ids[:, None, None, None]).all()  # whole images, not mixed rows
        np.testing.assert_array_equal(labels.argmax(axis=1), ids % 10)  # each image keeps its label
        sizes.append(len(ids))
        order.extend(ids.tolist())
    return sizes, order


def test_every_image_once_per_epoch_in_batches_with_the_remainder_last():
    x, y = arrays(1050)
    sizes, order = epoch(training_batches(x, y, batch_size=200, seed=1))
    assert sizes == [200, 200, 200, 200, 200, 50]
    assert sorted(order) == list(range(1050))
    assert order != list(range(1050))  # shuffled


def test_reshuffled_each_epoch_and_the_same_for_the_same_seed():
    x, y = arrays(300)
    batches = training_batches(x, y, batch_size=64, seed=1234)
    first, second = epoch(batches)[1], epoch(batches)[1]
    assert first != second
    again = training_batches(x, y, batch_size=64, seed=1234)
    assert [epoch(again)[1], epoch(again)[1]] == [first, second]
    assert epoch(training_batches(x, y, batch_size=64, seed=7))[1] != first


def test_keras_knows_the_number_of_steps_and_autotuning_is_off():
    x, y = arrays(1050)
    batches = training_batches(x, y, batch_size=200, seed=1)
    assert int(batches.cardinality()) == 6  # Keras' progress bar can show "6/6"
    assert batches.options().autotune.enabled is False  # the reason for the module: see its docstring
