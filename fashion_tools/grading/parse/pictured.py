"""Which of a reading's sections OCR read from pictures, which line of each it doubts, and the test numbers
it read with doubted digits ('?'), which the checks may complete from the numbers that must equal them."""

from __future__ import annotations

import itertools
import re

import numpy as np

from fashion_tools.grading.parse import labels
from fashion_tools.grading.parse.matrices import PROMPT, matrix_text, parse_confusion_matrix
from fashion_tools.grading.parse.table import SECTION_STARTS
from fashion_tools.grading.parse.textscan import MAX_TRIES, line_at, matches
from fashion_tools.grading.parse.values import ACCURACY_LINE, BAR_ONLY, F1_LINE, LOSS_LINE, ParsedLog
from fashion_tools.grading.readers.ocr import WORD_DOUBT


def section_spans(text: str) -> dict[str, tuple[int, int]]:
    """Each check's section as (start, end) in the text: from its first line to the next section's."""
    starts = {}
    folded = text.lower()  # as the parsers read the lecture's lines: in any case (OCR's 'Loss')
    for check, needles in SECTION_STARTS.items():
        found = [at for at in (first_printed(folded, n.lower()) for n in needles) if at >= 0]
        if found:
            starts[check] = text.rfind("\n", 0, min(found)) + 1
    order = sorted(set(starts.values())) + [len(text)]
    return {check: (at, next(e for e in order if e > at)) for check, at in starts.items()}


def first_printed(text: str, needle: str, tries: int = 1000) -> int:
    """Where the needle first begins a line (after spaces, or a progress bar's step count: '313/313'), as a
    run prints it, not inside a notebook's code that prints it (print('Keras CNN model loss = ', ...));
    the first place at all where it begins none."""
    first = at = text.find(needle)
    while at >= 0 and tries:
        if not text[text.rfind("\n", 0, at) + 1:at].strip(" \t0123456789"):
            return at
        at, tries = text.find(needle, at + 1), tries - 1
    return first


BARS_READ_BY = ("training", "evaluation")  # the checks that read progress bars' lines: another's section may hold
# one whose own start OCR could not read (a bar's counter doubted), and its doubt is not that section's


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
                  and (check != "training" or reading.text.startswith("Epoch", at))  # training counts headers
                  and (check in BARS_READ_BY or "/step" not in line_at(reading.text, at))  # a bar is theirs
                  and bears_on(check, line_at(reading.text, at), why)]
        doubt = next((why for why in inside if WORD_DOUBT not in why), inside[0] if inside else None)
        if doubt:  # a number's doubt first: it is the one that can make a check fail
            doubts[check] = doubt
    return pictures, doubts


LABELLED = ("accuracy", "loss", "f1")  # the checks whose number a line shows under a label, or bare
WORDY = re.compile(r"[^\W\d_]{3}")


def bears_on(check: str, line: str, why: str) -> bool:
    """Whether a line OCR doubts a number of can hold the number a check reads: a test accuracy, loss or F1 is
    shown under a label of its metric (labels.WORDS, 'score' too), in a progress bar, or bare (an output
    '0.9119', evaluate()'s list); not in a line of words that names no metric (a notebook's code, 'sample =
    sample.reshape(1, 28, 28, 1)', whose syntax-coloured digits OCR doubts). A word's doubt always bears: the
    word may be the label."""
    if check not in LABELLED or WORD_DOUBT in why:
        return True
    body = PROMPT.sub("", line)
    return bool(labels.METRIC.search(body) or labels.BAR.search(body) or not WORDY.search(body))


# A number OCR read with doubted characters: digits, points and at least one '?'
DOUBTED = re.compile(r"[ \t]*+([-+]?[\d.?]*\?[\d.?]*)(%?)(?![\w])")
AFTER_LABEL = re.compile(r"[^\n\d?:=]{0,12}?[:=]([^\n]{0,60})")  # from a metric's word to its number


def doubted_numbers(text: str, log: ParsedLog) -> dict[str, str]:
    """accuracy, loss, f1 -> the number its first line shows, as OCR read it, where that holds a '?' (a
    character it doubted) and at least one digit ('0.91?5'), and the run shows it no other way (a number
    evaluate's bar alone stood in for is still the line's to read)."""
    lecture = {"accuracy": ACCURACY_LINE, "loss": LOSS_LINE, "f1": F1_LINE}
    found = {}
    for name, line in lecture.items():
        if getattr(log, name) is not None and not log.printed.get(name, "").startswith(BAR_ONLY):
            continue
        m = next(matches(line, text), None)
        shown = m.group(1) if m else labelled(text, name)
        token = DOUBTED.match(shown) if shown else None
        if token and any(c.isdigit() for c in token.group(1)) and not token.group(2):
            found[name] = token.group(1)
    return found


def labelled(text: str, name: str) -> str | None:
    """What follows the first label of a test number ('Test accuracy:', labels.py's words; an F1's needs no
    'test'), outside progress bars."""
    for m in itertools.islice(labels.METRIC.finditer(text), MAX_TRIES):
        line = line_at(text, m.start())
        if m.lastgroup == name and not labels.BAR.search(line) and (name == "f1" or labels.TEST.search(line)):
            after = AFTER_LABEL.match(text, m.end())
            if after:
                return after.group(1)
    return None


STAND_IN = 900_000_000  # a doubted entry's stand-in while the matrix is found: no count is this large
DOUBTED_ENTRY = re.compile(r"(?<![\w.?])[?\d]*\?[?\d]*(?![\w.?])")  # '?', '9?0', '?976'
AFTER_CLOSE = re.compile(r"(?<=\])\?+")  # a doubted ')' after the matrix's ']]' is no entry


def doubted_matrix(text: str) -> tuple[np.ndarray, dict[tuple[int, int], str], str | None] | None:
    """The confusion matrix as OCR read it where entries of it hold doubted digits: (the matrix, NaN at
    those entries; each such entry's text, '9?0', by (row, column); how it was printed when not as the
    lecture). Found as any matrix is, each doubted entry standing in as a number none is; None where no
    matrix with doubted entries is found."""
    entries: list[str] = []
    lines = []
    for line in text.split("\n"):
        cleaned = AFTER_CLOSE.sub("", line) if "?" in line else ""
        found = DOUBTED_ENTRY.findall(cleaned)
        if found:
            parts = DOUBTED_ENTRY.split(cleaned)
            stood = "".join(part + (str(STAND_IN + len(entries) + k) if k < len(found) else "")
                            for k, part in enumerate(parts))
            if len(parts) == len(found) + 1 and matrix_text(stood) is not None:
                line = stood
                entries.extend(found)
        lines.append(line)
    if not entries:
        return None
    joined = "\n".join(lines)
    accuracy = ACCURACY_LINE.search(joined)
    m, _, how, _ = parse_confusion_matrix(joined, accuracy.start() if accuracy else None)
    if m is None or m.ndim != 2 or not (m >= STAND_IN).any():
        return None
    at = zip(*np.nonzero(m >= STAND_IN), strict=True)
    doubted = {(int(r), int(c)): entries[k] for r, c in at if 0 <= (k := int(m[r, c]) - STAND_IN) < len(entries)}
    if len(doubted) != int((m >= STAND_IN).sum()):
        return None
    return np.where(m >= STAND_IN, np.nan, m), doubted, how
