"""`python fashion_items.py grade`: the command line that wires the expected file, the submissions,
the checks and the reports.

Reading logs imports no TensorFlow: grading forty logs takes a moment. TensorFlow is imported
only when a submission holds a model, to measure that model's accuracy here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from fashion_tools.atomic import check_output_file, discard_temporaries, make_folder
from fashion_tools.cli import INTERRUPTED, add_data_dir, add_scheduler, non_negative_float
from fashion_tools.errors import ToolError
from fashion_tools.grading.check import check_log, rubric
from fashion_tools.grading.check.copies import same_runs
from fashion_tools.grading.check.diagnosis import diagnose_grades, load_signatures
from fashion_tools.grading.check.expected import Expected, load_expected
from fashion_tools.grading.check.model_check import ReferenceTestSet, check_model
from fashion_tools.grading.check.result import (
    CHECKS,
    DEFAULT_LOSS_TOLERANCE,
    DEFAULT_TOLERANCE,
    RULES,
    CheckResult,
    Grade,
    failing,
    reviewing,
)
from fashion_tools.grading.intake.submissions import MODEL_SUFFIXES, Submission, find_submissions
from fashion_tools.grading.parse.values import ParsedLog
from fashion_tools.grading.platforms.exports import write_exports
from fashion_tools.grading.readers import bounded
from fashion_tools.grading.reports.grades import as_json, table, totals, write_report
from fashion_tools.grading.reports.html_page import write_page
from fashion_tools.grading.reports.previews import previews


def grade(sub: Submission, exp: Expected, args: argparse.Namespace, test_set: ReferenceTestSet | None,
          points: dict[str, float], model_result: CheckResult | None = None) -> Grade:
    if sub.log.readable:
        results = check_log(sub.log, exp, args.tolerance, args.loss_tolerance, args.lecture_lines)
    else:  # nothing to check: a person looks (a format the grader cannot read), or the output is missing
        blank = check_log(ParsedLog(), exp, args.tolerance, args.loss_tolerance)
        verdict = reviewing if sub.log.review else failing
        why = "needs a look" if sub.log.review else "unreadable"
        results = [verdict(r.check, r.expected, "-", f"{why}: {sub.log.problem}") for r in blank]
    unread = "; ".join(filter(None, (sub.over_budget, sub.note and f"some files could not be read: {sub.note}")))
    if unread:  # what was not read (its budget spent, a file refused) may show what a check missed: never a FAIL
        results = [r if r.passed or r.review else reviewing(r.check, r.expected, r.found, f"{r.reason}; {unread}: "
                                                            "look at it") for r in results]
    if model_result is not None:  # checked on a cluster
        results.append(model_result)
    elif sub.model_path is not None and test_set is not None:
        results.append(check_model(sub.model_path, sub.log, exp, test_set))
    return Grade(sub, results, rubric.score(results, points))


def matrix_key(log: ParsedLog) -> tuple | None:
    """The printed confusion matrix, to tell apart runs that agree on every printed number by chance."""
    m = log.confusion_matrix
    return None if m is None else (m.shape, np.asarray(m).tobytes())


def mark_copies(grades: list[Grade]) -> None:
    """Fill each grade's same_as with the others whose run printed the very same numbers. Information for
    the instructor, not a failed check: two unseeded runs never print the same losses to 8 digits."""
    names = [f"{g.submission.name}#{i}" for i, g in enumerate(grades)]
    logs = {name: g.submission.log for name, g in zip(names, grades, strict=True) if g.submission.log.readable}
    same = same_runs(logs, matrix_key)
    shown = dict(zip(names, (g.submission.name for g in grades), strict=True))
    for name, g in zip(names, grades, strict=True):
        g.same_as = [shown[other] for other in same.get(name, [])]


def progress(done: int, total: int) -> None:
    """A progress line on a terminal (never in a redirected log): models take a second each."""
    if sys.stderr.isatty() and total > 1:
        print(f"\rgrading {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def rules_help() -> str:
    width = max(len(name) for name, _ in RULES)
    rules = "\n".join(textwrap.fill(rule, 79, initial_indent=f"  {name.ljust(width)}  ",
                                    subsequent_indent=" " * (width + 4)) for name, rule in RULES)
    about = (f"A SUBMISSION is a console log, a notebook or its HTML export, a PDF, a Word report (.docx), a .py "
             f"with the output pasted into it, or a folder holding these and optionally a model "
             f"({', '.join(MODEL_SUFFIXES)}; after.h5 first); or a learning platform's download (a .zip, or "
             f"Moodle's or Canvas' unpacked folder), one submission per student. Of a folder's files the one that "
             f"shows most of the lecture is graded; of several runs in one log the last complete one. A missing "
             f"section fails the checks that need it ('section not found', or 'not reached' after an error). What "
             f"the grader cannot read with confidence (a picture, a format it does not read, a printout it cannot "
             f"parse safely) is REVIEW: no points, never a FAIL, a person looks; gradebooks leave that student's "
             f"grade empty.")
    return (f"checks (each PASS, FAIL or REVIEW with its reason):\n{rules}\n\n{textwrap.fill(about, 79)}\n\n"
            "exit status: 0 every check passed, 1 some check failed, 2 grading could not be done, 3 no check "
            "failed but some need a look (REVIEW)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # the tool's own help format, keeping the rules table's lines as written
    parser.formatter_class = type("GradeHelpFormatter", (argparse.RawDescriptionHelpFormatter,
                                                         parser.formatter_class), {})
    parser.epilog = rules_help()
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a log, notebook or HTML export, a folder of these with optionally the model, or a "
                             "platform's download (.zip or its folder)")
    parser.add_argument("--expected", required=True, metavar="PATH",
                        help="the reference run's results.json")
    parser.add_argument("--tolerance", type=non_negative_float, default=None,
                        help=f"how far the test accuracy may fall below the expected (default: {DEFAULT_TOLERANCE}), "
                             "or below the minimum of a reference's spread (default: 2 standard deviations of "
                             "its seeds, at least 0.005)")
    parser.add_argument("--loss-tolerance", type=non_negative_float, default=None,
                        help=f"how far the test loss may rise above the expected (default: "
                             f"{DEFAULT_LOSS_TOLERANCE}), or above a spread's maximum (default: 2 standard "
                             "deviations, at least 0.01)")
    parser.add_argument("--lecture-lines", action="store_true",
                        help="credit only the lecture's own lines ('Keras CNN model accuracy = ...'); by default a "
                             "value printed another way ('Test accuracy: 0.91', a percentage, evaluate()'s list, "
                             "classification_report) is read and credited, and its reason says how it was printed")
    parser.add_argument("--report", metavar="CSV", help="also write one row per submission to this CSV file")
    parser.add_argument("--json", action="store_true", help="print the grades as JSON, and nothing else")
    parser.add_argument("--html", metavar="FILE", help="also write the class at a glance to this HTML page: the "
                        "class against the reference's range, the most common reasons, a sortable table of the "
                        "students with what needs a look (one self-contained file)")
    parser.add_argument("--points", metavar="CHECK=N,...", default="",
                        help="points per check (each 1 unless given), e.g. model=3,accuracy=2")
    parser.add_argument("--rubric", metavar="FILE", help="points per check from a TOML ([points]) or JSON file")
    parser.add_argument("--moodle-worksheet", metavar="CSV",
                        help="Moodle's downloaded grading worksheet: writes NAME-graded.csv beside it with each "
                             "student's grade and feedback, for 'Upload grading worksheet'")
    parser.add_argument("--canvas", metavar="CSV", help="write a Canvas gradebook CSV (Grades > Import)")
    parser.add_argument("--assignment", default="Fashion-MNIST CNN lab",
                        help="the Canvas assignment's title, best 'Title (assignment id)'")
    parser.add_argument("--gradescope", metavar="JSON",
                        help="write Gradescope's autograder results.json (one submission)")
    parser.add_argument("--feedback", metavar="DIR", help="write one feedback file per student into DIR "
                        "(for a Moodle download also feedback.zip, for 'Upload multiple feedback files in a zip')")
    parser.add_argument("--feedback-markdown", action="store_true", help="feedback files in Markdown")
    parser.add_argument("--no-copies", dest="copies", action="store_false",
                        help="do not list submissions whose runs printed the same numbers (a class with a fixed "
                             "seed expects some)")
    parser.add_argument("--signatures", metavar="JSON", default=None,
                        help="the common mistakes' measured signatures, by which a report names the mistake a "
                             "student's numbers show (`python fashion_items.py mistakes` makes them; default: the "
                             "ones shipped with the tool)")
    parser.add_argument("--hand-in-seconds", type=positive_float, default=bounded.HAND_IN_SECONDS, metavar="S",
                        help="time for reading one hand-in's PDFs, Word files and pictures together; what is left "
                             "unread is REVIEW (default: %(default)g)")
    parser.add_argument("--class-seconds", type=positive_float, default=bounded.CLASS_SECONDS, metavar="S",
                        help="time for reading all hand-ins' PDFs, Word files and pictures together (default: "
                             "%(default)g)")
    parser.add_argument("--reader-memory", type=positive_float, default=bounded.MEMORY >> 20, metavar="MB",
                        help="memory one reader's processes may hold together (default: %(default)g)")
    add_data_dir(parser, ", for measuring submitted models")
    add_scheduler(parser, "the model checks and the reading of pictures, PDFs and Word reports, each a task")


def positive_float(text: str) -> float:
    value = non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text}: must be more than 0")
    return value


def check_input_files(args: argparse.Namespace) -> None:
    """The teacher's own input files are regular files: /dev/zero or a pipe given by mistake would be read
    without end."""
    for option in ("rubric", "signatures", "moodle_worksheet"):
        path = getattr(args, option, None)
        if path and os.path.exists(path) and not os.path.isfile(path):
            raise ToolError(f"--{option.replace('_', '-')} {path}: not a regular file; give the file itself")


def check_outputs(args: argparse.Namespace) -> None:
    """Every file grading will write can be written: found out before any work."""
    check_input_files(args)
    for option in ("report", "canvas", "gradescope", "html"):
        if getattr(args, option):
            check_output_file(getattr(args, option), f"--{option}")
    if args.moodle_worksheet:
        from fashion_tools.grading.platforms.exports import graded_worksheet_path
        from fashion_tools.grading.platforms.gradebooks import read_worksheet

        read_worksheet(args.moodle_worksheet)
        check_output_file(graded_worksheet_path(args.moodle_worksheet), "--moodle-worksheet")
    if args.feedback:
        make_folder(args.feedback, "--feedback", "feedback.txt")
        check_output_file(Path(args.feedback) / "feedback.zip", "--feedback")  # written for a Moodle download


def set_tolerances(args: argparse.Namespace, exp: Expected) -> None:
    """The tolerances not given: a spread's margins where the expected file has one, else the defaults."""
    accuracy, loss = exp.spread.margins if exp.spread else (DEFAULT_TOLERANCE, DEFAULT_LOSS_TOLERANCE)
    if args.tolerance is None:
        args.tolerance = accuracy
    if args.loss_tolerance is None:
        args.loss_tolerance = loss


