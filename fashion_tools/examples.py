"""`examples`: the lecture's worked examples, computed by the layers and functions the model uses.

The slides work several small examples by hand (a padded convolution, max pooling with 'valid'
and 'same' padding, one-hot encoding, cross-entropy, argmax, F1). Here each one goes through
the real thing, keras.layers.Conv2D and MaxPool2D, keras.utils.to_categorical, Keras' loss and
activations, numpy's argmax, scikit-learn's metrics, and is compared with the slide's numbers,
so a change in, say, padding semantics shows at once (and the command exits 1).

The names, titles and the slides' numbers are plain data in slides.py: `examples --list` and a
wrong name answer without importing TensorFlow, which is imported only when an example is computed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

import numpy as np

from fashion_tools.errors import ToolError
from fashion_tools.keras_setup import keras_import
from fashion_tools.network import build_model
from fashion_tools.slides import (
    ARGMAX_ARRAY,
    CATEGORICAL_ARRAY,
    CATEGORICAL_CLASSES,
    CHANNELS_IMAGE,
    CHANNELS_KERNEL,
    CONV_IMAGE,
    CONV_KERNEL,
    CROSS_ENTROPY_J,
    CROSS_ENTROPY_K,
    EXAMPLES,
    FLOAT_TOLERANCE,
    MATRIX_CLASSES,
    POOL_IMAGE,
    RELU_INPUT,
    SLIDE_ARGMAX_AXIS0,
    SLIDE_ARGMAX_AXIS1,
    SLIDE_ARGMAX_FLAT,
    SLIDE_CONVOLUTION,
    SLIDE_CROSS_ENTROPY,
    SLIDE_F1,
    SLIDE_MATRIX,
    SLIDE_ONE_HOT,
    SLIDE_PARAMETERS,
    SLIDE_POOL_SAME,
    SLIDE_POOL_VALID,
    SLIDE_TOTAL_PARAMETERS,
    SOFTMAX_INPUT,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("name", nargs="?", metavar="NAME",
                        help="one example to show (default: all); one of: " + ", ".join(EXAMPLES))
    choice.add_argument("--list", action="store_true", help="list the examples' names and slide titles")


def run(args: argparse.Namespace) -> int:
    if args.list:
        print_list()
        return 0
    names = [check_name(args.name)] if args.name else list(EXAMPLES)
    sections = [section_for(name) for name in names]
    print("\n\n".join(section.text() for section in sections))
    differing = [name for name, section in zip(names, sections, strict=True) if section.differences]
    if differing:
        raise ToolError(f"{', '.join(differing)}: the computed result differs from the slide (see above)",
                        exit_status=1)
    return 0


def print_list() -> None:
    width = max(map(len, EXAMPLES))
    for name, title in EXAMPLES.items():
        print(f"{name:<{width}}  {title}")


def check_name(name: str) -> str:
    if name not in EXAMPLES:
        raise ToolError(f"no example named {name!r}; the examples are: {', '.join(EXAMPLES)}")
    return name


# --- layout --------------------------------------------------------------------------------------

@dataclass
class Section:
    """One example as printed: the slide's title, its input and result, and any difference from the slide."""

    title: str
    lines: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    def show(self, caption: str, body: str = "") -> None:
        self.lines.append(caption)
        if body:
            self.lines.append(body)

    def check(self, what: str, computed, slide, tolerance: float = 0.0) -> None:
        """Record a difference unless the computed value equals the slide's (within tolerance)."""
        computed, slide = np.asarray(computed, dtype=float), np.asarray(slide, dtype=float)
        same = computed.shape == slide.shape and np.allclose(computed, slide, rtol=0, atol=tolerance)
        if not same:
            self.differences.append(f"{what}: computed {compact(computed)}, the slide has {compact(slide)}")

    def text(self) -> str:
        verdict = "NO" if self.differences else "yes"
        tail = [f"matches the slide: {verdict}"] + [f"  differs: {d}" for d in self.differences]
        return "\n".join([f"== {self.title} ==", *self.lines, *tail])


