"""Test numbers OCR read with doubted digits, completed from the numbers that must equal them.

The printed accuracy, the F1 score, the confusion matrix's trace/total and the last line of Keras' evaluate
bar show one number; the printed loss and the bar's loss another. Where OCR doubted characters of one
('0.91?5', each '?' a cell it could not name) and others show theirs plainly, the doubted characters are read
as those on which they all agree, and the reason says so. Only a reading with no doubt completes another: two
doubted numbers never agree. A '?' may stand for a digit or a point, and at the number's ends for nothing (a
blank cell OCR doubted). The checks PASS on a completed number only when they pass on every completion that
agrees, and a check never on a number whose whole part its own numbers alone chose (evaluate's bar does not
agree with a printed loss '?.2498' read as the bar shows it); otherwise the doubt stands and a person looks
(REVIEW), never a FAIL.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fashion_tools.grading.check.expected import Expected
from fashion_tools.grading.check.numbers import matrix_problem
from fashion_tools.grading.check.result import BAR_ROUNDING, CheckResult
from fashion_tools.grading.check.trust import agrees_with, number_doubt
from fashion_tools.grading.parse.labels import decimals_rounding
from fashion_tools.grading.parse.values import BAR_ONLY, ParsedLog

MAX_DOUBTS = 4  # '?'s in one number's first digits: more is too little of it read (12**4 readings at most)
FREE_AFTER = 7  # decimals: a doubted digit past them moves a number by less than FLOAT32
FLOAT32 = 1e-6  # a float32 accuracy as printed (0.9135000109672546) against the fraction it stands for
PLAIN = re.compile(r"[-+]?(?:0|[1-9]\d*)(?:\.\d+)?")  # as Python prints a number: no leading zeros
NUMBER_CHECKS = ("accuracy", "loss", "evaluation", "confusion_matrix", "f1")


@dataclass(frozen=True)
class Completion:
    name: str  # accuracy, loss or f1
    token: str  # as OCR read it: '?0.91?5'
    values: tuple[float, ...]  # every reading of its doubted characters that agrees, ascending
    texts: tuple[str, str]  # the first and last of them as printed (the last digit says how it is rounded)
    sources: tuple[str, ...]  # what it agrees with: "the confusion matrix's trace/total 0.9135"
    target: float = 0.0  # the mean of those numbers: the reading a result shows is the one nearest it
    origins: tuple[str, ...] = ()  # the checks whose numbers those are ('evaluation' for evaluate's bar)
    chosen: bool = False  # those numbers chose its whole part: readings a unit or more apart ('?.2498')

    def words(self) -> str:
        shown = self.texts[0] if len(self.values) == 1 else \
            f"{self.texts[0]} to {self.texts[1]}, every reading of its other doubted digits"
        what = "F1 score" if self.name == "f1" else self.name
        return (f"OCR could not name some characters of the {what} {self.token!r}: read as {shown}, on "
                f"which {' and '.join(self.sources)} agree{'s' if len(self.sources) == 1 else ''}")


def plain_readings(log: ParsedLog, exp: Expected, name: str) -> list[tuple[str, float, float, str]]:
    """(what, value, rounding, the check it is the number of) of each reading without doubt that must equal the
    named number."""
    found = []
    if name == "f1" and log.accuracy is not None and not number_doubt(log, "accuracy") \
            and not log.printed.get("accuracy", "").startswith(BAR_ONLY):  # the bar is said below
        found.append(("the printed accuracy", log.accuracy, log.rounding.get("accuracy", 0.0), "accuracy"))
    if name == "accuracy" and log.f1 is not None and not number_doubt(log, "f1"):
        found.append(("the F1 score", log.f1, log.rounding.get("f1", 0.0), "f1"))
    m = log.confusion_matrix
    if name != "loss" and m is not None and not number_doubt(log, "confusion_matrix") \
            and matrix_problem(m, exp.class_counts) is None:
        found.append(("the confusion matrix's trace/total", float(np.trace(m) / m.sum()), 0.0, "confusion_matrix"))
    bar = log.evaluate_line[1 if name == "loss" else 0] if log.evaluate_line else None
    if bar is not None and not number_doubt(log, "evaluation"):
        found.append(("Keras' evaluate line", bar, BAR_ROUNDING, "evaluation"))
    return found


def readings(token: str, name: str) -> dict[float, str]:
    """Every number the token may show, each '?' a digit or a point (or nothing at an end): value -> text; an
    accuracy or F1 lies in [0, 1], a loss is any, a count (name 'count') is whole.
    A '?' past FREE_AFTER decimals changes the number less than any agreement can tell: such digits are not
    enumerated but read as all 0 and all 9, the two ends of what they may show."""
    found: dict[float, str] = {}

    def fill(chars: list[str], at: int, named: int) -> None:
        hole = next((i for i in range(at, len(chars)) if chars[i] == "?"), None)
        if hole is None:
            keep("".join(chars))
            return
        head = "".join(chars[:hole])
        if "." in head and len(head) - head.index(".") - 1 >= FREE_AFTER:  # the rest lie past the digits that matter
            rest = "".join(chars[hole:])
            for digit in "09":
                keep(head + rest.replace("?", digit))
            return
        if named == MAX_DOUBTS:
            return
        for c in ("" if 0 < hole < len(chars) - 1 else "_") + "0123456789.":  # '_': nothing, at an end
            fill(chars[:hole] + ["" if c == "_" else c] + chars[hole + 1:], hole + 1, named + 1)

    def keep(text: str) -> None:
        if PLAIN.fullmatch(text):
            value = float(text)
            if name == "loss" or (0 <= value <= 1 if name != "count" else "." not in text and value >= 0):
                found.setdefault(value, text)

    if "?" in token:
        fill(list(token), 0, 0)
    return found


def complete(log: ParsedLog, exp: Expected, name: str) -> Completion | None:
    """The readings of a doubted number on which every plain reading of it agrees; None where none shows it,
    or no reading agrees with them all, or its doubt is not that number's (a person looks)."""
    token = log.doubted.get(name)
    doubt = log.doubts.get(name)
    if not token or (doubt and token.strip("?") not in doubt):
        return None
    sources = plain_readings(log, exp, name)
    if not sources:
        return None
    shown = readings(token, name)
    agree = sorted(value for value, text in shown.items()
                   if all(abs(value - other) <= rounding + decimals_rounding(text, False) + FLOAT32
                          for _, other, rounding, _ in sources))
    if not agree:
        return None
    return Completion(name, token, tuple(agree), (shown[agree[0]], shown[agree[-1]]),
                      tuple(f"{what} {other:.4f}" for what, other, _, _ in sources),
                      float(np.mean([other for _, other, _, _ in sources])),
                      tuple(origin for *_, origin in sources),
                      whole_chosen(shown, agree))