def check_inputs(args: argparse.Namespace) -> None:
    """Every path given exists: a typo of the instructor's is a usage error, never a student with a zero."""
    for path in args.submissions:
        if not os.path.lexists(path):
            raise ToolError(f"{path}: no such file or folder; give a submission's log, notebook, report or folder, "
                            "or a platform's download")


def run(args: argparse.Namespace) -> int:
    """Grade every submission; 0 when all passed every check, 1 when any failed."""
    check_outputs(args)
    check_inputs(args)
    given = rubric.load_rubric(args.rubric) if args.rubric else {}
    points = rubric.points_for(CHECKS, {**given, **rubric.parse_points(args.points)})
    exp = load_expected(args.expected)
    set_tolerances(args, exp)
    signatures = load_signatures(args.signatures)
    limits = bounded.Limits(args.hand_in_seconds, args.class_seconds, int(args.reader_memory * (1 << 20)))
    with scratch_folder() as workdir, bounded.class_limits(limits):  # bundles unpack here, then it goes
        if args.scheduler:  # the heavy files (pictures, PDFs, Word reports) read as tasks
            from fashion_tools.measure.cluster.readers import find_on_cluster

            submissions = find_on_cluster(args.scheduler, args.submissions, Path(workdir))
        else:
            submissions = [sub for path in args.submissions for sub in find_submissions(path, Path(workdir))]
        if args.gradescope and len(submissions) != 1:
            raise ToolError(f"--gradescope writes one submission's results; {len(submissions)} were given")
        test_set, checked = None, {}
        if any(sub.model_path for sub in submissions) and args.scheduler:
            from fashion_tools.measure.cluster.models import check_models

            checked = check_models(args.scheduler, submissions, exp, args.data_dir)
        elif any(sub.model_path for sub in submissions):
            test_set = ReferenceTestSet(args.data_dir, sum(exp.class_counts))
        grades = []
        for sub in submissions:
            grades.append(grade(sub, exp, args, test_set, points, checked.get(sub.model_path)))
            progress(len(grades), len(submissions))
        shown = previews(grades) if args.html else {}  # what needs a look, while the unpacked files exist
    diagnose_grades(grades, signatures, points, rubric.one_penalty(args.rubric))
    if args.copies:
        mark_copies(grades)
    if args.report:
        write_report(args.report, grades)
    written = write_exports(args, grades, points)
    if args.html:
        written.append(write_page(args.html, grades, exp, args, points, shown))
    if args.json:
        json.dump(as_json(grades, args), sys.stdout, indent=2)
        print()
    else:
        print("\n\n".join(table(g) for g in grades))
        print(f"\n{totals(grades)}" + (f"; report: {args.report}" if args.report else ""))
        for line in written:
            print(line)
    return exit_status(grades)


