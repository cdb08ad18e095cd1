"""The lecture's network, and everything that must see an image exactly as it was trained.

Training (fashion_items.py), prediction, grading, the figures and the worked examples all use
these, so there is one copy of each: the class names, the scaling of an image, the layers
(parts 7/12 and 8/12) and the test-set scores (part 10/12).
"""

from __future__ import annotations

import numpy as np

from fashion_tools.keras_setup import keras_import

# 4/12's labels, in the order of the data set's label numbers
LABELS = ("t-shirt", "trouser", "pullover", "dress", "coat",
          "sandal", "shirt", "sneaker", "bag", "ankle-boot")
TOTAL_CLASS = len(LABELS)
IMAGE_SHAPE = (28, 28, 1)


def scale_images(images: np.ndarray) -> np.ndarray:
    """uint8 28x28 images as the model takes them: float32 in [0, 1], channel-last (N, 28, 28, 1)."""
    return np.divide(images, np.float32(255.0), dtype=np.float32).reshape(-1, *IMAGE_SHAPE)  # one pass, no copy


def preprocess(x: np.ndarray, y: np.ndarray, scale: bool = True, one_hot: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Parts 5/12 and 6/12: scaled images and one-hot labels, float32 from the start (the lecture's
    X / 255.0 made float64, which Keras casts again each batch). scale and one_hot off are students'
    mistakes (fashion_tools/mistakes.py): the raw 0-255 pixels, the label numbers."""
    keras = keras_import()
    images = scale_images(x) if scale else x.astype(np.float32).reshape(-1, *IMAGE_SHAPE)
    labels = keras.utils.to_categorical(y, TOTAL_CLASS).astype(np.float32) if one_hot else y.astype(np.int64)
    return images, labels


def build_model(kernel: int = 2, dense: int = 128, softmax: bool = True):
    """Parts 7/12 and 8/12. Parameters per layer: (filter_height * filter_width * input_channels + 1) * filters.
    Other kernel and dense sizes, and no softmax, are students' mistakes (fashion_tools/mistakes.py)."""
    keras = keras_import()
    from keras.layers import Conv2D, Dense, Flatten, Input, MaxPool2D

    return keras.Sequential([
        Input(shape=IMAGE_SHAPE),
        Conv2D(32, kernel_size=(kernel, kernel), padding="same", activation="relu"),  # (2*2*1 + 1) * 32 = 160
        MaxPool2D(padding="same", pool_size=(2, 2)),
        Conv2D(64, kernel_size=(kernel, kernel), padding="same", activation="relu"),  # (2*2*32 + 1) * 64 = 8,256
        MaxPool2D(padding="same", pool_size=(2, 2)),
        Flatten(),
        Dense(dense, activation="relu"),  # (7*7*64 + 1) * 128 = 401,536
        # float32 probabilities even in mixed precision: softmax and the loss need the range
        Dense(TOTAL_CLASS, activation="softmax" if softmax else None, dtype="float32"),  # (128 + 1) * 10 = 1,290
    ])


def evaluate(model, x: np.ndarray, y_onehot: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Part 10/12: loss and accuracy from one pass over the test set; its probabilities serve 11/12 too."""
    keras = keras_import()
    probs = model.predict(x, batch_size=1000, verbose=0)
    loss = float(np.mean(keras.losses.categorical_crossentropy(y_onehot, probs)))
    accuracy = float(np.mean(np.argmax(probs, axis=1) == np.argmax(y_onehot, axis=1)))
    return loss, accuracy, probs
