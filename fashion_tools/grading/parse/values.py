"""What one run of the lecture's script showed, quantity by quantity, from its cleaned text.

Each quantity of the table (parse/table.py) is found by the lecture's line first, then by meaning
where the student printed it another way (parse/labels.py, parse/matrices.py, parse/training.py); how
it was printed, when not as the lecture, is kept for the reason. Patterns are anchored at a fixed
literal and their parts cannot overlap, so the work stays linear in the text's length. A quantity
that is not found stays None; the checks turn that into "section not found". Neither TensorFlow
nor Keras is imported here.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from fashion_tools.grading.parse import labels
from fashion_tools.grading.parse.matrices import matrix_after, parse_confusion_matrix
from fashion_tools.grading.parse.summary import SummaryLayer, parse_layers, parse_total_params
from fashion_tools.grading.parse.table import BY_NAME, TABLE
from fashion_tools.grading.parse.textscan import GLUED, MAX_TRIES, ascii_int, line_at, matches, starting_line
from fashion_tools.grading.parse.training import EPOCH_LINE, EpochNumbers, Fit, parse_training
from fashion_tools.network import LABELS

# What a line reads after its prefix is at most 200 characters; runs of spaces are possessive
# (*+, ++): they never give a space back, so no input makes the engine retry its way through them.
# A shape in any case, 'X train shape:', 'x_train.shape =', several on one line
# ('Forma de x_train: (...)', 'x_train: (...)'); never code ('X_train.reshape(60000, 28, 28, 1)')
SHAPE = re.compile(r"(?<![A-Za-z0-9])([XYxy])[ _]?(train|test|TRAIN|TEST|Train|Test)(?:[ _]shape|\.shape)?[ ]*+"
                   r"[:=]?[ ]*+\(([\d, ]{0,80})\)")
# A line that is only a tuple of whole numbers, or of such tuples: a notebook cell ending in x_train.shape
BARE_TUPLE = re.compile(r"^[ ]*+\(([\d, ()]{1,300})\)[ ]*+$", re.MULTILINE)
INNER_TUPLE = re.compile(r"\(([\d, ]{0,80})\)")
SAMPLE_LINE = starting_line(BY_NAME["sample"].starts[0], r"n?[ ]++([^\n]{1,200})$", re.MULTILINE)
# The lecture's lines in any case: OCR reads some fonts' 'l' as 'L' ('Keras CNN model Loss', 'after Learning')
ANY_CASE = re.IGNORECASE
LOSS_LINE = starting_line(BY_NAME["loss"].starts[0], r"[ ]*+[=:]([^\n]{0,200})", ANY_CASE)
ACCURACY_LINE = starting_line(BY_NAME["accuracy"].starts[0], r"[ ]*+[=:]([^\n]{0,200})", ANY_CASE)
F1_LINE = starting_line(BY_NAME["f1"].starts[0], r"[ ]*+[=:]?([^\n]{0,200})", ANY_CASE)
PREDICTION_LINE = starting_line(BY_NAME["prediction"].starts[0], r"[ ]*+[=:]?([^\n]{0,200})", ANY_CASE)
SQUEEZED = {line: starting_line(BY_NAME[name].starts[0].replace(" ", ""), rest, ANY_CASE)
            for name, line, rest in (("loss", LOSS_LINE, r"[ ]*+[=:]([^\n]{0,200})"),
                                     ("accuracy", ACCURACY_LINE, r"[ ]*+[=:]([^\n]{0,200})"),
                                     ("f1", F1_LINE, r"[ ]*+[=:]?([^\n]{0,200})"))}
# The prediction in other words or languages: read only where it names a class ('Predicción: pullover')
PREDICTION_WORD = re.compile(r"predict|predicci|prédiction|vorhersage|예측|预测|予測", re.IGNORECASE)
PREDICTION_OTHER = re.compile(r"[^\n:=\d]{0,40}[:=][ \t]*+([^\n]{1,100})$")  # after the word, to the line's end
# This tool's line before training: 'Training in float32 precision on CPU: AMD EPYC, 2 cores, AVX2, oneDNN on'
DEVICE_LINE = starting_line("Training in", r" [\w]{1,40} precision on ([^\n]{1,200})$", re.MULTILINE)
# A Keras progress bar's line with its metrics: '313/313 ━━━ 1s 3ms/step - accuracy: 0.9065 - loss: 0.2565'
# (Keras 3) or '313/313 [====] - 1s 3ms/step - loss: 0.2565 - accuracy: 0.9065' (Keras 2).
BAR_LINE = re.compile(r"^[ ]*+(\d{1,9})/(\d{1,9})(?!\d)[^\n]{0,400}?(?i:loss|acc|accuracy): [^\n]{0,400}$",
                      re.MULTILINE)
# The same line with a step count OCR doubted ('?300/3?0 28s 60ms/step - accuracy: ...'): some bar's last line
DOUBTED_BAR = re.compile(r"^[ ]*+\?([\d?]{1,9})/([\d?]{1,9})(?![\d?])[^\n]{0,400}?(?i:loss|acc|accuracy): "
                         r"[^\n]{0,400}$", re.MULTILINE)
# (a number never ends where a '?', a digit OCR doubted, follows: '0.9?35' is no 0.9, nor its prefix 0; nor
# before a space and a digit: '0 2367' is a number whose point OCR lost; nor before a comma and a digit:
# '0,2498' is one whose point OCR read as a comma, which Python never prints inside a number; nor where a
# letter or a symbol follows it: a digit OCR read as one, '0§.2498' is no 0, nor '0.9l35' 0.9)
METRIC = re.compile(r"(?<![\w])(?:sparse_)?(?:categorical_)?(loss|acc|accuracy): "
                    r"([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?!\.?[?\d]|[ ,]\d)" + GLUED, re.IGNORECASE)  # OCR: "Loss"
# A number as Python, numpy or TensorFlow print it: "0.9065", "9.065e-01", "np.float64(0.9065)",
# "tf.Tensor(0.9065, ...)", "[0.27, 0.9065]" (the first), "90.65%".
NUMBER = re.compile(r"(?:[A-Za-z_][\w.]{0,40}\()?\[?[ ]*+"
                    r"([-+]?(?:\d+\.\d*|\.\d+|\d+(?![ ]\d))(?:[eE][-+]?\d+)?(?!\.?[?\d]|,\d)|[-+]?nan|[-+]?inf)(%?)"
                    + GLUED, re.IGNORECASE)  # (nor a whole number before a space and a digit: '0 9135', its point lost)






@dataclass
class ParsedLog:
    """What a console log printed; None (or empty) wherever a section was not found."""

    problem: str | None = None  # why the file could not be read as a log; None when it could
    review: bool = False  # the problem is the grader's (a format or picture it cannot read): a person looks
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # x_train, y_train, x_test, y_test
    sample_label: int | None = None
    sample_name: str | None = None
    sample_pixels: np.ndarray | None = None
    layers: list[SummaryLayer] | None = None
    total_params: int | None = None
    epochs: list[int] = field(default_factory=list)  # the N of each "Epoch N/M" seen, in order
    epochs_declared: int | None = None  # the M
    bare_shapes: list[tuple[int, ...]] = field(default_factory=list)  # shapes printed without their names
    fits: list[Fit] = field(default_factory=list)  # each fit() call's declared and printed epochs
    early_stop: int | None = None  # the epoch Keras' EarlyStopping ended training at
    epoch_numbers: list[EpochNumbers] = field(default_factory=list)  # each epoch's end, in order (diagnosis reads it)
    loss: float | None = None
    accuracy: float | None = None
    confusion_matrix: np.ndarray | None = None
    f1: float | None = None
    prediction: str | None = None
    evaluate_line: tuple[float | None, float | None] | None = None  # (accuracy, loss) of evaluate()'s last bar
    evaluate_lines: list = field(default_factory=list)  # each evaluate() bar: ((accuracy, loss), its end, final)
    stopped: str | None = None  # the exception line of a traceback that ended the run
    stopped_at: str | None = None  # where: 'before the DB shapes', 'during training', 'at the F1 score'
    stopped_part: int | None = None  # the same as an index into runs.PARTS: the checks from there on were not reached
    run_number: int = 1  # which run of the log this is (several runs in one log: a crash, then a rerun)
    run_count: int = 1
    other_runs: list[str] = field(default_factory=list)  # how each other run ended, for the report
    source: str | None = None  # what the text was read from when not a plain log: 'notebook', 'HTML export'
    device: str | None = None  # what trained it, where the log says ('CPU: AMD EPYC, 2 cores, AVX2, oneDNN on')
    uncertain: dict[str, str] = field(default_factory=dict)  # check -> why its section was not read with confidence
    unread: str | None = None  # what of the hand-in was not read ('it holds 2 pictures'): it may show a missing part
    hidden: str | None = None  # text the file hides from a person (left out of the text), said
    note: str | None = None  # how the output was found, for the report ('output pasted into the source ...')
    read_by_ocr: bool = False  # some of the text was read from pictures by OCR, which may show what it did not read
    pictures: dict[str, str] = field(default_factory=dict)  # check -> the pictures its section was read from by OCR
    doubts: dict[str, str] = field(default_factory=dict)  # check -> a line of its section OCR is not sure of
    doubted: dict[str, str] = field(default_factory=dict)  # accuracy, loss, f1 -> its number as OCR read it, '?'s in it
    # the confusion matrix as OCR read it with doubted entries: (NaN there, (row, column) -> the entry's text, how)
    doubted_matrix: tuple[np.ndarray, dict[tuple[int, int], str], str | None] | None = None
    pictured_at: dict[str, int] = field(default_factory=dict)  # check -> where a picture stands in for it
    printed_at: dict[str, int] = field(default_factory=dict)  # check -> where its value is printed in the run
    printed: dict[str, str] = field(default_factory=dict)  # check -> how its value was printed, when not as the lecture
    rounding: dict[str, float] = field(default_factory=dict)  # check -> half a unit of its value's last printed digit

    @property
    def readable(self) -> bool:
        return self.problem is None

    @property
    def sections_found(self) -> int:
        """How many of the lecture's sections the log printed (of 9)."""
        return sum(present(self, q.fields[:1]) for q in TABLE if q.name != "evaluation")