@contextlib.contextmanager
def scratch_folder() -> Iterator[str]:
    """A temporary folder for unpacked hand-ins and the readers' files (tempfile's default while it
    lasts), removed on every exit: an error, Ctrl-C or SIGTERM, with the readers' processes killed."""
    workdir = tempfile.mkdtemp(prefix="fashion-grade-")
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def leave(signum, frame) -> None:
        bounded.kill_all()
        shutil.rmtree(workdir, ignore_errors=True)
        discard_temporaries()
        os.write(2, f"fashion_items.py: {INTERRUPTED}\n".encode())
        os._exit(128 + signum)

    main = threading.current_thread() is threading.main_thread()  # only there can Python set a handler
    for sig in previous if main else ():
        signal.signal(sig, leave)
    before, tempfile.tempdir = tempfile.tempdir, workdir
    try:
        yield workdir
    finally:
        tempfile.tempdir = before
        for sig, handler in previous.items() if main else ():
            signal.signal(sig, handler)
        shutil.rmtree(workdir, ignore_errors=True)


def exit_status(grades: list[Grade]) -> int:
    """0 every check passed; 1 some check failed; 3 none failed but some need a person's look."""
    if any(g.failed for g in grades):
        return 1
    return 3 if any(g.reviews for g in grades) else 0
