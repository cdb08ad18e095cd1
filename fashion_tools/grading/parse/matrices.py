"""Matrices as students print them: numpy's print (wrapped over lines), a notebook's array([[...]])
result, a pandas DataFrame of any width; and the confusion matrix found by meaning, under the
lecture's heading, another heading or language, or none.

Every scan is bounded (textscan's MAX_TRIES and SPAN), so the work stays linear in the text.
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from fashion_tools.grading.parse.table import SECTION_STARTS
from fashion_tools.grading.parse.textscan import MAX_TRIES, line_at, lines_after, lines_holding
from fashion_tools.network import LABELS

MATRIX_LOOKAHEAD = 20  # lines between a heading and its matrix (warnings may come between)
MAX_MATRIX_LINES = 3000  # numpy's wrapped 28x28 is ~56 lines; room for a narrow linewidth
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
FIGURE = re.compile(r"^<(?:Figure|Axes|matplotlib\.|seaborn\.)[^\n]{0,120}>[ ]*$", re.MULTILINE)
AXES = re.compile(r"with (\d{1,4}) Axes")  # a heatmap has one, or two with its colour bar; a grid of images many
CLASSES = len(LABELS)


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


def is_count_matrix(m: np.ndarray) -> bool:
    """Square, at least 2x2, whole numbers: what confusion_matrix() prints (a probability array is not)."""
    return m.ndim == 2 and m.shape[0] == m.shape[1] >= 2 and bool(np.all(m == np.round(m)))


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


def figure_after(text: str, pos: int) -> bool:
    """Whether a figure (a heatmap) stands within a few lines after pos, where the matrix would be."""
    return any(FIGURE.match(line.strip()) for line in lines_after(text, pos, MATRIX_LOOKAHEAD))


def parse_confusion_matrix(text: str, accuracy_at: int | None) -> tuple[np.ndarray | None, str | None, str | None]:
    """(the matrix, why it could not be read with confidence, how it was printed when not as the lecture).

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
    for at, kind in itertools.islice(headings, MAX_TRIES):
        if kind and lecture in line_at(text, at):
            continue  # the lecture's heading, already tried
        how = None if kind is None else f"under the heading '{heading_line(text, at)}', not the lecture's"
        m = counts_after(text, at)
        if m is not None and is_count_matrix(m):
            return m, None, how
        if m is None and abridged_after(text, at):
            return None, ABRIDGED_MATRIX, how
        if m is None and figure is None and figure_after(text, at):
            figure = heading_line(text, at)
        if first is None and m is not None:
            first, first_how = m, how
    if first is not None:
        return first, None, first_how
    starts = itertools.chain([accuracy_at] if accuracy_at is not None else [], (at - 1 for at in lines_holding(
        text, "[[") if accuracy_at is None or at > accuracy_at))
    for at in itertools.islice(starts, MAX_TRIES):
        m = counts_after(text, at)
        if m is not None and is_count_matrix(m) and m.shape[0] == CLASSES:
            return m, None, "with no heading"
    if figure is not None:
        return None, (f"the confusion matrix is shown as a picture (a heatmap) after '{figure}', not as numbers: "
                      "look at it"), None
    shown = next((m for m in itertools.islice(FIGURE.finditer(text, accuracy_at or 0), MAX_TRIES)
                  if axes(m.group(0)) <= 2), None)
    if shown is not None:
        return None, (f"no matrix of counts is printed, but a picture ({shown.group(0).strip()[:60]}) is shown after "
                      "the test accuracy: a heatmap of the confusion matrix? look at it"), None
    if accuracy_at is not None and abridged_after(text, accuracy_at):
        return None, ABRIDGED_MATRIX, None
    return None, None, None