def number(value) -> str:
    """2.0 as 2, 0.5 as 0.5: the slides write whole numbers without a decimal point."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def grid(matrix) -> str:
    """Rows of tab-separated numbers, as the slides lay out a matrix."""
    return "\n".join("\t".join(number(v) for v in row) for row in np.asarray(matrix))


def vector(values, decimals: int | None = None) -> str:
    fmt = number if decimals is None else (lambda v: f"{float(v):.{decimals}f}")
    return "[" + ", ".join(fmt(v) for v in np.ravel(values)) + "]"


def compact(value) -> str:
    """A whole array on one line, for a difference report."""
    value = np.asarray(value)
    return number(value) if value.ndim == 0 else "[" + ", ".join(compact(v) for v in value) + "]"


# --- the computations: the model's own layers and functions --------------------------------------

def convolve(image, kernel, padding: str = "same") -> np.ndarray:
    """One keras.layers.Conv2D filter holding `kernel`, zero bias; 2-D inputs are one channel."""
    keras = keras_import()
    image, kernel = np.asarray(image, np.float32), np.asarray(kernel, np.float32)
    if image.ndim == 2:
        image, kernel = image[..., None], kernel[..., None]
    layer = keras.layers.Conv2D(1, kernel_size=kernel.shape[:2], padding=padding)
    layer.build((1, *image.shape))
    layer.set_weights([kernel[..., None], np.zeros(1, np.float32)])
    return np.asarray(layer(image[None]))[0, :, :, 0]


def max_pool(image, padding: str) -> np.ndarray:
    """keras.layers.MaxPool2D with a 2x2 window and stride 2, as the slide pools."""
    keras = keras_import()
    image = np.asarray(image, np.float32)[None, :, :, None]
    layer = keras.layers.MaxPool2D(pool_size=(2, 2), strides=2, padding=padding)
    return np.asarray(layer(image))[0, :, :, 0]


@dataclass
class LayerCount:
    kind: str
    formula: str
    by_formula: int
    by_keras: int


def parameter_counts() -> tuple[list[LayerCount], int]:
    """The part 7/12 formula against count_params() for each layer of the lecture's build_model()."""
    model = build_model()
    counts = [layer_count(layer) for layer in model.layers if layer.count_params()]
    return counts, model.count_params()


def layer_count(layer) -> LayerCount:
    """(filter_height x filter_width x input_channels + 1) x filters; a Dense layer is a 1x1 filter."""
    inputs = layer.input.shape[-1]
    if hasattr(layer, "kernel_size"):
        height, width = layer.kernel_size
        units = layer.filters
        formula = f"({height} x {width} x {inputs} + 1) x {units}"
        name = f"Conv2D({units}, kernel_size=({height}, {width}))"
    else:
        height = width = 1
        units = layer.units
        formula = f"(1 x 1 x {inputs} + 1) x {units}"
        name = f"Dense({units})"
    return LayerCount(name, formula, (height * width * inputs + 1) * units, layer.count_params())


def one_hot(labels, classes: int) -> np.ndarray:
    return keras_import().utils.to_categorical(labels, classes)


def relu(values) -> np.ndarray:
    return np.asarray(keras_import().activations.relu(np.asarray(values, np.float32)))


def softmax(values) -> np.ndarray:
    return np.asarray(keras_import().activations.softmax(np.asarray(values, np.float32)))


def keras_cross_entropy(truth, prediction) -> float:
    """The loss the model is compiled with, on one sample."""
    keras = keras_import()
    loss = keras.losses.categorical_crossentropy(np.asarray([truth], np.float32), np.asarray([prediction], np.float32))
    return float(np.asarray(loss)[0])


def slide_cross_entropy(truth, prediction) -> tuple[np.ndarray, np.ndarray, float]:
    """The slide's own steps: log = -log(j), prod = k * log, i = sum(prod)."""
    log = -np.log(np.asarray(prediction, dtype=float))
    prod = np.asarray(truth) * log
    return log, prod, float(np.sum(prod))


def argmaxes(array) -> tuple[int, np.ndarray, np.ndarray]:
    """numpy's argmax flattened, along the columns (axis 0) and along the rows (axis 1)."""
    return int(np.argmax(array)), np.argmax(array, axis=0), np.argmax(array, axis=1)


def labels_for(matrix) -> tuple[np.ndarray, np.ndarray]:
    """Actual and predicted labels that give this confusion matrix: matrix[a][p] pairs of (a, p)."""
    pairs = [(a, p) for a, row in enumerate(matrix) for p, n in enumerate(row) for _ in range(n)]
    actual, predicted = zip(*pairs, strict=True)
    return np.array(actual), np.array(predicted)


@dataclass
class Scores:
    matrix: np.ndarray
    precision: float
    recall: float
    f1: float
    f1_micro: float


def sklearn_scores(actual: np.ndarray, predicted: np.ndarray) -> Scores:
    """scikit-learn's confusion matrix and scores for the class YES (label 1)."""
    from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score

    return Scores(confusion_matrix(actual, predicted),
                  float(precision_score(actual, predicted, pos_label=1)),
                  float(recall_score(actual, predicted, pos_label=1)),
                  float(f1_score(actual, predicted, pos_label=1)),
                  float(f1_score(actual, predicted, average="micro")))


def slide_scores(matrix) -> tuple[float, float, float]:
    """The slide's formulas for the class YES, read off the matrix."""
    (_, fp), (fn, tp) = matrix
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


# --- the examples, as the slides lay them out ----------------------------------------------------

