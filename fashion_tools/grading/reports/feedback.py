"""Feedback a student reads: a table of the checks with their points, then each failed check's reason and
what to do about it; written one file per student, named so the platform takes the files back.

Moodle's "Upload multiple feedback files in a zip" (mod/assign/feedback/file/importziplib.php) splits each
path component at '_' and takes the first one whose second part is a participant number and whose third
and fourth name a plugin: the folder names of "Download all submissions", 'Full Name_123456_assignsubmission
_file_'; what follows becomes the feedback file's path. Moodle writes names with '_' turned into ' ' for
that reason, and so does write_feedback.
Canvas has no such upload of feedback files (its "Re-upload submissions" attaches graded copies of the
students' own files); its files are named '<name>_<user id>_feedback.txt' for the teacher to attach.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fashion_tools.atomic import atomic_write, atomic_write_text, short
from fashion_tools.grading.check.rubric import DEFAULT_POINTS
from fashion_tools.grading.intake.safezip import safe_name

if TYPE_CHECKING:
    from fashion_tools.grading.check.result import Grade

ADVICE = {
    "shapes": "print the four shapes right after loading the data, as the lecture script does, before reshaping",
    "sample": "print the lecture's sample (the same index) with its label and its raw pixel values, 0 to 255, "
              "before scaling them",
    "architecture": "build the lecture's model: the same layers, in the same order, of the same sizes; hand in "
                    "the whole model.summary() table",
    "training": "train for the lecture's number of epochs and hand in the whole training output, every "
                "'Epoch N/M' line",
    "accuracy": "train the lecture's model as given (epochs, batch size, optimizer, pixels scaled to 0..1): a "
                "low accuracy usually comes from a changed layer, fewer epochs or unscaled pixels",
    "loss": "train the lecture's model as given (epochs, batch size, optimizer, pixels scaled to 0..1): a high "
            "loss usually comes from a changed layer, fewer epochs or unscaled pixels",
    "evaluation": "hand in the output exactly as your run printed it: the test accuracy and loss you print must "
                  "be the ones evaluate() returned",
    "confusion_matrix": "print the confusion matrix of the whole test set (10 rows of 10 counts) from your "
                        "model's predictions",
    "f1": "print the F1 score of the same test-set predictions as the confusion matrix",
    "prediction": "print the model's prediction for the same sample you printed at the start",
    "model": "hand in the after.h5 that the same run as your log saved, from the lecture's model (no Lambda or "
             "custom layers)",
}
GENERAL = [  # reasons that say the same thing for many checks, and what to do about each
    ("not reached:", "your run stopped with an error before this part: fix that error and run the whole "
                     "script again, then hand in the new output"),
    ("section not found", "your output does not show this part: hand in the complete output of one full run"),
    ("unreadable log:", "hand in the console output as a .txt file, or the notebook saved with its outputs"),
]


def advice(check: str, reason: str) -> str:
    """What a student should do about a failed check, in words they understand."""
    for start, what in GENERAL:
        if reason.startswith(start):
            return what
    return ADVICE.get(check, "compare your output with the lecture's and run the script again")


def clean(text: str) -> str:
    """One line, no control characters: the reasons quote what a student's log printed."""
    return "".join(c if c.isprintable() else " " for c in text[:400])


def md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", clean(text))


LOOKED_AT = ("A person will look at your hand-in: the grader could not read all of it with confidence, so "
             "these checks have no points yet and your grade comes after that look")


DIAGNOSIS_HEAD = "What your numbers suggest (advice, not a verdict)"


def diagnosis_advice(diagnoses: Iterable) -> list[str]:
    """Each diagnosed mistake as advice: what the numbers show, and the lecture's part to revisit."""
    return [f"your numbers look like {d.title}: {'; '.join(d.evidence)}. If so, revisit {d.part} and run the "
            "script again" for d in diagnoses]


