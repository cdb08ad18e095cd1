"""Reading a student's console log of the lecture script: what it printed, section by section.

The log is untrusted text. Nothing in it is executed or imported; it is read with a size
limit and decoded leniently. It is cleaned as a terminal would show it, then each section
is found by its heading or line prefix with patterns anchored at a line's start whose
parts cannot overlap, so the work stays linear in the log's length whatever it holds. A
section that is not found stays None; the grader turns that into "section not found" for
the checks that need it. Neither TensorFlow nor Keras is imported here.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAX_LOG_BYTES = 20 << 20  # a real log of the lecture is about 10 kB
MAX_UNDECODABLE = 0.10  # a larger share of bytes that are not UTF-8 means it is no text log
MATRIX_LOOKAHEAD = 20  # lines between a heading and its matrix (warnings may come between)
MAX_MATRIX_LINES = 3000  # numpy's wrapped 28x28 is ~56 lines; room for a narrow linewidth
MAX_SUMMARY_LINES = 500
SPAN = 256 << 10  # how far after a heading its matrix or table may reach, in characters
MAX_TRIES = 10_000  # lines of one kind read before giving up: a log has one or two of each, ten epochs

# Terminal escape sequences: CSI (colours, cursor moves), OSC (titles), then any lone ESC.
# The character classes do not overlap, so each match is a single forward scan.
ANSI = re.compile(r"\x1b\[[0-?]*+[ -/]*+[@-~]|\x1b\][^\x07\x1b]*+\x07?|\x1b[@-_]?")
SPACES = ("\u00a0", "\u202f", "\u2007", "\t")  # a browser copy's no-break spaces, and tabs
# Carriage returns that end a line (CRLF, a progress bar's last one). The pattern begins with a
# literal, so the engine skips to each \r; the look-behind lets only a run's first \r start a match.
LINE_END_CR = re.compile(r"\r(?<!\r\r)\r*+(?=\n|\Z)")
OVERWRITTEN = re.compile(r"^(?:[^\n\r]*+\r)++", re.MULTILINE)  # a line up to its last \r: written over


def starting_line(head: str, rest: str, flags: int = 0) -> re.Pattern:
    """A pattern for a line that starts (after any indent) with head, a fixed-width literal.

    It begins with head itself, so the engine skips ahead to each occurrence of it instead of
    trying every character; the look-behind just after head then asks that head follows a
    newline or a space (or the start of the text).
    """
    return re.compile(f"{head}(?<![^\\n ]{head}){rest}", flags)


# What a line reads after its prefix is at most 200 characters; runs of spaces are possessive
# (*+, ++): they never give a space back, so no input makes the engine retry its way through them.
SHAPE_LINE = starting_line("[XY]", r"[ _]?(train|test)[ _]shape[ ]*+[:=]?[ ]*+\(([\d, ]{0,80})\)")
SAMPLE_LINE = starting_line("This is a", r"n?[ ]++([^\n]{1,200})$", re.MULTILINE)
EPOCH_LINE = starting_line("Epoch", r"[ ]++(\d{1,6})[ ]*+/[ ]*+(\d{1,6})(?!\d)")
LOSS_LINE = starting_line("Keras CNN model loss", r"[ ]*+[=:]([^\n]{0,200})")
ACCURACY_LINE = starting_line("Keras CNN model accuracy", r"[ ]*+[=:]([^\n]{0,200})")
F1_LINE = starting_line("F1 score", r"[ ]*+[=:]?([^\n]{0,200})")
PREDICTION_LINE = starting_line("Prediction after learning", r"[ ]*+[=:]?([^\n]{0,200})")
CONFUSION_HEADING = "CONFUSION MATRIX"
TOTAL_PARAMS = re.compile(r"Total params:[ ]*+([\d,]{1,20})")
# A number as Python, numpy or TensorFlow print it: "0.9065", "9.065e-01", "np.float64(0.9065)",
# "tf.Tensor(0.9065, ...)", "[0.27, 0.9065]" (the first), "90.65%".
NUMBER = re.compile(r"(?:[A-Za-z_][\w.]{0,40}\()?\[?[ ]*+"
                    r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?nan|[-+]?inf)(%?)", re.IGNORECASE)
MATRIX_CHARS = frozenset("[]0123456789 ,.+-eE")
ROW = re.compile(r"\[([^\[\]]*)\]")
RULE = re.compile(r"[ _=+\-─━═┏┓┗┛┡┩╇├┼┤└┴┘┌┐┬┳│┃]*+")  # '____', '====', '├───┼───┤' or blank
TRUNCATED = "..."  # marks a layer kind that old Keras cut at its column: 'max_pooling2d_1 (MaxPooling2'
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

    @property
    def sections_found(self) -> int:
        """How many of the lecture's sections the log printed (of 9)."""
        sections = (self.shapes, self.sample_label, self.layers, self.epochs, self.loss, self.accuracy,
                    self.confusion_matrix, self.f1, self.prediction)
        return sum(not (s is None or isinstance(s, list | dict) and not s) for s in sections)


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


