"""Gradescope autograder output: the results.json that run_autograder leaves in /autograder/results/.

The schema is Gradescope's "Autograder Specifications" (gradescope-autograders.readthedocs.io/en/latest/
specs/): at the top 'score' (optional when every test has one), 'output', 'visibility',
'stdout_visibility' and 'tests', each test with 'name', 'score', 'max_score', 'status' ('passed' or
'failed'), 'output' and 'visibility' ('visible', the default, 'hidden', 'after_due_date' or
'after_published'). docs/gradescope_run_autograder.sh is an example run_autograder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from fashion_tools.atomic import atomic_write_text
from fashion_tools.errors import ToolError
from fashion_tools.grading.check.rubric import DEFAULT_POINTS
from fashion_tools.grading.reports.feedback import advice, clean

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def gradescope_results(checks: Iterable, points: dict[str, float], visibility: str = "visible",
                       output: str | None = None, waived: Iterable[str] = ()) -> dict:
    """One Gradescope test per check (CheckResult-like: .check, .passed, .reason) worth its points, its
    output the reason and, for a failure, what to do; the score is their sum. A waived check's failure
    (one mistake, one penalty) keeps its points."""
    waived = set(waived)
    if visibility not in VISIBILITIES:
        raise ToolError(f"Gradescope visibility {visibility!r}: use one of {', '.join(VISIBILITIES)}")
    tests = []
    for result in checks:
        worth = float(points.get(result.check, DEFAULT_POINTS))
        test = {"name": result.check, "score": worth if result.passed or result.check in waived else 0.0,
                "max_score": worth,
                "status": "passed" if result.passed else "failed", "visibility": visibility}
        if getattr(result, "review", False):  # not a failure: no status, the points left to the manual grader
            del test["status"]
            test["output"] = f"Needs a look by a person: {clean(result.reason)}"
            test["extra_data"] = {"verdict": "REVIEW"}
        else:
            test["output"] = clean(result.reason) + ("" if result.passed else
                                                     f"\nWhat to do: {advice(result.check, result.reason)}")
        tests.append(test)
    results = {"score": sum(t["score"] for t in tests), "visibility": visibility,
               "stdout_visibility": "hidden", "tests": tests}
    if output:
        results["output"] = output
    return results


def write_results(path: str | Path, results: dict) -> None:
    """results.json, written atomically: Gradescope reads it once run_autograder ends."""
    atomic_write_text(path, json.dumps(results, indent=2, ensure_ascii=False) + "\n")
