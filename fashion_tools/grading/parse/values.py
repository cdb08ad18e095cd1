"""What a console log of the lecture script printed, section by section, from its cleaned text.

Each section is found by its heading or line prefix with patterns anchored at a line's start
whose parts cannot overlap, so the work stays linear in the log's length whatever it holds. A
section that is not found stays None; the checks turn that into "section not found". Neither
TensorFlow nor Keras is imported here.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from fashion_tools.grading.parse.summary import SummaryLayer, parse_layers, parse_total_params
from fashion_tools.grading.parse.textscan import (
    MAX_TRIES,
    ascii_int,
    lines_after,
    lines_holding,
    matches,
    starting_line,
)

MATRIX_LOOKAHEAD = 20  # lines between a heading and its matrix (warnings may come between)
MAX_MATRIX_LINES = 3000  # numpy's wrapped 28x28 is ~56 lines; room for a narrow linewidth

# What a line reads after its prefix is at most 200 characters; runs of spaces are possessive
# (*+, ++): they never give a space back, so no input makes the engine retry its way through them.
SHAPE_LINE = starting_line("[XY]", r"[ _]?(train|test)[ _]shape[ ]*+[:=]?[ ]*+\(([\d, ]{0,80})\)")
SAMPLE_LINE = starting_line("This is a", r"n?[ ]++([^\n]{1,200})$", re.MULTILINE)
EPOCH_LINE = starting_line("Epoch", r"[ ]++(\d{1,6})[ ]*+/[ ]*+(\d{1,6})(?!\d)")
LOSS_LINE = starting_line("Keras CNN model loss", r"[ ]*+[=:]([^\n]{0,200})")
ACCURACY_LINE = starting_line("Keras CNN model accuracy", r"[ ]*+[=:]([^\n]{0,200})")
F1_LINE = starting_line("F1 score", r"[ ]*+[=:]?([^\n]{0,200})")
# This tool's line before training: 'Training in float32 precision on CPU: AMD EPYC, 2 cores, AVX2, oneDNN on'
DEVICE_LINE = starting_line("Training in", r" [\w]{1,40} precision on ([^\n]{1,200})$", re.MULTILINE)
PREDICTION_LINE = starting_line("Prediction after learning", r"[ ]*+[=:]?([^\n]{0,200})")
CONFUSION_HEADING = "CONFUSION MATRIX"
# A Keras progress bar's line with its metrics: '313/313 ━━━ 1s 3ms/step - accuracy: 0.9065 - loss: 0.2565'
# (Keras 3) or '313/313 [====] - 1s 3ms/step - loss: 0.2565 - accuracy: 0.9065' (Keras 2).
BAR_LINE = re.compile(r"^[ ]*+(\d{1,9})/(\d{1,9})(?!\d)[^\n]{0,400}?\b(?:loss|acc|accuracy): [^\n]{0,400}$",
                      re.MULTILINE)
# The start of a progress bar's line, '300/300 ━━━', and a metric whose value a printed page may have wrapped
BAR_START = re.compile(r"^[ ]*+(\d{1,9})/(\d{1,9})(?![\d/])", re.MULTILINE)
EPOCH_METRIC = re.compile(r"\b(loss|acc|accuracy):\s{1,4}([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)")
BAR_WINDOW = 600  # characters of a bar's last line and its wrapped metrics
METRIC = re.compile(r"\b(loss|acc|accuracy): ([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)")
# A number as Python, numpy or TensorFlow print it: "0.9065", "9.065e-01", "np.float64(0.9065)",
# "tf.Tensor(0.9065, ...)", "[0.27, 0.9065]" (the first), "90.65%".
NUMBER = re.compile(r"(?:[A-Za-z_][\w.]{0,40}\()?\[?[ ]*+"
                    r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?nan|[-+]?inf)(%?)", re.IGNORECASE)
MATRIX_CHARS = frozenset("[]0123456789 ,.+-eE")
FRAME_LINES = 80  # a 10x10 DataFrame wrapped into blocks of columns is about 35 lines
FRAME_ROW = re.compile(r"^[ ]*+(?P<label>[^\d\s\[][^\n]{0,60}?|\d{1,3})(?P<counts>(?:[ ]++\d{1,9}){1,40})"
                       r"[ ]*+\\?[ ]*+$")
ROW = re.compile(r"\[([^\[\]]*)\]")
ABRIDGED = re.compile(r"\d[ ,]*+\.\.\.[ ,]*+\d")  # '40, ..., 953' or '629  ...      359'
ABRIDGED_MATRIX = "the confusion matrix is printed abridged with '...', so not every count is shown: look at it"


@dataclass
class EpochNumbers:
    """What one epoch printed at its end: Keras' last progress bar line of the epoch, or this tool's line."""

    epoch: int
    steps: int | None  # the bar's total, the training steps of an epoch ('300/300'); None where no bar shows it
    loss: float | None
    accuracy: float | None


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
    epoch_numbers: list[EpochNumbers] = field(default_factory=list)  # each epoch's end, in order (diagnosis reads it)
    loss: float | None = None
    accuracy: float | None = None
    confusion_matrix: np.ndarray | None = None
    f1: float | None = None
    prediction: str | None = None
    evaluate_line: tuple[float | None, float | None] | None = None  # (accuracy, loss) of evaluate()'s bar
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
    note: str | None = None  # how the output was found, for the report ('output pasted into the source ...')
    read_by_ocr: bool = False  # some of the text was read from pictures by OCR, which may show what it did not read
    pictures: dict[str, str] = field(default_factory=dict)  # check -> the pictures its section was read from by OCR
    doubts: dict[str, str] = field(default_factory=dict)  # check -> a line of its section OCR is not sure of

    @property
    def readable(self) -> bool:
        return self.problem is None

    @property
    def sections_found(self) -> int:
        """How many of the lecture's sections the log printed (of 9)."""
        sections = (self.shapes, self.sample_label, self.layers, self.epochs, self.loss, self.accuracy,
                    self.confusion_matrix, self.f1, self.prediction)
        return sum(not (s is None or isinstance(s, list | dict) and not s) for s in sections)


