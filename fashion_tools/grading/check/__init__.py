"""Checking what a run showed against the expected run: the result model (result.py), one module per
family of rules (exact.py, numbers.py), OCR trust (trust.py), and the model, copies, rubric and diagnosis."""

from __future__ import annotations

import dataclasses

from fashion_tools.grading.check.exact import (
    check_architecture,
    check_prediction,
    check_sample,
    check_shapes,
    check_training,
)
from fashion_tools.grading.check.expected import Expected
from fashion_tools.grading.check.numbers import (
    check_accuracy,
    check_confusion_matrix,
    check_evaluation,
    check_f1,
    check_loss,
)
from fashion_tools.grading.check.result import CheckResult
from fashion_tools.grading.check.trust import pictured, unsure
from fashion_tools.grading.parse.table import lecture_line
from fashion_tools.grading.parse.values import ParsedLog


def said_how(result: CheckResult, log: ParsedLog) -> CheckResult:
    """A value printed another way than the lecture's line is credited as the lecture's; its reason says
    how it was printed, and so the feedback tells the student the lecture's wording."""
    how = log.printed.get(result.check)
    if how is None:
        return result
    return dataclasses.replace(result, reason=f"{result.reason} ({how}, not the lecture's "
                                              f"{lecture_line(result.check)!r})")


def check_log(log: ParsedLog, exp: Expected, tolerance: float, loss_tolerance: float) -> list[CheckResult]:
    """Every check that reads the console log, in the lecture's order."""
    results = [check_shapes(log, exp), check_sample(log, exp), check_architecture(log, exp),
               check_training(log, exp), check_accuracy(log, exp, tolerance), check_loss(log, exp, loss_tolerance),
               check_evaluation(log, exp),
               check_confusion_matrix(log, exp), check_f1(log, exp), check_prediction(log, exp)]
    return [pictured(unsure(said_how(r, log), log), log) for r in results]
