"""The checks on a console log, one function each in the lecture's order: a pass or a fail with its reason.

Training is random, so the test numbers are compared within tolerances; what does not depend
on chance (shapes, the sample, the architecture) must match exactly.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from fashion_tools.grading.expected import KERAS_LAYERS, SHAPE_NAMES, Expected, Spread, normal_kind, same_kind
from fashion_tools.grading.logparse import ParsedLog
from fashion_tools.grading.readers.screen_ocr import WORD_DOUBT

if TYPE_CHECKING:
    from fashion_tools.grading.intake.submissions import Submission

DEFAULT_TOLERANCE = 0.02  # accuracy may be this much below the reference run's
DEFAULT_LOSS_TOLERANCE = 0.05  # loss may be this much above it
AGREEMENT = 0.001  # printed numbers that must agree with each other (matrix, F1, accuracy)
MODEL_AGREEMENT = 0.005  # the model's accuracy measured here against the one the log prints
EPS = 1e-9  # so that 0.9065 - 0.02 is not failed by floating-point rounding
BAR_ROUNDING = 0.00005  # Keras' progress bar shows 4 decimals (4 significant digits in 'e' notation below 0.001)
# How far the last line of Keras' evaluate() bar may be from the returned numbers in an honest log:
# some Keras versions average the running values a second time for the bar (see check_evaluation).
# Measured with the default run's model on the real test set, in its order and in 200 shuffled
# ones (batches of 32): that second average moved accuracy by up to 0.0085 and loss by up to 0.027.
EVALUATE_DISPLAY = {"accuracy": 0.02, "loss": 0.05}

# The rules, in the order of the lecture's output; `grade --help` and docs/grading.md list them.
RULES = [
    ("shapes", "the four DB SHAPING INFO shapes equal the expected exactly"),
    ("sample", "the sample's label number and name (case, spaces and hyphens aside) and its raw pixels "
               "equal the expected exactly"),
    ("architecture", "the summary's layer kinds in order, each layer's parameter count and the total "
                     "equal the expected"),
    ("training", "the progress output shows the epochs 1 to the expected number ('Epoch N/M')"),
    ("accuracy", "expected - TOLERANCE <= test accuracy <= 1; with a reference's spread over seeds: its "
                 "minimum - TOLERANCE (default: 2 standard deviations of the seeds, at least 0.005)"),
    ("loss", "test loss <= expected + LOSS_TOLERANCE; with a spread: its maximum + LOSS_TOLERANCE (default: "
             "2 standard deviations, at least 0.01)"),
    ("evaluation", "where the log shows Keras' evaluate() progress line, its accuracy and loss = the printed "
                   "ones, within what Keras' own bar differs (0.02 accuracy, 0.05 loss); passes when there is "
                   "no such line"),
    ("confusion_matrix", f"10x10; each row sums to the test set's count of that class; "
                         f"trace / total = the printed accuracy, within {AGREEMENT}"),
    ("f1", f"the micro F1 = the printed accuracy, within {AGREEMENT}"),
    ("prediction", "the prediction names the label of the sample the log shows, and that sample is the "
                   "expected one"),
    ("model", f"only for a folder with a .h5 or .keras file: it loads in safe mode without running "
              f"code from the file (a Lambda or custom layer fails), has the expected architecture, and "
              f"its test accuracy, computed here, = the printed accuracy within {MODEL_AGREEMENT}"),
]
CHECKS = [name for name, _ in RULES]
LOG_CHECKS = CHECKS[:-1]


# The part of the lecture's output each check reads (the index into runs.PARTS)
PART_OF = {"shapes": 0, "sample": 1, "architecture": 2, "training": 3, "accuracy": 4, "loss": 4, "evaluation": 4,
           "confusion_matrix": 5, "f1": 6, "prediction": 7}


# One check's outcome

@dataclass
class CheckResult:
    check: str
    passed: bool
    expected: str
    found: str
    reason: str
    review: bool = False  # not read with confidence: a person decides (no points, and never a FAIL)

    @property
    def verdict(self) -> str:
        return "REVIEW" if self.review else "PASS" if self.passed else "FAIL"

    def as_dict(self) -> dict:
        return {"check": self.check, "verdict": self.verdict, "expected": self.expected,
                "found": self.found, "reason": self.reason}


def passing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    return CheckResult(check, True, expected, found, reason)


def failing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    return CheckResult(check, False, expected, found, reason)


def reviewing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    """What the grader could not read with confidence: neither points nor a FAIL, a person's look."""
    return CheckResult(check, False, expected, found, reason, review=True)