# Numbers and numpy's printing of a matrix, wrapped over several lines

def number_at(text: str) -> float | None:
    """The number a line prints after its prefix; a percentage becomes a fraction."""
    m = NUMBER.match(text.strip())
    if m is None:
        return None
    value = float(m.group(1))
    return value / 100 if m.group(2) else value


def first_number(text: str, line: re.Pattern) -> float | None:
    for m in matches(line, text):
        value = number_at(m.group(1))
        if value is not None:
            return value
    return None


def matrix_after(text: str, pos: int, wanted=None) -> np.ndarray | None:
    """The first matrix numpy printed within a few lines after the line at pos for which wanted(m)
    holds (any matrix when wanted is None); failing that, the first one, or None."""
    lines = lines_after(text, pos, MAX_MATRIX_LINES + MATRIX_LOOKAHEAD)
    first, i, skipped = None, 0, 0
    while i < len(lines) and skipped < MATRIX_LOOKAHEAD:
        if not lines[i].lstrip().startswith(("[[", "array([[")):
            i, skipped = i + 1, skipped + 1
            continue
        matrix, used = read_matrix(lines[i:])
        if matrix is not None and (wanted is None or wanted(matrix)):
            return matrix
        first = matrix if first is None else first
        i += max(used, 1)
    return first


def matrix_text(line: str) -> str | None:
    """A line's part of a printed matrix, without a notebook's 'array(' and ', dtype=uint8)'."""
    s = line.strip()
    if s.startswith("array("):
        s = s[len("array("):]
    cut = s.find("dtype")
    if cut >= 0:
        s = s[:cut]
    s = s.rstrip(")")  # the end of Jupyter's 'array([[...]])' when numpy shows no dtype
    return s if set(s) <= MATRIX_CHARS else None


def read_matrix(lines: list[str]) -> tuple[np.ndarray | None, int]:
    """(rows of numbers from '[[' to the matching ']]', lines read); lines that are not matrix text
    (a warning printed in between) are skipped. None when the rows are ragged or not numbers."""
    parts, depth, used = [], 0, 0
    for line in lines[:MAX_MATRIX_LINES]:
        used += 1
        s = matrix_text(line)
        if s is None:
            continue
        parts.append(s)
        depth += s.count("[") - s.count("]")
        if depth <= 0:
            break
    else:
        return None, used  # never closed: a truncated log
    rows = []
    for inner in ROW.findall(" ".join(parts)):
        try:
            rows.append([float(tok) for tok in inner.replace(",", " ").split()])
        except ValueError:
            return None, used
    if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
        return None, used
    return np.array(rows), used


def is_count_matrix(m: np.ndarray) -> bool:
    """Square, at least 2x2, whole numbers: what confusion_matrix() prints (a probability array is not)."""
    return m.ndim == 2 and m.shape[0] == m.shape[1] >= 2 and bool(np.all(m == np.round(m)))


