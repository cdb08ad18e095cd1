"""The expected results: a reference run's results.json, read defensively and checked field by field.

Any problem with it is one line and exit status 2: grading cannot be done without it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from fashion_tools.errors import ToolError, first_line
from fashion_tools.grading.parse.summary import TRUNCATED
from fashion_tools.machine import device_name
from fashion_tools.models import ALLOWED_LAYERS

READABLE_VERSIONS = (1, 2)  # results.json's schema_version: 2 added run.machine, which is optional here
MAX_EXPECTED_BYTES = 50 << 20
MAX_EXPECTED_DEPTH = 32  # results.json nests 4 deep
SHAPE_NAMES = {"x_train": "X train", "y_train": "Y train", "x_test": "X test", "y_test": "Y test"}
KIND_ALIASES = {"MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D"}
# Keras' layer classes a student's version of the lecture's model shows: those a handed-in model may hold,
# and those it may print but not hand in (a kind read from a picture that is none of these is a misread
# word, not a layer the student added)
KERAS_LAYERS = frozenset(ALLOWED_LAYERS | {
    "Conv1D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose", "MaxPooling1D", "MaxPooling3D",
    "SpatialDropout2D", "LayerNormalization", "LeakyReLU", "Normalization", "ZeroPadding2D", "RandomFlip",
    "RandomRotation", "RandomZoom", "RandomTranslation", "Lambda", "Add", "Concatenate"})


@dataclass
class Spread:
    """The range of a reference over several seeds (python fashion_items.py reference)."""

    seeds: list[int]
    accuracy: tuple[float, float, float]  # min, max, standard deviation over the seeds
    loss: tuple[float, float, float]

    @property
    def margins(self) -> tuple[float, float]:
        """The default margins below the accuracy's minimum and above the loss's maximum: two standard
        deviations of the seeds' values (rounded up to 0.001), at least 0.005 and 0.01. A new seed
        falls outside the range of 5 seeds one time in three; 2 standard deviations past it, rarely."""
        def margin(std: float, floor: float) -> float:
            return max(floor, math.ceil(2 * std * 1000 - 1e-9) / 1000)

        return margin(self.accuracy[2], 0.005), margin(self.loss[2], 0.01)


@dataclass
class Expected:
    path: str
    shapes: dict[str, tuple[int, ...]]
    sample_label: int
    sample_name: str
    sample_pixels: np.ndarray
    layers: list[tuple[str, int]]  # (kind, parameters), the input layer left out
    total_params: int
    epochs: int
    loss: float
    accuracy: float
    class_counts: list[int]
    device: str | None = None  # what trained the reference, as its log's device line names it
    spread: Spread | None = None  # the range over seeds, where the expected file has one


def json_depth(value, limit: int = MAX_EXPECTED_DEPTH) -> int:
    """How deeply lists and objects nest, up to just past limit, without recursion (a hostile file
    may nest a million deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                break
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def read_expected_json(path: str) -> dict:
    what = f"--expected {path}"
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_EXPECTED_BYTES + 1)
    except FileNotFoundError:
        raise ToolError(f"{what}: no such file; give the results.json a training run wrote "
                        "(python fashion_items.py)") from None
    except OSError as exc:
        raise ToolError(f"{what}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_EXPECTED_BYTES:
        raise ToolError(f"{what}: larger than {MAX_EXPECTED_BYTES >> 20} MB; a results.json is a few kB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ToolError(f"{what}: nested too deeply to be a results.json") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ToolError(f"{what}: not valid JSON ({first_line(exc)[:120]})") from None
    if json_depth(data) > MAX_EXPECTED_DEPTH:
        raise ToolError(f"{what}: nested more than {MAX_EXPECTED_DEPTH} deep; not a results.json")
    if not isinstance(data, dict):
        raise ToolError(f"{what}: not a results.json (its top level is not an object)")
    if data.get("schema_version") not in READABLE_VERSIONS:
        raise ToolError(f"{what}: schema_version {data.get('schema_version')!r}; this grader reads versions "
                        f"{' and '.join(map(str, READABLE_VERSIONS))}")
    return data


def field_of(data: dict, dotted: str, check, what: str, where: str):
    """data['a']['b'] for 'a.b', refused with one line when missing or of the wrong type."""
    node = data
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    if node is None or not check(node):
        raise ToolError(f"--expected {where}: field {dotted} is missing or not {what}; "
                        "give the results.json a training run wrote")
    return node


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v) -> bool:
    return (is_int(v) or isinstance(v, float)) and math.isfinite(v)


def is_int_list(v) -> bool:
    return isinstance(v, list) and all(is_int(x) for x in v)


def is_int_matrix(v) -> bool:
    return (isinstance(v, list) and len(v) > 0 and all(is_int_list(row) for row in v)
            and len({len(row) for row in v}) == 1)


def is_layer_list(v) -> bool:
    return isinstance(v, list) and len(v) > 0 and all(
        isinstance(layer, dict) and isinstance(layer.get("kind"), str) and is_int(layer.get("params"))
        for layer in v)


def load_expected(path: str) -> Expected:
    """The reference numbers, checked field by field; any problem is one line and exit status 2."""
    data = read_expected_json(path)

    def get(dotted: str, check, what: str):
        return field_of(data, dotted, check, what, path)

    layers = get("model.layers", is_layer_list, "a list of layers with kind and params")
    return Expected(
        path=path,
        shapes={key: tuple(get(f"shapes.{key}", is_int_list, "a list of whole numbers")) for key in SHAPE_NAMES},
        sample_label=get("sample.label", is_int, "a whole number"),
        sample_name=get("sample.name", lambda v: isinstance(v, str), "a string"),
        sample_pixels=np.array(get("sample.pixels", is_int_matrix, "a matrix of whole numbers")),
        layers=[(normal_kind(layer["kind"]), layer["params"]) for layer in layers if layer["kind"] != "InputLayer"],
        total_params=get("model.total_params", is_int, "a whole number"),
        epochs=get("training.epochs", is_int, "a whole number"),
        loss=float(get("test.loss", is_number, "a number")),
        accuracy=float(get("test.accuracy", is_number, "a number")),
        class_counts=get("test.class_counts", is_int_list, "a list of whole numbers"),
        device=reference_device(data),
        spread=read_spread(data, get) if "spread" in data else None,
    )


def read_spread(data: dict, get) -> Spread:
    def stats(name: str) -> tuple[float, float, float]:
        low, high = (float(get(f"spread.{name}.{k}", is_number, "a number")) for k in ("min", "max"))
        std = float(get(f"spread.{name}.std", is_number, "a number"))
        if not low <= high or std < 0:
            raise ToolError(f"--expected: field spread.{name} has min {low} above max {high} or a negative "
                            "standard deviation; write it again with python fashion_items.py reference")
        return low, high, std

    seeds = get("spread.seeds", lambda v: is_int_list(v) and len(v) > 0, "a list of seeds")
    return Spread(seeds=seeds, accuracy=stats("test_accuracy"), loss=stats("test_loss"))


def reference_device(data: dict) -> str | None:
    """The reference's device line (results.json written before run.machine existed has none)."""
    run = data.get("run")
    machine = run.get("machine") if isinstance(run, dict) else None
    return device_name(machine) if isinstance(machine, dict) else None


def normal_kind(kind: str) -> str:
    return KIND_ALIASES.get(kind, kind)


def same_kind(found: str, want: str) -> bool:
    """Equal kinds, or a kind old Keras cut short ('MaxPooling2...') that begins the expected one."""
    found = normal_kind(found)
    return found == want or (found.endswith(TRUNCATED) and want.startswith(found.removesuffix(TRUNCATED)))
