"""A log that holds several runs of the lecture's script (a crash, a fix, a rerun in one terminal),
and runs that stopped with a Python error.

The text is split where the data is loaded again: a raw 'X train shape: (N, 28, 28)' line once
the run before it got past its shapes (a section printed before the shapes, as when the model is
built before the data is loaded, belongs to the same run), or after a traceback. A heading
repeated inside one run is no new run (the lecture author's own version prints '== DB SHAPING
INFO ==' again after reshaping, with 4-D shapes). One run is graded, never sections of two: the
last that reached the prediction, else the most complete. A Python traceback in a run says where and why it stopped.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re

from fashion_tools.grading.parse.table import PARTS as TABLE_PARTS
from fashion_tools.grading.parse.table import PROGRESS, part_fields
from fashion_tools.grading.parse.textscan import MAX_TRIES, lines_holding, matches, starting_line
from fashion_tools.grading.parse.values import ParsedLog, parse_sections, present
from fashion_tools.grading.readers.console_log import clean_text

TRACEBACK = "Traceback (most recent call last)"
# The exception line that ends a traceback: 'NameError: name ...', 'KeyboardInterrupt', 'keras.x.Error: ...'
ERROR_LINE = re.compile(r"^([A-Za-z_][\w.]{0,100}(?:Error|Exception|Interrupt|Exit)\b(?::[^\n]{0,300})?)[ ]*$",
                        re.MULTILINE)
MAX_TRACEBACK_LINES = 400
HEADING_BEFORE = 3  # lines before a run's first shape line that are its heading ('== DB SHAPING INFO ==')
MAX_RUNS = 200
PARTS = [(part_fields(part), part) for part in TABLE_PARTS]  # what a run shows, in the lecture's order
RAW_X_TRAIN = starting_line("X", r"[ _]?train[ _]shape[ ]*+[:=]?[ ]*+\([ ]*+\d++[ ]*+,[ ]*+28[ ]*+,[ ]*+28[ ]*+\)")


def last_part(log: ParsedLog) -> int:
    """The index in PARTS of the last part the run showed, -1 for none."""
    return max((i for i, (fields, _) in enumerate(PARTS) if present(log, fields)), default=-1)


def where_stopped(log: ParsedLog, text: str) -> tuple[int, str]:
    """The first part a run's text did not finish (an index into PARTS) and its words: 'before the
    DB shapes', 'at the DB shapes' (its heading printed), 'during training', 'at the confusion
    matrix', ..."""
    last = last_part(log)
    if last < 0:
        return 0, "at the DB shapes" if "DB SHAPING INFO" in text else "before the DB shapes"
    if PARTS[last][1] == "training" and log.epochs_declared and max(log.epochs) < log.epochs_declared:
        return last, "during training"
    if last + 1 < len(PARTS):
        return last + 1, f"at {PARTS[last + 1][1]}"
    return len(PARTS), "after the prediction"


def error_after(text: str, at: int) -> str:
    """The exception line that ends the traceback starting at `at`, or a plain word when it is cut off."""
    end = at
    for _ in range(MAX_TRACEBACK_LINES):
        end = text.find("\n", end + 1)
        if end < 0:
            end = len(text)
            break
    m = ERROR_LINE.search(text, text.find("\n", at) + 1 if "\n" in text[at:end] else end, end)
    return m.group(1).strip() if m else "an error (the traceback is cut off)"


def run_start(text: str, shape_at: int) -> int:
    """Where the run holding the shape line at shape_at begins: its heading's line, when one of the
    few lines just above holds it, else the shape line itself."""
    at = text.rfind("\n", 0, shape_at) + 1
    line = at
    for _ in range(HEADING_BEFORE):
        if line == 0:
            break
        line = text.rfind("\n", 0, line - 1) + 1
        if "SHAPING" in text[line:at]:
            return line
    return at


def progress_marks(text: str) -> list[int]:
    """Sorted positions of every line that shows a run got past its shapes (sample, summary,
    training, results, a traceback), each kind bounded by MAX_TRIES."""
    marks = set()
    for needle in (*PROGRESS, TRACEBACK):
        marks.update(itertools.islice(lines_holding(text, needle), MAX_TRIES))
    return sorted(marks)


def start_points(text: str) -> list[int]:
    """Where each run starts: 0, then at each raw shape line (or its heading) that loads the data again:
    after the run's own shapes and something later of the lecture, or after a traceback ended the run.
    A section printed before the shapes (a model built before the data is loaded) is the same run."""
    marks = progress_marks(text)

    def progressed(a: int, b: int) -> bool:
        return bisect.bisect_left(marks, a) < bisect.bisect_left(marks, b)

    starts, shapes_at = [0], None  # shapes_at: where the current run printed its shapes
    for m in matches(RAW_X_TRAIN, text):
        at = run_start(text, m.start())
        crashed = 0 <= text.find(TRACEBACK, starts[-1], at)
        if at > starts[-1] and (crashed or shapes_at is not None and progressed(shapes_at, at)):
            starts.append(at)
            shapes_at = at
        elif shapes_at is None:
            shapes_at = at
        if len(starts) >= MAX_RUNS:
            break
    return starts


def split_runs(text: str) -> list[str]:
    """The cleaned text cut into runs."""
    starts = start_points(text)
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)], strict=True)]


def parse_run(text: str) -> ParsedLog:
    """One run's sections, and the error it stopped with: its last traceback, when it comes before the
    prediction and nothing of the lecture comes after it (a traceback the script survived, such as a
    library's warning, is no stop)."""
    log = parse_sections(text)
    at = text.rfind(TRACEBACK)
    if at >= 0:
        before = parse_sections(text[:at])
        # after the prediction the lecture is done: an error in the teardown is no stop
        if before.prediction is None and last_part(log) <= last_part(before) and len(log.epochs) <= len(before.epochs):
            log.stopped = error_after(text, at)
            log.stopped_part, log.stopped_at = where_stopped(before, text[:at])
    return log


def describe(log: ParsedLog) -> str:
    """How a run ended, for the report: 'complete', 'stopped at the confusion matrix (NameError: ...)'."""
    if log.stopped:
        return f"stopped {log.stopped_at} ({log.stopped})"
    if log.prediction is not None:
        return "complete"
    last = last_part(log)
    return "showed nothing of the lecture" if last < 0 else f"ended {where_stopped(log, '')[1]}"


def parse_text(text: str) -> ParsedLog:
    """The whole log: cleaned, cut into runs, and the one run to grade, with what the others did."""
    runs = [parse_run(t) for t in split_runs(clean_text(text))]
    complete = [i for i, log in enumerate(runs) if log.prediction is not None]
    chosen = complete[-1] if complete else max(range(len(runs)), key=lambda i: (runs[i].sections_found, i))
    others = [f"run {i + 1} {describe(log)}" for i, log in enumerate(runs) if i != chosen]
    return dataclasses.replace(runs[chosen], run_number=chosen + 1, run_count=len(runs), other_runs=others)
