"""A Word report (.docx): its paragraphs, line breaks, tables and pictures in document order, read with
python-docx; a picture (a screenshot of the output) is read by OCR (pictures.py), pictures that
follow each other joined at their overlaps.

A .docx is a zip of XML parts. Before python-docx opens it, the sizes its zip directory declares
are checked (Python's zipfile never inflates an entry past its declared size, so a zip bomb stops
there); the parsing runs in a child process with time and memory limits (bounded). Macros, fields
and links are text at most: nothing is run or fetched.
"""

from __future__ import annotations

import zipfile

from fashion_tools.grading.readers import Reading, concatenate
from fashion_tools.grading.readers.bounded import Refused, run_bounded
from fashion_tools.grading.readers.ocr.pictures import MAX_PICTURES, join_shots, read_shot

MAX_ENTRIES = 2000
MAX_PART_BYTES = 64 << 20  # word/document.xml of a long report is a few MB
MAX_TOTAL_BYTES = 512 << 20
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


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


def document_text(path: str) -> list[tuple[str, str | bytes]]:
    """[(where, text or a picture's bytes)] for each paragraph, table and picture in order; in the bounded child."""
    import docx
    from docx.text.paragraph import Paragraph

    check_zip(path)
    try:
        document = docx.Document(path)
    except Exception as exc:  # python-docx raises many kinds for a damaged package; each is the same answer
        raise Refused(f"not a Word document python-docx can open ({type(exc).__name__})") from None
    blocks: list[tuple[str, str | bytes]] = []
    paragraphs = tables = pictures = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            paragraphs += 1
            blocks.append((f"paragraph {paragraphs}", item.text))
        else:
            tables += 1
            rows = ["  ".join(cell.text.replace("\n", " ") for cell in row.cells) for row in item.rows]
            blocks.append((f"table {tables}", "\n".join(rows)))
        for blip in item._element.iter(BLIP):
            pictures += 1
            part = document.part.related_parts.get(blip.get(EMBED, ""))
            blocks.append((f"picture {pictures}", part.blob if part is not None and pictures <= MAX_PICTURES else b""))
    return blocks


def read_docx(path: str) -> Reading:
    try:
        blocks = run_bounded(document_text, str(path))
    except Refused as exc:
        return Reading(None, "Word document", problem=f"a Word file that could not be read: {exc}", review=True)
    pieces, shots = [], []
    for where, content in [*blocks, ("end", "")]:
        if isinstance(content, bytes):
            shots.append(read_shot(content, where) if content else None)
            continue
        if shots and (content.strip() or where == "end"):  # pictures one after the other: one run of screenshots
            read = [s for s in shots if s is not None]
            pieces.append(join_shots(read, "pictures") if read else Reading("", "pictures"))
            shots = []
        if content:
            pieces.append(Reading(content + "\n", "text", parts=[(0, where)]))
    reading = concatenate(pieces, "Word document")
    count = sum(isinstance(c, bytes) for _, c in blocks)
    unread = [p.unread for p in pieces if p.unread] + [p.problem for p in pieces if p.problem]
    if count > MAX_PICTURES:
        unread.append(f"{count - MAX_PICTURES} of its {count} pictures not read")
    reading.unread = "; ".join(unread) or None
    reading.note = f"{count} picture{'s' * (count != 1)} in it read by OCR" if reading.pictures else None
    if not reading.text.strip():
        if count:
            return Reading(None, "Word document", review=True, problem=f"a Word document with no text and {count} "
                           f"picture{'s' * (count != 1)} that could not be read ({reading.unread}): look at them")
        return Reading(None, "Word document", problem="an empty Word document")
    return reading
