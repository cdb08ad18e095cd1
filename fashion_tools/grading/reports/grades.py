"""The grades as a person or a program reads them: a table per submission, a summary line, CSV, JSON."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from fashion_tools.atomic import atomic_write_text
from fashion_tools.grading.check.result import AGREEMENT, CHECKS, MODEL_AGREEMENT, Grade
from fashion_tools.grading.platforms.gradebooks import defuse


def printable(text: str, width: int | None = None) -> str:
    """A cell safe to print: no control characters from a student's file reach the terminal."""
    text = "".join(c if c.isprintable() else "?" for c in text[:400])
    return text if width is None or len(text) <= width else text[:width - 3] + "..."


def notes(grade: Grade) -> str:
    """What a reader must know to read the verdicts: which of several runs was graded, and how the
    graded run stopped."""
    sub, log = grade.submission, grade.submission.log
    parts = []
    if sub.identifier or sub.late:
        parts.append(f"{sub.platform} {'participant' if sub.platform == 'moodle' else 'user'} {sub.identifier}"
                     + (", late" if sub.late else ""))
    if sub.note:
        parts.append(f"some files could not be read: {sub.note}")
    if sub.over_budget:
        parts.append(f"reading budget reached: {sub.over_budget}")
    if grade.same_as:
        parts.append(f"printed the very same numbers as {', '.join(grade.same_as)}")
    if log.note:
        parts.append(log.note)
    if not log.readable:
        parts.append(f"{'needs a look' if log.review else 'unreadable'}: {log.problem}")
    if log.run_count > 1:
        parts.append(f"run {log.run_number} of {log.run_count} graded; " + "; ".join(log.other_runs))
    if log.stopped:
        parts.append(f"the run stopped with {log.stopped} {log.stopped_at}")
    return "; ".join(parts)


