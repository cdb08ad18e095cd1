"""The checks of the test numbers, which training's chance moves: accuracy and loss within the
reference's range, and the numbers that must agree with each other (Keras' evaluate bar, the confusion
matrix's trace, the F1 score), compared with whichever of them the run shows, in whatever form.
"""

from __future__ import annotations

import math

import numpy as np

from fashion_tools.grading.check.expected import Expected, Spread
from fashion_tools.grading.check.result import (
    AGREEMENT,
    BAR_ROUNDING,
    EPS,
    EVALUATE_DISPLAY,
    CheckResult,
    failing,
    not_found,
    passing,
    reviewing,
)
from fashion_tools.grading.check.trust import number_doubt
from fashion_tools.grading.parse.table import PART_OF
from fashion_tools.grading.parse.values import ParsedLog


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
        return not_found("accuracy", want, "no test accuracy printed, under any label", log)
    a = log.accuracy
    found = f"{a:.4f}"
    if not math.isfinite(a) or not 0 <= a <= 1:
        return failing("accuracy", want, found, f"{a:g} is not an accuracy, which lies between 0 and 1")
    if a + log.rounding.get("accuracy", 0) < low - EPS:
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
        return not_found("loss", want, "no test loss printed, under any label", log)
    found = f"{log.loss:.4f}"
    if not math.isfinite(log.loss) or log.loss < 0:
        return failing("loss", want, found, f"{log.loss:g} is not a cross-entropy loss, which is 0 or more")
    if log.loss - log.rounding.get("loss", 0) > high + EPS:
        return failing("loss", want, found, f"{log.loss:.4f} is above {bound} = {high:.4f}")
    note = machine_note(log, exp, log.loss, exp.loss)
    if spread is None:
        return passing("loss", want, found, f"{log.loss:.4f} is at most {bound}{note}")
    where = in_range(log.loss, spread, spread.loss, tolerance, "plus")
    return passing("loss", want, found, f"{log.loss:.4f} is {where}{note}")


def check_evaluation(log: ParsedLog, exp: Expected) -> CheckResult:
    """Keras' own evaluate() bar, where the log shows one, against the test numbers printed in any form.

    Some Keras 3 versions draw that bar from a second average of the running values, so its last
    line can differ a little from what evaluate() returns and the script prints (keras-team/keras
    issues 20788 and 21301); a difference that small is Keras', never a reason to fail. A test number
    not printed at all is the accuracy's and loss's omission, counted there, not again here.
    """
    want = "= printed numbers"
    if log.evaluate_line is None:
        if log.stopped is not None and log.stopped_part is not None and PART_OF["evaluation"] >= log.stopped_part:
            return not_found("evaluation", want, "", log)
        if log.unread and log.accuracy is None and log.loss is None:  # the unread part may show it all
            return not_found("evaluation", want, "no evaluate line and no test number printed", log)
        return passing("evaluation", want, "-", "no evaluate line printed")
    bar_accuracy, bar_loss = closest_bar(log)
    found = ", ".join(f"{name} {value:.4f}" for name, value in (("accuracy", bar_accuracy), ("loss", bar_loss))
                      if value is not None)
    compared = [(name, bar, printed) for name, bar, printed in
                (("accuracy", bar_accuracy, log.accuracy), ("loss", bar_loss, log.loss))
                if bar is not None and printed is not None]
    if not compared:
        return passing("evaluation", want, found, "Keras' evaluate line is shown; no test number is printed to "
                       "compare it with (the accuracy and loss checks count that)")
    far = [f"Keras' evaluate line shows {name} {bar:.4f} but the log prints {printed:.4f}"
           for name, bar, printed in compared if abs(bar - printed) > EVALUATE_DISPLAY[name] + EPS]
    if far:
        return failing("evaluation", want, found, "; ".join(far) + ": the two numbers disagree, by more than "
                       "Keras' own progress bar ever differs from what evaluate() returns")
    near = [f"{name} {bar:.4f} against {printed:.4f}" for name, bar, printed in compared
            if abs(bar - printed) > max(BAR_ROUNDING, BAR_ROUNDING * abs(bar), log.rounding.get(name, 0)) + EPS]
    if near:
        return passing("evaluation", want, found, f"close to the printed numbers ({'; '.join(near)}): Keras' "
                       "progress bar averages its running values again and shows this much difference itself")
    return passing("evaluation", want, found, "Keras' evaluate line agrees with the printed test numbers")


