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
A new format is one module here and one line in READERS.
"""

from __future__ import annotations

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


def read_file(path: str | Path, limit: int) -> Reading:
    """The text a submitted file shows, by its format; limit bounds a text file's size."""
    from fashion_tools.grading.readers import console_log, pdf, word  # each imports its library lazily
    from fashion_tools.grading.readers.ocr import pictures

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
    if kind in ("pdf", "docx") and size > MAX_DOCUMENT_BYTES:
        return Reading(None, kind.upper() if kind == "pdf" else "Word document", review=True,
                       problem=f"larger than {MAX_DOCUMENT_BYTES >> 20} MB, more than a report of this lab")
    if kind == "pdf":
        return pdf.read_pdf(str(path))
    if kind == "docx":
        return word.read_docx(str(path))
    if kind == "picture":
        return pictures.read_picture(path, head)
    if kind == "zip":
        return Reading(None, "zip-based file", review=True, problem="a zip-based file (.odt, .pages, an archive) "
                       "of a format the grader does not read: look at it")
    text, problem = console_log.read_text(path, limit)
    if text is None:
        return Reading(None, "file", problem=problem, review=problem != console_log.EMPTY)
    return read_text_kind(text, path.suffix.lower())


def read_text_kind(text: str, suffix: str) -> Reading:
    """A text file by what it holds: a notebook's JSON, an HTML page, Python source, or a console log."""
    from fashion_tools.grading.readers import html_export, notebook, source

    if suffix == ".ipynb" or text.lstrip().startswith("{") and '"cells"' in text[:200_000]:
        return notebook.read_notebook(text)
    if suffix in (".html", ".htm") or html_export.looks_like_html(text):
        return html_export.read_html(text)
    if suffix in source.SOURCE_SUFFIXES:
        return source.read_source(text)
    return Reading(text, "console log")
