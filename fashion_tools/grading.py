"""`python fashion_items.py grade`: grade students' submissions against a reference run's results.json.

A submission is the console log a student's version of the lecture script printed, or a folder
holding that log and optionally the trained model. Each check below is a pass or a fail with
its reason. Training is random, so the test numbers are compared within tolerances; what does
not depend on chance (shapes, the sample, the architecture) must match exactly.

Reading logs imports no TensorFlow: grading forty logs takes a moment. TensorFlow is imported
only when a submission holds a model, to measure that model's accuracy here.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fashion_tools import data as fashion_data
from fashion_tools.atomic import atomic_write_text, check_writable_folder
from fashion_tools.errors import ToolError
from fashion_tools.logparse import MAX_LOG_BYTES, TRUNCATED, ParsedLog, parse_file

DEFAULT_TOLERANCE = 0.02  # accuracy may be this much below the reference run's
DEFAULT_LOSS_TOLERANCE = 0.05  # loss may be this much above it
AGREEMENT = 0.001  # printed numbers that must agree with each other (matrix, F1, accuracy)
MODEL_AGREEMENT = 0.005  # the model's accuracy measured here against the one the log prints
EPS = 1e-9  # so that 0.9065 - 0.02 is not failed by floating-point rounding
MAX_EXPECTED_BYTES = 50 << 20
MAX_EXPECTED_DEPTH = 32  # results.json nests 4 deep
LOG_SUFFIXES = (".txt", ".log", ".out")
MODEL_SUFFIXES = (".h5", ".keras")
SHAPE_NAMES = {"x_train": "X train", "y_train": "Y train", "x_test": "X test", "y_test": "Y test"}
KIND_ALIASES = {"MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D"}

# The rules, in the order of the lecture's output; `grade --help` and the README list them.
RULES = [
    ("shapes", "the four DB SHAPING INFO shapes equal the expected exactly"),
    ("sample", "the sample's label number and name (case, spaces and hyphens aside) and its raw pixels "
               "equal the expected exactly"),
    ("architecture", "the summary's layer kinds in order, each layer's parameter count and the total "
                     "equal the expected"),
    ("training", "the progress output shows the epochs 1 to the expected number ('Epoch N/M')"),
    ("accuracy", "expected - TOLERANCE <= test accuracy <= 1"),
    ("loss", "test loss <= expected + LOSS_TOLERANCE"),
    ("confusion_matrix", f"10x10; each row sums to the test set's count of that class; "
                         f"trace / total = the printed accuracy, within {AGREEMENT}"),
    ("f1", f"the micro F1 = the printed accuracy, within {AGREEMENT}"),
    ("prediction", "the sample's predicted label = its true label"),
    ("model", f"only for a folder with a .h5 or .keras file: it loads in safe mode without running "
              f"code from the file (a Lambda or custom layer fails), has the expected architecture, and "
              f"its test accuracy, computed here, = the printed accuracy within {MODEL_AGREEMENT}"),
]
CHECKS = [name for name, _ in RULES]
LOG_CHECKS = CHECKS[:-1]


# The expected results (a reference run's results.json)

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


def json_depth(value) -> int:
    """How deeply lists and objects nest, without recursion (a hostile file may nest a million deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_EXPECTED_DEPTH:
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
        raise ToolError(f"{what}: not valid JSON ({str(exc).splitlines()[0][:120]})") from None
    if json_depth(data) > MAX_EXPECTED_DEPTH:
        raise ToolError(f"{what}: nested more than {MAX_EXPECTED_DEPTH} deep; not a results.json")
    if not isinstance(data, dict):
        raise ToolError(f"{what}: not a results.json (its top level is not an object)")
    if data.get("schema_version") != 1:
        raise ToolError(f"{what}: schema_version {data.get('schema_version')!r}; this grader reads version 1")
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
    )


# One check's outcome

@dataclass
class CheckResult:
    check: str
    passed: bool
    expected: str
    found: str
    reason: str

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"

    def as_dict(self) -> dict:
        return {"check": self.check, "verdict": self.verdict, "expected": self.expected,
                "found": self.found, "reason": self.reason}


def passing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    return CheckResult(check, True, expected, found, reason)


def failing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    return CheckResult(check, False, expected, found, reason)


def not_found(check: str, expected: str, section: str) -> CheckResult:
    return failing(check, expected, "-", f"section not found: {section}")


# Small formatting helpers

