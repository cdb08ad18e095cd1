"""What goes back into the learning platform: the Moodle worksheet, a Canvas gradebook CSV, a
Gradescope results.json, and a feedback file per student. Each is written atomically; the formats
are the platforms' own (see gradebooks, gradescope, feedback)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fashion_tools.errors import ToolError
from fashion_tools.grading.check.result import Grade
from fashion_tools.grading.platforms import gradebooks
from fashion_tools.grading.platforms.gradescope import gradescope_results, write_results
from fashion_tools.grading.reports.feedback import clean, diagnosis_advice, grade_feedback, write_feedback
from fashion_tools.grading.reports.grades import looks


def graded_worksheet_path(worksheet: str) -> Path:
    """Beside the downloaded worksheet, never over it: 'worksheet.csv' -> 'worksheet-graded.csv'."""
    path = Path(worksheet)
    return path.with_name(f"{path.stem}-graded{path.suffix or '.csv'}")


def short_comment(grade: Grade) -> str:
    """The feedback comment a gradebook shows: the score and what failed, one line each."""
    earned, maximum = grade.points
    failed = [f"{r.check}: {r.reason}" for r in grade.results if r.verdict == "FAIL"]
    return "\n".join([f"{earned:g}/{maximum:g} points ({grade.passed}/{grade.total} checks passed)", *failed])


def warn_looks(grades: list[Grade], where: str) -> None:
    """Each student whose grade a gradebook leaves empty, on stderr: a person decides it."""
    for g in grades:
        if g.reviews:
            who = g.submission.name + (f" ({g.submission.identifier})" if g.submission.identifier else "")
            print(f"needs a look, {where} grade left empty: {clean(who)}: {clean(looks(g))}", file=sys.stderr)


def gradescope_output(grade: Grade) -> str | None:
    """The note above the tests: what the numbers suggest (grading/check/diagnosis.py), and for the manual grader,
    the checks that need a look."""
    advice = "\n".join(f"What your numbers suggest (advice, not a verdict): {clean(a)}"
                       for a in diagnosis_advice(grade.diagnoses))
    if not grade.reviews:
        return advice or None
    return (f"{advice}\n" if advice else "") + (
            f"{grade.reviews} check{'s' * (grade.reviews != 1)} need{'s' * (grade.reviews == 1)} a look by a person "
            f"(REVIEW): the autograder "
            f"could not read them with confidence; their points are left to the manual grader. {clean(looks(grade))}")


def write_exports(args: argparse.Namespace, grades: list[Grade], points: dict[str, float]) -> list[str]:
    """Every platform file the options ask for; returns one line per file written, and warns on stderr."""
    written = []
    if args.moodle_worksheet:
        sheet = gradebooks.read_worksheet(args.moodle_worksheet)
        out = graded_worksheet_path(args.moodle_worksheet)
        moodle = [g for g in grades if g.submission.platform == "moodle" and g.submission.identifier]
        by_participant = {g.submission.identifier: (g.points[0] / g.points[1] if g.points[1] else 0.0,
                                                    short_comment(g))
                          for g in moodle if not g.reviews}  # a REVIEW leaves the row as Moodle wrote it
        warn_looks(moodle, "Moodle worksheet")
        if not moodle:
            raise ToolError(f"--moodle-worksheet {args.moodle_worksheet}: no submission came from a Moodle download "
                            "(folders named 'Full Name_123456_assignsubmission_file'); pass Moodle's zip")
        for line in gradebooks.write_worksheet(out, sheet, by_participant):
            print(f"warning: Moodle worksheet: {line}", file=sys.stderr)
        written.append(f"Moodle grading worksheet: {out} (upload it with 'Upload grading worksheet')")
    if args.canvas:
        canvas = [g for g in grades if g.submission.platform == "canvas" and g.submission.identifier]
        rows = [(g.submission.name, g.submission.identifier, None if g.reviews else g.points[0]) for g in canvas]
        warn_looks(canvas, "Canvas")
        if not rows:
            raise ToolError(f"--canvas {args.canvas}: no submission came from a Canvas download "
                            "('login_123456_7890_file' names); pass Canvas' zip")
        gradebooks.write_canvas_csv(args.canvas, args.assignment, max(g.points[1] for g in grades), rows)
        written.append(f"Canvas gradebook CSV: {args.canvas} (Grades > Import)")
    if args.gradescope:
        (grade,) = grades
        write_results(args.gradescope, gradescope_results(grade.results, points, output=gradescope_output(grade),
                                                          waived=grade.waived))
        written.append(f"Gradescope results: {args.gradescope}")
    if args.feedback:
        texts = [(g.submission, grade_feedback(g, points, markdown=args.feedback_markdown)) for g in grades]
        files = write_feedback(args.feedback, texts, moodle=any(g.submission.platform == "moodle" for g in grades))
        written.append(f"feedback: {len(texts)} files in {args.feedback}"
                       + (f", zipped for Moodle in {files[-1]}" if files and files[-1].suffix == ".zip" else ""))
    return written
