"""Grades back to the platforms: Moodle's offline grading worksheet and Canvas's gradebook import CSV.

What each side does, from the platforms' own code:
- Moodle's worksheet ("Download grading worksheet", mod/assign/gradingtable.php when downloading;
  dataformat_csv writes UTF-8 with a byte-order mark): Identifier ('Participant 123456'), Full name,
  identity fields such as Email address, Status, Grade, Maximum Grade, Grade can be changed, Last modified
  (submission), online text, Last modified (grade), then one column per feedback plugin, 'Feedback
  comments' for comments. "Upload grading worksheet" (mod/assign/feedback/offline/importgradeslib.php and
  locallib.php) needs the Identifier, Grade and Last modified (grade) headers, takes the participant
  number after 'Participant ', and skips a grade that is empty, unchanged, above the maximum, or older than
  a change made in Moodle after the worksheet was downloaded (unless the teacher ticks "Allow updating
  records that have been modified more recently in Moodle than in the spreadsheet"); it strips the
  byte-order mark. Comments are stored as HTML (assignfeedback_comments saves FORMAT_HTML), so feedback goes
  in escaped, with <br> for line breaks.
- Canvas's "Import" (lib/gradebook_importer.rb): a header whose cells are Student, ID, then SIS User ID and
  SIS Login ID, the last student column Section, then one column per assignment, matched by 'Title (id)'
  or else by title; a row whose first cell contains 'Points Possible'; each student matched by the ID
  column (the Canvas user id) first; scores compared at two decimals.

A spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a formula, and students chose some
of these texts (names, feedback quoting their log): such a cell gets a leading ' (defuse), except a plain
number and Moodle's lone '-' (no date), which no spreadsheet runs. In a Moodle worksheet the columns Moodle
reads back keep their cells as Moodle wrote them in the rows not graded here, or uploading would change
those students' feedback.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from fashion_tools.atomic import atomic_write_text
from fashion_tools.errors import ToolError

IDENTIFIER, GRADE, MAXIMUM, CHANGEABLE = "Identifier", "Grade", "Maximum Grade", "Grade can be changed"
MODIFIED, COMMENTS = "Last modified (grade)", "Feedback comments"
REQUIRED = (IDENTIFIER, GRADE, MAXIMUM, MODIFIED)
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
DECIMAL = re.compile(r"\s*(\d+)(?:([.,])(\d+))?\s*")


def defuse(cell: str) -> str:
    """cell, with a leading ' when a spreadsheet would run it as a formula."""
    if cell[:1] in FORMULA_START and cell != "-" and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def participant(cell: object) -> str | None:
    """'Participant 123456' (any language), '123456' or 123456 as '123456'; None when there is no number."""
    found = re.search(r"(\d+)\s*$", str(cell))
    return found[1] if found else None


@dataclass
class Worksheet:
    header: list[str]
    rows: list[list[str]]  # as read, each as long as the header

    def column(self, name: str) -> int | None:
        """The column's index; case aside, as Moodle versions write 'Maximum Grade' or 'Maximum grade'."""
        folded = [h.casefold() for h in self.header]
        return folded.index(name.casefold()) if name.casefold() in folded else None


