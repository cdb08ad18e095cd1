"""A PDF's text layer: what "Print > Save as PDF" keeps of a notebook, a browser page or a report.

Read with PDFium (pypdf's and pdfminer.six's pure-Python parsers read the same lines from Chromium's
PDFs but took 3.7x and 13x longer: 9.2 s and 31.6 s against 2.5 s for a 144-page printed log; see
docs/grading.md), in a child process with time and memory limits (bounded). Lines are kept as the
page shows them; the lines a browser prints at the top and bottom of every page (date, title, URL,
"1/144") are dropped, so a section that runs over a page break reads on. Pages with no text, and
pictures, are said, not guessed at: a section missing from the text may be in them. PDFium runs no
JavaScript and follows no link here.
"""

from __future__ import annotations

import re
from collections import Counter

from fashion_tools.grading.readers import Reading, concatenate
from fashion_tools.grading.readers.bounded import Refused, run_bounded
from fashion_tools.grading.readers.ocr.picture import MAX_PIXELS as MAX_PICTURE_PIXELS
from fashion_tools.grading.readers.ocr.pictures import MAX_PICTURES, join_shots, read_shot

MAX_PAGES = 1000  # a printed log with every progress-bar step is about 150 pages
EDGE = 3  # lines at each end of a page that may be the browser's header or footer
# What a page's header or footer line is when the PDF has one page only (nothing repeats)
PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}$", re.IGNORECASE)
BROWSER_LINE = re.compile(r"^(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},? \d{1,2}:\d{2}(?: ?[AP]M)?\b.*"
                          r"|(?:file|https?)://\S*(?:\s+\d{1,4}\s*/\s*\d{1,4})?)$")
ORPHAN_ANSI = re.compile(r"\[(?:\d{1,3}(?:;\d{1,3})*)?m")  # a terminal's colour codes, printed without their ESC
DIGITS = re.compile(r"\d+")
# A progress line: Keras 3's bar (its box-drawing blocks, 'ms/step'), Keras 2's ('[====>....]', 'ETA'), an epoch
PROGRESS = re.compile(r"[\u2500-\u259f]|\d\s*[mu]?s/step|\bETA\b|\[[=>.]{4,}\]|^\s*Epoch\s+\d+\s*/\s*\d+",
                      re.IGNORECASE)
IMAGE = re.compile(rb"/Subtype\s*/Image\b")


