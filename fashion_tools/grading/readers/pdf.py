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
IMAGE = re.compile(rb"/Subtype\s*/Image\b")


def page_texts(path: str) -> tuple[list[str], dict[int, list[bytes]]]:
    """The text of each page, and the pictures (as PNG) on the pages without text; in the bounded child."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise Refused(f"not a PDF that can be opened ({exc})") from None
    if len(doc) > MAX_PAGES:
        raise Refused(f"a PDF of {len(doc)} pages, more than the {MAX_PAGES} read here")
    texts = [doc[i].get_textpage().get_text_bounded() for i in range(len(doc))]
    pictures: dict[int, list[bytes]] = {}
    for i in (i for i, text in enumerate(texts) if not text.strip()):
        if sum(map(len, pictures.values())) < MAX_PICTURES:
            pictures[i] = page_pictures(doc[i])
    return texts, pictures


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


def edge_lines(pages: list[list[str]]) -> set[str]:
    """The lines a browser or a word processor repeats at the top and bottom of the pages (digits
    aside: the page number changes), or, on a single page, those that look like them."""
    def key(line: str) -> str:
        return DIGITS.sub("#", line.strip())

    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({key(line) for line in lines[:EDGE] + lines[-EDGE:] if line.strip()})
    repeated = {k for k, n in seen.items() if len(pages) > 1 and n >= max(2, len(pages) // 2)}
    return repeated | {k for lines in pages for line in lines[:EDGE] + lines[-EDGE:]
                       if PAGE_NUMBER.match(line.strip()) or BROWSER_LINE.match(line.strip())
                       for k in [key(line)]}


def read_pdf(path: str) -> Reading:
    try:
        texts, pictures = run_bounded(page_texts, str(path))
    except Refused as exc:
        return Reading(None, "PDF", problem=f"a PDF that could not be read: {exc}", review=True)
    pages = [text.replace("\r\n", "\n").replace("\r", "\n").split("\n") for text in texts]
    edges = edge_lines(pages)
    chunks = []  # each page's text, "" for a page without
    for lines in pages:
        edge = set(range(EDGE)) | set(range(len(lines) - EDGE, len(lines)))
        kept = [ORPHAN_ANSI.sub("", line) for i, line in enumerate(lines)
                if not (i in edge and DIGITS.sub("#", line.strip()) in edges)]
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
    return Reading("".join(out), "PDF", parts=parts, unread=unread)


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
            pieces.append(Reading(text, "text", parts=[(0, f"page {number + 1}")]))
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
