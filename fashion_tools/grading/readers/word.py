"""A Word report (.docx): its paragraphs, line breaks and tables in document order, read with
python-docx, and the pictures in it counted (a screenshot of the output is not read here).

A .docx is a zip of XML parts. Before python-docx opens it, the sizes its zip directory declares
are checked (Python's zipfile never inflates an entry past its declared size, so a zip bomb stops
there); the parsing runs in a child process with time and memory limits (bounded). Macros, fields
and links are text at most: nothing is run or fetched.
"""

from __future__ import annotations

import zipfile

from fashion_tools.grading.readers import Reading
from fashion_tools.grading.readers.bounded import Refused, run_bounded

MAX_ENTRIES = 2000
MAX_PART_BYTES = 64 << 20  # word/document.xml of a long report is a few MB
MAX_TOTAL_BYTES = 512 << 20
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(path: str) -> None:
    """Refused when the file is no zip or declares more than a report ever holds."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused(f"not a Word file that can be opened ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise Refused(f"a Word file of {len(infos):,} parts, more than a report holds")
    if "word/document.xml" not in {info.filename for info in infos}:
        raise Refused("a zip without word/document.xml, so not a Word document")
    big = max(infos, key=lambda info: info.file_size)
    if big.file_size > MAX_PART_BYTES or sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise Refused(f"its part {big.filename} unpacks to {big.file_size >> 20} MB, more than a report holds")


def document_text(path: str) -> tuple[list[tuple[str, str]], int]:
    """([(where, text)] for each paragraph and table in order, pictures counted); in the bounded child."""
    import docx
    from docx.text.paragraph import Paragraph

    check_zip(path)
    try:
        document = docx.Document(path)
    except Exception as exc:  # python-docx raises many kinds for a damaged package; each is the same answer
        raise Refused(f"not a Word document python-docx can open ({type(exc).__name__})") from None
    blocks: list[tuple[str, str]] = []
    paragraphs = tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            paragraphs += 1
            blocks.append((f"paragraph {paragraphs}", item.text))
        else:
            tables += 1
            rows = ["  ".join(cell.text.replace("\n", " ") for cell in row.cells) for row in item.rows]
            blocks.append((f"table {tables}", "\n".join(rows)))
    pictures = sum(1 for _ in document.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
    return blocks, pictures


def read_docx(path: str) -> Reading:
    try:
        blocks, pictures = run_bounded(document_text, str(path))
    except Refused as exc:
        return Reading(None, "Word document", problem=f"a Word file that could not be read: {exc}", review=True)
    parts, out, at = [], [], 0
    for where, text in blocks:
        parts.append((at, where))
        out.append(text + "\n")
        at += len(text) + 1
    text = "".join(out)
    unread = f"it holds {pictures} picture{'s' * (pictures != 1)}" if pictures else None
    if not text.strip():
        if pictures:
            return Reading(None, "Word document", review=True, problem=f"a Word document with no text and {pictures} "
                           f"picture{'s' * (pictures != 1)} (screenshots?): look at them")
        return Reading(None, "Word document", problem="an empty Word document")
    return Reading(text, "Word document", parts=parts, unread=unread)