def convolution_example() -> Section:
    s = Section(EXAMPLES["convolution"])
    s.show("5x5 input image", grid(CONV_IMAGE))
    s.show("3x3 kernel", grid(CONV_KERNEL))
    result = convolve(CONV_IMAGE, CONV_KERNEL, padding="same")
    s.show("keras.layers.Conv2D(1, kernel_size=(3, 3), padding='same'), zero bias:\n"
           "5x5 convolution, same size as the image", grid(result))
    s.check("padding 'same'", result, SLIDE_CONVOLUTION)
    return s


def pooling_example() -> Section:
    s = Section(EXAMPLES["pooling"])
    s.show("5x5 input image, odd dimension", grid(POOL_IMAGE))
    valid, same = max_pool(POOL_IMAGE, "valid"), max_pool(POOL_IMAGE, "same")
    s.show("keras.layers.MaxPool2D(pool_size=(2, 2), strides=2, padding='valid'): periphery ignored", grid(valid))
    s.show("keras.layers.MaxPool2D(pool_size=(2, 2), strides=2, padding='same'): "
           "a row and a column added at the bottom and right", grid(same))
    s.check("padding 'valid'", valid, SLIDE_POOL_VALID)
    s.check("padding 'same'", same, SLIDE_POOL_SAME)
    return s


def channels_example() -> Section:
    s = Section(EXAMPLES["channels"])
    for c, (channel, piece) in enumerate(zip(CHANNELS_IMAGE, CHANNELS_KERNEL, strict=True), start=1):
        s.show(f"input, channel {c}", grid(channel))
        s.show(f"3D filter, its slice for channel {c}", grid(piece))
    image, kernel = np.stack(CHANNELS_IMAGE, axis=-1), np.stack(CHANNELS_KERNEL, axis=-1)
    output = convolve(image, kernel, padding="valid")
    s.show(f"keras.layers.Conv2D(1, kernel_size=(2, 2)) with the {len(CHANNELS_KERNEL)}-channel filter, "
           "zero bias: one output channel", grid(output))
    alone = [convolve(channel, piece, padding="valid") for channel, piece in zip(CHANNELS_IMAGE, CHANNELS_KERNEL,
                                                                                  strict=True)]
    for c, part in enumerate(alone, start=1):
        s.show(f"the same convolution on channel {c} alone, with its slice", grid(part))
    s.show("their sum: the output channel sums over all input channels", grid(np.sum(alone, axis=0)))
    s.check("output channel = sum over the input channels", output, np.sum(alone, axis=0))
    show_parameters(s)
    return s


def show_parameters(s: Section) -> None:
    counts, total = parameter_counts()
    s.show("parameters of fashion_items.build_model(): "
           "(filter_height x filter_width x input_channels + 1) x filters")
    for count in counts:
        s.show(f"{count.kind:<32}{count.formula + ' = ' + format(count.by_formula, ','):<38}"
               f"count_params() = {count.by_keras:,}")
        s.check(f"{count.kind}: formula against count_params()", count.by_formula, count.by_keras)
    s.show(f"{'total':<32}{format(sum(c.by_formula for c in counts), ','):<38}model.count_params() = {total:,}")
    s.check("parameters per layer", [c.by_keras for c in counts], SLIDE_PARAMETERS)
    s.check("total parameters", [sum(c.by_formula for c in counts), total], [SLIDE_TOTAL_PARAMETERS] * 2)


def to_categorical_example() -> Section:
    s = Section(EXAMPLES["to_categorical"])
    s.show(f"my_array = {vector(CATEGORICAL_ARRAY)}, {CATEGORICAL_CLASSES} classes")
    encoded = one_hot(CATEGORICAL_ARRAY, CATEGORICAL_CLASSES)
    s.show(f"keras.utils.to_categorical(my_array, {CATEGORICAL_CLASSES}): one-hot encoding", grid(encoded))
    s.check("one-hot encoding", encoded, SLIDE_ONE_HOT)
    return s


def relu_softmax_example() -> Section:
    s = Section(EXAMPLES["relu_softmax"])
    rectified = relu(RELU_INPUT)
    s.show(f"x = {vector(RELU_INPUT)}")
    s.show(f"keras.activations.relu(x) = {vector(rectified)}")
    s.show(f"F(x) = max(0, x)          = {vector(np.maximum(0, RELU_INPUT))}")
    s.check("ReLU", rectified, np.maximum(0, RELU_INPUT))
    probabilities = softmax(SOFTMAX_INPUT)
    s.show(f"x = {vector(SOFTMAX_INPUT)}")
    s.show(f"keras.activations.softmax(x) = {vector(probabilities, 4)}, sum {np.sum(probabilities):.4f}")
    exp = np.exp(SOFTMAX_INPUT)
    s.show(f"exp(x) / sum(exp(x))         = {vector(exp / exp.sum(), 4)}")
    s.check("softmax", probabilities, exp / exp.sum(), FLOAT_TOLERANCE)
    s.check("softmax values in [0, 1]", np.clip(probabilities, 0, 1), probabilities)
    s.check("softmax sum", np.sum(probabilities), 1, FLOAT_TOLERANCE)
    return s


