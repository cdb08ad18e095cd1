"""Loading a saved model without running anything it carries, and describing its layers.

A model file can hold code (a Lambda layer's Python bytecode, a custom class). Students hand
models in, so before Keras sees a file we read its configuration ourselves and refuse any
layer kind outside a short list; Keras' safe mode is the second lock.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from fashion_tools.errors import ToolError, first_line
from fashion_tools.keras_setup import keras_import
from fashion_tools.network import IMAGE_SHAPE, TOTAL_CLASS

ALLOWED_LAYERS = {
    "InputLayer", "Conv2D", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "Flatten", "Dense",
    "Dropout", "Activation", "ReLU", "Softmax", "BatchNormalization", "Reshape", "Rescaling",
    "GlobalAveragePooling2D", "GlobalMaxPooling2D",
}
MAX_CONFIG_BYTES = 10 << 20  # a real configuration is a few kB


class VersionMismatch(ToolError):
    """A model file that this Keras cannot load because another Keras wrote it: the grader's limit, not the
    student's mistake."""


def written_by(path: str | os.PathLike) -> str | None:
    """The Keras version a model file names as its writer (HDF5's keras_version, a .keras file's
    metadata.json), or None where it names none or cannot be read."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo("metadata.json")
                if info.file_size > MAX_CONFIG_BYTES:
                    return None
                return str(json.loads(archive.read(info)).get("keras_version") or "") or None
        import h5py

        with h5py.File(path, "r") as f:
            version = f.attrs.get("keras_version")
            return (version.decode() if isinstance(version, bytes) else str(version)) if version is not None else None
    except (OSError, KeyError, ValueError, AttributeError, zipfile.BadZipFile, UnicodeDecodeError):
        return None


def load_cause(exc: Exception) -> str:
    """The cause of a failed load in one line: Keras' own 'Exception encountered:' where it gives one, not
    the configuration it prints before it."""
    text = str(exc)
    marker = "Exception encountered:"
    if marker in text:
        text = text[text.rindex(marker) + len(marker):]
    return first_line(text.strip() or type(exc).__name__)[:200]


def read_config(path: str | os.PathLike) -> dict:
    """The model's architecture as saved: HDF5's model_config attribute or a .keras file's config.json."""
    path = Path(path)
    if not path.is_file():
        raise ToolError(f"model file {path} not found; train one first (python fashion_items.py) or pass --model")
    if path.stat().st_size == 0:
        raise ToolError(f"{path} is empty (0 bytes), not a Keras model")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo("config.json")
                if info.file_size > MAX_CONFIG_BYTES:
                    raise ToolError(f"{path}: its configuration is implausibly large ({info.file_size} bytes)")
                text = archive.read(info).decode("utf-8")
        else:
            import h5py

            with h5py.File(path, "r") as f:
                text = f.attrs.get("model_config")
                if text is None:
                    raise ToolError(f"{path} is an HDF5 file but holds no Keras model (no model_config); "
                                    "was it saved with model.save()?")
                if isinstance(text, bytes):
                    text = text.decode("utf-8")
                if len(text) > MAX_CONFIG_BYTES:
                    raise ToolError(f"{path}: its configuration is implausibly large ({len(text)} bytes)")
        config = json.loads(text)
    except ToolError:
        raise
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ToolError(f"{path} is not a readable Keras model (.h5 or .keras): "
                        f"{first_line(exc)}") from None
    if not isinstance(config, dict):
        raise ToolError(f"{path}: its configuration is not a Keras model's")
    return config


def layer_kinds(config: dict) -> list[str]:
    """Every layer class named in a configuration, nested models included, in order."""
    kinds: list[str] = []
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            inner = node.get("config")
            if "class_name" in node and isinstance(inner, dict) and isinstance(inner.get("layers"), list):
                stack.extend(reversed(inner["layers"]))
            elif "class_name" in node:
                kinds.append(str(node["class_name"]))
    return kinds


def load_model_safely(path: str | os.PathLike, check_shape: bool = True):
    """Load a model after refusing unknown layer kinds; safe mode refuses any lambda left."""
    config = read_config(path)
    unsafe = sorted({k for k in layer_kinds(config) if k not in ALLOWED_LAYERS})
    if unsafe:
        raise ToolError(f"{path}: refused, it has layer kinds that could run code from the file "
                        f"({', '.join(unsafe)}); only standard layers are loaded")
    keras = keras_import()
    try:
        model = keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a damaged file; each is the same answer
        writer, reader = written_by(path), keras.__version__
        if writer and writer.split(".")[0] != reader.split(".")[0]:
            raise VersionMismatch(f"{Path(path).name} was written by Keras {writer}, which Keras {reader} here "
                                  f"cannot load ({load_cause(exc)})") from None
        raise ToolError(f"{path}: cannot load the model ({load_cause(exc)})") from None
    if check_shape:
        inp, out = tuple(model.input_shape[1:]), tuple(model.output_shape[1:])
        if inp != IMAGE_SHAPE or out != (TOTAL_CLASS,):
            raise ToolError(f"{path}: the model takes {inp} and gives {out}; "
                            "a Fashion-MNIST model takes (28, 28, 1) and gives (10,)")
    return model


def describe_layers(model) -> list[dict]:
    """Name, kind, output shape and parameter count of each layer, as model.summary() lists them."""
    return [{"name": layer.name, "kind": type(layer).__name__,
             "output_shape": [None if d is None else int(d) for d in layer.output.shape],
             "params": int(layer.count_params())} for layer in model.layers]
