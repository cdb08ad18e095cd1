"""Finding a submission's files and reading each into the console text it holds.

A submission is a console log, a notebook (.ipynb), a notebook's HTML export or a platform's
online text (.html), or a folder holding any of these and maybe the trained model. Each format
has its module (reading, notebook, html_export); Python source is recognised and never graded
as output. Links are not followed and nothing found is executed: a submission is what the
student put there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fashion_tools.grading.logparse import ParsedLog
from fashion_tools.grading.platforms.bundles import Student, folder_platform, open_bundle
from fashion_tools.grading.readers.console_log import MAX_LOG_BYTES, read_text
from fashion_tools.grading.readers.html_export import html_text, looks_like_html
from fashion_tools.grading.readers.notebook import NotANotebook, notebook_text
from fashion_tools.grading.readers.source import SOURCE_PROBLEM, SOURCE_SUFFIXES, looks_like_source
from fashion_tools.grading.runs import parse_text

LOG_SUFFIXES = (".txt", ".log", ".out")
NOTEBOOK_SUFFIXES = (".ipynb",)
HTML_SUFFIXES = (".html", ".htm")
GRADED_SUFFIXES = LOG_SUFFIXES + NOTEBOOK_SUFFIXES + HTML_SUFFIXES
MODEL_SUFFIXES = (".h5", ".keras")
NO_OUTPUTS = "the notebook has no outputs: run all cells and save before handing it in"


def parse_file(path: str | Path, limit: int = MAX_LOG_BYTES) -> ParsedLog:
    """A submitted file's sections, or a ParsedLog whose problem says why it cannot be graded."""
    path = Path(path)
    suffix = path.suffix.lower()
    text, problem = read_text(path, limit)
    if text is None:
        return ParsedLog(problem=problem)
    if suffix in SOURCE_SUFFIXES:
        return ParsedLog(problem=SOURCE_PROBLEM)
    source = None
    if suffix in NOTEBOOK_SUFFIXES or text.lstrip().startswith("{") and '"cells"' in text[:200_000]:
        try:
            text, source = notebook_text(text), "notebook"
        except NotANotebook as exc:
            return ParsedLog(problem=str(exc))
        if not text.strip():
            return ParsedLog(problem=NO_OUTPUTS)
    elif suffix in HTML_SUFFIXES or looks_like_html(text):
        text, is_notebook = html_text(text)
        source = "notebook's HTML export" if is_notebook else "HTML page"
    log = parse_text(text)
    if log.sections_found == 0 and not log.stopped and looks_like_source(text):
        return ParsedLog(problem=SOURCE_PROBLEM)
    log.source = source
    return log


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


def files_submission(name: str, files: list[Path], where: str) -> Submission:
    """A submission from a student's files: the one graded file with the most sections (the first of
    equals, by name) and the model (after.h5 first). where names the files in a reason."""
    models = [p for p in files if p.suffix.lower() in MODEL_SUFFIXES]
    model = next((p for p in models if p.name == "after.h5"), models[0] if models else None)
    logs = [(p, parse_file(p)) for p in files if p.suffix.lower() in GRADED_SUFFIXES]
    if not logs:
        sources = [p.name for p in files if p.suffix.lower() in SOURCE_SUFFIXES]
        if sources:
            return Submission(name, None, model, ParsedLog(
                problem=f"only Python source in {where} ({', '.join(sources[:3])}); {SOURCE_PROBLEM}"))
        return Submission(name, None, model, ParsedLog(
            problem=f"no console log, notebook or HTML export ({', '.join(GRADED_SUFFIXES)}) in {where}"))
    path, log = max(logs, key=lambda pair: (pair[1].readable, pair[1].sections_found))
    return Submission(name, path, model, log)


def folder_submission(name: str, folder: Path) -> Submission:
    """The folder's files as one submission. Links are not followed: a submission is what the
    student put in the folder."""
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
        nested = any(p.is_dir() for p in folder.iterdir())
    except OSError as exc:
        return Submission(name, None, None, ParsedLog(problem=f"folder cannot be read ({exc.strerror})"))
    sub = files_submission(name, files, "this folder")
    if sub.log_path is None and nested and not sub.log.problem.startswith("only Python"):
        sub.log.problem += f"; for a folder of submissions pass each one: {name.rstrip('/')}/*"
    return sub


def student_submission(student: Student) -> Submission:
    """One student of a platform's download, named as the platform names them."""
    if not student.paths:
        return Submission(student.name, None, None, ParsedLog(problem=student.problem or "no files handed in"),
                          student.identifier, student.late, student.platform)
    sub = files_submission(student.name, [p for p in student.paths if p.is_file()], "this student's files")
    sub.identifier, sub.late, sub.platform = student.identifier, student.late, student.platform
    sub.note = student.problem
    return sub


def is_platform_folder(folder: Path) -> bool:
    """A folder unpacked from Moodle's or Canvas' download (its entries follow their naming), not one student's."""
    return folder_platform(folder) != "plain"


def find_submissions(path: str, workdir: Path) -> list[Submission]:
    """The submissions a path holds: a platform's .zip or unpacked download gives one per student
    (files unpacked into workdir, which the caller removes); any other file or folder is one."""
    p = Path(path)
    if p.is_file() and p.suffix.lower() == ".zip" or p.is_dir() and is_platform_folder(p):
        return [student_submission(student) for student in open_bundle(p, workdir)]
    return [find_submission(path)]


def find_submission(path: str) -> Submission:
    p = Path(path)
    if p.is_dir():
        return folder_submission(path, p)
    if not p.exists():
        return Submission(path, None, None, ParsedLog(problem="no such file or folder"))
    if p.suffix.lower() in MODEL_SUFFIXES:
        return Submission(path, None, None, ParsedLog(
            problem="a model file alone; put it in a folder with the console log it printed"))
    return Submission(path, p, None, parse_file(p))