def present(log: ParsedLog, fields: tuple[str, ...]) -> bool:
    """Whether the run showed any of these fields (an empty list or dict is not showing it)."""
    return any(v is not None and not (isinstance(v, list | dict) and not v) for v in map(log.__getattribute__, fields))


# Numbers and numpy's printing of a matrix, wrapped over several lines

def number_at(text: str) -> float | None:
    """The number a line prints after its prefix; a percentage becomes a fraction."""
    m = NUMBER.match(text.strip())
    if m is None:
        return None
    value = float(m.group(1))
    return value / 100 if m.group(2) else value


def first_number(text: str, line: re.Pattern) -> float | None:
    """The number the first such line prints; the line without its spaces too, as a small print's PDF text
    layer gives it ('KerasCNNmodelaccuracy=0.9135')."""
    for pattern in (line, SQUEEZED[line]):
        for m in matches(pattern, text):
            value = number_at(m.group(1))
            if value is not None:
                return value
    return None


def parse_shapes(text: str) -> tuple[dict[str, tuple[int, ...]], str | None]:
    """(the four shapes, how they were printed when not as the lecture's 'X train shape:' lines)."""
    shapes: dict[str, tuple[int, ...]] = {}
    how = None
    for m in matches(SHAPE, text):
        key = f"{m.group(1).lower()}_{m.group(2).lower()}"  # 'x_train' from 'X train shape'
        if how is None and not m.group(0).startswith(("X train shape", "Y train shape", "X test shape",
                                                       "Y test shape")):
            how = f"printed as {labels.quote(m.group(0))}"
        dims = [ascii_int(t) for t in m.group(3).replace(",", " ").split()]
        if key not in shapes and None not in dims:
            shapes[key] = tuple(dims)  # type: ignore[arg-type]
        if len(shapes) == 4:
            break
    return shapes, how