def table(grade: Grade) -> str:
    sub = grade.submission
    head = f"== {printable(sub.name)} =="
    kind = f" ({sub.log.source})" if sub.log.source else ""
    files = [f"log: {printable(sub.shown(sub.log_path))}{kind}" if sub.log_path else "",
             f"model: {printable(sub.shown(sub.model_path))}" if sub.model_path else ""]
    if (sub.log_path is not None and sub.log_path != Path(sub.name)) or sub.model_path or kind:
        head += " (" + "; ".join(f for f in files if f) + ")"
    if notes(grade):
        head += f"\n{printable(notes(grade))}"
    said = f"{'needs a look' if sub.log.review else 'unreadable'}: {sub.log.problem}"  # in the head already
    rows = [("check", "verdict", "expected", "found", "reason")] + [
        (r.check, r.verdict, printable(r.expected, 40), printable(r.found, 40),
         "(see above)" if r.reason == said else printable(r.reason))
        for r in grade.results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [head] + ["  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
                      for row in rows]
    lines += [f"advice, not a verdict: the numbers look like {printable(d.text)}" for d in grade.diagnoses]
    look = f", {grade.reviews} need{'s' * (grade.reviews == 1)} a look (no grade until a person decides)" \
        if grade.reviews else ""
    look += "".join(f"; {check} costs nothing more: {why}" for check, why in grade.waived.items())
    lines.append(f"{printable(sub.name)}: {grade.passed}/{grade.total} checks passed{look}, "
                 f"{grade.points[0]:g}/{grade.points[1]:g} points")
    return "\n".join(lines)


def tally(grades: list[Grade]) -> dict[str, int]:
    """How many students passed every check, failed some, need a look, were late, printed another's numbers."""
    return {"passed": sum(g.passed == g.total for g in grades), "failed": sum(bool(g.failed) for g in grades),
            "look": sum(bool(g.reviews) for g in grades), "late": sum(g.submission.late for g in grades),
            "copies": sum(bool(g.same_as) for g in grades),
            "over_budget": sum(bool(g.submission.over_budget) for g in grades)}


def totals(grades: list[Grade]) -> str:
    counts = tally(grades)
    perfect, failed, look, copies = counts["passed"], counts["failed"], counts["look"], counts["copies"]
    return (f"graded {len(grades)} submission{'s' * (len(grades) != 1)}: {perfect} passed every check, "
            f"{failed} failed some"
            + (f"; {look} need{'s' * (look == 1)} a look (REVIEW: no grade until a person decides)" if look else "")
            + (f"; {copies} printed the very same numbers as another (see same_as)" if copies else "")
            + (f"; {counts['over_budget']} reached their reading budget: {', '.join(budget_names(grades))}"
               if counts["over_budget"] else ""))


def budget_names(grades: list[Grade]) -> list[str]:
    """The hand-ins whose reading budget ran out (printable; at most 5 named)."""
    names = [printable(g.submission.name, 60) for g in grades if g.submission.over_budget]
    return names[:5] + ([f"{len(names) - 5} more"] if len(names) > 5 else [])


def csv_cell(value):
    """A text a spreadsheet would run as a formula (a student chose some of them) defused, its control
    characters (ESC, CR, LF from a name or a log) as spaces; others as they are."""
    if not isinstance(value, str):
        return value
    return defuse("".join(c if c.isprintable() else " " for c in value))


def failures(grade: Grade) -> str:
    """The reasons of the failed checks; an unreadable log, or a run that stopped, is said once,
    not once per check."""
    log = grade.submission.log
    reasons = [f"unreadable: {log.problem}"] if log.problem and not log.review else []
    unreached = [r.check for r in grade.results if not r.passed and r.reason.startswith("not reached:")]
    reasons += [f"{r.check}: {r.reason}" for r in grade.results if r.verdict == "FAIL" and r.check not in unreached
                and (r.check == "model" or not log.problem)]
    if unreached:
        reasons.append(f"not reached, the run stopped with {log.stopped} {log.stopped_at}: {', '.join(unreached)}")
    return "; ".join(reasons)


def looks(grade: Grade) -> str:
    """What a person must look at and why; the whole hand-in said once."""
    log = grade.submission.log
    if log.problem and log.review:
        return f"the hand-in: {log.problem}"
    return "; ".join(f"{r.check}: {r.reason}" for r in grade.results if r.review)


def diagnosis(grade: Grade) -> str:
    """The common mistakes the numbers show, each with its evidence (grading/check/diagnosis.py)."""
    return "; ".join(d.text for d in grade.diagnoses)


def write_report(path: str, grades: list[Grade]) -> None:
    """One row per submission: its files, score, one column per check, and the reasons of its fails."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["submission", "identifier", "late", "log_file", "model_file", "passed", "total", "score",
                     "points", "max_points", *CHECKS, "failures", "needs_a_look", "same_as", "notes",
                     "diagnosis"])
    for g in grades:
        verdicts = {r.check: r.verdict for r in g.results}
        sub = g.submission
        writer.writerow([csv_cell(x) for x in [sub.name, sub.identifier or "", "yes" if sub.late else "",
                                               sub.shown(sub.log_path), sub.shown(sub.model_path),
                                               g.passed, g.total, g.score, f"{g.points[0]:g}", f"{g.points[1]:g}",
                                               *(verdicts.get(c, "") for c in CHECKS), failures(g), looks(g),
                                               "; ".join(g.same_as), notes(g), diagnosis(g)]])
    atomic_write_text(path, out.getvalue())


def as_json(grades: list[Grade], args: argparse.Namespace) -> dict:
    return {
        "expected": args.expected,
        "tolerances": {"accuracy": args.tolerance, "loss": args.loss_tolerance,
                       "agreement": AGREEMENT, "model_agreement": MODEL_AGREEMENT},
        "all_passed": all(g.passed == g.total for g in grades),
        "need_a_look": [g.submission.name for g in grades if g.reviews],
        "submissions": [{
            "submission": g.submission.name,
            "identifier": g.submission.identifier,
            "late": g.submission.late,
            "points": g.points[0], "max_points": g.points[1],
            "same_as": g.same_as,
            "log": g.submission.shown(g.submission.log_path) or None,
            "model": g.submission.shown(g.submission.model_path) or None,
            "unreadable": g.submission.log.problem,
            "needs_a_look": looks(g) or None,
            "read_as": g.submission.log.source or ("log" if g.submission.log_path else None),
            "runs": {"graded": g.submission.log.run_number, "count": g.submission.log.run_count,
                     "others": g.submission.log.other_runs},
            "stopped": ({"error": g.submission.log.stopped, "where": g.submission.log.stopped_at}
                        if g.submission.log.stopped else None),
            "notes": notes(g),
            "over_budget": g.submission.over_budget,
            "passed": g.passed, "total": g.total, "score": g.score,
            "checks": [r.as_dict() for r in g.results],
            "diagnosis": [d.as_dict() for d in g.diagnoses],
            "waived": g.waived,
        } for g in grades],
    }
