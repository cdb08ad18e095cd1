"""Reading a student's console log of the lecture script: what it printed, section by section.

The log is untrusted text. Nothing in it is executed or imported; it is read with a size
limit, decoded leniently, and scanned with plain string methods and anchored patterns so
the work stays linear in its length, whatever it holds. A section that cannot be found
is left empty (None); the grader turns that into "section not found" for the checks
that need it. Neither TensorFlow nor Keras is imported here.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAX_LOG_BYTES = 20 << 20  # a real log of the lecture is about 10 kB
MAX_UNDECODABLE = 0.10  # a larger share of bytes that are not UTF-8 means it is no text log
MATRIX_LOOKAHEAD = 20  # lines between a heading and its matrix (warnings may come between)
MAX_MATRIX_LINES = 3000  # numpy's wrapped 28x28 is ~56 lines; room for a narrow linewidth
MAX_SUMMARY_LINES = 500

# Terminal escape sequences: CSI (colours, cursor moves), OSC (titles), then any lone ESC.
# The character classes do not overlap, so each match is a single forward scan.
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*\x07?|\x1b[@-_]?")
SHAPE_LINE = re.compile(r"\s*([XY])[ _]?(train|test)[ _]shape\s*[:=]?\s*\(([\d,\s]{0,80})\)", re.IGNORECASE)
EPOCH_LINE = re.compile(r"\s*Epoch\s+(\d{1,6})\s*/\s*(\d{1,6})(?!\d)")
LOSS_LINE = re.compile(r"\s*Keras CNN model loss\s*[=:]\s*", re.IGNORECASE)
ACCURACY_LINE = re.compile(r"\s*Keras CNN model accuracy\s*[=:]\s*", re.IGNORECASE)
F1_LINE = re.compile(r"\s*F1 score\s*[=:]?\s*", re.IGNORECASE)
PREDICTION_LINE = re.compile(r"\s*Prediction after learning\s*[=:]?", re.IGNORECASE)
TOTAL_PARAMS = re.compile(r"Total params:\s*([\d,]{1,20})")
# A number as Python, numpy or TensorFlow print it: "0.9065", "9.065e-01", "np.float64(0.9065)",
# "tf.Tensor(0.9065, ...)", "[0.27, 0.9065]" (the first), "90.65%".
NUMBER = re.compile(r"(?:[A-Za-z_][\w.]{0,40}\()?\[?\s*"
                    r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?nan|[-+]?inf)(%?)", re.IGNORECASE)
MATRIX_CHARS = frozenset("[]0123456789 \t,.+-eE")
ROW = re.compile(r"\[([^\[\]]*)\]")
ALNUM = re.compile(r"[^\W_]")  # a letter or digit
BOX_VERTICALS = str.maketrans({"┃": "│", "║": "│", "|": "│"})


@dataclass
class SummaryLayer:
    """One row of model.summary(): 'conv2d (Conv2D)  (None, 28, 28, 32)  160'."""

    name: str
    kind: str
    params: int | None


@dataclass
class ParsedLog:
    """What a console log printed; None (or empty) wherever a section was not found."""

    problem: str | None = None  # why the file could not be read as a log; None when it could
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # x_train, y_train, x_test, y_test
    sample_label: int | None = None
    sample_name: str | None = None
    sample_pixels: np.ndarray | None = None
    layers: list[SummaryLayer] | None = None
    total_params: int | None = None
    epochs: list[int] = field(default_factory=list)  # the N of each "Epoch N/M" seen, in order
    epochs_declared: int | None = None  # the M
    loss: float | None = None
    accuracy: float | None = None
    confusion_matrix: np.ndarray | None = None
    f1: float | None = None
    prediction: str | None = None

    @property
    def readable(self) -> bool:
        return self.problem is None


# Reading and cleaning

def read_text(path: str | Path, limit: int = MAX_LOG_BYTES) -> tuple[str | None, str | None]:
    """(text, None) for a log, (None, why) for anything that is not one. Reads at most limit + 1 bytes."""
    path = Path(path)
    try:
        if not path.is_file():
            return None, "not a regular file"
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or type(exc).__name__})"
    if len(data) > limit:
        return None, f"larger than {limit >> 20} MB, too large for a console log"
    return decode(data)


def decode(data: bytes) -> tuple[str | None, str | None]:
    """UTF-8 (or UTF-16 with its byte-order mark, as Windows PowerShell redirects), leniently."""
    if not data.strip():
        return None, "empty file"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\0" in data:
        return None, "binary file (it holds NUL bytes), not a console log"
    else:
        text = data.decode("utf-8-sig", errors="replace")
    if text.count("\ufffd") > MAX_UNDECODABLE * len(text):
        return None, "binary file (mostly bytes that are not text), not a console log"
    return text, None


def clean_lines(text: str) -> list[str]:
    """The lines as a terminal finally showed them: no colours, progress bars at their last state."""
    text = ANSI.sub("", text).replace("\r\n", "\n")
    lines = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        line = line[line.rfind("\r") + 1:]  # a carriage return starts the line over, as Keras' bar does
        lines.append(line.replace("\b", "") if "\b" in line else line)
    return lines


# Small helpers

def ascii_int(text: str) -> int | None:
    """'411,242' -> 411242; None for anything else (str.isdigit also accepts '²', int() does not)."""
    text = text.replace(",", "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def number_at(text: str) -> float | None:
    """The number a line prints after its prefix; a percentage becomes a fraction."""
    m = NUMBER.match(text[:200].strip())
    if m is None:
        return None
    value = float(m.group(1))
    return value / 100 if m.group(2) else value


def first_number(lines: list[str], prefix: re.Pattern) -> float | None:
    for line in lines:
        m = prefix.match(line)
        if m:
            value = number_at(line[m.end():])
            if value is not None:
                return value
    return None


def find_line(lines: list[str], needle: str, start: int = 0) -> int | None:
    needle = needle.lower()
    for i in range(start, len(lines)):
        if needle in lines[i].lower():
            return i
    return None


# numpy's printing of a matrix, wrapped over several lines

def matrix_after(lines: list[str], start: int) -> np.ndarray | None:
    """The first matrix numpy printed within a few lines after start, or None."""
    for i in range(start, min(start + MATRIX_LOOKAHEAD, len(lines))):
        s = lines[i].strip()
        if s.startswith(("[[", "array([[")):
            return read_matrix(lines, i)
    return None


def matrix_text(line: str) -> str | None:
    """A line's part of a printed matrix, without a notebook's 'array(' and ', dtype=uint8)'."""
    s = line.strip()
    if s.startswith("array("):
        s = s[len("array("):]
    cut = s.find("dtype")
    if cut >= 0:
        s = s[:cut]
    return s if set(s) <= MATRIX_CHARS else None


def read_matrix(lines: list[str], start: int) -> np.ndarray | None:
    """Rows of numbers from '[[' to the matching ']]'; lines that are not matrix text (a warning
    printed in between) are skipped. None when the rows are ragged or not numbers."""
    parts, depth = [], 0
    for line in lines[start:start + MAX_MATRIX_LINES]:
        s = matrix_text(line)
        if s is None:
            continue
        parts.append(s)
        depth += s.count("[") - s.count("]")
        if depth <= 0:
            break
    else:
        return None  # never closed: a truncated log
    rows = []
    for inner in ROW.findall(" ".join(parts)):
        try:
            rows.append([float(tok) for tok in inner.replace(",", " ").split()])
        except ValueError:
            return None
    if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
        return None
    return np.array(rows)


# The sections, in the lecture's order

def parse_shapes(lines: list[str]) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for line in lines:
        m = SHAPE_LINE.match(line)
        if m:
            key = f"{m.group(1).lower()}_{m.group(2).lower()}"
            dims = [ascii_int(t) for t in m.group(3).replace(",", " ").split()]
            if key not in shapes and None not in dims:
                shapes[key] = tuple(dims)  # type: ignore[arg-type]
    return shapes


def parse_sample(lines: list[str], log: ParsedLog) -> None:
    """'This is a pullover 2' then the raw 28x28 pixels."""
    for i, line in enumerate(lines):
        s = line.strip()
        if not s.startswith("This is a"):
            continue
        words = s[len("This is a"):].rsplit(None, 1)
        if len(words) == 2 and ascii_int(words[1]) is not None:
            log.sample_name = words[0].removeprefix("n ").strip()[:100] or None  # "This is an ..."
            log.sample_label = ascii_int(words[1])
            log.sample_pixels = matrix_after(lines, i + 1)
            return


def parse_training(lines: list[str], log: ParsedLog) -> None:
    """The 'Epoch N/M' headers, from a live bar, a redirected log or a notebook alike."""
    seen: dict[int, None] = {}
    for line in lines:
        m = EPOCH_LINE.match(line)
        if m:
            seen.setdefault(int(m.group(1)))
            log.epochs_declared = int(m.group(2))
    log.epochs = list(seen)


def parse_prediction(lines: list[str]) -> str | None:
    for line in lines:
        m = PREDICTION_LINE.match(line)
        if m:
            name = line[m.end():].strip().strip("[]'\" ")
            return name[:100] or None
    return None


def parse_confusion_matrix(lines: list[str]) -> np.ndarray | None:
    heading = find_line(lines, "CONFUSION MATRIX")
    return None if heading is None else matrix_after(lines, heading + 1)


def parse_total_params(lines: list[str]) -> int | None:
    for line in lines:
        if "Total params" in line:
            m = TOTAL_PARAMS.search(line)
            if m:
                return ascii_int(m.group(1))
    return None


# model.summary(): Keras 3's box-drawn table and Keras 2's ruled one, rows maybe wrapped

def is_rule(line: str) -> bool:
    """A separator line ('____', '====', '├───┼───┤') or a blank one: the end of a table row."""
    return ALNUM.search(line) is None


def summary_cells(header: str):
    """A function that cuts a row into (name cell, params cell), fitted to the header's columns."""
    if "│" in header.translate(BOX_VERTICALS):
        titles = [c.strip() for c in header.translate(BOX_VERTICALS).split("│")]
        col = next((i for i, t in enumerate(titles) if t.startswith("Param")), len(titles) - 2)

        def box_cells(line: str) -> tuple[str, str]:
            cells = line.translate(BOX_VERTICALS).split("│")
            return (cells[1] if len(cells) > 1 else "", cells[col] if len(cells) > col else "")

        return box_cells
    shape_at, params_at = header.find("Output Shape"), header.find("Param #")
    after = header[params_at + len("Param #"):]
    next_at = params_at + len("Param #") + (len(after) - len(after.lstrip())) if after.strip() else None

    def column_cells(line: str) -> tuple[str, str]:
        tokens = line.split()
        if tokens and ascii_int(tokens[-1]) is not None and len(tokens) >= 3 and tokens[1].startswith("("):
            if ascii_int(line[params_at:next_at]) is None:  # spacing lost (a notebook copy): go by words
                return " ".join(tokens[:2]), tokens[-1]
        return line[:shape_at], line[params_at:next_at]

    return column_cells