def page_texts(path: str) -> tuple[list[str], dict[int, list[bytes]], list[str], list[str]]:
    """The text of each page, the pictures (as PNG) on the pages without text, the invisible text left
    out, and the names of the files attached to it (not read); in the bounded child."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise Refused(f"not a PDF that can be opened ({exc})") from None
    if len(doc) > MAX_PAGES:
        raise Refused(f"a PDF of {len(doc)} pages, more than the {MAX_PAGES} read here")
    hidden: list[str] = []
    texts = [visible_text(doc[i], hidden) for i in range(len(doc))]
    pictures: dict[int, list[bytes]] = {}
    for i in (i for i, text in enumerate(texts) if not text.strip()):
        if sum(map(len, pictures.values())) < MAX_PICTURES:
            pictures[i] = page_pictures(doc[i])
    attached = [doc.get_attachment(i).get_name() for i in range(min(doc.count_attachments(), 20))]
    return texts, pictures, hidden, attached


def visible_text(page, hidden: list[str]) -> str:
    """A page's text without its invisible text (render mode 3, which a viewer never paints: an OCR layer
    over a scan, or text hidden from a person), whose text goes to hidden. Top-level objects only."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    invisible = []
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:  # -1: no text
            invisible.append(obj)
    textpage = page.get_textpage()
    if not invisible:
        return textpage.get_text_bounded()
    for obj in invisible:
        size = pdfium_c.FPDFTextObj_GetText(obj, textpage.raw, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFTextObj_GetText(obj, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
        hidden.append(buffer.raw[:max(0, size - 2)].decode("utf-16-le", "replace"))
        pdfium_c.FPDFPage_RemoveObject(page.raw, obj)
        pdfium_c.FPDFPageObj_Destroy(obj)
    textpage.close()
    return page.get_textpage().get_text_bounded()


def page_pictures(page) -> list[bytes]:
    """A page's images as PNG, at the size they were put in (a screenshot's own pixels)."""
    import io

    import pypdfium2.raw as pdfium_c

    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        width, height = obj.get_px_size()
        if width * height > MAX_PICTURE_PIXELS:
            continue
        buffer = io.BytesIO()
        obj.get_bitmap(render=False).to_pil().save(buffer, "PNG")
        out.append(buffer.getvalue())
    return out


def holds_pictures(path: str) -> bool:
    """Whether the file holds an image, at any depth (a screenshot pasted into a report, a plot); objects
    packed into compressed streams cannot be seen this way, so such a file counts as holding some.
    Asking PDFium object by object took 1.6 s for a 144-page print, more than reading its text."""
    with open(path, "rb") as f:
        data = f.read()
    return IMAGE.search(data) is not None or b"/ObjStm" in data


def edge_key(line: str) -> str:
    """A line with its numbers (page number, date, time) and spacing blinded."""
    return " ".join(DIGITS.sub("#", line).split())


def is_output(line: str) -> bool:
    """A line of the program's output, never a header or footer however often its shape repeats: a row of
    numbers (a pixel row, a matrix row: hardly a letter) or a progress line (Keras' bar, 'Epoch 3/10')."""
    letters = sum(c.isalpha() for c in line)
    return letters < 2 or PROGRESS.search(line) is not None


def edge_positions(lines: list[str]) -> list[tuple[int, int]]:
    """(line index, place) of the lines at a page's edges: place 0, 1, 2 from the top, -1, -2, -3 from the
    bottom, counted over the lines with text (a blank line before a footer does not move it)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    top = [(i, place) for place, i in enumerate(filled[:EDGE])]
    bottom = [(i, -1 - place) for place, i in enumerate(reversed(filled[-EDGE:]))]
    return list(dict(top + bottom).items())


def edge_lines(pages: list[list[str]]) -> set[tuple[int, str]]:
    """The (place, key) of the lines a browser or a word processor prints at the same place on most pages
    (more than half of them, at least two), the same apart from their numbers (page number, date), that
    are no line of the program's output; and, on any page, at an edge, what only a browser prints there
    (a page number 'n/N' or 'Page n of N', a date and time, a file:// or http URL)."""
    seen: Counter[tuple[int, str]] = Counter()
    for lines in pages:
        seen.update({(place, edge_key(lines[i])) for i, place in edge_positions(lines) if not is_output(lines[i])})
    most = max(2, len(pages) // 2 + 1)
    repeated = {found for found, n in seen.items() if n >= most}
    return repeated | {(place, edge_key(lines[i])) for lines in pages for i, place in edge_positions(lines)
                       if PAGE_NUMBER.match(lines[i].strip()) or BROWSER_LINE.match(lines[i].strip())}


def without_edges(lines: list[str], edges: set[tuple[int, str]]) -> list[str]:
    """A page's lines, the header and footer lines (edge_lines) left out."""
    dropped = {i for i, place in edge_positions(lines) if (place, edge_key(lines[i])) in edges}
    return [line for i, line in enumerate(lines) if i not in dropped]


def read_pdf(path: str) -> Reading:
    try:
        texts, pictures, hidden, attached = run_bounded(page_texts, str(path))
    except Refused as exc:
        return Reading(None, "PDF", problem=f"a PDF that could not be read: {exc}", review=True)
    reading = pdf_reading(path, texts, pictures)
    if hidden:  # never credited: left out of the text, and said
        said = " ".join(" ".join(hidden).split())
        reading.hidden = f"{len(said):,} characters of invisible text in it (render mode 3) left out: " \
                         f"{said[:200]!r}" + ("..." if len(said) > 200 else "")
        reading.unread = f"{reading.unread}; {reading.hidden}" if reading.unread else reading.hidden
        if reading.text is None:
            reading.problem += f"; {reading.hidden}"
    if attached:  # a log attached to the PDF is not on its pages: said, not read
        said = f"{len(attached)} file{'s' * (len(attached) != 1)} attached to it not read ({', '.join(attached[:3])})"
        reading.unread = f"{reading.unread}; {said}" if reading.unread else said
    return reading


def pdf_reading(path: str, texts: list[str], pictures: dict[int, list[bytes]]) -> Reading:
    pages = [text.replace("\r\n", "\n").replace("\r", "\n").split("\n") for text in texts]
    edges = edge_lines(pages)
    chunks = []  # each page's text, "" for a page without
    for lines in pages:
        kept = [ORPHAN_ANSI.sub("", line) for line in without_edges(lines, edges)]
        chunks.append("\n".join(kept) + "\n" if any(line.strip() for line in kept) else "")
    if any(pictures.values()):
        return with_pictures(chunks, pictures)
    out, parts, at = [], [], 0
    for number, chunk in enumerate(chunks, 1):
        if chunk:
            parts.append((at, f"page {number}"))
            out.append(chunk)
            at += len(chunk)
    if not out:
        return Reading(None, "PDF", problem=f"a PDF of {len(pages)} page{'s' * (len(pages) != 1)} with no text "
                       "(scanned or made of pictures): look at it", review=True)
    unread = None
    empty = chunks.count("")
    if empty:
        unread = f"{empty} of its {len(pages)} pages have no text (pictures?)"
    elif holds_pictures(path):
        unread = "it holds pictures"
    return Reading("".join(out), "PDF", parts=parts, unread=unread, breaks=parts[1:])


def with_pictures(texts: list[str], pictures: dict[int, list[bytes]]) -> Reading:
    """The pages' text with the pictures of the pages without text read by OCR in their place, the
    pictures of consecutive pages joined at their overlaps (a PDF printed from a folder of screenshots)."""
    pieces, shots = [], []
    for number, text in enumerate([*texts, ""]):
        if number < len(texts) and not text:
            shots += [read_shot(data, f"page {number + 1}" + (f" picture {k}" if k > 1 else ""))
                      for k, data in enumerate(pictures.get(number, []), 1)]
            continue
        if shots:
            pieces.append(join_shots(shots, "pictures"))
            shots = []
        if number < len(texts):
            pieces.append(Reading(text, "text", parts=[(0, f"page {number + 1}")],
                                  breaks=[(0, f"page {number + 1}")] if pieces else []))
    reading = concatenate(pieces, "PDF")
    count = sum(map(len, pictures.values()))
    unread = [p.unread or p.problem for p in pieces if p.unread or p.problem]
    pages = len(texts)
    if not reading.text.strip():
        return Reading(None, "PDF", review=True, problem=f"a PDF of {pages} page{'s' * (pages != 1)} with no text "
                       f"and {count} picture{'s' * (count != 1)} that could not be read ({'; '.join(unread)}): "
                       "look at it")
    reading.unread = "; ".join(unread) or None
    reading.note = f"{count} picture{'s' * (count != 1)} on its pages without text read by OCR"
    return reading