def cross_entropy_example() -> Section:
    s = Section(EXAMPLES["cross_entropy"])
    s.show(f"j (prediction, softmax) = {vector(CROSS_ENTROPY_J)}")
    s.show(f"k (truth, one-hot)      = {vector(CROSS_ENTROPY_K)}")
    log, prod, by_formula = slide_cross_entropy(CROSS_ENTROPY_K, CROSS_ENTROPY_J)
    s.show(f"log = -log(j) = {vector(log, 4)}")
    s.show(f"prod = k * log = {vector(prod, 4)}")
    s.show(f"i = sum(prod) = -sum(k * log(j)) = {by_formula:.7f}")
    by_keras = keras_cross_entropy(CROSS_ENTROPY_K, CROSS_ENTROPY_J)
    s.show(f"keras.losses.categorical_crossentropy(k, j) = {by_keras:.7f}")
    s.check("the slide's formula, -log(0.9)", round(by_formula, 7), SLIDE_CROSS_ENTROPY)
    s.check("Keras against the slide's formula", by_keras, by_formula, FLOAT_TOLERANCE)
    return s


def argmax_example() -> Section:
    s = Section(EXAMPLES["argmax"])
    s.show("my_array", grid(ARGMAX_ARRAY))
    flat, axis0, axis1 = argmaxes(ARGMAX_ARRAY)
    s.show(f"np.argmax(my_array), flattened         = {flat}")
    s.show(f"np.argmax(my_array, axis = 0), columns = {vector(axis0)}")
    s.show(f"np.argmax(my_array, axis = 1), rows    = {vector(axis1)}")
    s.check("flattened", flat, SLIDE_ARGMAX_FLAT)
    s.check("axis = 0", axis0, SLIDE_ARGMAX_AXIS0)
    s.check("axis = 1", axis1, SLIDE_ARGMAX_AXIS1)
    return s


def f1_example() -> Section:
    s = Section(EXAMPLES["f1"])
    actual, predicted = labels_for(SLIDE_MATRIX)
    scores = sklearn_scores(actual, predicted)
    s.show(f"sklearn.metrics.confusion_matrix of {len(actual)} labels built to give the slide's matrix",
           confusion_table(scores.matrix))
    s.check("confusion matrix", scores.matrix, SLIDE_MATRIX)
    (_, fp), (fn, tp) = SLIDE_MATRIX
    precision, recall, f1 = slide_scores(SLIDE_MATRIX)
    s.show(f"class YES: true positive {tp}, false positive {fp}, false negative {fn}")
    s.show(score_line("precision", f"{tp} / ({tp} + {fp})", precision, "precision_score", scores.precision))
    s.show(score_line("recall", f"{tp} / ({tp} + {fn})", recall, "recall_score", scores.recall))
    s.show(score_line("F1 score", "2PR / (P + R)", f1, "f1_score", scores.f1))
    s.show(f"(the lecture's f1_score(average = 'micro') counts both classes: {scores.f1_micro:.4f}, the accuracy)")
    s.check("precision", scores.precision, precision, FLOAT_TOLERANCE)
    s.check("recall", scores.recall, recall, FLOAT_TOLERANCE)
    s.check("F1 score", scores.f1, f1, FLOAT_TOLERANCE)
    s.check("F1 score, 4 decimals", round(scores.f1, 4), SLIDE_F1)
    return s


def score_line(name: str, formula: str, by_formula: float, function: str, by_sklearn: float) -> str:
    """The slide's formula and scikit-learn's function side by side."""
    return f"{name:<10}= {formula:<18}= {by_formula:.4f}    {function:<16}= {by_sklearn:.4f}"


def confusion_table(matrix) -> str:
    header = "\t" + "\t".join(f"Predicted: {c}" for c in MATRIX_CLASSES)
    rows = [f"Actual: {c}\t" + "\t".join(number(v) for v in row) for c, row in zip(MATRIX_CLASSES, matrix, strict=True)]
    return "\n".join([header, *rows])


SECTIONS = {
    "convolution": convolution_example,
    "pooling": pooling_example,
    "channels": channels_example,
    "to_categorical": to_categorical_example,
    "relu_softmax": relu_softmax_example,
    "cross_entropy": cross_entropy_example,
    "argmax": argmax_example,
    "f1": f1_example,
}


def section_for(name: str) -> Section:
    return SECTIONS[name]()