def dims(shape: tuple[int, ...] | None) -> str:
    return "?" if shape is None else "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def compact(shape: tuple[int, ...] | None) -> str:
    return "?" if shape is None else "x".join(map(str, shape))


def same_name(a: str, b: str) -> bool:
    """'ankle-boot', 'Ankle boot' and 'ankle_boot' name one class."""
    def key(s: str) -> str:
        return "".join(c for c in s.lower() if c.isalnum())

    return key(a) == key(b)


def normal_kind(kind: str) -> str:
    return KIND_ALIASES.get(kind, kind)


def same_kind(found: str, want: str) -> bool:
    """Equal kinds, or a kind old Keras cut short ('MaxPooling2...') that begins the expected one."""
    found = normal_kind(found)
    return found == want or (found.endswith(TRUNCATED) and want.startswith(found.removesuffix(TRUNCATED)))


def fmt_params(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


# The checks on a console log

def check_shapes(log: ParsedLog, exp: Expected) -> CheckResult:
    want = ", ".join(compact(exp.shapes[k]) for k in SHAPE_NAMES)
    if not log.shapes:
        return not_found("shapes", want, "DB SHAPING INFO (no 'X train shape: (...)' lines)")
    found = ", ".join(compact(log.shapes.get(k)) for k in SHAPE_NAMES)
    wrong = [f"{name} shape is {dims(log.shapes[k]) if k in log.shapes else 'not printed'}, "
             f"expected {dims(exp.shapes[k])}" for k, name in SHAPE_NAMES.items() if log.shapes.get(k) != exp.shapes[k]]
    if wrong:
        return failing("shapes", want, found, "; ".join(wrong))
    return passing("shapes", want, found, "all four shapes equal the expected")


def pixel_problem(pixels: np.ndarray | None, want: np.ndarray) -> str | None:
    if pixels is None:
        return "the pixel matrix is not printed after the label line"
    if pixels.shape != want.shape:
        return f"the pixel matrix is {'x'.join(map(str, pixels.shape))}, expected {'x'.join(map(str, want.shape))}"
    wrong = np.argwhere(pixels != want)
    if len(wrong) == 0:
        return None
    r, c = (int(i) for i in wrong[0])
    hint = " (scaled to [0, 1]? the raw pixels are 0 to 255)" if pixels.max() <= 1 < want.max() else ""
    return (f"{len(wrong)} of {want.size} pixels differ, the first at row {r}, column {c}: "
            f"printed {pixels[r, c]:g}, expected {want[r, c]}{hint}")


def check_sample(log: ParsedLog, exp: Expected) -> CheckResult:
    h, w = exp.sample_pixels.shape
    want = f"{exp.sample_name} {exp.sample_label}, {h}x{w} pixels"
    if log.sample_label is None:
        return not_found("sample", want, "SAMPLE DATA (no 'This is a <name> <number>' line)")
    shape = "no" if log.sample_pixels is None else "x".join(map(str, log.sample_pixels.shape))
    found = f"{log.sample_name} {log.sample_label}, {shape} pixels"
    problems = []
    if log.sample_label != exp.sample_label:
        problems.append(f"label {log.sample_label}, expected {exp.sample_label}")
    if not same_name(log.sample_name or "", exp.sample_name):
        problems.append(f"name {log.sample_name!r}, expected {exp.sample_name!r}")
    pixels = pixel_problem(log.sample_pixels, exp.sample_pixels)
    if pixels:
        problems.append(pixels)
    if problems:
        return failing("sample", want, found, "; ".join(problems))
    return passing("sample", want, found, "label, name and every pixel equal the expected")


def layer_problems(found: list[tuple[str, int | None]], want: list[tuple[str, int]]) -> list[str]:
    """How a list of (kind, parameters) differs from the expected one; empty when it does not."""
    kinds, want_kinds = [normal_kind(k) for k, _ in found], [k for k, _ in want]
    if len(kinds) != len(want_kinds) or not all(map(same_kind, kinds, want_kinds)):
        return [f"layers are {', '.join(kinds) or 'none'}; expected {', '.join(want_kinds)}"]
    return [f"layer {i} ({kind}) has {fmt_params(n)} parameters, expected {fmt_params(m)}"
            for i, ((kind, n), (_, m)) in enumerate(zip(found, want, strict=True), 1) if n != m]


def check_architecture(log: ParsedLog, exp: Expected) -> CheckResult:
    want = f"{len(exp.layers)} layers, {exp.total_params:,} params"
    if log.layers is None and log.total_params is None:
        return not_found("architecture", want, "model.summary() (no 'Layer (type)' table, no 'Total params:')")
    layers = [(layer.kind, layer.params) for layer in log.layers or [] if layer.kind != "InputLayer"]
    found = f"{len(layers)} layers, {fmt_params(log.total_params)} params"
    problems = layer_problems(layers, exp.layers) if log.layers is not None else ["the layer table is not printed"]
    if log.total_params != exp.total_params:
        problems.append(f"total {fmt_params(log.total_params)} parameters, expected {exp.total_params:,}")
    if problems:
        return failing("architecture", want, found, "; ".join(problems))
    return passing("architecture", want, found, "layer kinds, per-layer and total parameters equal the expected")


def check_training(log: ParsedLog, exp: Expected) -> CheckResult:
    want = f"{exp.epochs} epochs"
    if not log.epochs:
        return not_found("training", want, "training progress (no 'Epoch N/M' lines)")
    seen = sorted(set(log.epochs))
    found = f"{len(seen)} epochs" + (f" of {log.epochs_declared}" if log.epochs_declared != len(seen) else "")
    if seen == list(range(1, exp.epochs + 1)):
        return passing("training", want, found, f"epochs 1 to {exp.epochs} all appear")
    if log.epochs_declared == exp.epochs and seen[-1] < exp.epochs:
        return failing("training", want, found,
                       f"the progress stops at epoch {seen[-1]} of {exp.epochs}: the log ends during training")
    if log.epochs_declared != exp.epochs:
        return failing("training", want, found, f"it trained {log.epochs_declared} epochs, expected {exp.epochs}")
    return failing("training", want, found, f"epochs {', '.join(map(str, seen[:12]))} appear, "
                                            f"expected each of 1 to {exp.epochs} once")


def check_accuracy(log: ParsedLog, exp: Expected, tolerance: float) -> CheckResult:
    low = exp.accuracy - tolerance
    want = f">= {low:.4f}"
    if log.accuracy is None:
        return not_found("accuracy", want, "'Keras CNN model accuracy = ' line")
    a = log.accuracy
    found = f"{a:.4f}"
    if not math.isfinite(a) or not 0 <= a <= 1:
        return failing("accuracy", want, found, f"{a:g} is not an accuracy, which lies between 0 and 1")
    if a < low - EPS:
        return failing("accuracy", want, found,
                       f"{a:.4f} is below the expected {exp.accuracy:.4f} - {tolerance:g} = {low:.4f}")
    return passing("accuracy", want, found, f"{a:.4f} >= {exp.accuracy:.4f} - {tolerance:g}")


def check_loss(log: ParsedLog, exp: Expected, tolerance: float) -> CheckResult:
    high = exp.loss + tolerance
    want = f"<= {high:.4f}"
    if log.loss is None:
        return not_found("loss", want, "'Keras CNN model loss = ' line")
    found = f"{log.loss:.4f}"
    if not math.isfinite(log.loss) or log.loss < 0:
        return failing("loss", want, found, f"{log.loss:g} is not a cross-entropy loss, which is 0 or more")
    if log.loss > high + EPS:
        return failing("loss", want, found,
                       f"{log.loss:.4f} is above the expected {exp.loss:.4f} + {tolerance:g} = {high:.4f}")
    return passing("loss", want, found, f"{log.loss:.4f} <= {exp.loss:.4f} + {tolerance:g}")


def matrix_problem(m: np.ndarray, counts: list[int]) -> str | None:
    n = len(counts)
    if m.shape != (n, n):
        return f"it is {'x'.join(map(str, m.shape))}, expected {n}x{n}"
    if np.any(m < 0) or np.any(m != np.round(m)):
        return "its entries are not counts (whole numbers, 0 or more)"
    rows = m.sum(axis=1)
    wrong = [f"row {i} sums to {int(s):,}, expected {c:,}" for i, (s, c) in enumerate(zip(rows, counts, strict=True))
             if s != c]
    return "; ".join(wrong[:3]) + (f" (and {len(wrong) - 3} more rows)" if len(wrong) > 3 else "") if wrong else None


def check_confusion_matrix(log: ParsedLog, exp: Expected) -> CheckResult:
    n = len(exp.class_counts)
    same = len(set(exp.class_counts)) == 1
    want = f"{n}x{n}, rows sum to {exp.class_counts[0]:,}" if same else f"{n}x{n}, rows sum to the class counts"
    m = log.confusion_matrix
    if m is None:
        return not_found("confusion_matrix", want, "CONFUSION MATRIX (no matrix after '== CONFUSION MATRIX ==')")
    found = "x".join(map(str, m.shape))
    problem = matrix_problem(m, exp.class_counts)
    if problem:
        return failing("confusion_matrix", want, found, problem)
    ratio = float(np.trace(m) / m.sum())
    found += f", trace/total {ratio:.4f}"
    if log.accuracy is None:
        return failing("confusion_matrix", want, found,
                       "section not found: 'Keras CNN model accuracy = ' line, to compare the matrix with")
    if abs(ratio - log.accuracy) > AGREEMENT + EPS:
        return failing("confusion_matrix", want, found,
                       f"its diagonal gives accuracy {ratio:.4f} but the log prints {log.accuracy:.4f}")
    return passing("confusion_matrix", want, found,
                   f"rows sum to the class counts; trace/total agrees with the printed accuracy {log.accuracy:.4f}")


def check_f1(log: ParsedLog, exp: Expected) -> CheckResult:
    want = "= accuracy"
    if log.f1 is None:
        return not_found("f1", want, "'F1 score:' line")
    found = f"{log.f1:.4f}"
    if log.accuracy is None:
        return failing("f1", want, found, "section not found: 'Keras CNN model accuracy = ' line, to compare with")
    if not abs(log.f1 - log.accuracy) <= AGREEMENT + EPS:
        return failing("f1", want, found, f"micro F1 {log.f1:.4f} differs from the printed accuracy "
                                          f"{log.accuracy:.4f}; for one label per image they are equal")
    return passing("f1", want, found, f"equals the printed accuracy {log.accuracy:.4f}")


def check_prediction(log: ParsedLog, exp: Expected) -> CheckResult:
    want = exp.sample_name
    if log.prediction is None:
        return not_found("prediction", want, "'Prediction after learning:' line")
    if same_name(log.prediction, exp.sample_name) or log.prediction == str(exp.sample_label):
        return passing("prediction", want, log.prediction, "the sample is predicted as its true label")
    return failing("prediction", want, log.prediction,
                   f"the sample, a {exp.sample_name}, is predicted as {log.prediction!r}")


def check_log(log: ParsedLog, exp: Expected, tolerance: float, loss_tolerance: float) -> list[CheckResult]:
    """Every check that reads the console log, in the lecture's order."""
    return [check_shapes(log, exp), check_sample(log, exp), check_architecture(log, exp),
            check_training(log, exp), check_accuracy(log, exp, tolerance), check_loss(log, exp, loss_tolerance),
            check_confusion_matrix(log, exp), check_f1(log, exp), check_prediction(log, exp)]


# The model check: the only place TensorFlow is imported

class ReferenceTestSet:
    """The test images and one-hot labels, prepared as training prepares them."""

    def __init__(self, data_dir: str | None, expected_count: int) -> None:
        from fashion_items import preprocess

        data = fashion_data.load(fashion_data.locate(data_dir))
        if len(data.y_test) != expected_count:
            raise ToolError(f"the test set found ({data.source}) has {len(data.y_test):,} images, the expected "
                            f"results were measured on {expected_count:,}; pass the --data-dir they used")
        self.x, self.y = preprocess(data.x_test, data.y_test)


def check_model(path: Path, log: ParsedLog, exp: Expected, test_set: ReferenceTestSet) -> CheckResult:
    from fashion_items import evaluate
    from fashion_tools.models import describe_layers, load_model_safely

    want = f"safe, {len(exp.layers)} layers, accuracy = log's"
    try:
        model = load_model_safely(path)
    except ToolError as exc:
        return failing("model", want, f"{path.name}: not loaded", str(exc))
    layers = [(layer["kind"], layer["params"]) for layer in describe_layers(model) if layer["kind"] != "InputLayer"]
    problems = layer_problems(layers, exp.layers)
    if problems:
        return failing("model", want, f"{path.name}: {len(layers)} layers", "; ".join(problems))
    try:
        _, accuracy, _ = evaluate(model, test_set.x, test_set.y)
    except Exception as exc:  # a model that loads can still fail to run; that is the student's fail, not ours
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        return failing("model", want, f"{path.name}: does not run", f"predicting the test set failed: {first}"[:300])
    found = f"{path.name}: accuracy {accuracy:.4f}"
    if log.accuracy is None:
        return failing("model", want, found, "the log prints no accuracy to compare the model with")
    if abs(accuracy - log.accuracy) > MODEL_AGREEMENT + EPS:
        return failing("model", want, found, f"the model scores {accuracy:.4f} on the test set, the log claims "
                                             f"{log.accuracy:.4f}: the printed numbers do not come from this model")
    return passing("model", want, found, f"loads safely, expected layers, its accuracy {accuracy:.4f} "
                                         f"agrees with the log's {log.accuracy:.4f}")


# Submissions: a log file, or a folder with a log and maybe a model

@dataclass
class Submission:
    name: str
    log_path: Path | None
    model_path: Path | None
    log: ParsedLog


def folder_submission(name: str, folder: Path) -> Submission:
    """The folder's log (the one with the most sections when there are several) and model (after.h5 first).
    Links are not followed: a submission is what the student put in the folder."""
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    except OSError as exc:
        return Submission(name, None, None, ParsedLog(problem=f"folder cannot be read ({exc.strerror})"))
    models = [p for p in files if p.suffix.lower() in MODEL_SUFFIXES]
    model = next((p for p in models if p.name == "after.h5"), models[0] if models else None)
    logs = [(p, parse_file(p)) for p in files if p.suffix.lower() in LOG_SUFFIXES]
    if not logs:
        hint = f"; for a folder of submissions pass each one: {name.rstrip('/')}/*" if any(
            p.is_dir() for p in folder.iterdir()) else ""
        return Submission(name, None, model, ParsedLog(
            problem=f"no console log ({', '.join(LOG_SUFFIXES)}) in this folder{hint}"))
    path, log = max(logs, key=lambda pair: pair[1].sections_found)  # the first of equals, by name
    return Submission(name, path, model, log)


def find_submission(path: str) -> Submission:
    p = Path(path)
    if p.is_dir():
        return folder_submission(path, p)
    if not p.exists():
        return Submission(path, None, None, ParsedLog(problem="no such file or folder"))
    if p.suffix.lower() in MODEL_SUFFIXES:
        return Submission(path, None, None, ParsedLog(
            problem="a model file alone; put it in a folder with the console log it printed"))
    return Submission(path, p, None, parse_file(p))


# Grading and reporting

@dataclass
class Grade:
    submission: Submission
    results: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def score(self) -> str:
        return f"{self.passed}/{self.total}"


def grade(sub: Submission, exp: Expected, args: argparse.Namespace, test_set: ReferenceTestSet | None) -> Grade:
    if sub.log.readable:
        results = check_log(sub.log, exp, args.tolerance, args.loss_tolerance)
    else:
        blank = check_log(ParsedLog(), exp, args.tolerance, args.loss_tolerance)
        results = [failing(r.check, r.expected, "-", f"unreadable log: {sub.log.problem}") for r in blank]
    if sub.model_path is not None and test_set is not None:
        results.append(check_model(sub.model_path, sub.log, exp, test_set))
    return Grade(sub, results)


def printable(text: str, width: int | None = None) -> str:
    """A cell safe to print: no control characters from a student's file reach the terminal."""
    text = "".join(c if c.isprintable() else "?" for c in text[:400])
    return text if width is None or len(text) <= width else text[:width - 3] + "..."


def table(grade: Grade) -> str:
    sub = grade.submission
    head = f"== {printable(sub.name)} =="
    files = [f"log: {printable(str(sub.log_path))}" if sub.log_path else "",
             f"model: {printable(str(sub.model_path))}" if sub.model_path else ""]
    if (sub.log_path is not None and sub.log_path != Path(sub.name)) or sub.model_path:
        head += " (" + "; ".join(f for f in files if f) + ")"
    rows = [("check", "verdict", "expected", "found", "reason")] + [
        (r.check, r.verdict, printable(r.expected, 40), printable(r.found, 40), printable(r.reason))
        for r in grade.results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [head] + ["  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
                      for row in rows]
    lines.append(f"{printable(sub.name)}: {grade.passed}/{grade.total} checks passed")
    return "\n".join(lines)


def totals(grades: list[Grade]) -> str:
    perfect = sum(g.passed == g.total for g in grades)
    return (f"graded {len(grades)} submission{'s' * (len(grades) != 1)}: {perfect} passed every check, "
            f"{len(grades) - perfect} did not")


def csv_cell(value):
    """Spreadsheets run a cell that starts with = + - @ as a formula; a student chose some of these texts."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def failures(grade: Grade) -> str:
    """The reasons of the failed checks; an unreadable log is said once, not once per check."""
    problem = grade.submission.log.problem
    reasons = [f"unreadable log: {problem}"] if problem else []
    reasons += [f"{r.check}: {r.reason}" for r in grade.results
                if not r.passed and (r.check == "model" or not problem)]
    return "; ".join(reasons)


def write_report(path: str, grades: list[Grade]) -> None:
    """One row per submission: its files, score, one column per check, and the reasons of its fails."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["submission", "log_file", "model_file", "passed", "total", "score", *CHECKS, "failures"])
    for g in grades:
        verdicts = {r.check: r.verdict for r in g.results}
        sub = g.submission
        writer.writerow([csv_cell(x) for x in [sub.name, str(sub.log_path or ""), str(sub.model_path or ""),
                                               g.passed, g.total, g.score,
                                               *(verdicts.get(c, "") for c in CHECKS), failures(g)]])
    atomic_write_text(path, out.getvalue())


def as_json(grades: list[Grade], args: argparse.Namespace) -> dict:
    return {
        "expected": args.expected,
        "tolerances": {"accuracy": args.tolerance, "loss": args.loss_tolerance,
                       "agreement": AGREEMENT, "model_agreement": MODEL_AGREEMENT},
        "all_passed": all(g.passed == g.total for g in grades),
        "submissions": [{
            "submission": g.submission.name,
            "log": str(g.submission.log_path) if g.submission.log_path else None,
            "model": str(g.submission.model_path) if g.submission.model_path else None,
            "unreadable": g.submission.log.problem,
            "passed": g.passed, "total": g.total, "score": g.score,
            "checks": [r.as_dict() for r in g.results],
        } for g in grades],
    }


# The command line

def tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a tolerance (a number, 0 or more)")
    return value


def rules_help() -> str:
    width = max(len(name) for name, _ in RULES)
    rules = "\n".join(textwrap.fill(rule, 79, initial_indent=f"  {name.ljust(width)}  ",
                                    subsequent_indent=" " * (width + 4)) for name, rule in RULES)
    about = (f"A SUBMISSION is a console log file, or a folder holding one ({', '.join(LOG_SUFFIXES)}; the one "
             f"with the most sections if several) and optionally a model ({', '.join(MODEL_SUFFIXES)}; after.h5 "
             f"first). A missing section fails the checks that need it ('section not found'). An empty or binary "
             f"file, or one over {MAX_LOG_BYTES >> 20} MB, is unreadable: all its checks fail.")
    return (f"checks (each PASS or FAIL with its reason):\n{rules}\n\n{textwrap.fill(about, 79)}\n\n"
            "exit status: 0 every check passed, 1 some check failed, 2 grading could not be done")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # the tool's own help format, keeping the rules table's lines as written
    parser.formatter_class = type("GradeHelpFormatter", (argparse.RawDescriptionHelpFormatter,
                                                         parser.formatter_class), {})
    parser.epilog = rules_help()
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a console log file, or a folder with a log and optionally a model")
    parser.add_argument("--expected", required=True, metavar="PATH",
                        help="the reference run's results.json")
    parser.add_argument("--tolerance", type=tolerance, default=DEFAULT_TOLERANCE,
                        help="how far the test accuracy may fall below the expected")
    parser.add_argument("--loss-tolerance", type=tolerance, default=DEFAULT_LOSS_TOLERANCE,
                        help="how far the test loss may rise above the expected")
    parser.add_argument("--report", metavar="CSV", help="also write one row per submission to this CSV file")
    parser.add_argument("--json", action="store_true", help="print the grades as JSON, and nothing else")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="the Fashion-MNIST files for measuring submitted models (as for training); "
                             f"default: {fashion_data.SYSTEM_DIR}, then the Keras cache")


def run(args: argparse.Namespace) -> int:
    """Grade every submission; 0 when all passed every check, 1 when any failed."""
    if args.report:
        check_writable_folder(args.report, "--report")
    exp = load_expected(args.expected)
    submissions = [find_submission(path) for path in args.submissions]
    test_set = None
    if any(sub.model_path for sub in submissions):
        test_set = ReferenceTestSet(args.data_dir, sum(exp.class_counts))
    grades = [grade(sub, exp, args, test_set) for sub in submissions]
    if args.report:
        write_report(args.report, grades)
    if args.json:
        json.dump(as_json(grades, args), sys.stdout, indent=2)
        print()
    else:
        print("\n\n".join(table(g) for g in grades))
        print(f"\n{totals(grades)}" + (f"; report: {args.report}" if args.report else ""))
    return 0 if all(g.passed == g.total for g in grades) else 1