def parse_bare_shapes(text: str, before: int) -> list[tuple[int, ...]]:
    """The first group of lines that are only tuples of whole numbers, before training: shapes a notebook
    shows as cells' results (x_train.shape), without the names an instructor reads in the code."""
    shapes: list[tuple[int, ...]] = []
    last_end = None
    for m in matches(BARE_TUPLE, text):
        if m.start() >= before or last_end is not None and text[last_end:m.start()].strip():
            break
        for part in INNER_TUPLE.findall(m.group(0)):  # '(60000, 28, 28) (10000, 28, 28)' or a tuple of tuples
            dims = [ascii_int(t) for t in part.replace(",", " ").split()]
            if not dims or None in dims:
                return []
            shapes.append(tuple(dims))  # type: ignore[arg-type]
        last_end = m.end()
    return shapes


def parse_sample(text: str) -> tuple[str | None, int | None, np.ndarray | None]:
    """(name, label number, raw pixels) from 'This is a pullover 2' and the matrix after it."""
    for m in matches(SAMPLE_LINE, text):
        words = m.group(1).rsplit(None, 1)
        if len(words) == 2 and ascii_int(words[1]) is not None:
            return words[0].strip()[:100] or None, ascii_int(words[1]), matrix_after(text, m.start())
    return None, None, None


