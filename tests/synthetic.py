"""A small Fashion-MNIST look-alike, written in the IDX format by the tests themselves.

Each class is a bright bar at its own place on a noisy dark background, so a CNN learns
it within an epoch and the predictions mean something.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

IMAGE_MAGIC, LABEL_MAGIC = 0x00000803, 0x00000801


def idx_bytes(array: np.ndarray) -> bytes:
    magic = IMAGE_MAGIC if array.ndim == 3 else LABEL_MAGIC
    return struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()


def write_idx(path: Path, array: np.ndarray, gz: bool = True) -> Path:
    data = idx_bytes(array)
    if gz:
        path = path.with_name(path.name + ".gz")
        with gzip.open(path, "wb", compresslevel=1) as f:
            f.write(data)
    else:
        path.write_bytes(data)
    return path


def make_images(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    images = rng.integers(0, 40, size=(len(labels), 28, 28)).astype(np.uint8)
    for i, label in enumerate(labels):
        if label < 5:
            images[i, 2 + 5 * label: 5 + 5 * label, 4:24] = rng.integers(180, 256)
        else:
            images[i, 4:24, 2 + 5 * (label - 5): 5 + 5 * (label - 5)] = rng.integers(180, 256)
    return images


def make_dataset(folder: Path, n_train: int = 600, n_test: int = 200, gz: bool = True, seed: int = 0) -> Path:
    """Write the four files into folder; the labels cycle 0..9 so every class is present."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    y_train = rng.permutation(np.arange(n_train) % 10).astype(np.uint8)
    y_test = (np.arange(n_test) % 10).astype(np.uint8)
    y_train[5] = 2  # the lecture's sample 5 is a pullover
    write_idx(folder / "train-images-idx3-ubyte", make_images(y_train, rng), gz)
    write_idx(folder / "train-labels-idx1-ubyte", y_train, gz)
    write_idx(folder / "t10k-images-idx3-ubyte", make_images(y_test, rng), gz)
    write_idx(folder / "t10k-labels-idx1-ubyte", y_test, gz)
    return folder
