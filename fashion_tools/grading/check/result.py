"""The result model: a check's verdict, value and reason, the rules' tolerances, and a submission's grade.

A check passes, fails, or goes to a person (REVIEW): what the grader could not read with confidence
is never a FAIL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fashion_tools.grading.parse.table import PART_OF, lecture_line
from fashion_tools.grading.parse.values import ParsedLog

if TYPE_CHECKING:
    from fashion_tools.grading.intake.submissions import Submission

DEFAULT_TOLERANCE = 0.02  # accuracy may be this much below the reference run's
DEFAULT_LOSS_TOLERANCE = 0.05  # loss may be this much above it
AGREEMENT = 0.001  # printed numbers that must agree with each other (matrix, F1, accuracy)
MODEL_AGREEMENT = 0.005  # the model's accuracy measured here against the one the log prints
EPS = 1e-9  # so that 0.9065 - 0.02 is not failed by floating-point rounding
BAR_ROUNDING = 0.00005  # Keras' progress bar shows 4 decimals (4 significant digits in 'e' notation below 0.001)
# How far the last line of Keras' evaluate() bar may be from the returned numbers in an honest log:
# some Keras versions average the running values a second time for the bar (see check_evaluation).
# Measured with the default run's model on the real test set, in its order and in 200 shuffled
# ones (batches of 32): that second average moved accuracy by up to 0.0085 and loss by up to 0.027.
EVALUATE_DISPLAY = {"accuracy": 0.02, "loss": 0.05}

# The rules, in the order of the lecture's output; `grade --help` and docs/grading.md list them.
RULES = [
    ("shapes", "the four DB SHAPING INFO shapes equal the expected exactly (any case or label; a notebook's bare "
               "tuples matched by value)"),
    ("sample", "the sample's label number and name (case, spaces and hyphens aside) and its raw pixels "
               "equal the expected exactly"),
    ("architecture", "the summary's layer kinds in order, each layer's parameter count and the total "
                     "equal the expected"),
    ("training", "one fit() shows the epochs 1 to the expected number ('Epoch N/M'), no early stop"),
    ("accuracy", "expected - TOLERANCE <= test accuracy <= 1, printed in any form; with a reference's spread over "
                 "seeds: its minimum - TOLERANCE (default: 2 standard deviations of the seeds, at least 0.005)"),
    ("loss", "test loss <= expected + LOSS_TOLERANCE, printed in any form; with a spread: its maximum + "
             "LOSS_TOLERANCE (default: 2 standard deviations, at least 0.01)"),
    ("evaluation", "where the log shows Keras' evaluate() progress line, its accuracy and loss = the printed "
                   "ones, within what Keras' own bar differs (0.02 accuracy, 0.05 loss); passes when there is "
                   "no such line or no number to compare"),
    ("confusion_matrix", f"10x10 under any heading or as a DataFrame; each row sums to the test set's count of "
                         f"that class; trace / total = the test accuracy, within {AGREEMENT} and the rounding"),
    ("f1", f"the micro F1 (or classification_report's accuracy row) = the test accuracy, within {AGREEMENT} and "
           "the rounding"),
    ("prediction", "the prediction names the label of the sample the log shows, and that sample is the "
                   "expected one"),
    ("model", f"only for a folder with a .h5 or .keras file: it loads in safe mode without running "
              f"code from the file (a Lambda or custom layer fails), has the expected architecture, and "
              f"its test accuracy, computed here, = the printed accuracy within {MODEL_AGREEMENT}; one that "
              f"another Keras wrote and this one cannot load is REVIEW"),
]
CHECKS = [name for name, _ in RULES]
LOG_CHECKS = CHECKS[:-1]


# One check's outcome

@dataclass
class CheckResult:
    check: str
    passed: bool
    expected: str
    found: str
    reason: str
    review: bool = False  # not read with confidence: a person decides (no points, and never a FAIL)

    @property
    def verdict(self) -> str:
        return "REVIEW" if self.review else "PASS" if self.passed else "FAIL"

    def as_dict(self) -> dict:
        return {"check": self.check, "verdict": self.verdict, "expected": self.expected,
                "found": self.found, "reason": self.reason}


def passing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    return CheckResult(check, True, expected, found, reason)


def failing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    return CheckResult(check, False, expected, found, reason)


def reviewing(check: str, expected: str, found: str, reason: str) -> CheckResult:
    """What the grader could not read with confidence: neither points nor a FAIL, a person's look."""
    return CheckResult(check, False, expected, found, reason, review=True)


def not_found(check: str, expected: str, section: str, log: ParsedLog) -> CheckResult:
    """A section the log does not show: never reached when the run stopped before it, else not printed."""
    if log.stopped is not None and log.stopped_part is not None and PART_OF[check] >= log.stopped_part:
        error = log.stopped.split(":", 1)[0]  # the exception's name; the report's head gives its whole line
        return failing(check, expected, "-", f"not reached: the run stopped with {error} {log.stopped_at}")
    return failing(check, expected, "-", absent(check, section))


def absent(check: str, what: str) -> str:
    """The words for a quantity the text does not show: what was looked for and the lecture's line."""
    return f"section not found: {what} (the lecture prints {lecture_line(check)!r})"


# A submission's grade: its checks' outcomes

@dataclass
class Grade:
    submission: Submission
    results: list[CheckResult] = field(default_factory=list)
    points: tuple[float, float] = (0.0, 0.0)  # (earned, maximum) under the rubric
    same_as: list[str] = field(default_factory=list)  # other submissions whose run printed the same numbers
    diagnoses: list = field(default_factory=list)  # the common mistakes its numbers show (grading/check/diagnosis.py)
    waived: dict[str, str] = field(default_factory=dict)  # failed checks a diagnosed mistake's first already counts

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def reviews(self) -> int:
        """Checks a person must look at."""
        return sum(r.review for r in self.results)

    @property
    def failed(self) -> int:
        return self.total - self.passed - self.reviews

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def score(self) -> str:
        return f"{self.passed}/{self.total}"