def split_name(cell: str) -> tuple[str, str] | None:
    """'max_pooling2d (MaxPooling2D)' -> ('max_pooling2d', 'MaxPooling2D')."""
    cell = cell.strip()
    open_at = cell.rfind("(")
    if not cell.endswith(")") or open_at <= 0:
        return None
    kind = cell[open_at + 1:-1].strip()
    return (cell[:open_at].strip(), kind) if kind.isidentifier() else None


def parse_layers(lines: list[str]) -> list[SummaryLayer] | None:
    """The summary's rows from the header 'Layer (type)' to 'Total params'."""
    header = next((i for i, line in enumerate(lines) if "Layer (type)" in line and "Param #" in line), None)
    if header is None:
        return None
    cells = summary_cells(lines[header])
    rows: list[list] = []  # [name cell text, params]; a continuation line extends the last one
    open_row = False
    for line in lines[header + 1:header + 1 + MAX_SUMMARY_LINES]:
        if "Total params" in line:
            break
        if is_rule(line):
            open_row = False
            continue
        name, params = cells(line)
        count = ascii_int(params.split()[0]) if params.split() else None
        if count is not None or not open_row:
            rows.append([name.strip(), count])
            open_row = True
        else:
            rows[-1][0] += name.strip()  # Keras wraps a long "name (Kind)" over lines
    layers = []
    for name_cell, count in rows:
        parts = split_name(name_cell)
        if parts:
            layers.append(SummaryLayer(parts[0], parts[1], count))
    return layers


# Putting it together

def parse_text(text: str) -> ParsedLog:
    """Every section the log printed; missing ones stay None. Linear in the text's length."""
    lines = clean_lines(text)
    log = ParsedLog()
    log.shapes = parse_shapes(lines)
    parse_sample(lines, log)
    log.layers = parse_layers(lines)
    log.total_params = parse_total_params(lines)
    parse_training(lines, log)
    log.loss = first_number(lines, LOSS_LINE)
    log.accuracy = first_number(lines, ACCURACY_LINE)
    log.confusion_matrix = parse_confusion_matrix(lines)
    log.f1 = first_number(lines, F1_LINE)
    log.prediction = parse_prediction(lines)
    return log


def parse_file(path: str | Path, limit: int = MAX_LOG_BYTES) -> ParsedLog:
    """A log file's sections, or a ParsedLog whose problem says why the file is not a log."""
    text, problem = read_text(path, limit)
    if text is None:
        return ParsedLog(problem=problem)
    return parse_text(text)