def parse_device(text: str) -> str | None:
    m = DEVICE_LINE.search(text)
    return m.group(1).strip() if m else None


def parse_prediction(text: str) -> tuple[str | None, str | None]:
    """(the predicted label, how it was printed when not as the lecture's line)."""
    m = PREDICTION_LINE.search(text)
    if m is not None:
        return m.group(1).strip().strip("[]'\" ")[:100] or None, None
    for word in matches(PREDICTION_WORD, text):
        line = line_at(text, word.start())
        if line.find(word.group(0)) > 30:
            continue  # the word begins its line's label, as in the lecture's
        m = PREDICTION_OTHER.match(line, line.find(word.group(0)) + len(word.group(0)))
        value = m.group(1).strip().strip("[]'\" .") if m else ""
        if value.isdigit() and int(value) < len(LABELS) or value and any(same_name(value, label) for label in LABELS):
            return value[:100], f"printed as {labels.quote(line)}"
    return None, None


def same_name(a: str, b: str) -> bool:
    """'ankle-boot', 'Ankle boot' and 'ankle_boot' name one class."""
    return "".join(c for c in a.lower() if c.isalnum()) == "".join(c for c in b.lower() if c.isalnum())


Bar = tuple[float | None, float | None]  # (accuracy, loss) of an evaluate() bar's last line


def parse_evaluate_lines(text: str, epochs_at: int | None) -> list[tuple[Bar, int, bool]]:
    """Each of Keras' evaluate() progress bars, in order: ((accuracy, loss) of its last line, where that
    line ends, whether that line is the bar's last step); empty when the log has none.

    From the first 'Epoch N/M' header to the printed test loss, progress bars with metrics come in
    groups: a new bar starts when its counter restarts or its total changes. A group that follows an
    epoch header is that epoch's; one that follows another group is evaluate()'s, its last line final
    (a notebook may evaluate between two fit() calls, or evaluate several models). With no epochs,
    every group is evaluate()'s.
    """
    has_epochs, epochs_at = epochs_at is not None, epochs_at or 0
    end = LOSS_LINE.search(text, epochs_at)
    end_at = end.start() if end else len(text)
    bars: list[tuple[Bar, int, bool]] = []
    group: list[re.Match] = []
    previous_end = epochs_at

    def close() -> None:
        if group and (not has_epochs or not EPOCH_LINE.search(text, previous_end, group[0].start())):
            values = {k.lower(): float(v) for k, v in METRIC.findall(group[-1].group(0))}
            accuracy = values.get("accuracy", values.get("acc"))
            if accuracy is not None or "loss" in values:
                final = group[-1].group(1) == group[-1].group(2)  # its last step: the numbers evaluate() returns
                bars.append(((accuracy, values.get("loss")), group[-1].end(), final))

    # a bar line whose step count OCR doubted ('?300/3?0': JupyterLab's bold count in a JPEG) is some bar's last:
    # where its total cannot be the next bar line's ('313'), that line starts a bar of its own (evaluate()'s was
    # taken for the last epoch's, and no evaluate line read); none of its own numbers are taken
    doubted = list(itertools.islice(DOUBTED_BAR.finditer(text, epochs_at, end_at), MAX_TRIES))
    lines = sorted([*itertools.islice(BAR_LINE.finditer(text, epochs_at, end_at), MAX_TRIES), *doubted],
                   key=lambda m: m.start())
    unread: re.Match | None = None
    for m in lines:
        if m in doubted:
            unread = m
            continue
        step, total = int(m.group(1)), int(m.group(2))
        if unread is not None and not re.fullmatch(unread.group(2).replace("?", r"\d"), m.group(2)):
            close()
            group, previous_end = [], unread.end()
        unread = None
        if group and (int(group[-1].group(2)) != total or int(group[-1].group(1)) > step
                      or EPOCH_LINE.search(text, group[-1].end(), m.start())):
            close()
            previous_end = group[-1].end()
            group = []
        group.append(m)
    close()
    return bars