def whole_chosen(shown: dict[float, str], agree: list[float]) -> bool:
    """Whether the agreeing readings were chosen among readings of their length whose whole parts differ: a
    doubted integer digit ('?.2498': 0.2498 or 8.2498), not the doubt's mark before a number ('?0.2?67')."""
    lengths = {len(shown[value]) for value in agree}
    same = [value for value, text in shown.items() if len(text) in lengths]
    return len(agree) < len(shown) and max(same) - min(same) >= 1


@dataclass(frozen=True)
class MatrixCompletion:
    filled: np.ndarray  # the matrix with its doubted entries read
    entries: tuple[tuple[int, int, str, int], ...]  # (row, column, as OCR read it, as read now)
    how: str | None  # how it was printed, when not as the lecture
    name: str = "confusion_matrix"

    def words(self) -> str:
        shown = ", ".join(f"row {r + 1}'s {text!r} as {value}" for r, _, text, value in self.entries[:4])
        return (f"OCR could not name digits of {len(self.entries)} of the matrix's entries: read {shown}"
                f"{' ...' if len(self.entries) > 4 else ''}, the only readings with which each row sums to its "
                "class count")


def complete_matrix(log: ParsedLog, exp: Expected) -> MatrixCompletion | None:
    """The confusion matrix with its doubted entries read, where each row that holds some has exactly one
    reading of them that sums to its class count (a row of the test set's labels); None where a row has
    none or several, or the section's doubt is not about these entries (a person looks)."""
    if log.doubted_matrix is None:
        return None
    m, texts, how = log.doubted_matrix
    counts = exp.class_counts
    doubt = log.doubts.get("confusion_matrix")  # where the section has one, it must be about these entries
    if m.shape != (len(counts), len(counts)) or doubt and not any((t.strip("?") or t) in doubt for t in texts.values()):
        return None
    filled, read = m.copy(), []
    for r in sorted({r for r, _ in texts}):
        cells = sorted(c for row, c in texts if row == r)
        if len(cells) > MAX_DOUBTS or np.isnan(np.delete(m[r], cells)).any():
            return None
        rest = counts[r] - float(np.delete(m[r], cells).sum())
        options = [sorted(readings(texts[r, c], "count")) for c in cells]
        fits = [combo for combo in itertools.islice(itertools.product(*options), 100_000) if sum(combo) == rest]
        if len(fits) != 1:
            return None
        filled[r, cells] = fits[0]
        read += [(r, c, texts[r, c], int(v)) for c, v in zip(cells, fits[0], strict=True)]
    return MatrixCompletion(filled, tuple(read), how)


