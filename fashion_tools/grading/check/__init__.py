"""Checking what a run showed against the expected run: the result model (result.py), one module per
family of rules (exact.py, numbers.py), OCR trust (trust.py) and doubted digits completed (reconcile.py), and
the model, copies, rubric and diagnosis."""

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
from fashion_tools.grading.check.reconcile import reconcile
from fashion_tools.grading.check.result import CheckResult, failing
from fashion_tools.grading.check.trust import pictured, unsure
from fashion_tools.grading.parse.table import lecture_line
from fashion_tools.grading.parse.values import ParsedLog


def said_how(result: CheckResult, log: ParsedLog, lecture_lines: bool = False) -> CheckResult:
    """A value printed another way than the lecture's line is credited as the lecture's; its reason says
    how it was printed, and so the feedback tells the student the lecture's wording. With lecture_lines
    (grade --lecture-lines) only the lecture's own lines count: a value shown another way fails."""
    how = log.printed.get(result.check)
    if how is None:
        return result
    reason = f"{result.reason} ({how}, not the lecture's {lecture_line(result.check)!r})"
    if lecture_lines and result.passed:
        return failing(result.check, result.expected, result.found,
                       f"{reason}; --lecture-lines asks for the lecture's own line")
    return dataclasses.replace(result, reason=reason)


def check_log(log: ParsedLog, exp: Expected, tolerance: float, loss_tolerance: float,
              lecture_lines: bool = False) -> list[CheckResult]:
    """Every check that reads the console log, in the lecture's order."""
    def numbers(run: ParsedLog) -> list[CheckResult]:  # in reconcile.NUMBER_CHECKS' order
        return [check_accuracy(run, exp, tolerance), check_loss(run, exp, loss_tolerance), check_evaluation(run, exp),
                check_confusion_matrix(run, exp), check_f1(run, exp)]

    results = [check_shapes(log, exp), check_sample(log, exp), check_architecture(log, exp),
               check_training(log, exp), *numbers(log), check_prediction(log, exp)]
    lifted, completed = reconcile(log, exp, numbers) if log.doubted or log.doubted_matrix else (log, {})
    return said_once([pictured(unsure(said_how(r, log, lecture_lines), log), log) if r.check not in completed else
                      pictured(unsure(said_how(completed[r.check], lifted, lecture_lines), lifted), lifted)
                      for r in results])


def said_once(results: list[CheckResult]) -> list[CheckResult]:
    """A long clause that several checks' reasons share (why a picture is not sure, what was not read) is
    said in full once, at the first check; the others point to it, so a hand-in's reasons stay short."""
    first: dict[str, str] = {}
    out = []
    for result in results:
        clauses = result.reason.split("; ")
        for i, clause in enumerate(clauses[1:], 1):  # a reason's first clause is its own finding
            if len(clause) >= LONG_CLAUSE and first.setdefault(clause, result.check) != result.check:
                clauses[i] = f"as said for {first[clause]}"
        out.append(dataclasses.replace(result, reason="; ".join(clauses)))
    return out


LONG_CLAUSE = 40  # characters of a shared clause worth saying once
