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

from fashion_tools.grading.html_export import html_text, looks_like_html
from fashion_tools.grading.logparse import ParsedLog
from fashion_tools.grading.notebook import NotANotebook, notebook_text
from fashion_tools.grading.reading import MAX_LOG_BYTES, read_text
from fashion_tools.grading.runs import parse_text
from fashion_tools.grading.source import SOURCE_PROBLEM, SOURCE_SUFFIXES, looks_like_source

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
    name: str
    log_path: Path | None
    model_path: Path | None
    log: ParsedLog


def folder_submission(name: str, folder: Path) -> Submission:
    """The folder's log (the one with the most sections when there are several) and model (after.h5 first).
    Links are not followed: a submission is what the student put in the folder."""
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    except OSError as exc:
        return Submission(name, None, None, ParsedLog(problem=f"folder cannot be read ({exc.strerror})"))
    models = [p for p in files if p.suffix.lower() in MODEL_SUFFIXES]
    model = next((p for p in models if p.name == "after.h5"), models[0] if models else None)
    logs = [(p, parse_file(p)) for p in files if p.suffix.lower() in GRADED_SUFFIXES]
    if not logs:
        sources = [p.name for p in files if p.suffix.lower() in SOURCE_SUFFIXES]
        if sources:
            return Submission(name, None, model, ParsedLog(
                problem=f"only Python source in this folder ({', '.join(sources[:3])}); {SOURCE_PROBLEM}"))
        hint = f"; for a folder of submissions pass each one: {name.rstrip('/')}/*" if any(
            p.is_dir() for p in folder.iterdir()) else ""
        return Submission(name, None, model, ParsedLog(
            problem=f"no console log, notebook or HTML export ({', '.join(GRADED_SUFFIXES)}) in this folder{hint}"))
    path, log = max(logs, key=lambda pair: (pair[1].readable, pair[1].sections_found))  # the first of equals
    return Submission(name, path, model, log)


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
