"""A model file as Keras 2.2 with TensorFlow 1.x saved it (model.save('after.h5')), written with h5py: its
model_config names a VarianceScaling initialiser with the 'dtype' argument Keras 3 no longer takes. Made
here, not downloaded: the layout follows Keras 2.2.4's keras/engine/saving.py (attributes keras_version,
backend, model_config; a model_weights group), the lecture's layers as that Keras named them."""

from __future__ import annotations

import json
from pathlib import Path


def initializer() -> dict:
    return {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform",
                                                        "seed": None, "dtype": "float32"}}


def layer(kind: str, name: str, **config) -> dict:
    return {"class_name": kind, "config": {"name": name, "trainable": True, "dtype": "float32", **config}}


def keras2_model(path: Path) -> Path:
    import h5py

    conv = dict(kernel_size=[5, 5], strides=[1, 1], padding="same", data_format="channels_last",
                dilation_rate=[1, 1], activation="relu", use_bias=True, kernel_initializer=initializer(),
                bias_initializer={"class_name": "Zeros", "config": {"dtype": "float32"}}, kernel_regularizer=None,
                bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None)
    pool = dict(pool_size=[2, 2], padding="valid", strides=[2, 2], data_format="channels_last")
    dense = dict(use_bias=True, kernel_initializer=initializer(),
                 bias_initializer={"class_name": "Zeros", "config": {"dtype": "float32"}}, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None)
    layers = [layer("Conv2D", "conv2d_1", filters=32, batch_input_shape=[None, 28, 28, 1], **conv),
              layer("MaxPooling2D", "max_pooling2d_1", **pool),
              layer("Conv2D", "conv2d_2", filters=64, **conv),
              layer("MaxPooling2D", "max_pooling2d_2", **pool),
              layer("Flatten", "flatten_1", data_format="channels_last"),
              layer("Dense", "dense_1", units=128, activation="relu", **dense),
              layer("Dense", "dense_2", units=10, activation="softmax", **dense)]
    config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": layers}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [spec["config"]["name"].encode() for spec in layers]
        weights.attrs["keras_version"] = b"2.2.4"
        weights.attrs["backend"] = b"tensorflow"
        for spec in layers:
            weights.create_group(spec["config"]["name"]).attrs["weight_names"] = []
    return path