def feedback_text(student_name: str, results: Iterable, points: dict[str, float], markdown: bool = False,
                  looked_at: str | None = None, diagnoses: Iterable = (), waived: Iterable[str] = ()) -> str:
    """The feedback for one student: the checks' table, then what went wrong and what to do, what the
    numbers suggest (diagnoses: grading/check/diagnosis.py), and what a person is looking at (looked_at: why).
    results are CheckResult-like (.check, .passed, .reason, .verdict), points as rubric.points_for gives
    them; a waived check's failure costs nothing (one mistake, one penalty)."""
    results, waived, advised = list(results), set(waived), diagnosis_advice(diagnoses)
    worth = {r.check: points.get(r.check, DEFAULT_POINTS) for r in results}
    earned = sum(worth[r.check] for r in results if r.passed or r.check in waived)
    total = sum(worth.values())
    summary = f"{earned:g} of {total:g} points" + (f" ({100 * earned / total:.0f}%)" if total else "")
    if looked_at:
        summary += " so far, a person is looking at the rest"
    rows = [(r.check, r.verdict, f"{worth[r.check] if r.passed or r.check in waived else 0:g}/{worth[r.check]:g}"
             if r.verdict != "REVIEW"
             else f"-/{worth[r.check]:g}") for r in results]
    problems: dict[tuple[str, str], list[str]] = {}  # one entry for checks failed with the same reason
    for r in results:
        if r.verdict == "FAIL":
            key = (r.reason, advice(r.check, r.reason))
            problems.setdefault(key, []).append(r.check)
    if markdown:
        lines = [f"# Feedback for {md(student_name)}", "", f"**{summary}**", "",
                 "| check | result | points |", "|---|---|---|", *(f"| {c} | {v} | {p} |" for c, v, p in rows)]
        if looked_at:
            lines += ["", "## Being looked at by a person", "", f"{LOOKED_AT}: {md(looked_at)}"]
        if problems:
            lines += ["", "## What went wrong and what to do", ""]
            lines += [f"- **{', '.join(checks)}**: {md(reason)}  \n  *What to do:* {md(what)}"
                      for (reason, what), checks in problems.items()]
        if advised:
            lines += ["", f"## {DIAGNOSIS_HEAD}", "", *(f"- {md(a)}" for a in advised)]
    else:
        widths = [max(len(row[i]) for row in [("check", "result", "points"), *rows]) for i in range(2)]
        lines = [f"Feedback for {clean(student_name)}: {summary}", ""]
        lines += [f"{c.ljust(widths[0])}  {v.ljust(widths[1])}  {p}" for c, v, p in [("check", "result", "points"),
                                                                                    *rows]]
        if looked_at:
            lines += ["", f"Being looked at by a person: {LOOKED_AT}: {clean(looked_at)}"]
        if problems:
            lines += ["", "What went wrong and what to do:"]
            lines += [f"- {', '.join(checks)}: {clean(reason)}\n  What to do: {what}"
                      for (reason, what), checks in problems.items()]
        if advised:
            lines += ["", f"{DIAGNOSIS_HEAD}:", *(f"- {clean(a)}" for a in advised)]
    if not problems and not looked_at:
        lines += ["", "Every check passed: well done."]
    return "\n".join(lines) + "\n"


def grade_feedback(grade: Grade, points: dict[str, float], markdown: bool = False) -> str:
    """A graded student's feedback (grade: checks.Grade), as the feedback files and the HTML report give it."""
    from fashion_tools.grading.reports.grades import looks

    return feedback_text(grade.submission.name, grade.results, points, markdown=markdown,
                         looked_at=looks(grade) if grade.reviews else None, diagnoses=grade.diagnoses,
                         waived=grade.waived)


NAME_BYTES = 255  # the longest file name Linux, macOS and Windows file systems take
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def moodle_folder(name: str, participant: str) -> str:
    """The folder Moodle's "Download all submissions" gives this student, which its feedback zip upload reads
    (by the number after the name: a name too long for a file name is cut, the number kept)."""
    cleaned = "".join(c for c in name if c.isprintable() and c not in '/\\:*?"<>|').replace("_", " ").strip(" .")
    tail = f"_{participant}_assignsubmission_file_"
    return f"{short(cleaned or 'Participant', NAME_BYTES - len(tail.encode()))}{tail}"


def plain_name(name: str, taken: set[str]) -> str:
    """A feedback file's name for a student: safe on any file system, under 255 bytes, no reserved name,
    and unique here ('Jo Smith' and 'Jo_Smith' clean alike: the second gets '-2')."""
    stem = short(safe_name(name), NAME_BYTES - 40)
    if stem.split(".")[0].upper() in RESERVED:
        stem = "_" + stem
    candidate, n = f"{stem}_feedback.txt", 1
    while candidate.casefold() in taken:  # case too: a Mac's or Windows' file system folds it
        n += 1
        candidate = f"{stem}-{n}_feedback.txt"
    taken.add(candidate.casefold())
    return candidate


def write_feedback(folder: str | Path, students_and_texts: Iterable[tuple[object, str]], moodle: bool) -> list[Path]:
    """One feedback.txt per student in folder, each written atomically; with moodle, in the folders of
    Moodle's download and also zipped into folder/feedback.zip for "Upload multiple feedback files in a zip"
    (a student without a participant number gets a plain file, left out of the zip). Students are objects
    with .name and .identifier (bundles.Student). Returns the files written, the zip last."""
    folder = Path(folder)
    written: list[Path] = []
    zipped: list[tuple[str, str]] = []
    taken: set[str] = set()
    for student, text in students_and_texts:
        identifier = student.identifier
        if moodle and identifier and identifier.isdigit():
            relative = f"{moodle_folder(student.name, identifier)}/feedback.txt"
            zipped.append((relative, text))
        else:
            relative = plain_name(f"{student.name}_{identifier}" if identifier else student.name, taken)
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
        written.append(path)
    if moodle:
        def write_zip(tmp: str) -> None:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
                for relative, text in zipped:
                    archive.writestr(relative, text)

        atomic_write(folder / "feedback.zip", write_zip)
        written.append(folder / "feedback.zip")
    return written
