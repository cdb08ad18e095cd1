"""A handed-in file into the text it shows, one module per format behind read_file().

  console_log  a text file (UTF-8, UTF-16, cp1252; colours and progress bars cleaned later)
  notebook     a Jupyter or Colab notebook's code-cell outputs
  html_export  a notebook's HTML export or a platform's online text
  pdf          a PDF's text layer (Print > Save as PDF), page by page
  word         a Word report's paragraphs and tables, in document order
  source       output pasted into a .py (a docstring or # comments)
  ocr/         screenshots of the terminal or of Jupyter, read by OCR, joined at their overlaps
Each returns a Reading: the text, how sure it is (a problem that is the student's, or one a person
must look at), and where each part came from. Nothing in a file is executed or fetched.
A new format is one module here and one line in FILE_READERS (by its first bytes, sniff()) or TEXT_READERS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Reading:
    text: str | None  # what the file shows; None when nothing could be read
    kind: str  # what it was read as: 'console log', 'notebook', 'PDF', 'Word document', ...
    problem: str | None = None  # why there is no text
    review: bool = False  # the problem is the grader's (a format or picture it cannot read): a person looks
    parts: list[tuple[int, str]] = field(default_factory=list)  # (offset in text, 'page 2' / 'cell 7' / ...)
    unread: str | None = None  # what of the file was not read ('2 pictures'), which may show what is missing
    note: str | None = None  # how the text was found, for the report ('output pasted into the source ...')
    pictures: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of text read from pictures by OCR
    doubts: list[tuple[int, str]] = field(default_factory=list)  # (offset, why) of lines OCR is not sure of
    hidden: str | None = None  # text the file hides from a person (left out of text): how, and what it says
    breaks: list[tuple[int, str]] = field(default_factory=list)  # (offset, 'page 7') where a printed page begins

    def breaks_within(self, start: int, end: int) -> list[str]:
        """'page 6 to page 7' for each page break inside text[start:end] (a matrix printed across pages)."""
        before = {offset: self.where(offset - 1) for offset, _ in self.breaks}
        return [f"{before[offset] or 'the page before'} to {name}" for offset, name in self.breaks
                if start < offset < end]

    def where(self, offset: int) -> str | None:
        """The part of the file an offset of the text came from."""
        found = None
        for start, name in self.parts:
            if start > offset:
                break
            found = name
        return found


def concatenate(pieces: list[Reading], kind: str) -> Reading:
    """Readings of a document's parts (its text, its pictures read by OCR) as one, in order."""
    out = Reading("", kind)
    for piece in pieces:
        at = len(out.text)
        out.text += piece.text or ""
        out.parts += [(at + offset, name) for offset, name in piece.parts]
        out.pictures += [(at + a, at + b) for a, b in piece.pictures]
        out.doubts += [(at + offset, why) for offset, why in piece.doubts]
        out.breaks += [(at + offset, name) for offset, name in piece.breaks]
    return out


MAX_DOCUMENT_BYTES = 50 << 20  # a PDF or Word file; a printed lecture log is under 1 MB, with pictures a few


def sniff(head: bytes, suffix: str) -> str:
    """The format of a file by its first bytes, then its name: a student's 'output.txt' may be a PDF."""
    from fashion_tools.grading.readers.ocr import pictures

    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and suffix in (".docx", ".docm", ".dotx"):
        return "docx"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if pictures.picture_kind(head):
        return "picture"
    return {".pdf": "pdf", ".docx": "docx", ".py": "source"}.get(suffix, "text")


def module(name: str):
    """A reader module of this package, imported when a file of its format comes (each imports its library
    lazily too: grading a log never loads PDFium, python-docx or Tesseract)."""
    return importlib.import_module(f"{__name__}.{name}")


# The readers of a file's bytes, by the format sniff() finds: (path, first bytes) -> Reading
FILE_READERS: dict[str, Callable[[Path, bytes], Reading]] = {
    "pdf": lambda path, head: module("pdf").read_pdf(str(path)),
    "docx": lambda path, head: module("word").read_docx(str(path)),
    "picture": lambda path, head: module("ocr.pictures").read_picture(path, head),
    "zip": lambda path, head: Reading(None, "zip-based file", review=True, problem="a zip-based file (.odt, .pages, "
                                      "an archive) of a format the grader does not read: look at it"),
}
# The readers of a text file's decoded text, by what it holds (text_kind); any other text is a console log
TEXT_READERS: dict[str, Callable[[str], Reading]] = {
    "notebook": lambda text: module("notebook").read_notebook(text),
    "html": lambda text: module("html_export").read_html(text),
    "source": lambda text: module("source").read_source(text),
    "log": lambda text: Reading(text, "console log"),
}


def read_file(path: str | Path, limit: int) -> Reading:
    """The text a submitted file shows, by its format (FILE_READERS, else decoded and read by TEXT_READERS);
    limit bounds a text file's size."""
    path = Path(path)
    try:
        if not path.is_file():
            return Reading(None, "file", problem="not a regular file", review=True)
        with open(path, "rb") as f:
            head = f.read(16)
        size = path.stat().st_size
    except OSError as exc:
        return Reading(None, "file", problem=f"cannot be read ({exc.strerror or type(exc).__name__})", review=True)
    kind = sniff(head, path.suffix.lower())
    if path.suffix.lower() in (".svg", ".svgz"):  # a drawing in XML: what it shows is not its text
        return Reading(None, "SVG picture", review=True, problem="an SVG picture, which the grader does not read: "
                       "look at it")
    if kind in ("pdf", "docx") and size > MAX_DOCUMENT_BYTES:
        return Reading(None, kind.upper() if kind == "pdf" else "Word document", review=True,
                       problem=f"larger than {MAX_DOCUMENT_BYTES >> 20} MB, more than a report of this lab")
    if kind in FILE_READERS:
        return FILE_READERS[kind](path, head)
    console_log = module("console_log")
    text, problem = console_log.read_text(path, limit)
    if text is None:
        return Reading(None, "file", problem=problem, review=problem != console_log.EMPTY)
    return read_text_kind(text, path.suffix.lower())


def text_kind(text: str, suffix: str) -> str:
    """What a text file holds: a notebook's JSON, an HTML page, Python source, or a console log."""
    if suffix == ".ipynb" or text.lstrip().startswith("{") and '"cells"' in text[:200_000]:
        return "notebook"
    if suffix in (".html", ".htm") or module("html_export").looks_like_html(text):
        return "html"
    if suffix in module("source").SOURCE_SUFFIXES:
        return "source"
    return "log"


def read_text_kind(text: str, suffix: str) -> Reading:
    """A text file read by what it holds (text_kind)."""
    return TEXT_READERS[text_kind(text, suffix)](text)
