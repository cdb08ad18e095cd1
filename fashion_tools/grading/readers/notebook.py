"""A Jupyter or Colab notebook (.ipynb) into the console text its code cells printed.

Read with the nbformat library, which also upgrades older notebook versions to version 4. The
text is the outputs of the code cells in order: stream text (stdout and stderr), the plain text
of results and displays, and error tracebacks. Source code is not output and is never run.
"""

from __future__ import annotations

import json
import warnings

from fashion_tools.errors import first_line
from fashion_tools.grading.check.expected import json_depth
from fashion_tools.grading.readers import Reading

MAX_DEPTH = 64  # a notebook nests about 6 deep; a hostile file may nest a million


class NotANotebook(ValueError):
    """The file is not a notebook nbformat can read; the message says why, for the report."""


PICTURE_LINE = "<Figure: a picture>"  # a picture output with no text of its own (parse/matrices.py reads it)
NO_OUTPUTS = "the notebook has no outputs: run all cells and save before handing it in"


def read_notebook(text: str) -> Reading:
    try:
        output, parts = notebook_text(text)
    except NotANotebook as exc:
        return Reading(None, "notebook", problem=str(exc), review=True)
    if not output.strip():
        return Reading(None, "notebook", problem=NO_OUTPUTS)
    return Reading(output, "notebook", parts=parts)


def notebook_text(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The outputs of the notebook's code cells as one console text, and where each cell's begins;
    NotANotebook when unreadable, an empty text when the notebook has no outputs."""
    import nbformat

    try:
        raw = json.loads(text)
    except RecursionError:
        raise NotANotebook("a notebook file nested too deeply to read") from None
    except ValueError as exc:
        raise NotANotebook(f"not valid notebook JSON ({first_line(exc)[:120]})") from None
    if json_depth(raw, MAX_DEPTH) > MAX_DEPTH:
        raise NotANotebook("a notebook file nested too deeply to read")
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise NotANotebook("not a Jupyter notebook (it has no cells)")
    try:
        with warnings.catch_warnings():  # nbformat warns of cells without ids: the student's, not the instructor's
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many kinds for a damaged file; each is the same answer
        raise NotANotebook(f"not a notebook nbformat can read ({first_line(exc)[:120]})") from None
    texts: list[str] = []
    where: list[tuple[int, str]] = []
    at = 0
    for number, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "code":
            continue
        where.append((at, f"cell {number}"))
        for output in cell.get("outputs", []):
            texts.append(output_text(output))
            at += len(texts[-1])
    return "".join(texts), where


def output_text(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
    elif kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        pictured = any(str(key).startswith("image/") for key in data)
        text = data.get("text/plain", PICTURE_LINE if pictured else "")
    elif kind == "error":
        text = "\n".join(output.get("traceback", [])) or f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
    else:
        return ""
    if isinstance(text, list):  # nbformat keeps what the file had; Colab writes lists of lines
        text = "".join(str(t) for t in text)
    text = str(text)
    return text if text.endswith("\n") else text + "\n"
