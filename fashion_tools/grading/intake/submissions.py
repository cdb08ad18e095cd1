"""Finding a submission's files and reading each into the console text it holds.

A submission is a console log, a notebook (.ipynb), a notebook's HTML export or a platform's
online text (.html), or a folder holding any of these and maybe the trained model. Each format
has its module (reading, notebook, html_export); Python source is recognised and never graded
as output. Links are not followed and nothing found is executed: a submission is what the
student put there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fashion_tools.grading.intake.bundles import Student, folder_holds_download, open_bundle
from fashion_tools.grading.parse.pictured import doubted_matrix, doubted_numbers, picture_sources, section_spans
from fashion_tools.grading.parse.runs import parse_text
from fashion_tools.grading.parse.values import ParsedLog
from fashion_tools.grading.readers import Reading, read_file
from fashion_tools.grading.readers.bounded import hand_in_budget
from fashion_tools.grading.readers.console_log import MAX_LOG_BYTES
from fashion_tools.grading.readers.ocr.pictures import PICTURE_SUFFIXES, picture_kind, read_pictures
from fashion_tools.grading.readers.source import SOURCE_PROBLEM, looks_like_source, read_source

MODEL_SUFFIXES = (".h5", ".keras")
MAX_FILES = 100  # one student's files read (outputs first); a hand-in is a few
# Named in help and reasons; any other file is read too, by what its first bytes say it is
GRADED_SUFFIXES = (".txt", ".log", ".ipynb", ".html", ".pdf", ".docx", ".py")
OUTPUT_SUFFIXES = (".txt", ".log", ".out", ".ipynb", ".html", ".htm", ".pdf", ".docx")
# Where a submission's files are read: a file (one path), or a student's screenshots together (several).
# read_here reads them in this process; with --scheduler the heavy ones are tasks (measure/cluster/readers.py).
Read = Callable[[list[Path]], Reading]
Each = Callable[[Callable, Iterable], Iterator]  # how a download's students are gone through: map, or threads


def read_here(paths: list[Path]) -> Reading:
    return read_file(paths[0], MAX_LOG_BYTES) if len(paths) == 1 else read_pictures(paths)


def parse_file(path: str | Path, limit: int = MAX_LOG_BYTES) -> ParsedLog:
    """A submitted file's sections, or a ParsedLog whose problem says why it cannot be graded (review:
    a person must look, because the grader cannot read it; else the hand-in lacks the output)."""
    return parse_reading(read_file(path, limit))


def parse_reading(reading: Reading) -> ParsedLog:
    """The sections of what a file (or a student's screenshots together) shows."""
    if reading.text is None:
        return ParsedLog(problem=reading.problem, review=reading.review,
                         source=None if reading.kind in ("console log", "file") else reading.kind)
    log = parse_text(reading.text)
    if reading.kind == "console log" and log.sections_found == 0 and not log.stopped \
            and looks_like_source(reading.text):
        reading = read_source(reading.text)  # source saved as .txt: what was pasted into it, if anything
        log = parse_text(reading.text) if reading.text is not None else ParsedLog()
    if reading.kind == "Python source" and log.sections_found == 0 and not log.stopped:
        return ParsedLog(problem=SOURCE_PROBLEM)
    log.source = None if reading.kind == "console log" else reading.kind
    log.unread, log.note, log.hidden = reading.unread, reading.note, reading.hidden
    for check, why in layout_doubts(reading).items():
        log.uncertain.setdefault(check, why)  # a check that does not pass on it is REVIEW (checks.unsure)
    if reading.pictures:
        log.pictures, log.doubts = picture_sources(reading)
        log.doubted = doubted_numbers(reading.text, log)  # the checks may complete them (check/reconcile.py)
        log.doubted_matrix = doubted_matrix(reading.text)  # its rows may complete the entries OCR doubted
        log.read_by_ocr = True
        if log.sections_found == 0 and not log.stopped:
            return ParsedLog(problem=f"nothing of the lecture's output could be read in it by OCR ({reading.note}): "
                             "look at it", review=True, source=reading.kind)
    return log


# The sections a printout's layout can spoil (the pixel array, the matrix, the table), and where each ends
LAID_OUT = {"sample": "]]", "confusion_matrix": "]]", "architecture": "Total params"}


def layout_doubts(reading: Reading) -> dict[str, str]:
    """check -> why, for the sections of a printed PDF whose lines the print may have changed: one that runs
    across a page break (where lines may be lost), or any, as a browser wraps a printout's wide lines at a
    scale over 100 % (a pixel row broken inside a number reads as two numbers). The text layer does not
    tell a wrapped line from a printed one, so a check that does not pass on such a section goes to a person,
    naming the pages; one that passes is not in doubt."""
    if reading.kind != "PDF" or reading.text is None:
        return {}
    out = {}
    for check, (start, end) in section_spans(reading.text).items():
        if check not in LAID_OUT or any(a < end and start < b for a, b in reading.pictures):
            continue
        last = reading.text.find(LAID_OUT[check], start, end)
        pages = reading.breaks_within(start, end if last < 0 else last + len(LAID_OUT[check]))
        if pages:
            out[check] = (f"printed across a page break ({pages[0]}), where lines may be lost, and a browser's print "
                          f"may wrap wide lines: look at {pages[0].replace(' to ', ' and ')}")
        else:
            out[check] = (f"read from a printed PDF ({reading.where(start) or 'its text'}), whose wide lines a "
                          "browser's print may wrap or cut: look at it")
    return out


@dataclass
class Submission:
    name: str  # as the reports show it: the student's name from a platform's download, else the path
    log_path: Path | None
    model_path: Path | None
    log: ParsedLog
    identifier: str | None = None  # the platform's number for the student (Moodle participant, Canvas user id)
    late: bool = False  # the platform marked it late
    platform: str | None = None  # "moodle", "canvas", "plain" for a bundle's student; None for a path given
    note: str | None = None  # a problem with some of the student's files, when others could be graded
    names: dict[Path, str] = field(default_factory=dict)  # a file unpacked from a download -> its name there
    over_budget: str | None = None  # what its reading budget (readers/bounded.py) left unread, when it ran out

    def shown(self, path: Path | None) -> str:
        """A file as the student handed it in: its name in the download, never the temporary path."""
        return "" if path is None else self.names.get(path, str(path))


def reading_order(path: Path) -> tuple[int, str]:
    """Outputs first (logs, notebooks, reports), then anything else, each by name: of a folder's many
    files the ones read are those most likely to show the run."""
    suffix = path.suffix.lower()
    return (0 if suffix in OUTPUT_SUFFIXES else 1 if suffix == ".py" else 2, path.name)


def is_picture(path: Path) -> bool:
    """A screenshot or photo, by its name or its first bytes."""
    if path.suffix.lower() in PICTURE_SUFFIXES:
        return True
    try:
        with open(path, "rb") as f:
            return picture_kind(f.read(16)) is not None
    except OSError:
        return False


def files_submission(name: str, files: list[Path], where: str, read: Read = read_here) -> Submission:
    """A submission from a student's files: the one that shows most of the lecture (the first of equals,
    by name; of unreadable ones, one a person should look at) and the model (after.h5 first). At most
    MAX_FILES are read; where names the files in a reason."""
    models = [p for p in files if p.suffix.lower() in MODEL_SUFFIXES]
    model = next((p for p in models if p.name == "after.h5"), models[0] if models else None)
    candidates = sorted((p for p in files if p.suffix.lower() not in MODEL_SUFFIXES), key=reading_order)
    pictures = [p for p in candidates[:MAX_FILES] if is_picture(p)]
    logs = [(p, parse_reading(read([p]))) for p in sorted(candidates[:MAX_FILES])
            if len(pictures) < 2 or p not in pictures]
    if len(pictures) >= 2:  # screenshots that together show the run: one text, in name order
        logs.append((min(pictures, key=lambda p: p.name), parse_reading(read(pictures))))
    if not logs:
        return Submission(name, None, model, ParsedLog(
            problem=f"no console log, notebook or report ({', '.join(GRADED_SUFFIXES)}) in {where}"))
    path, log = max(logs, key=lambda pair: (pair[1].readable, pair[1].sections_found, pair[1].review))
    if log.problem == SOURCE_PROBLEM:
        sources = [p.name for p, other in logs if other.problem == SOURCE_PROBLEM]
        log.problem = f"only Python source in {where} ({', '.join(sources[:3])}); {SOURCE_PROBLEM}"
    unread = [p.name for p, other in logs if other.review and p != path] + [p.name for p in candidates[MAX_FILES:]]
    unread_words = f"{len(unread)} other file{'s' * (len(unread) != 1)} not read ({', '.join(unread[:3])}" + \
        (", ..." if len(unread) > 3 else "") + ")"
    if log.readable and log.sections_found == 0 and not log.stopped:  # text, but none of it the lecture's output
        names = ", ".join(p.name for p, _ in logs[:3]) + (", ..." if len(logs) > 3 else "")
        problem = f"no console log, notebook or report of the lecture's run in {where} ({names})"
        log = ParsedLog(problem=problem + (f"; {unread_words}: look at them" if unread else ""),
                        review=bool(unread) or log.read_by_ocr)
    elif unread and not log.readable:
        log.problem += f"; {unread_words}"
    elif unread:
        log.unread = f"{log.unread}; {unread_words}" if log.unread else unread_words
    return Submission(name, path, model, log)


def folder_submission(name: str, folder: Path, read: Read = read_here) -> Submission:
    """The folder's files as one submission. Links are not followed: a submission is what the
    student put in the folder."""
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
        nested = any(p.is_dir() for p in folder.iterdir())
        links = sorted(p.name for p in folder.iterdir() if p.is_symlink())
    except OSError as exc:
        return Submission(name, None, None, ParsedLog(problem=f"folder cannot be read ({exc.strerror})"))
    sub = files_submission(name, files, "this folder", read)
    if links:  # said, not followed, and what they point to may be the hand-in: a person looks
        said = f"{len(links)} link{'s' * (len(links) != 1)} in it not followed ({', '.join(links[:3])})"
        sub.log.review = sub.log.review or not sub.log.readable
        sub.log.unread = f"{sub.log.unread}; {said}" if sub.log.unread else said
        sub.note = said
    if nested and sub.log.problem and sub.log.problem.startswith("no console log"):
        sub.log.problem += f"; for a folder of submissions pass each one: {name.rstrip('/')}/*"
    return sub


def student_submission(student: Student, read: Read = read_here) -> Submission:
    """One student of a platform's download, named as the platform names them."""
    if not student.paths:
        return Submission(student.name, None, None, ParsedLog(  # files refused unread: a person looks, not a zero
            problem=student.problem or "no files handed in", review=bool(student.problem)),
            student.identifier, student.late, student.platform)
    sub = files_submission(student.name, [p for p in student.paths if p.is_file()], "this student's files", read)
    sub.identifier, sub.late, sub.platform = student.identifier, student.late, student.platform
    sub.note, sub.names = student.problem, student.names
    if student.problem and not sub.log.readable:
        sub.log.problem, sub.log.review = f"{sub.log.problem}; {student.problem}", True
    elif student.problem:  # a section missing from what was read may be in what could not be: REVIEW, not FAIL
        not_read = f"some files could not be unpacked ({student.problem})"
        sub.log.unread = f"{sub.log.unread}; {not_read}" if sub.log.unread else not_read
    return sub


def is_platform_folder(folder: Path) -> bool:
    """A folder unpacked from Moodle's or Canvas' download (its entries follow their naming), or one that holds
    such a download (a folder or a zip, wrapped at any depth), not one student's."""
    return folder_holds_download(folder)


def find_submissions(path: str, workdir: Path, read: Read = read_here, each: Each = map) -> list[Submission]:
    """The submissions a path holds: a platform's .zip or unpacked download gives one per student
    (files unpacked into workdir, which the caller removes); any other file or folder is one."""
    p = Path(path)
    if p.is_file() and p.suffix.lower() == ".zip" or p.is_dir() and is_platform_folder(p):
        return list(each(lambda student: within_budget(student_submission, student, read), open_bundle(p, workdir)))
    return [within_budget(find_submission, path, read)]


def within_budget(read_one, *what) -> Submission:
    """read_one(*what) with one time budget for all its files' bounded readers; what it left unread is said."""
    with hand_in_budget() as spent:
        sub = read_one(*what)
    if spent.spent:
        sub.over_budget = f"{spent.spent[0]}; {len(spent.spent)} file{'s' * (len(spent.spent) != 1)} or " \
                          f"picture{'s' * (len(spent.spent) != 1)} left unread"
    return sub


def find_submission(path: str, read: Read = read_here) -> Submission:
    p = Path(path)
    if p.is_dir():
        return folder_submission(path, p, read)
    if not p.exists():
        return Submission(path, None, None, ParsedLog(problem="no such file or folder"))
    if p.suffix.lower() in MODEL_SUFFIXES:
        return Submission(path, None, None, ParsedLog(
            problem="a model file alone; put it in a folder with the console log it printed"))
    return Submission(path, p, None, parse_reading(read([p])))