# The sections, in the lecture's order

def parse_shapes(text: str) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for m in matches(SHAPE_LINE, text):
        key = f"{m.group(0)[0].lower()}_{m.group(1).lower()}"  # 'x_train' from 'X train shape'
        dims = [ascii_int(t) for t in m.group(2).replace(",", " ").split()]
        if key not in shapes and None not in dims:
            shapes[key] = tuple(dims)  # type: ignore[arg-type]
        if len(shapes) == 4:
            break
    return shapes


def parse_sample(text: str) -> tuple[str | None, int | None, np.ndarray | None]:
    """(name, label number, raw pixels) from 'This is a pullover 2' and the matrix after it."""
    for m in matches(SAMPLE_LINE, text):
        words = m.group(1).rsplit(None, 1)
        if len(words) == 2 and ascii_int(words[1]) is not None:
            return words[0].strip()[:100] or None, ascii_int(words[1]), matrix_after(text, m.start())
    return None, None, None


def parse_training(text: str) -> tuple[list[int], int | None, int]:
    """(each N, the last M, where the last header is) of the 'Epoch N/M' headers, from a live bar,
    a redirected log or a notebook alike."""
    headers = list(matches(EPOCH_LINE, text))
    if not headers:
        return [], None, 0
    return list(dict.fromkeys(int(m.group(1)) for m in headers)), int(headers[-1].group(2)), headers[-1].start()


def epoch_end(text: str, header: re.Match, end: int) -> EpochNumbers:
    """An epoch's numbers from its header up to end: the metrics on the header's own line (this tool's
    'Epoch 3/10 - loss: ... - accuracy: ...'), else those of the epoch's first progress bar at its last
    step ('300/300 ...': the steps of an epoch; a later bar with another total is evaluate()'s). A bar
    that never reached its last step gives the steps only: a value from mid-epoch is no epoch's number."""
    line_end = text.find("\n", header.end())
    own = dict(EPOCH_METRIC.findall(text[header.end():end if line_end < 0 else min(line_end, end)]))
    steps, final, after = None, None, end
    for m in itertools.islice(BAR_START.finditer(text, header.end(), end), MAX_TRIES):
        if final is not None and after == end:
            after = m.start()  # the final line's metrics end where the next bar line starts
        if steps is not None and int(m.group(2)) != steps:
            break
        steps = int(m.group(2))
        if int(m.group(1)) == steps:
            final, after = m, end
    window = text[final.start():min(after, final.start() + BAR_WINDOW)] if final else ""
    values = {k: float(v) for k, v in (own or dict(EPOCH_METRIC.findall(window))).items()}
    return EpochNumbers(int(header.group(1)), None if own else steps, values.get("loss"),
                        values.get("accuracy", values.get("acc")))


def parse_epoch_numbers(text: str) -> list[EpochNumbers]:
    """Each 'Epoch N/M' header's numbers at the epoch's end, in order; a repeated N keeps its last."""
    headers = list(matches(EPOCH_LINE, text))
    ends = [h.start() for h in headers[1:]] + [len(text)] * bool(headers)
    numbers = {int(h.group(1)): epoch_end(text, h, end) for h, end in zip(headers, ends, strict=True)}
    return list(numbers.values())


def parse_device(text: str) -> str | None:
    m = DEVICE_LINE.search(text)
    return m.group(1).strip() if m else None


def parse_prediction(text: str) -> str | None:
    m = PREDICTION_LINE.search(text)
    if m is None:
        return None
    return m.group(1).strip().strip("[]'\" ")[:100] or None


def frame_after(text: str, pos: int) -> np.ndarray | None:
    """A matrix printed as a pandas DataFrame within a few lines after pos: rows of a label (a class
    name, or the row number) and counts, maybe wrapped into several blocks of columns, as pandas
    prints a wide frame. None unless n rows of n counts come out."""
    rows: dict[str, list[int]] = {}
    for line in lines_after(text, pos, FRAME_LINES):
        m = FRAME_ROW.match(line)
        if m is None:
            if rows and any(c.isdigit() for c in line):
                break  # the frame has ended: its headers and the blank lines between its blocks hold no digits
            continue
        counts = [int(t) for t in m["counts"].split()]
        numbers = ([int(m["label"])] if m["label"].isdigit() else []) + counts
        if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            continue  # a numbered frame's header: its column numbers
        rows.setdefault(m["label"].strip(), []).extend(counts)
    counts = list(rows.values())
    if len(counts) < 2 or any(len(r) != len(counts) for r in counts):
        return None
    return np.array(counts, dtype=float)


