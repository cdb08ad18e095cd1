"""`examples`: each worked example printed with the slide's exact numbers, computed by Keras/numpy/sklearn."""

from __future__ import annotations

import contextlib
import io
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import TOOL, assert_clean_error, run_tool

import fashion_items
from fashion_tools import examples
from fashion_tools.keras_setup import keras_import

TITLES = ["CONVOLUTION WITH PADDING", "POOLING WITH PADDING", "HANDLING MULTIPLE CHANNELS",
          "NP_UTILS.TO_CATEGORICAL()", "RELU ACTIVATION AND SOFTMAX ACTIVATION", "CROSS ENTROPY LOSS FUNCTION",
          "NUMPY ARGMAX()", "CONFUSION MATRIX AND F1 SCORE"]
NAMES = ["convolution", "pooling", "channels", "to_categorical", "relu_softmax", "cross_entropy", "argmax", "f1"]


def run_main(*args: str) -> tuple[int, str, str]:
    """fashion_items.main in this process (Keras is imported once for the whole file)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = fashion_items.main(["examples", *args])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def printed() -> str:
    status, out, err = run_main()
    assert status == 0, (out, err)
    return out


def section(text: str, title: str) -> list[str]:
    """The lines printed under one title, up to the next title."""
    lines = text.splitlines()
    start = lines.index(f"== {title} ==") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("== ")), len(lines))
    return [line for line in lines[start:end] if line]


def grid_after(lines: list[str], caption: str) -> list[list[float]]:
    """The tab-separated number rows printed right after the first line containing `caption`."""
    start = next(i for i, line in enumerate(lines) if caption in line) + 1
    rows = []
    for line in lines[start:]:
        if not re.fullmatch(r"-?[\d.]+(\t-?[\d.]+)*", line):
            break
        rows.append([float(v) for v in line.split("\t")])
    return rows


def value_after(lines: list[str], start: str) -> str:
    """What follows the last '= ' on the line that starts with `start`."""
    line = next(line for line in lines if line.startswith(start))
    return line.rsplit("= ", 1)[1]


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text.replace(",", ""))]


# --- the whole command ---------------------------------------------------------------------------

def test_the_command_prints_all_eight_each_matching_the_slide():
    result = run_tool("examples", timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # Keras says nothing for these small computations
    titles = re.findall(r"^== (.+) ==$", result.stdout, flags=re.MULTILINE)
    assert titles == TITLES
    assert result.stdout.count("matches the slide: yes") == 8
    assert "NO" not in re.findall(r"matches the slide: (\w+)", result.stdout)


def test_list_and_a_wrong_name_answer_without_tensorflow(tmp_path):
    script = (
        "import contextlib, io, sys\n"
        "import fashion_items\n"
        "listed = io.StringIO()\n"
        "with contextlib.redirect_stdout(listed):\n"
        "    assert fashion_items.main(['examples', '--list']) == 0\n"
        "assert fashion_items.main(['examples', 'convolutoin']) == 2\n"
        "loaded = [m for m in ('tensorflow', 'keras', 'sklearn') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "print(listed.getvalue(), end='')\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=TOOL.parent, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    listed = [line.split(None, 1) for line in proc.stdout.splitlines()]
    assert listed == [list(pair) for pair in zip(NAMES, TITLES, strict=True)]
    assert proc.stderr.count("\n") == 1  # the wrong name: one line
    assert "no example named 'convolutoin'" in proc.stderr
    assert ", ".join(NAMES) in proc.stderr


def test_one_example_by_name():
    status, out, err = run_main("argmax")
    assert (status, err) == (0, "")
    assert re.findall(r"^== (.+) ==$", out, flags=re.MULTILINE) == ["NUMPY ARGMAX()"]
    assert out.rstrip().endswith("matches the slide: yes")


def test_unknown_name_is_one_line_exit_2():
    status, out, err = run_main("softmax")
    assert status == 2 and out == ""
    assert err.strip().splitlines() == [
        "fashion_items.py: error: no example named 'softmax'; the examples are: " + ", ".join(NAMES)]


def test_list_with_a_name_is_a_usage_error():
    result = run_tool("examples", "--list", "f1", timeout=120)
    assert_clean_error(result, 2, "not allowed with argument --list")


# --- a result that differs from the slide ---------------------------------------------------------

def test_a_changed_padding_is_reported_and_exits_1(monkeypatch):
    real_max_pool = examples.max_pool
    monkeypatch.setattr(examples, "max_pool", lambda image, padding: real_max_pool(image, "valid"))
    status, out, err = run_main()
    assert status == 1
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        "fashion_items.py: error: pooling: the computed result differs from the slide (see above)"]
    pooling = section(out, "POOLING WITH PADDING")
    assert "matches the slide: NO" in pooling
    assert "  differs: padding 'same': computed [[7, 9], [6, 8]], the slide has [[7, 9, 6], [6, 8, 9], [5, 8, 3]]" \
        in pooling
    assert out.count("matches the slide: yes") == 7  # the others are still shown and still match


def test_a_model_that_no_longer_has_the_lectures_layers_is_reported(monkeypatch):
    keras = keras_import()

    def wider_model():
        return keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(16, (3, 3)),
                                 keras.layers.Flatten(), keras.layers.Dense(10)])

    monkeypatch.setattr(examples, "build_model", wider_model)
    status, out, err = run_main("channels")
    assert status == 1
    assert "matches the slide: NO" in out
    assert "differs: parameters per layer: computed [160, 108170]" in out
    assert "channels: the computed result differs" in err


# --- each example: the printed numbers are the slide's --------------------------------------------

def test_convolution_with_padding(printed):
    lines = section(printed, "CONVOLUTION WITH PADDING")
    assert grid_after(lines, "5x5 input image") == [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                                                     [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    assert grid_after(lines, "3x3 kernel") == [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    assert grid_after(lines, "5x5 convolution, same size as the image") == [
        [2, 2, 3, 1, 1], [1, 4, 3, 4, 1], [1, 2, 4, 3, 3], [1, 2, 3, 4, 1], [0, 2, 2, 1, 1]]
    assert lines[-1] == "matches the slide: yes"


def test_pooling_with_padding(printed):
    lines = section(printed, "POOLING WITH PADDING")
    assert grid_after(lines, "5x5 input image") == [[4, 7, 3, 1, 6], [3, 3, 7, 9, 2], [6, 4, 5, 8, 9],
                                                     [0, 1, 4, 3, 7], [2, 5, 7, 8, 3]]
    assert grid_after(lines, "padding='valid'") == [[7, 9], [6, 8]]
    assert grid_after(lines, "padding='same'") == [[7, 9, 6], [6, 8, 9], [5, 8, 3]]
    assert lines[-1] == "matches the slide: yes"


def test_multiple_channels_and_the_parameter_formula(printed):
    lines = section(printed, "HANDLING MULTIPLE CHANNELS")
    output = np.array(grid_after(lines, "one output channel"))
    parts = [np.array(grid_after(lines, f"channel {c} alone")) for c in (1, 2, 3)]
    assert output.shape == (2, 2)
    np.testing.assert_array_equal(output, sum(parts))
    assert all(part.any() for part in parts)  # every channel contributes
    counts = [numbers(line.split("count_params() = ")[1])[0] for line in lines if "count_params() = " in line
              and not line.startswith("total")]
    assert counts == [160, 8256, 401536, 1290]
    assert "(2 x 2 x 1 + 1) x 32 = 160" in "\n".join(lines)
    assert "(2 x 2 x 32 + 1) x 64 = 8,256" in "\n".join(lines)
    assert numbers(next(line for line in lines if line.startswith("total"))) == [411242, 411242]
    assert lines[-1] == "matches the slide: yes"


def test_to_categorical(printed):
    lines = section(printed, "NP_UTILS.TO_CATEGORICAL()")
    assert "my_array = [0, 2, 1, 2, 0], 3 classes" in lines
    assert grid_after(lines, "keras.utils.to_categorical") == [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert lines[-1] == "matches the slide: yes"


def test_relu_and_softmax(printed):
    lines = section(printed, "RELU ACTIVATION AND SOFTMAX ACTIVATION")
    assert numbers(value_after(lines, "keras.activations.relu(x)")) == [0, 0, 0, 1.5, 3]
    softmax_line = next(line for line in lines if line.startswith("keras.activations.softmax(x)"))
    values, total = softmax_line.split(" = ")[1].split(", sum ")
    probabilities = numbers(values)
    assert all(0 <= p <= 1 for p in probabilities)
    assert float(total) == 1.0
    assert probabilities == [0.659, 0.2424, 0.0986]
    assert lines[-1] == "matches the slide: yes"


def test_cross_entropy(printed):
    lines = section(printed, "CROSS ENTROPY LOSS FUNCTION")
    assert value_after(lines, "i = sum(prod)") == "0.1053605"
    assert value_after(lines, "keras.losses.categorical_crossentropy(k, j)") == "0.1053605"
    assert lines[-1] == "matches the slide: yes"


def test_numpy_argmax(printed):
    lines = section(printed, "NUMPY ARGMAX()")
    assert grid_after(lines, "my_array") == [[10, 14, 12], [13, 11, 15]]
    assert value_after(lines, "np.argmax(my_array), flattened") == "5"
    assert value_after(lines, "np.argmax(my_array, axis = 0)") == "[1, 0, 1]"
    assert value_after(lines, "np.argmax(my_array, axis = 1)") == "[1, 2]"
    assert lines[-1] == "matches the slide: yes"


def test_confusion_matrix_and_f1(printed):
    lines = section(printed, "CONFUSION MATRIX AND F1 SCORE")
    table = lines[lines.index("\tPredicted: NO\tPredicted: YES"):][:3]
    assert table[1:] == ["Actual: NO\t50\t10", "Actual: YES\t5\t100"]
    for name, formula, value in [("precision", "100 / (100 + 10)", "0.9091"),
                                 ("recall", "100 / (100 + 5)", "0.9524"), ("F1 score", "2PR / (P + R)", "0.9302")]:
        line = next(line for line in lines if line.startswith(name))
        assert formula in line
        assert re.findall(r"= (\d\.\d+)", line) == [value, value]  # the slide's formula, then scikit-learn
    assert lines[-1] == "matches the slide: yes"


# --- the computations are the layers' and libraries', not hand-written ----------------------------

def test_pooling_padding_is_keras_semantics():
    valid = examples.max_pool(examples.POOL_IMAGE, "valid")
    same = examples.max_pool(examples.POOL_IMAGE, "same")
    assert valid.shape == (2, 2) and same.shape == (3, 3)
    np.testing.assert_array_equal(same[:2, :2], valid)  # 'same' only adds the periphery 'valid' ignores
    np.testing.assert_array_equal(same[2], [5, 8, 3])  # the last row alone, pooled with the padding
    np.testing.assert_array_equal(same[:, 2], [6, 9, 3])  # the last column alone


def test_convolution_valid_is_the_interior_of_same():
    same = examples.convolve(examples.CONV_IMAGE, examples.CONV_KERNEL, padding="same")
    valid = examples.convolve(examples.CONV_IMAGE, examples.CONV_KERNEL, padding="valid")
    np.testing.assert_array_equal(valid, same[1:-1, 1:-1])


def test_the_examples_go_through_keras_layers(monkeypatch):
    keras = keras_import()
    built = []

    class SpyConv2D(keras.layers.Conv2D):
        def call(self, inputs):
            built.append(("Conv2D", self.padding, [w.copy() for w in self.get_weights()]))
            return super().call(inputs)

    class SpyMaxPool2D(keras.layers.MaxPool2D):
        def call(self, inputs):
            built.append(("MaxPool2D", self.padding, self.pool_size, self.strides))
            return super().call(inputs)

    monkeypatch.setattr(keras.layers, "Conv2D", SpyConv2D)
    monkeypatch.setattr(keras.layers, "MaxPool2D", SpyMaxPool2D)
    assert not examples.convolution_example().differences
    assert not examples.pooling_example().differences
    (conv, padding, (kernel, bias)), *pools = built
    assert (conv, padding) == ("Conv2D", "same")
    np.testing.assert_array_equal(kernel[:, :, 0, 0], examples.CONV_KERNEL)
    np.testing.assert_array_equal(bias, [0])
    assert pools == [("MaxPool2D", "valid", (2, 2), (2, 2)), ("MaxPool2D", "same", (2, 2), (2, 2))]


def test_cross_entropy_is_the_models_loss():
    keras = keras_import()
    j, k = examples.CROSS_ENTROPY_J, examples.CROSS_ENTROPY_K
    assert examples.keras_cross_entropy(k, j) == pytest.approx(-math.log(0.9), abs=1e-6)
    assert examples.keras_cross_entropy(np.eye(10)[0], j) == pytest.approx(-math.log(0.03), abs=1e-6)
    by_class = keras.losses.CategoricalCrossentropy()(np.array([k], np.float32), np.array([j], np.float32))
    assert examples.keras_cross_entropy(k, j) == pytest.approx(float(by_class), abs=1e-7)
    *_, by_formula = examples.slide_cross_entropy(k, j)
    assert by_formula == pytest.approx(0.10536051565782628, abs=1e-12)


def test_scores_come_from_scikit_learn_on_labels_that_give_the_matrix():
    actual, predicted = examples.labels_for([[50, 10], [5, 100]])
    scores = examples.sklearn_scores(actual, predicted)
    np.testing.assert_array_equal(scores.matrix, [[50, 10], [5, 100]])
    assert scores.precision == pytest.approx(100 / 110)
    assert scores.recall == pytest.approx(100 / 105)
    assert scores.f1 == pytest.approx(2 * (100 / 110) * (100 / 105) / (100 / 110 + 100 / 105))
    assert scores.f1_micro == pytest.approx(150 / 165)
    assert examples.slide_scores([[50, 10], [5, 100]]) == pytest.approx((scores.precision, scores.recall, scores.f1))


def test_parameter_counts_are_the_models_own():
    counts, total = examples.parameter_counts()
    assert [(c.by_formula, c.by_keras) for c in counts] == [(160, 160), (8256, 8256), (401536, 401536),
                                                            (1290, 1290)]
    assert total == 411242
    assert [c.formula for c in counts] == ["(2 x 2 x 1 + 1) x 32", "(2 x 2 x 32 + 1) x 64",
                                           "(1 x 1 x 3136 + 1) x 128", "(1 x 1 x 128 + 1) x 10"]


def test_names_and_titles_agree():
    assert list(examples.EXAMPLES) == NAMES == list(examples.SECTIONS)
    assert list(examples.EXAMPLES.values()) == TITLES


def test_the_other_examples_call_keras_and_scikit_learn(monkeypatch):
    keras = keras_import()
    import sklearn.metrics

    called = []

    def spy(module, name):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, **k: called.append(name) or real(*a, **k))

    spy(keras.utils, "to_categorical")
    spy(keras.activations, "relu")
    spy(keras.activations, "softmax")
    spy(keras.losses, "categorical_crossentropy")
    for name in ("confusion_matrix", "precision_score", "recall_score", "f1_score"):
        spy(sklearn.metrics, name)
    for example in ("to_categorical", "relu_softmax", "cross_entropy", "f1"):
        assert not examples.section_for(example).differences
    assert called == ["to_categorical", "relu", "softmax", "categorical_crossentropy", "confusion_matrix",
                      "precision_score", "recall_score", "f1_score", "f1_score"]
