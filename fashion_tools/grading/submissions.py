"""Finding a submission's files: a log file, or a folder with a log and maybe a model.

Links are not followed and nothing found is executed: a submission is what the student put there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fashion_tools.grading.logparse import ParsedLog, parse_text
from fashion_tools.grading.reading import MAX_LOG_BYTES, read_text

LOG_SUFFIXES = (".txt", ".log", ".out")
MODEL_SUFFIXES = (".h5", ".keras")


def parse_file(path: str | Path, limit: int = MAX_LOG_BYTES) -> ParsedLog:
    """A log file's sections, or a ParsedLog whose problem says why the file is not a log."""
    text, problem = read_text(path, limit)
    if text is None:
        return ParsedLog(problem=problem)
    return parse_text(text)


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
    logs = [(p, parse_file(p)) for p in files if p.suffix.lower() in LOG_SUFFIXES]
    if not logs:
        hint = f"; for a folder of submissions pass each one: {name.rstrip('/')}/*" if any(
            p.is_dir() for p in folder.iterdir()) else ""
        return Submission(name, None, model, ParsedLog(
            problem=f"no console log ({', '.join(LOG_SUFFIXES)}) in this folder{hint}"))
    path, log = max(logs, key=lambda pair: pair[1].sections_found)  # the first of equals, by name
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
