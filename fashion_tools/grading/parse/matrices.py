"""Matrices as students print them: numpy's print (wrapped over lines), a notebook's array([[...]])
result, a pandas DataFrame of any width; and the confusion matrix found by meaning, under the
lecture's heading, another heading or language, or none.

Every scan is bounded (textscan's MAX_TRIES and SPAN), so the work stays linear in the text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import numpy as np

from fashion_tools.grading.parse.table import SECTION_STARTS
from fashion_tools.grading.parse.textscan import MAX_TRIES, iter_lines, line_at, lines_after, lines_holding
from fashion_tools.network import LABELS

MATRIX_LOOKAHEAD = 20  # lines between a heading and its matrix (warnings may come between)
MAX_MATRIX_LINES = 3000  # numpy's wrapped 28x28 is ~56 lines; room for a narrow linewidth
MAX_APART = 8  # lines of something else (a warning) inside one printed matrix
MATRIX_CHARS = frozenset("[]0123456789 ,.+-eE")
# A 10x10 DataFrame in a narrow display wraps into up to 10 blocks of 12 lines (a header, 10 rows, a blank)
FRAME_LINES = 400
FRAME_ROW = re.compile(r"^[ ]*+(?P<label>[^\d\s\[][^\n]{0,60}?|\d{1,3})(?P<counts>(?:[ ]++\d{1,9}){1,40})"
                       r"[ ]*+\\?[ ]*+$")
ROW = re.compile(r"\[([^\[\]]*)\]")
ABRIDGED = re.compile(r"\d[ ,]*+\.\.\.[ ,]*+\d")  # '40, ..., 953' or '629  ...      359'
ABRIDGED_MATRIX = "the confusion matrix is printed abridged with '...', so not every count is shown: look at it"
# Headings of a confusion matrix other than the lecture's, in the languages students write in
OTHER_HEADINGS = re.compile(r"confusion|confusi[oó]n|Konfusion|Verwechslung|혼동|混淆|混同|матриц[аы] ошибок",
                            re.IGNORECASE)
# A matplotlib or seaborn figure where a notebook's text shows the matrix would be
# (readers write '<Figure: a picture>' for a picture output without such a text: an HTML export's <img>)
FIGURE = re.compile(r"^[ ]*+<(?:Figure|Axes|matplotlib\.|seaborn\.)[^\n]{0,120}>[ ]*$", re.MULTILINE)
AXES = re.compile(r"with (\d{1,4}) Axes")  # a heatmap has one, or two with its colour bar; a grid of images many
CLASSES = len(LABELS)
MAX_HEADINGS = 200  # headings (or bare matrices) tried in one run: a log has one, a notebook's PDF a few


# a notebook's 'Out[14]:' before its result, where a picture shows it (OCR may misread it: '????[?1]:')
PROMPT = re.compile(r"^[ ]*+[\w?]{1,4}[ ]?\[[ \d?]{0,6}\]:[ ]*+")


def matrix_text(line: str) -> str | None:
    """A line's part of a printed matrix, without a notebook's 'Out[14]:', 'array(' and ', dtype=uint8)'."""
    s = PROMPT.sub("", line).strip()
    if s.startswith("array("):
        s = s[len("array("):]
    cut = s.find("dtype")
    if cut >= 0:
        s = s[:cut]
    s = s.rstrip(")")  # the end of Jupyter's 'array([[...]])' when numpy shows no dtype
    return s if set(s) <= MATRIX_CHARS else None


def read_matrix(lines: Iterable[str]) -> tuple[np.ndarray | None, int]:
    """(rows of numbers from '[[' to the matching ']]', lines read); lines that are not matrix text
    (a warning printed in between) are skipped. None when the rows are ragged or not numbers."""
    parts, depth, used, apart = [], 0, 0, 0
    for line in itertools.islice(lines, MAX_MATRIX_LINES):
        used += 1
        s = matrix_text(line)
        if s is None:
            apart += 1
            if apart > MAX_APART:
                return None, used  # no matrix goes on after this many other lines: never closed
            continue
        apart = 0
        parts.append(s)
        depth += s.count("[") - s.count("]")
        if depth <= 0 or depth > 3:  # closed, or not a 2-D (or 3-D) printout
            break
    else:
        return None, used  # never closed: a truncated log
    if depth > 0:
        return None, used
    rows = []
    for inner in ROW.findall(" ".join(parts)):
        try:
            rows.append([float(tok) for tok in inner.replace(",", " ").split()])
        except ValueError:
            return None, used
    if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
        return None, used
    return np.array(rows), used


def matrix_after(text: str, pos: int, wanted=None) -> np.ndarray | None:
    """The first matrix numpy printed within a few lines after the line at pos for which wanted(m)
    holds (any matrix when wanted is None); failing that, the first one, or None. Lines are read
    one at a time, as far as needed."""
    lines = iter_lines(text, pos)
    first, skipped = None, 0
    for line in lines:
        if skipped >= MATRIX_LOOKAHEAD:
            break
        if not PROMPT.sub("", line).lstrip().startswith(("[[", "array([[")):
            skipped += 1
            continue
        matrix, _ = read_matrix(itertools.chain([line], lines))
        if matrix is not None and (wanted is None or wanted(matrix)):
            return matrix
        first = matrix if first is None else first
    return first


def is_count_matrix(m: np.ndarray) -> bool:
    """Square, at least 2x2, whole numbers: what confusion_matrix() prints (a probability array is not)."""
    return m.ndim == 2 and m.shape[0] == m.shape[1] >= 2 and bool(np.all(m == np.round(m)))


def frame_after(text: str, pos: int) -> np.ndarray | None:
    """A matrix printed as a pandas DataFrame within a few lines after pos: rows of a label (a class
    name, or the row number) and counts, maybe wrapped into several blocks of columns, as pandas
    prints a wide frame. None unless n rows of n counts come out."""
    rows: dict[str, list[int]] = {}
    before = 0  # lines with something on them before the frame's first row
    for line in itertools.islice(iter_lines(text, pos), FRAME_LINES):
        m = FRAME_ROW.match(line)
        if m is None:
            before += not rows and bool(line.strip())
            if rows and any(c.isdigit() for c in line) or before > MATRIX_LOOKAHEAD:
                break  # the frame has ended (its headers and blank lines hold no digits), or never began
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
    """Whether numpy or pandas abridged a printout just after pos with '...'."""
    return any(ABRIDGED.search(line) for line in lines_after(text, pos, MATRIX_LOOKAHEAD + 40))


def counts_after(text: str, pos: int) -> np.ndarray | None:
    """The first square matrix of counts after the line at pos, as numpy prints it (print, or Jupyter's
    array(...)) or as a DataFrame; failing that, whatever matrix numpy printed there, or None."""
    m = matrix_after(text, pos, is_count_matrix)
    if m is not None and is_count_matrix(m):
        return m
    return frame_after(text, pos) if m is None else m


def axes(figure: str) -> int:
    m = AXES.search(figure)
    return int(m.group(1)) if m else 1


def heading_line(text: str, at: int) -> str:
    return line_at(text, at).strip(" =-#*:")[:60]


def figure_after(text: str, pos: int) -> int | None:
    """Where a figure (a heatmap) stands within a few lines after pos, where the matrix would be; else None."""
    end = text.find("\n", pos)
    for _ in range(MATRIX_LOOKAHEAD):
        if end < 0:
            return None
        m = FIGURE.match(text, end + 1)
        if m:
            return m.start()
        end = text.find("\n", end + 1)
    return None


def parse_confusion_matrix(text: str, accuracy_at: int | None) -> tuple[np.ndarray | None, str | None, str | None,
                                                                        int | None]:
    """(the matrix, why it could not be read with confidence, how it was printed when not as the lecture,
    where a picture stands in for it).

    The first square matrix of counts after a heading line: the lecture's, then any other heading
    naming a confusion matrix (another case or language); a notebook's PDF also shows the code, so each
    heading is tried. A debug print of other arrays in between is skipped (and reported as the matrix
    only when no matrix of counts follows). With no heading, the first CLASSES x CLASSES matrix of counts
    after the test accuracy (a cell ending in `cm`), or anywhere (the sample's 28x28 pixels are not one).
    A heading followed by a figure is a heatmap: a person looks."""
    first, first_how = None, None
    lecture = SECTION_STARTS["confusion_matrix"][0]
    headings = itertools.chain(((at, None) for at in lines_holding(text, lecture)),
                               ((m.start(), "other") for m in OTHER_HEADINGS.finditer(text)))
    figure = None
    for at, kind in itertools.islice(headings, MAX_HEADINGS):
        if kind and lecture in line_at(text, at):
            continue  # the lecture's heading, already tried
        how = None if kind is None else f"under the heading '{heading_line(text, at)}', not the lecture's"
        m = counts_after(text, at)
        if m is not None and is_count_matrix(m):
            return m, None, how, None
        if m is None and abridged_after(text, at):
            return None, ABRIDGED_MATRIX, how, None
        if m is None and figure is None and (after := figure_after(text, at)) is not None:
            figure = (heading_line(text, at), after)
        if first is None and m is not None:
            first, first_how = m, how
    if first is not None:
        return first, None, first_how, None
    starts = itertools.chain([accuracy_at] if accuracy_at is not None else [], (at - 1 for at in lines_holding(
        text, "[[") if accuracy_at is None or at > accuracy_at))
    for at in itertools.islice(starts, MAX_HEADINGS):
        m = counts_after(text, at)
        if m is not None and is_count_matrix(m) and m.shape[0] == CLASSES:
            return m, None, "with no heading", None
    if figure is not None:
        return None, (f"the confusion matrix is shown as a picture (a heatmap) after '{figure[0]}', not as numbers: "
                      "look at it"), None, figure[1]
    shown = next((m for m in itertools.islice(FIGURE.finditer(text, accuracy_at or 0), MAX_TRIES)
                  if axes(m.group(0)) <= 2), None)
    if shown is not None:
        return None, (f"no matrix of counts is printed, but a picture ({shown.group(0).strip()[:60]}) is shown after "
                      "the test accuracy: a heatmap of the confusion matrix? look at it"), None, shown.start()
    if accuracy_at is not None and abridged_after(text, accuracy_at):
        return None, ABRIDGED_MATRIX, None, None
    return None, None, None, None
