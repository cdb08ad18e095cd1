#!/usr/bin/env bash
# An example Gradescope run_autograder for the lecture's console logs (fashion_tools/grading/gradescope.py).
#
# Gradescope's "Autograder Specifications" (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
# the autograder zip holds setup.sh and run_autograder at its root; Gradescope unpacks it into
# /autograder/source, copies run_autograder to /autograder/run_autograder and runs it once per submission,
# in /autograder, with the student's files in /autograder/submission; the script must leave
# /autograder/results/results.json. Its stdout goes to /autograder/results/stdout, for the instructor only.
#
# Put in the autograder zip: this file renamed to run_autograder, a setup.sh that installs Python 3.11
# and `pip install -r /autograder/source/requirements.txt`, this repository's fashion_tools/ and
# requirements.txt, the reference run's results.json renamed expected.json, and optionally rubric.toml
# ([points] then CHECK = POINTS lines; every check is worth 1 point otherwise).
#
# Only the checks on the console log run here: measuring a submitted model needs the Fashion-MNIST test
# set inside the image (see `python fashion_items.py grade --help`).
set -euo pipefail
cd /autograder/source
mkdir -p /autograder/results

python3 - <<'PY'
from pathlib import Path

from fashion_tools.errors import ToolError
from fashion_tools.grading.checks import DEFAULT_LOSS_TOLERANCE, DEFAULT_TOLERANCE, check_log, failing
from fashion_tools.grading.expected import load_expected
from fashion_tools.grading.gradescope import gradescope_results, write_results
from fashion_tools.grading.logparse import ParsedLog
from fashion_tools.grading.rubric import load_rubric
from fashion_tools.grading.submissions import folder_submission

RESULTS = "/autograder/results/results.json"
try:
    expected = load_expected("expected.json")
    points = load_rubric("rubric.toml") if Path("rubric.toml").exists() else {}
except ToolError as exc:  # the autograder's own setup is wrong: tell the instructor, fail visibly
    write_results(RESULTS, {"score": 0, "output": f"autograder setup error: {exc}", "tests": []})
    raise SystemExit(1) from None

submission = folder_submission("submission", Path("/autograder/submission"))
log = submission.log
if log.readable:
    results = check_log(log, expected, DEFAULT_TOLERANCE, DEFAULT_LOSS_TOLERANCE)
else:  # every check fails with the one reason, as `grade` reports it
    results = [failing(r.check, r.expected, "-", f"unreadable log: {log.problem}")
               for r in check_log(ParsedLog(), expected, DEFAULT_TOLERANCE, DEFAULT_LOSS_TOLERANCE)]
graded = f"graded: {submission.log_path.name}" if submission.log_path else "no console log found"
write_results(RESULTS, gradescope_results(results, points, output=graded))
print(f"{graded}; {sum(r.passed for r in results)}/{len(results)} checks passed")
PY
