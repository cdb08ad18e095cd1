"""The log parser: each section read from real logs as Keras 2 and 3, terminals, notebooks and
Windows print them; never an exception on any text or bytes; linear time on hostile text."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fashion_tools.grading.check import check_log
from fashion_tools.grading.check.expected import load_expected
from fashion_tools.grading.intake.submissions import parse_file
from fashion_tools.grading.parse.runs import parse_text
from fashion_tools.grading.readers.console_log import decode

DATA = Path(__file__).parent / "data"
SUBMISSIONS = DATA / "submissions"
EXPECTED = DATA / "expected.json"
VERDICTS = json.loads((DATA / "verdicts.json").read_text())
PASSING = [name for name, v in VERDICTS.items() if set(v["verdicts"].values()) == {"PASS"}]


def test_keras2_summary_with_wrapped_layer_names_is_read():
    log = parse_file(SUBMISSIONS / "keras2_tf_keras.txt")
    assert [(layer.name, layer.kind, layer.params) for layer in log.layers] == [
        ("conv2d", "Conv2D", 160), ("max_pooling2d", "MaxPooling2D", 0), ("conv2d_1", "Conv2D", 8256),
        ("max_pooling2d_1", "MaxPooling2D", 0), ("flatten", "Flatten", 0), ("dense", "Dense", 401536),
        ("dense_1", "Dense", 1290)]
    assert log.total_params == 411242
    assert log.epochs == list(range(1, 11))  # the evaluate and predict bars are not epochs


def test_notebook_array_display_and_no_break_spaces_are_read():
    log = parse_file(SUBMISSIONS / "notebook_copy.txt")
    expected = json.loads(EXPECTED.read_text())
    np.testing.assert_array_equal(log.sample_pixels, expected["sample"]["pixels"])
    assert log.total_params == 411242 and log.f1 == pytest.approx(0.9078)


# The parser: never raises, stays linear

@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_never_raises_on_any_text(text):
    log = parse_text(text)
    assert 0 <= log.sections_found <= 9
    results = check_log(log, EXPECTED_VALUES, 0.02, 0.05)
    assert len(results) == 10 and all(r.reason for r in results)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_any_bytes_are_a_log_or_a_reason(data):
    text, problem = decode(data)
    assert (text is None) != (problem is None)
    if text is not None:
        parse_text(text)


EXPECTED_VALUES = load_expected(str(EXPECTED))
REAL_LOGS = [(SUBMISSIONS / name).read_bytes().decode("utf-8", "replace") for name in PASSING + ["truncated.log"]] + [
    (DATA / "real" / name).read_text() for name in ("tool_utf-8.log", "typo_sample.log", "as_printed.log")]
PIECES = ["[[", "]]", "[", "]", "\r", "\b", "\x1b[", "\x1b]0;", "\n", "\r\n", " ", "│", "┃", "━", "─", "Epoch ",
          "Epoch 99999999/", "Total params: ", "Total params: 9" + "9" * 30, "Layer (type)   Output Shape   Param #",
          "This is a ", "This is a  9" + "9" * 5000, "Keras CNN model accuracy = ", "Keras CNN model loss = nan",
          "F1 score: 1e999", "Prediction after learning:", "== CONFUSION MATRIX ==\n", "array(", "dtype=uint8)",
          "(None, 28, 28, 32)", "1,290", "-1", "1e-309", "\x00", "\ufffd", "np.float64(", "%"]


@st.composite
def mangled_logs(draw) -> str:
    """A real log cut, spliced, shuffled and sprinkled with the parser's own keywords."""
    text = draw(st.sampled_from(REAL_LOGS))
    for _ in range(draw(st.integers(1, 8))):
        i, j = sorted(draw(st.integers(0, len(text))) for _ in range(2))
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "truncate", "swap"]))
        piece = draw(st.sampled_from(PIECES) | st.text(max_size=40))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "truncate":
            text = text[:i]
        else:
            text = text[i:j] + text[:i] + text[j:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_logs())
def test_mangled_real_logs_never_raise(text):
    log = parse_text(text)
    results = check_log(log, EXPECTED_VALUES, 0.02, 0.05)
    assert len(results) == 10 and all(r.reason for r in results)


