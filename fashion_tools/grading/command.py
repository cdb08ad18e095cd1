"""`python fashion_items.py grade`: the command line that wires the expected file, the submissions,
the checks and the reports.

Reading logs imports no TensorFlow: grading forty logs takes a moment. TensorFlow is imported
only when a submission holds a model, to measure that model's accuracy here.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from fashion_tools.atomic import check_writable_folder
from fashion_tools.cli import add_data_dir, non_negative_float
from fashion_tools.grading.checks import (
    DEFAULT_LOSS_TOLERANCE,
    DEFAULT_TOLERANCE,
    RULES,
    Grade,
    check_log,
    failing,
)
from fashion_tools.grading.expected import Expected, load_expected
from fashion_tools.grading.logparse import ParsedLog
from fashion_tools.grading.model_check import ReferenceTestSet, check_model
from fashion_tools.grading.reading import MAX_LOG_BYTES
from fashion_tools.grading.reports import as_json, table, totals, write_report
from fashion_tools.grading.submissions import LOG_SUFFIXES, MODEL_SUFFIXES, Submission, find_submission


def grade(sub: Submission, exp: Expected, args: argparse.Namespace, test_set: ReferenceTestSet | None) -> Grade:
    if sub.log.readable:
        results = check_log(sub.log, exp, args.tolerance, args.loss_tolerance)
    else:
        blank = check_log(ParsedLog(), exp, args.tolerance, args.loss_tolerance)
        results = [failing(r.check, r.expected, "-", f"unreadable log: {sub.log.problem}") for r in blank]
    if sub.model_path is not None and test_set is not None:
        results.append(check_model(sub.model_path, sub.log, exp, test_set))
    return Grade(sub, results)


def rules_help() -> str:
    width = max(len(name) for name, _ in RULES)
    rules = "\n".join(textwrap.fill(rule, 79, initial_indent=f"  {name.ljust(width)}  ",
                                    subsequent_indent=" " * (width + 4)) for name, rule in RULES)
    about = (f"A SUBMISSION is a console log file, or a folder holding one ({', '.join(LOG_SUFFIXES)}; the one "
             f"with the most sections if several) and optionally a model ({', '.join(MODEL_SUFFIXES)}; after.h5 "
             f"first). A missing section fails the checks that need it ('section not found'). An empty or binary "
             f"file, or one over {MAX_LOG_BYTES >> 20} MB, is unreadable: all its checks fail.")
    return (f"checks (each PASS or FAIL with its reason):\n{rules}\n\n{textwrap.fill(about, 79)}\n\n"
            "exit status: 0 every check passed, 1 some check failed, 2 grading could not be done")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # the tool's own help format, keeping the rules table's lines as written
    parser.formatter_class = type("GradeHelpFormatter", (argparse.RawDescriptionHelpFormatter,
                                                         parser.formatter_class), {})
    parser.epilog = rules_help()
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a console log file, or a folder with a log and optionally a model")
    parser.add_argument("--expected", required=True, metavar="PATH",
                        help="the reference run's results.json")
    parser.add_argument("--tolerance", type=non_negative_float, default=DEFAULT_TOLERANCE,
                        help="how far the test accuracy may fall below the expected")
    parser.add_argument("--loss-tolerance", type=non_negative_float, default=DEFAULT_LOSS_TOLERANCE,
                        help="how far the test loss may rise above the expected")
    parser.add_argument("--report", metavar="CSV", help="also write one row per submission to this CSV file")
    parser.add_argument("--json", action="store_true", help="print the grades as JSON, and nothing else")
    add_data_dir(parser, ", for measuring submitted models")


def run(args: argparse.Namespace) -> int:
    """Grade every submission; 0 when all passed every check, 1 when any failed."""
    if args.report:
        check_writable_folder(args.report, "--report")
    exp = load_expected(args.expected)
    submissions = [find_submission(path) for path in args.submissions]
    test_set = None
    if any(sub.model_path for sub in submissions):
        test_set = ReferenceTestSet(args.data_dir, sum(exp.class_counts))
    grades = [grade(sub, exp, args, test_set) for sub in submissions]
    if args.report:
        write_report(args.report, grades)
    if args.json:
        json.dump(as_json(grades, args), sys.stdout, indent=2)
        print()
    else:
        print("\n\n".join(table(g) for g in grades))
        print(f"\n{totals(grades)}" + (f"; report: {args.report}" if args.report else ""))
    return 0 if all(g.passed == g.total for g in grades) else 1