def reconcile(log: ParsedLog, exp: Expected,
              checks: Callable[[ParsedLog], list[CheckResult]]) -> tuple[ParsedLog, dict[str, CheckResult]]:
    """(the log with its completed numbers' doubts lifted, check -> its result where it passes on every
    completion), checks giving the results of NUMBER_CHECKS in that order. Nothing where no number completes.
    The matrix completes from its rows alone, never from the accuracy it is checked against."""
    done = [c for name in ("accuracy", "f1", "loss") if (c := complete(log, exp, name))]
    matrix = complete_matrix(log, exp)
    if not done and matrix is None:
        return log, {}
    names = {c.name for c in done} | ({matrix.name} if matrix else set())  # now read: not doubted, nor shown
    printed = {k: v for k, v in log.printed.items() if k not in names}   # only by evaluate's bar
    if matrix and matrix.how:
        printed[matrix.name] = matrix.how
    lifted = dataclasses.replace(
        log, doubts={k: v for k, v in log.doubts.items() if k not in names},
        doubted={k: v for k, v in log.doubted.items() if k not in names}, printed=printed,
        confusion_matrix=matrix.filled if matrix else log.confusion_matrix, doubted_matrix=None,
        rounding={**{k: v for k, v in log.rounding.items() if k not in names},
                  **{c.name: decimals_rounding(c.texts[0], False) for c in done}})
    ends = itertools.product(*[sorted({c.values[0], c.values[-1]}) for c in done])  # the checks are intervals
    variants = [dataclasses.replace(lifted, **{c.name: v for c, v in zip(done, values, strict=True)})
                for values in ends]
    runs = [checks(variant) for variant in variants]
    # every reading must pass; the result shown is the reading nearest what the other numbers show ('0.9118?9'
    # read 0.91184 to 0.91189, beside evaluate's 0.9119: shown as 0.9119, not as its lower end 0.9118)
    shown = min(range(len(variants)), key=lambda k: sum(abs(getattr(variants[k], c.name) - c.target) for c in done))
    passed, completed = {}, [*done, *([matrix] if matrix else [])]
    for i, check in enumerate(NUMBER_CHECKS):
        results = [run[i] for run in runs]
        involved = {check, *agrees_with(check, variants[0])}
        said = [c.words() for c in completed if c.name in involved]
        # a number whose whole part the very numbers it is checked against chose is no agreement with them
        # ('?.2498' read 8.2498 as evaluate's bar showed it, the bar's zero read '8': the bar then "agreed"),
        # unless another number shows it; a doubted decimal is ('0.2?67' beside the bar's 0.2367: its other
        # digits agree, and it is said)
        if said and all(r.passed for r in results) and not any(
                c.chosen and set(c.origins) <= involved for c in done if c.name in involved):
            passed[check] = dataclasses.replace(results[shown], reason="; ".join([results[shown].reason, *said]))
    return lifted, passed