SHORT, LONG = 1 << 20, 4 << 20  # a quadratic pattern shows as 16x at any size; the reader caps a text at 20 MB
ADVERSARIAL = {  # name: (start, repeated piece, end); the piece is repeated to make SHORT and LONG
    "letters": ("", "x", ""),
    "spaces": ("", " ", "z"),
    "open-matrix": ("== CONFUSION MATRIX ==\n[[", "1 ", ""),
    "epochs": ("", "Epoch ", ""),
    "sample": ("This is a ", " ", "z"),
    "sample-tail": ("This is a ", " ", "z" * 300),
    "shape-spaces": ("X train shape", " ", "x"),
    "closed-matrix": ("== CONFUSION MATRIX ==\n[[", "1 ", "]]"),
    "digits": ("Keras CNN model accuracy = ", "9", ""),
    "shape": ("X train shape: (", "1, ", ""),
    "summary": ("Layer (type)  Output Shape  Param #\n", "│ a (B) │", ""),
    "headers": ("", "Layer (type) ", "Param #"),
    "ansi": ("\x1b[", "1;", ""),
    "cr": ("", "\r", ""),
    "cr-run": ("", "\r", "x"),
    "cr-x": ("", "\rx", ""),
    "backspaces": ("", "\b", ""),
    "prefixes": ("", "Keras CNN model loss = x ", ""),
    "newlines": ("", "\n", ""),
    "epoch-lines": ("", "Epoch 1/10\n", ""),
    "sample-lines": ("", "This is a pullover 2\n[[1 2]\n", ""),
    # issue 33: runs packed with matrix headings had cost runs x headings x run length
    "matrix-headings": ("", "== CONFUSION MATRIX ==\n", ""),
    "runs-of-headings": ("", "X train shape: (60000, 28, 28)\nThis is a coat 4\n== CONFUSION MATRIX ==\n[[1 2\n", ""),
    # issue 30's readings by meaning: metric words on one long line, report headers, bare tuples
    "metric-words": ("", "Test accuracy loss F1 ", ""),
}


def parse_seconds(name: str, size: int) -> float:
    """This process's own CPU time (other work on the machine does not count) to parse size characters."""
    start, piece, end = ADVERSARIAL[name]
    text = start + piece * (size // len(piece)) + end
    started = time.process_time()
    parse_text(text)
    return time.process_time() - started


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_hostile_text_is_parsed_in_linear_time(name):
    """4x the text takes about 4x the time, whatever the machine: a quadratic pattern would take
    16x (and minutes at the 20 MB cap). The floor keeps timer noise on millisecond runs out of the ratio."""
    short = parse_seconds(name, SHORT)
    long = parse_seconds(name, LONG)
    assert long < 8 * max(short, 0.05), (short, long)




def test_the_device_line_is_read_and_named_when_the_reference_ran_elsewhere():
    """A log of this tool names what trained it; where that is not what trained the reference and
    the number differs, the reason says so (it explains a last-digit difference, it accuses nobody)."""
    import dataclasses

    from fashion_tools.grading.check.numbers import check_accuracy, check_loss
    from fashion_tools.grading.parse.values import parse_sections

    text = ("Training in float32 precision on CPU: AMD EPYC, 2 cores, AVX2, oneDNN on\n"
            "Keras CNN model loss =  0.2571\nKeras CNN model accuracy =  0.9079\n")
    log = parse_sections(text)
    assert log.device == "CPU: AMD EPYC, 2 cores, AVX2, oneDNN on"
    exp = dataclasses.replace(load_expected(str(EXPECTED)), accuracy=0.9084, loss=0.2562,
                              device="CPU: AMD EPYC, 2 cores, AVX-512, oneDNN on")
    accuracy, loss = check_accuracy(log, exp, 0.02), check_loss(log, exp, 0.05)
    assert accuracy.passed and loss.passed
    for result in (accuracy, loss):
        assert "the reference ran on CPU: AMD EPYC, 2 cores, AVX-512, oneDNN on, this run on CPU: AMD EPYC, " \
               "2 cores, AVX2, oneDNN on" in result.reason
    same = dataclasses.replace(exp, device=log.device)
    assert "reference ran on" not in check_accuracy(log, same, 0.02).reason
    assert "reference ran on" not in check_accuracy(parse_sections(text.split("\n", 1)[1]), exp, 0.02).reason