def read_worksheet(path: str | Path) -> Worksheet:
    """A grading worksheet as Moodle downloads it (UTF-8, with or without its byte-order mark; a copy saved
    by Excel as Windows-1252 or with ';' is read too)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ToolError(f"worksheet {path}: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if any(row)]
    except csv.Error as exc:
        raise ToolError(f"worksheet {path}: not a CSV file ({exc}); download it again from Moodle") from None
    if not rows:
        raise ToolError(f"worksheet {path}: empty; download it again with Moodle's 'Download grading worksheet'")
    sheet = Worksheet([name.strip() for name in rows[0]], [])
    missing = [name for name in REQUIRED if sheet.column(name) is None]
    if MAXIMUM in missing and sheet.column("Scale") is not None:
        raise ToolError(f"worksheet {path}: the assignment is graded with a scale; give it a point grade "
                        "(Maximum grade) in the assignment's settings and download the worksheet again")
    if missing:
        raise ToolError(f"worksheet {path}: not a Moodle grading worksheet, no column {missing[0]!r}; download "
                        "it with 'Download grading worksheet', with Moodle's language set to English")
    sheet.rows = [row + [""] * (len(sheet.header) - len(row)) for row in rows[1:]]
    at = sheet.column(IDENTIFIER)
    for n, row in enumerate(sheet.rows, start=1):
        if participant(row[at]) is None:
            raise ToolError(f"worksheet {path}: student row {n}: Identifier {row[at]!r} is not 'Participant <number>'")
    return sheet


def moodle_grade(fraction: float, maximum: str) -> str | None:
    """fraction of the Maximum Grade cell, written as that cell is (its decimals and its decimal mark)."""
    found = DECIMAL.fullmatch(maximum)
    if not found:
        return None
    decimals, mark = len(found[3] or "") or 2, found[2] or "."
    top = float(f"{found[1]}.{found[3] or 0}")
    return f"{min(max(fraction, 0.0), 1.0) * top:.{decimals}f}".replace(".", mark)


def as_html(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.splitlines())


def write_worksheet(path: str | Path, sheet: Worksheet, grades_by_participant: dict[str, tuple[float, str]]) \
        -> list[str]:
    """The worksheet with Grade and Feedback comments filled for the given participants, ready for Moodle's
    "Upload grading worksheet"; the other rows are left as they were. A grade is (fraction of the maximum,
    0 to 1; plain-text feedback). Returns one line per participant or column that could not be filled."""
    warnings = [f"{key!r}: not a participant number" for key in grades_by_participant if participant(key) is None]
    wanted = {participant(key): value for key, value in grades_by_participant.items() if participant(key)}
    at = {name: sheet.column(name) for name in (IDENTIFIER, GRADE, MAXIMUM, CHANGEABLE, MODIFIED, COMMENTS)}
    read_back = {at[IDENTIFIER], at[GRADE], at[MODIFIED], *range(at[MODIFIED] + 1, len(sheet.header))}
    if at[COMMENTS] is None and wanted:
        warnings.append(f"no {COMMENTS!r} column (comments are off for this assignment): grades only")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([defuse(name) for name in sheet.header])
    for row in sheet.rows:
        cells = [cell if i in read_back else defuse(cell) for i, cell in enumerate(row)]
        pid = participant(row[at[IDENTIFIER]])
        if pid in wanted:
            fraction, feedback = wanted.pop(pid)
            grade = moodle_grade(fraction, row[at[MAXIMUM]]) if math.isfinite(fraction) else None
            if at[CHANGEABLE] is not None and row[at[CHANGEABLE]].strip().lower() == "no":
                warnings.append(f"participant {pid}: Moodle says its grade cannot be changed (locked or final)")
            elif grade is None:
                warnings.append(f"participant {pid}: Maximum Grade {row[at[MAXIMUM]]!r} is not a number")
            else:
                cells[at[GRADE]] = grade
                if at[COMMENTS] is not None:
                    cells[at[COMMENTS]] = defuse(as_html(feedback))
        writer.writerow(cells)
    warnings += [f"participant {pid}: not in the worksheet" for pid in sorted(wanted)]
    atomic_write_text(path, "\ufeff" + out.getvalue())  # with the byte-order mark, as Moodle wrote it
    return warnings


def canvas_number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def write_canvas_csv(path: str | Path, assignment: str, points_possible: float,
                     rows: list[tuple[str, str, float | None]]) -> None:
    """A CSV for Canvas's Grades > Import: one assignment column, its Points Possible row, and a row per
    (name, Canvas user id, score or None for none). Title the assignment 'Name (assignment id)' to match it
    by id; a title alone matches by name, or creates a new assignment."""
    if not assignment.strip():
        raise ToolError("Canvas CSV: the assignment's title is empty")
    if not (math.isfinite(points_possible) and points_possible >= 0):
        raise ToolError(f"Canvas CSV: points possible {points_possible} must be a number, 0 or more")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CANVAS_COLUMNS + [defuse(assignment)])
    writer.writerow(["Points Possible", "", "", "", "", canvas_number(points_possible)])
    for name, user_id, score in rows:
        if not str(user_id).isdigit():
            raise ToolError(f"Canvas CSV: {name}'s user id {user_id!r} is not a Canvas user id (a number); "
                            "Canvas matches grades by it (anonymous grading hides it)")
        if score is not None and not (math.isfinite(score) and score >= 0):
            raise ToolError(f"Canvas CSV: {name}'s score {score} must be a number, 0 or more")
        writer.writerow([defuse(name), str(user_id), "", "", "", "" if score is None else canvas_number(score)])
    atomic_write_text(path, out.getvalue())