BAR_ONLY = "shown only by Keras' evaluate() bar"  # how a test number is shown when no line prints it


def by_meaning(log: ParsedLog, text: str) -> None:
    """The test numbers the lecture's lines do not show, read where the student printed them another way:
    under another label, as evaluate()'s list, in classification_report, or only by evaluate()'s own bar.
    Only a validation accuracy (the test set may have been the validation data) is a person's to read."""
    shown = labels.labelled(text)
    for _, bar_end, _ in log.evaluate_lines:  # evaluate()'s list as a cell's result, just after its bar
        listed = labels.evaluate_list(text, bar_end)
        if listed:
            shown["loss"].append(listed[0])
            shown["accuracy"].append(listed[1])
    report = labels.report_f1(text)
    if report:
        shown["f1"].append(report)
    bars = {name: {values[i] for values, _, final in log.evaluate_lines if values[i] is not None and final}
            for i, name in enumerate(("accuracy", "loss"))}
    for name in ("loss", "accuracy", "f1"):
        if getattr(log, name) is not None:
            continue
        chosen, doubt = labels.choose(shown[name], "test " + name if name != "f1" else "F1")
        if doubt:
            log.uncertain[name] = doubt
        elif chosen:
            setattr(log, name, chosen.value)
            log.printed[name], log.rounding[name], log.printed_at[name] = chosen.how, chosen.rounding, chosen.at
        elif len(bars.get(name, ())) == 1:  # one test number, or several bars that agree on it
            value = bars[name].pop()
            setattr(log, name, value)
            log.printed[name] = f"{BAR_ONLY} ({name} {value:.4f})"
            log.rounding[name] = 0.00005
        elif bars.get(name):
            log.uncertain[name] = (f"no test {name} is printed, only several evaluate() bars that disagree "
                                   f"({', '.join(f'{v:.4f}' for v in sorted(bars[name])[:4])}): look at which "
                                   "is this model's")
        elif name == "accuracy" and (validation := labels.validation_accuracy(text)):
            log.uncertain[name] = (f"no test accuracy is printed, only a validation accuracy ({validation}): it is "
                                   "the test accuracy if the test set was the validation data: look at it")


def parse_sections(text: str) -> ParsedLog:
    """Every section one run printed, from its cleaned text; missing ones stay None. Linear in the
    text's length."""
    sample_name, sample_label, sample_pixels = parse_sample(text)
    training = parse_training(text)
    shapes, shapes_how = parse_shapes(text)
    prediction, prediction_how = parse_prediction(text)
    accuracy_at = ACCURACY_LINE.search(text)
    matrix, matrix_doubt, matrix_how, matrix_picture = parse_confusion_matrix(
        text, accuracy_at.start() if accuracy_at else None)
    evaluate_lines = parse_evaluate_lines(text, training.first_header_at if training.epochs else None)
    log = ParsedLog(
        shapes=shapes,
        sample_label=sample_label, sample_name=sample_name, sample_pixels=sample_pixels,
        layers=parse_layers(text), total_params=parse_total_params(text),
        epochs=training.epochs, epochs_declared=training.declared, fits=training.fits,
        early_stop=training.early_stop, epoch_numbers=training.numbers,
        loss=first_number(text, LOSS_LINE), accuracy=first_number(text, ACCURACY_LINE),
        confusion_matrix=matrix, uncertain={"confusion_matrix": matrix_doubt} if matrix_doubt else {},
        f1=first_number(text, F1_LINE),
        prediction=prediction,
        evaluate_line=evaluate_lines[-1][0] if evaluate_lines else None,
        evaluate_lines=evaluate_lines,
        device=parse_device(text),
    )
    if not shapes:
        log.bare_shapes = parse_bare_shapes(text, training.first_header_at)
    if matrix_picture is not None:
        log.pictured_at["confusion_matrix"] = matrix_picture
    for name, line in (("accuracy", accuracy_at), ("loss", LOSS_LINE.search(text))):
        if line is not None:
            log.printed_at[name] = line.start()
    log.printed.update({name: how for name, how in (("shapes", shapes_how), ("confusion_matrix", matrix_how),
                                                        ("prediction", prediction_how)) if how})
    by_meaning(log, text)
    return log
