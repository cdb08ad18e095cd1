#!/usr/bin/env bash
# An example Gradescope run_autograder for the lecture's console logs and notebooks.
#
# Gradescope's "Autograder Specifications" (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
# the autograder zip holds setup.sh and run_autograder at its root; Gradescope unpacks it into
# /autograder/source, copies run_autograder to /autograder/run_autograder and runs it once per submission,
# in /autograder, with the student's files in /autograder/submission; the script must leave
# /autograder/results/results.json. Its stdout goes to /autograder/results/stdout, for the instructor only.
#
# Put in the autograder zip: this file renamed to run_autograder; a setup.sh that installs Python 3.11
# and runs `pip install -r /autograder/source/requirements.txt`; this repository (fashion_items.py,
# fashion_tools/, requirements.txt, requirements-base.txt); the reference run's results.json, or the
# reference/reference.json of `fashion_items.py reference`, renamed expected.json; and
# optionally rubric.toml ([points] then one CHECK = POINTS line per check; each check is worth 1 otherwise).
#
# A submitted after.h5 is measured too when the image holds the Fashion-MNIST test set (setup.sh:
# apt-get install -y dataset-fashion-mnist); without it, hand in logs only.
set -uo pipefail
AUTOGRADER=${AUTOGRADER:-/autograder}  # the tests run this script with Gradescope's folders elsewhere
cd "$AUTOGRADER/source"
mkdir -p "$AUTOGRADER/results"
rubric=()
[ -f rubric.toml ] && rubric=(--rubric rubric.toml)
python3 fashion_items.py grade --expected expected.json "${rubric[@]}" \
    --gradescope "$AUTOGRADER/results/results.json" "$AUTOGRADER/submission"
status=$?
# 0: every check passed, 1: some failed (the student's score says which); 2: the autograder is broken
[ "$status" -le 1 ] || exit "$status"