def clean_text(text: str) -> str:
    """The log as a terminal finally showed it: no colours, each progress bar at its last state."""
    text = ANSI.sub("", text).replace("\b", "")  # a bar's backspaces move the cursor; the text stays
    for space in SPACES:
        text = text.replace(space, " ")
    text = LINE_END_CR.sub("", text)
    if "\r" in text:
        text = OVERWRITTEN.sub("", text)  # a carriage return starts the line over, as Keras' bar does
    return text


def lines_after(text: str, pos: int, count: int) -> list[str]:
    """Up to count lines that follow the line holding pos (within SPAN characters)."""
    start = text.find("\n", pos)
    return [] if start < 0 else text[start + 1:start + 1 + SPAN].split("\n")[:count]


def line_at(text: str, pos: int) -> str:
    start, end = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    return text[start:] if end < 0 else text[start:end]


def lines_holding(text: str, needle: str) -> Iterator[int]:
    """The position of needle in each line that holds it, each line once."""
    at = text.find(needle)
    while at >= 0:
        yield at
        end = text.find("\n", at)
        if end < 0:
            return
        at = text.find(needle, end)


# Small helpers

def ascii_int(text: str) -> int | None:
    """'411,242' -> 411242; None for anything else (str.isdigit also accepts '²', int() does not)."""
    text = text.replace(",", "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def number_at(text: str) -> float | None:
    """The number a line prints after its prefix; a percentage becomes a fraction."""
    m = NUMBER.match(text.strip())
    if m is None:
        return None
    value = float(m.group(1))
    return value / 100 if m.group(2) else value


def matches(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """The pattern's first MAX_TRIES matches: a hostile log may hold millions."""
    return itertools.islice(pattern.finditer(text), MAX_TRIES)


def first_number(text: str, line: re.Pattern) -> float | None:
    for m in matches(line, text):
        value = number_at(m.group(1))
        if value is not None:
            return value
    return None


# numpy's printing of a matrix, wrapped over several lines

def matrix_after(text: str, pos: int) -> np.ndarray | None:
    """The first matrix numpy printed within a few lines after the line at pos, or None."""
    lines = lines_after(text, pos, MAX_MATRIX_LINES + MATRIX_LOOKAHEAD)
    for i, line in enumerate(lines[:MATRIX_LOOKAHEAD]):
        if line.lstrip().startswith(("[[", "array([[")):
            return read_matrix(lines[i:])
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


def read_matrix(lines: list[str]) -> np.ndarray | None:
    """Rows of numbers from '[[' to the matching ']]'; lines that are not matrix text (a warning
    printed in between) are skipped. None when the rows are ragged or not numbers."""
    parts, depth = [], 0
    for line in lines[:MAX_MATRIX_LINES]:
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


def parse_sample(text: str, log: ParsedLog) -> None:
    """'This is a pullover 2' then the raw 28x28 pixels."""
    for m in matches(SAMPLE_LINE, text):
        words = m.group(1).rsplit(None, 1)
        if len(words) == 2 and ascii_int(words[1]) is not None:
            log.sample_name = words[0].strip()[:100] or None
            log.sample_label = ascii_int(words[1])
            log.sample_pixels = matrix_after(text, m.start())
            return


def parse_training(text: str, log: ParsedLog) -> None:
    """The 'Epoch N/M' headers, from a live bar, a redirected log or a notebook alike."""
    headers = [m.groups() for m in matches(EPOCH_LINE, text)]
    if headers:
        log.epochs = list(dict.fromkeys(int(n) for n, _ in headers))
        log.epochs_declared = int(headers[-1][1])


def parse_prediction(text: str) -> str | None:
    m = PREDICTION_LINE.search(text)
    if m is None:
        return None
    return m.group(1).strip().strip("[]'\" ")[:100] or None


def parse_confusion_matrix(text: str) -> np.ndarray | None:
    at = text.find(CONFUSION_HEADING)
    return None if at < 0 else matrix_after(text, at)


def parse_total_params(text: str) -> int | None:
    m = TOTAL_PARAMS.search(text)
    return None if m is None else ascii_int(m.group(1))


# model.summary(): Keras 3's box-drawn table and Keras 2's ruled one, rows maybe wrapped

def is_rule(line: str) -> bool:
    """A separator line or a blank one: the end of a table row."""
    return RULE.fullmatch(line) is not None


def summary_cells(header: str):
    """A function that cuts a row into (name cell, params cell), fitted to the header's columns."""
    if "│" in header.translate(BOX_VERTICALS):
        titles = [c.strip() for c in header.translate(BOX_VERTICALS).split("│")]
        col = next((i for i, t in enumerate(titles) if t.startswith("Param")), len(titles) - 2)

        def box_cells(line: str) -> tuple[str, str]:
            cells = line.translate(BOX_VERTICALS).split("│", col + 1)
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
    """'max_pooling2d (MaxPooling2D)' -> ('max_pooling2d', 'MaxPooling2D'); a kind cut short by
    old Keras' fixed columns, 'max_pooling2d_1 (MaxPooling2', ends in TRUNCATED."""
    cell = cell.strip()
    open_at = cell.rfind("(")
    if open_at <= 0:
        return None
    kind = cell[open_at + 1:].removesuffix(")").strip()
    if not kind.isidentifier():
        return None
    return cell[:open_at].strip(), kind if cell.endswith(")") else kind + TRUNCATED


def summary_header(text: str) -> int | None:
    """Where the summary's header line 'Layer (type)  Output Shape  Param #' is."""
    for at in lines_holding(text, "Layer (type)"):
        if "Param #" in line_at(text, at):
            return at
    return None


def parse_layers(text: str) -> list[SummaryLayer] | None:
    """The summary's rows from the header 'Layer (type)' to 'Total params'."""
    header = summary_header(text)
    if header is None:
        return None
    cells = summary_cells(line_at(text, header))
    rows: list[list] = []  # [name cell text, params]; a continuation line extends the last one
    open_row = False
    for line in lines_after(text, header, MAX_SUMMARY_LINES):
        if "Total params" in line:
            break
        if is_rule(line):
            open_row = False
            continue
        name, params = cells(line)
        count = ascii_int(params.split(None, 1)[0]) if params.strip() else None
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
    text = clean_text(text)
    log = ParsedLog()
    log.shapes = parse_shapes(text)
    parse_sample(text, log)
    log.layers = parse_layers(text)
    log.total_params = parse_total_params(text)
    parse_training(text, log)
    log.loss = first_number(text, LOSS_LINE)
    log.accuracy = first_number(text, ACCURACY_LINE)
    log.confusion_matrix = parse_confusion_matrix(text)
    log.f1 = first_number(text, F1_LINE)
    log.prediction = parse_prediction(text)
    return log


def parse_file(path: str | Path, limit: int = MAX_LOG_BYTES) -> ParsedLog:
    """A log file's sections, or a ParsedLog whose problem says why the file is not a log."""
    text, problem = read_text(path, limit)
    if text is None:
        return ParsedLog(problem=problem)
    return parse_text(text)