def closest_bar(log: ParsedLog) -> tuple[float | None, float | None]:
    """Of several evaluate() bars (a notebook that evaluates several models), the one whose result the run
    prints: the last bar before the printed test number, as a print follows its evaluate(); where the
    number comes first, the bar nearest it in value."""
    bars = log.evaluate_lines or [(log.evaluate_line, 0, True)]
    at = log.printed_at.get("accuracy", log.printed_at.get("loss"))
    before = [values for values, end, _ in bars if at is not None and end <= at]
    if before:
        return before[-1]

    def distance(bar: tuple[float | None, float | None]) -> float:
        pairs = [(b, p) for b, p in zip(bar, (log.accuracy, log.loss), strict=True) if b is not None and p is not None]
        return sum(abs(b - p) for b, p in pairs) if pairs else 0.0

    return min(reversed([values for values, _, _ in bars]), key=distance)


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


def accuracies(log: ParsedLog, *without: str) -> list[tuple[str, float, float]]:
    """The run's other readings of its test accuracy, to compare a number that must equal it with:
    (what it is, its value, how far its printing may round it). The printed accuracy first."""
    found = []
    if log.accuracy is not None:
        found.append(("the printed accuracy", log.accuracy, log.rounding.get("accuracy", 0)))
    m = log.confusion_matrix
    if "matrix" not in without and m is not None and m.ndim == 2 and m.shape[0] == m.shape[1] and m.sum() > 0:
        found.append(("the confusion matrix's trace/total", float(np.trace(m) / m.sum()), 0.0))
    if "f1" not in without and log.f1 is not None:
        found.append(("the F1 score", log.f1, log.rounding.get("f1", 0)))
    if log.evaluate_line and log.evaluate_line[0] is not None:
        found.append(("Keras' evaluate line", log.evaluate_line[0], EVALUATE_DISPLAY["accuracy"]))
    return found


def agreement(check: str, value: float, rounding: float, log: ParsedLog, *without: str,
              verb: str = "agrees with") -> tuple[bool, str]:
    """(agrees, words) of a number that must equal the test accuracy, against the first other reading the
    run shows; agrees with nothing to compare when the run shows none (the accuracy check counts that)."""
    others = accuracies(log, *without)
    if not others:
        if any(c not in without and number_doubt(log, c) for c in ("accuracy", "f1", "evaluation")):
            return True, "not compared: the test accuracy shown was not read with confidence"
        return True, "not compared: the run prints no test accuracy (the accuracy check counts that)"
    what, other, other_rounding = others[0]
    if abs(value - other) > AGREEMENT + rounding + other_rounding + EPS:
        if check == "f1":  # as the reasons have always said it
            return False, f"{value:.4f} differs from {what} {other:.4f}"
        said = "the log prints" if what == "the printed accuracy" else f"{what} is"
        return False, f"{value:.4f} but {said} {other:.4f}"
    return True, f"{verb} {what} {other:.4f}"


def disagreeing(check: str, want: str, found: str, words: str, log: ParsedLog) -> CheckResult:
    """A number that disagrees with the test accuracy: a FAIL, unless the run prints several test accuracies
    and it is not sure which is the test set's (a person looks)."""
    if "accuracy" in log.uncertain:
        return reviewing(check, want, found, f"{words}, and {log.uncertain['accuracy']}")
    return failing(check, want, found, words)


def check_confusion_matrix(log: ParsedLog, exp: Expected) -> CheckResult:
    n = len(exp.class_counts)
    same = len(set(exp.class_counts)) == 1
    want = f"{n}x{n}, rows sum to {exp.class_counts[0]:,}" if same else f"{n}x{n}, rows sum to the class counts"
    m = log.confusion_matrix
    if m is None:
        return not_found("confusion_matrix", want, "no matrix of counts printed, under any heading", log)
    found = "x".join(map(str, m.shape))
    problem = matrix_problem(m, exp.class_counts)
    if problem:
        return failing("confusion_matrix", want, found, problem)
    ratio = float(np.trace(m) / m.sum())
    found += f", trace/total {ratio:.4f}"
    agrees, words = agreement("confusion_matrix", ratio, 0.0, log, "matrix")
    if not agrees:
        return disagreeing("confusion_matrix", want, found, f"its diagonal gives accuracy {words}", log)
    return passing("confusion_matrix", want, found, f"rows sum to the class counts; trace/total {words}")


def check_f1(log: ParsedLog, exp: Expected) -> CheckResult:
    want = "= accuracy"
    if log.f1 is None:
        return not_found("f1", want, "no F1 score printed, under any label", log)
    found = f"{log.f1:.4f}"
    agrees, words = agreement("f1", log.f1, log.rounding.get("f1", 0), log, "f1", verb="equals")
    if not agrees:
        return disagreeing("f1", want, found, f"micro F1 {words}; for one label per image they are equal", log)
    return passing("f1", want, found, f"micro F1 {words}")