def not_found(check: str, expected: str, section: str, log: ParsedLog) -> CheckResult:
    """A section the log does not show: never reached when the run stopped before it, else not printed."""
    if log.stopped is not None and log.stopped_part is not None and PART_OF[check] >= log.stopped_part:
        error = log.stopped.split(":", 1)[0]  # the exception's name; the report's head gives its whole line
        return failing(check, expected, "-", f"not reached: the run stopped with {error} {log.stopped_at}")
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


def fmt_params(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


# The checks on a console log

def check_shapes(log: ParsedLog, exp: Expected) -> CheckResult:
    want = ", ".join(compact(exp.shapes[k]) for k in SHAPE_NAMES)
    if not log.shapes:
        return not_found("shapes", want, "DB SHAPING INFO (no 'X train shape: (...)' lines)", log)
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
        return not_found("sample", want, "SAMPLE DATA (no 'This is a <name> <number>' line)", log)
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
        return not_found("architecture", want, "model.summary() (no 'Layer (type)' table, no 'Total params:')",
                         log)
    layers = [(layer.kind, layer.params) for layer in log.layers or [] if layer.kind != "InputLayer"]
    found = f"{len(layers)} layers, {fmt_params(log.total_params)} params"
    cut = bool(layers) and all(n is None for _, n in layers)  # a printed page cut the parameter column off
    if cut:
        layers = [(kind, m) for (kind, _), (_, m) in zip(layers, exp.layers, strict=False)] + layers[len(exp.layers):]
    problems = layer_problems(layers, exp.layers) if log.layers is not None else ["the layer table is not printed"]
    if log.total_params != exp.total_params:
        problems.append(f"total {fmt_params(log.total_params)} parameters, expected {exp.total_params:,}")
    if problems:
        return failing("architecture", want, found, "; ".join(problems))
    if cut:
        return passing("architecture", want, found, "layer kinds and the total parameters equal the expected (the "
                                                    "table's parameter column is cut off, so per-layer counts "
                                                    "were not compared)")
    return passing("architecture", want, found, "layer kinds, per-layer and total parameters equal the expected")


def check_training(log: ParsedLog, exp: Expected) -> CheckResult:
    want = f"{exp.epochs} epochs"
    if not log.epochs:
        return not_found("training", want, "training progress (no 'Epoch N/M' lines)", log)
    seen = sorted(set(log.epochs))
    found = f"{len(seen)} epochs" + (f" of {log.epochs_declared}" if log.epochs_declared != len(seen) else "")
    if seen == list(range(1, exp.epochs + 1)):
        return passing("training", want, found, f"epochs 1 to {exp.epochs} all appear")
    if log.epochs_declared == exp.epochs and seen[-1] < exp.epochs:
        why = f"the run stopped with {log.stopped.split(':', 1)[0]}" if log.stopped else "the log ends during training"
        return failing("training", want, found, f"the progress stops at epoch {seen[-1]} of {exp.epochs}: {why}")
    if log.epochs_declared != exp.epochs:
        return failing("training", want, found, f"it trained {log.epochs_declared} epochs, expected {exp.epochs}")
    return failing("training", want, found, f"epochs {', '.join(map(str, seen[:12]))} appear, "
                                            f"expected each of 1 to {exp.epochs} once")


def machine_note(log: ParsedLog, exp: Expected, found: float, expected: float) -> str:
    """Where the log names the machine that trained it and that is not the reference's, and the
    number differs: say so, since another CPU or oneDNN setting alone changes the last digits."""
    if log.device and exp.device and log.device != exp.device and f"{found:.4f}" != f"{expected:.4f}":
        return f" (the reference ran on {exp.device}, this run on {log.device}: another kind of machine " \
               "alone changes the last digits)"
    return ""


def in_range(value: float, spread: Spread, stats: tuple[float, float, float], margin: float, side: str) -> str:
    """Where a passing value lies against a spread: inside it, past it on the good side, or within the
    margin on the other ('less' for accuracy, 'plus' for loss)."""
    low, high, _ = stats
    span = f"the {len(spread.seeds)}-seed range {low:.4f}-{high:.4f}"
    if low - EPS <= value <= high + EPS:
        return f"within {span}"
    better = value > high if side == "less" else value < low
    return f"{'above' if side == 'less' else 'below'} {span}" if better else f"within {span} {side} {margin:g}"


def check_accuracy(log: ParsedLog, exp: Expected, tolerance: float) -> CheckResult:
    """At least the expected less the tolerance; with a spread, at least its minimum less the margin."""
    spread = exp.spread
    low = (spread.accuracy[0] if spread else exp.accuracy) - tolerance
    bound = (f"the {len(spread.seeds)}-seed range {spread.accuracy[0]:.4f}-{spread.accuracy[1]:.4f} less "
             f"{tolerance:g}" if spread else f"the expected {exp.accuracy:.4f} - {tolerance:g}")
    want = f">= {low:.4f}"
    if log.accuracy is None:
        return not_found("accuracy", want, "'Keras CNN model accuracy = ' line", log)
    a = log.accuracy
    found = f"{a:.4f}"
    if not math.isfinite(a) or not 0 <= a <= 1:
        return failing("accuracy", want, found, f"{a:g} is not an accuracy, which lies between 0 and 1")
    if a < low - EPS:
        return failing("accuracy", want, found, f"{a:.4f} is below {bound} = {low:.4f}")
    note = machine_note(log, exp, a, exp.accuracy)
    if spread is None:
        return passing("accuracy", want, found, f"{a:.4f} is at least {bound}{note}")
    where = in_range(a, spread, spread.accuracy, tolerance, "less")
    return passing("accuracy", want, found, f"{a:.4f} is {where}{note}")


def check_loss(log: ParsedLog, exp: Expected, tolerance: float) -> CheckResult:
    """At most the expected plus the tolerance; with a spread, at most its maximum plus the margin."""
    spread = exp.spread
    high = (spread.loss[1] if spread else exp.loss) + tolerance
    bound = (f"the {len(spread.seeds)}-seed range {spread.loss[0]:.4f}-{spread.loss[1]:.4f} plus {tolerance:g}"
             if spread else f"the expected {exp.loss:.4f} + {tolerance:g}")
    want = f"<= {high:.4f}"
    if log.loss is None:
        return not_found("loss", want, "'Keras CNN model loss = ' line", log)
    found = f"{log.loss:.4f}"
    if not math.isfinite(log.loss) or log.loss < 0:
        return failing("loss", want, found, f"{log.loss:g} is not a cross-entropy loss, which is 0 or more")
    if log.loss > high + EPS:
        return failing("loss", want, found, f"{log.loss:.4f} is above {bound} = {high:.4f}")
    note = machine_note(log, exp, log.loss, exp.loss)
    if spread is None:
        return passing("loss", want, found, f"{log.loss:.4f} is at most {bound}{note}")
    where = in_range(log.loss, spread, spread.loss, tolerance, "plus")
    return passing("loss", want, found, f"{log.loss:.4f} is {where}{note}")


def check_evaluation(log: ParsedLog, exp: Expected) -> CheckResult:
    """Keras' own evaluate() bar, where the log shows one, against the printed test numbers.

    Some Keras 3 versions draw that bar from a second average of the running values, so its last
    line can differ a little from what evaluate() returns and the script prints (keras-team/keras
    issues 20788 and 21301); a difference that small is Keras', never a reason to fail.
    """
    want = "= printed numbers"
    if log.evaluate_line is None:
        if log.stopped is not None and log.stopped_part is not None and PART_OF["evaluation"] >= log.stopped_part:
            return not_found("evaluation", want, "", log)
        return passing("evaluation", want, "-", "no evaluate line printed")
    bar_accuracy, bar_loss = log.evaluate_line
    found = ", ".join(f"{name} {value:.4f}" for name, value in (("accuracy", bar_accuracy), ("loss", bar_loss))
                      if value is not None)
    compared = [(name, bar, printed) for name, bar, printed in
                (("accuracy", bar_accuracy, log.accuracy), ("loss", bar_loss, log.loss))
                if bar is not None and printed is not None]
    if not compared:
        return failing("evaluation", want, found,
                       "section not found: 'Keras CNN model accuracy = ' line, to compare the evaluate line with")
    far = [f"Keras' evaluate line shows {name} {bar:.4f} but the log prints {printed:.4f}"
           for name, bar, printed in compared if abs(bar - printed) > EVALUATE_DISPLAY[name] + EPS]
    if far:
        return failing("evaluation", want, found, "; ".join(far) + ": the two numbers disagree, by more than "
                       "Keras' own progress bar ever differs from what evaluate() returns")
    near = [f"{name} {bar:.4f} against {printed:.4f}" for name, bar, printed in compared
            if abs(bar - printed) > max(BAR_ROUNDING, BAR_ROUNDING * abs(bar)) + EPS]
    if near:
        return passing("evaluation", want, found, f"close to the printed numbers ({'; '.join(near)}): Keras' "
                       "progress bar averages its running values again and shows this much difference itself")
    return passing("evaluation", want, found, "Keras' evaluate line agrees with the printed test numbers")


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
        return not_found("confusion_matrix", want, "CONFUSION MATRIX (no matrix after '== CONFUSION MATRIX ==')",
                         log)
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
        return not_found("f1", want, "'F1 score:' line", log)
    found = f"{log.f1:.4f}"
    if log.accuracy is None:
        return failing("f1", want, found, "section not found: 'Keras CNN model accuracy = ' line, to compare with")
    if not abs(log.f1 - log.accuracy) <= AGREEMENT + EPS:
        return failing("f1", want, found, f"micro F1 {log.f1:.4f} differs from the printed accuracy "
                                          f"{log.accuracy:.4f}; for one label per image they are equal")
    return passing("f1", want, found, f"equals the printed accuracy {log.accuracy:.4f}")


def check_prediction(log: ParsedLog, exp: Expected) -> CheckResult:
    """The prediction names the label of the sample this log printed, and that sample is the expected one."""
    want = exp.sample_name
    if log.prediction is None:
        return not_found("prediction", want, "'Prediction after learning:' line", log)
    predicted = log.prediction

    def names(label: int | None, name: str | None) -> bool:
        return same_name(predicted, name or "") or predicted == str(label)

    if log.sample_label is None:  # no sample shown: the expected one is all there is to compare with
        if names(exp.sample_label, exp.sample_name):
            return passing("prediction", want, predicted, f"the log shows no sample; {predicted!r} is the "
                                                          f"expected sample's label, {exp.sample_name}")
        return failing("prediction", want, predicted, f"the log shows no sample; the expected sample, "
                                                      f"{exp.sample_name}, is predicted as {predicted!r}")
    shown = f"{log.sample_name} ({log.sample_label})"
    if log.sample_label != exp.sample_label or not same_name(log.sample_name or "", exp.sample_name):
        return failing("prediction", want, predicted,
                       f"the log shows sample {shown}, not the expected {exp.sample_name} ({exp.sample_label}), "
                       f"and predicts {predicted!r}")
    if names(log.sample_label, log.sample_name):
        return passing("prediction", want, predicted, f"the sample the log shows, {shown}, is predicted as its label")
    return failing("prediction", want, predicted, f"the sample the log shows, {shown}, is predicted as {predicted!r}")


def unsure(result: CheckResult, log: ParsedLog) -> CheckResult:
    """A check that did not pass on what the grader could not read with confidence goes to a person:
    a section printed in a form it cannot read safely, or not found in a hand-in that also holds
    pictures (which may show it)."""
    if result.passed:
        return result
    if result.check in log.uncertain:
        return reviewing(result.check, result.expected, result.found, log.uncertain[result.check])
    if log.unread and result.reason.startswith("section not found"):
        return reviewing(result.check, result.expected, result.found,
                         f"{result.reason[len('section not found: '):]} is not in the text, and {log.unread}, "
                         "which may show it: look at them")
    return result


# Numbers read from a picture (readers/pictures.py): said so, and a misread never a FAIL

# Where each check's section begins in a text: the first of these its lines hold
SECTION_STARTS = {"shapes": ("X train shape", "X_train shape"), "sample": ("This is a",),
                  "architecture": ("Layer (type)",), "training": ("Epoch ",),
                  "evaluation": ("/313",), "loss": ("Keras CNN model loss",),
                  "accuracy": ("Keras CNN model accuracy",), "confusion_matrix": ("CONFUSION MATRIX", "array([["),
                  "f1": ("F1 score",), "prediction": ("Prediction after learning",)}


def section_spans(text: str) -> dict[str, tuple[int, int]]:
    """Each check's section as (start, end) in the text: from its first line to the next section's."""
    starts = {}
    for check, needles in SECTION_STARTS.items():
        found = [at for at in (text.find(n) for n in needles) if at >= 0]
        if found:
            starts[check] = text.rfind("\n", 0, min(found)) + 1
    order = sorted(set(starts.values())) + [len(text)]
    return {check: (at, next(e for e in order if e > at)) for check, at in starts.items()}


def picture_sources(reading) -> tuple[dict[str, str], dict[str, str]]:
    """(check -> the pictures its section was read from, check -> a line of it OCR is not sure of), for a
    reading (readers.Reading) some of whose text OCR read from pictures."""
    pictures, doubts = {}, {}
    for check, (start, end) in section_spans(reading.text).items():
        if not any(a < end and start < b for a, b in reading.pictures):
            continue
        names = [reading.where(start)] + [name for at, name in reading.parts if start < at < end]
        pictures[check] = ", ".join([n for n in dict.fromkeys(names) if n][:3]) or "a picture"
        inside = [why for at, why in reading.doubts if start <= at < end
                  and (check != "training" or reading.text.startswith("Epoch", at))]  # training counts headers
        doubt = next((why for why in inside if WORD_DOUBT not in why), inside[0] if inside else None)
        if doubt:  # a number's doubt first: it is the one that can make a check fail
            doubts[check] = doubt
    return pictures, doubts


def plainly_failed(result: CheckResult, log: ParsedLog) -> bool:
    """Whether a check that failed on numbers read from a picture failed on what the picture shows plainly,
    not on a misread: words rather than digits (a class name, a traceback), the declared epochs in every
    header with the epochs counted up to them, or a layer table whose counts add up to its total. Other
    digits are never enough: a glyph misread is misread alike everywhere, so two numbers agreeing proves
    nothing."""
    doubt = log.doubts.get(result.check)
    if doubt and not (result.check == "architecture" and WORD_DOUBT in doubt):  # a layer's name, not its counts
        return False
    if result.reason.startswith("not reached"):
        return True
    if result.check == "training":  # 'Epoch 5/15' ... 'Epoch 15/15': the epochs it counts run on to it
        seen = epoch_run(log)  # ('Epoch 10/10' read 'Epoch 18/18' leaves 10 to 17 out: a misread)
        return (result.reason.startswith("it trained") and len(seen) >= 2
                and seen[-1] == log.epochs_declared)
    if result.check == "architecture":  # counts that add up, of layers of kinds Keras has (not a misread word)
        counts = [layer.params for layer in log.layers or []]
        kinds = all(normal_kind(layer.kind) in KERAS_LAYERS for layer in log.layers or [])
        return kinds and None not in counts and log.total_params is not None and sum(counts) == log.total_params
    if result.check == "prediction":
        from fashion_tools.network import LABELS

        return "is predicted as" in result.reason and any(same_name(log.prediction or "", label) for label in LABELS)
    return False  # digits: the same glyph misread alike everywhere would confirm itself


def pictured(result: CheckResult, log: ParsedLog) -> CheckResult:
    """A check on a section read from a picture: its reason names the picture; when it did not pass and
    the picture does not show the failure plainly, a person looks (a misread digit gives the same)."""
    where = log.pictures.get(result.check)
    if result.review:
        return result
    if where is None:
        if not log.read_by_ocr or result.passed or plainly_failed(result, log):
            return result
        if result.reason.startswith("section not found"):
            return reviewing(result.check, result.expected, result.found,
                             f"{result.reason[len('section not found: '):]} is not in the text read from the "
                             "pictures, which may show it where OCR could not read it: look at them")
        # a section whose start the picture's edge cut off ('the layer table is not printed'): never a FAIL
        return reviewing(result.check, result.expected, result.found,
                         f"read from the pictures: {result.reason}; a picture may show more than OCR read: look "
                         "at them")
    reason = f"read from {where}: {result.reason}"
    if result.passed or plainly_failed(result, log):
        return dataclasses.replace(result, reason=reason)
    doubt = log.doubts.get(result.check)
    why = f"{doubt} could not be read with confidence" if doubt else \
        cut_off(result, log) or "a digit misread in the picture would give the same"
    return reviewing(result.check, result.expected, result.found, f"{reason}; {why}: look at it")


def epoch_run(log: ParsedLog) -> list[int]:
    """The epochs counted, when they run one after the other with none missing between; else []."""
    seen = sorted(set(log.epochs or []))
    return seen if seen and seen == list(range(seen[0], seen[-1] + 1)) else []


def cut_off(result: CheckResult, log: ParsedLog) -> str | None:
    """Why a run read from pictures lacks epochs, when the pictures begin or end in the middle of it."""
    seen = epoch_run(log)
    if result.check != "training" or not seen:
        return None
    if seen[0] > 1:
        return f"the pictures show the run from epoch {seen[0]} on: epochs 1 to {seen[0] - 1} may be above their top"
    if log.epochs_declared and seen[-1] < log.epochs_declared and not log.stopped:
        return f"the pictures show the run up to epoch {seen[-1]}: the later epochs may be below their bottom"
    return None


def check_log(log: ParsedLog, exp: Expected, tolerance: float, loss_tolerance: float) -> list[CheckResult]:
    """Every check that reads the console log, in the lecture's order."""
    results = [check_shapes(log, exp), check_sample(log, exp), check_architecture(log, exp),
               check_training(log, exp), check_accuracy(log, exp, tolerance), check_loss(log, exp, loss_tolerance),
               check_evaluation(log, exp),
               check_confusion_matrix(log, exp), check_f1(log, exp), check_prediction(log, exp)]
    return [pictured(unsure(r, log), log) for r in results]


# A submission's grade: its checks' outcomes

@dataclass
class Grade:
    submission: Submission
    results: list[CheckResult] = field(default_factory=list)
    points: tuple[float, float] = (0.0, 0.0)  # (earned, maximum) under the rubric
    same_as: list[str] = field(default_factory=list)  # other submissions whose run printed the same numbers
    diagnoses: list = field(default_factory=list)  # the common mistakes its numbers show (grading/diagnosis.py)
    waived: dict[str, str] = field(default_factory=dict)  # failed checks a diagnosed mistake's first already counts

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def reviews(self) -> int:
        """Checks a person must look at."""
        return sum(r.review for r in self.results)

    @property
    def failed(self) -> int:
        return self.total - self.passed - self.reviews

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def score(self) -> str:
        return f"{self.passed}/{self.total}"