def abridged_after(text: str, pos: int) -> bool:
    """Whether numpy or pandas abridged a printout just after pos with '...' (numpy under a threshold the
    student lowered; pandas in a terminal narrower than the frame)."""
    return any(ABRIDGED.search(line) for line in lines_after(text, pos, MATRIX_LOOKAHEAD + 40))


def counts_after(text: str, pos: int) -> np.ndarray | None:
    """The first square matrix of counts after the line at pos, as numpy prints it (print, or Jupyter's
    array(...)) or as a DataFrame; failing that, whatever matrix numpy printed there, or None."""
    m = matrix_after(text, pos, is_count_matrix)
    if m is not None and is_count_matrix(m):
        return m
    return frame_after(text, pos) if m is None else m


def parse_confusion_matrix(text: str) -> tuple[np.ndarray | None, str | None]:
    """(the matrix, why it could not be read with confidence).

    The first square matrix of counts after a heading line; each heading is tried, since a notebook's
    PDF also shows the code that prints it. A debug print of other arrays in between is skipped (and
    reported as the matrix only when no matrix of counts follows). With no heading, a notebook cell that
    ends in `cm` shows it as its result: the first square matrix of counts after the test accuracy line
    (the sample's pixels come before it)."""
    first = None
    for at in itertools.islice(lines_holding(text, CONFUSION_HEADING), MAX_TRIES):
        m = counts_after(text, at)
        if m is not None and is_count_matrix(m):
            return m, None
        if m is None and abridged_after(text, at):
            return None, ABRIDGED_MATRIX
        first = m if first is None else first
    if first is not None:
        return first, None
    accuracy = ACCURACY_LINE.search(text)
    if accuracy is None:
        return None, None
    starts = itertools.chain([accuracy.start()], (at - 1 for at in lines_holding(text, "[[") if at > accuracy.start()))
    for at in itertools.islice(starts, MAX_TRIES):
        m = counts_after(text, at)
        if m is not None and is_count_matrix(m) and m.shape[0] > 2:
            return m, None
    return None, ABRIDGED_MATRIX if abridged_after(text, accuracy.start()) else None


def parse_evaluate_line(text: str, epochs_at: int) -> tuple[float | None, float | None] | None:
    """(accuracy, loss) of Keras' evaluate() progress bar, or None when the log has none.

    Between the last 'Epoch N/M' header and the printed test loss, progress bars with metrics
    come in groups: a new bar starts when its counter restarts or its total changes. The first
    group after an epoch header is that epoch's; a later one is evaluate()'s, its last line final.
    """
    end = LOSS_LINE.search(text, epochs_at)
    end_at = end.start() if end else len(text)
    groups: list[list[re.Match]] = []
    for m in itertools.islice(BAR_LINE.finditer(text, epochs_at, end_at), MAX_TRIES):
        step, total = int(m.group(1)), int(m.group(2))
        last = groups[-1][-1] if groups else None
        if last is None or int(last.group(2)) != total or int(last.group(1)) > step:
            groups.append([])
        groups[-1].append(m)
    if len(groups) < (2 if epochs_at else 1):
        return None
    line = groups[-1][-1].group(0)
    values = {k: float(v) for k, v in METRIC.findall(line)}
    accuracy = values.get("accuracy", values.get("acc"))
    return (accuracy, values.get("loss")) if accuracy is not None or "loss" in values else None


def parse_sections(text: str) -> ParsedLog:
    """Every section one run printed, from its cleaned text; missing ones stay None. Linear in the
    text's length."""
    sample_name, sample_label, sample_pixels = parse_sample(text)
    epochs, epochs_declared, epochs_at = parse_training(text)
    matrix, matrix_doubt = parse_confusion_matrix(text)
    return ParsedLog(
        shapes=parse_shapes(text),
        sample_label=sample_label, sample_name=sample_name, sample_pixels=sample_pixels,
        layers=parse_layers(text), total_params=parse_total_params(text),
        epochs=epochs, epochs_declared=epochs_declared, epoch_numbers=parse_epoch_numbers(text),
        loss=first_number(text, LOSS_LINE), accuracy=first_number(text, ACCURACY_LINE),
        confusion_matrix=matrix, uncertain={"confusion_matrix": matrix_doubt} if matrix_doubt else {},
        f1=first_number(text, F1_LINE),
        prediction=parse_prediction(text),
        evaluate_line=parse_evaluate_line(text, epochs_at),
        device=parse_device(text),
    )
