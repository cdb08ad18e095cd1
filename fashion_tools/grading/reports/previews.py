"""What a person looks at when the grader could not read a hand-in with confidence, small enough for the
class's HTML page: a picture scaled down, a PDF's first page with a picture rendered small, the first
picture of a Word report, or the lines of the graded run around a section printed in a form the grader
does not read safely.

They are made while the hand-ins are still unpacked (command.run calls previews() inside its temporary
folder). Pictures, PDFs and Word files are untrusted: they are decoded in a bounded child (readers.bounded),
each preview is bounded in pixels and bytes, and the page's previews together in bytes, so a class that
handed in screenshots still gives a page that opens at once.
"""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fashion_tools.grading.check.result import Grade
from fashion_tools.grading.intake.submissions import MAX_FILES, Submission
from fashion_tools.grading.parse.matrices import FIGURE
from fashion_tools.grading.parse.runs import split_runs
from fashion_tools.grading.parse.table import SECTION_STARTS
from fashion_tools.grading.readers import read_file, sniff
from fashion_tools.grading.readers.bounded import Refused, run_bounded
from fashion_tools.grading.readers.console_log import MAX_LOG_BYTES, clean_text
from fashion_tools.grading.readers.html_export import OUTPUT_CLASSES, has_class
from fashion_tools.grading.readers.notebook import PICTURE_LINE
from fashion_tools.grading.readers.word import check_zip

MAX_SIDE = 720  # pixels, the longer side: a terminal screenshot's text stays legible
# Bytes of one preview (JPEG or PNG, whichever is smaller): the page's budget shared among the pictures to
# show, each between the least and the most; past the budget a caption names the file to open instead.
PAGE_BUDGET, MOST_BYTES, LEAST_BYTES = 300_000, 64_000, 6_000  # 400 kB in the page, as base64
MAX_PICTURES = 3  # previews of one student's pictures
PICTURE_KINDS = ("picture", "pdf", "docx")  # readers.sniff's names of files that may hold a picture
SECONDS = 20.0
LINES_BEFORE, LINES_AFTER, LINE_WIDTH = 2, 16, 160


@dataclass
class Preview:
    caption: str  # what it shows; files named as handed in
    image: str | None = None  # a data: URI
    lines: str | None = None  # the lines around a section


def previews(grades: list[Grade]) -> dict[int, list[Preview]]:
    """For each grade that needs a look (by its index in grades), what to look at, within the page's budget."""
    files = {i: picture_files(g.submission)[:MAX_PICTURES] for i, g in enumerate(grades) if g.reviews}
    pictures = sum(map(len, files.values()))
    share = max(LEAST_BYTES, min(MOST_BYTES, PAGE_BUDGET // max(pictures, 1)))
    budget = [PAGE_BUDGET]
    return {i: student_previews(grades[i], paths, share, budget) for i, paths in files.items()}


def student_previews(grade: Grade, paths: list[Path], share: int, budget: list[int]) -> list[Preview]:
    sub = grade.submission
    shown = [picture_preview(sub, path, share, budget) for path in paths]
    # a section printed in a form the grader does not read safely; a picture's (OCR) is the picture above
    uncertain = [r.check for r in grade.results if r.review and r.check in sub.log.uncertain]
    if uncertain and sub.log_path is not None and not sub.log.read_by_ocr:
        text = graded_run_text(sub)
        shown += [figure_preview(sub, check, share, budget) if check in sub.log.pictured_at
                  else lines_preview(sub, text, check) for check in uncertain]
    return [p for p in shown if p is not None]


def picture_files(sub: Submission) -> list[Path]:
    """The files that may show what the grader could not read with confidence: of the graded file and the
    student's other files, the pictures, PDFs and Word files (of a PDF or Word file that was read, only a
    picture in it is shown)."""
    if sub.log_path is None:
        return []
    return [p for p in [sub.log_path, *other_files(sub)] if kind_of(p) in PICTURE_KINDS]


def other_files(sub: Submission) -> list[Path]:
    """The student's files beside the graded one: a download's (unpacked), or those of a folder given as a path."""
    files = list(sub.names)
    if not files and sub.platform is None and Path(sub.name).is_dir():
        try:
            files = [p for p in Path(sub.name).iterdir() if p.is_file() and not p.is_symlink()]
        except OSError:
            files = []
    return sorted(p for p in files if p != sub.log_path)[:MAX_FILES]


def kind_of(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            return sniff(f.read(16), path.suffix.lower())
    except OSError:
        return None


def picture_preview(sub: Submission, path: Path, share: int, budget: list[int]) -> Preview | None:
    """A file's picture scaled down to at most share bytes, or a caption that says why there is none."""
    name = sub.shown(path)
    if budget[0] < LEAST_BYTES:
        return Preview(f"{name}: open the file (the page's {PAGE_BUDGET // 1000} kB for previews are used up)")
    whole = path == sub.log_path and not sub.log.readable  # the hand-in itself: its first page, pictures or not
    try:
        data, mime, what = run_bounded(thumbnail, str(path), kind_of(path), min(share, budget[0]), whole,
                                       seconds=SECONDS)
    except Refused as exc:
        return Preview(f"{name}: no preview ({exc}); open the file")
    if data is None:
        return None  # a PDF or Word file with no picture: its text was read
    budget[0] -= len(data)
    return Preview(f"{name}{what}, scaled down", image=f"data:{mime};base64,{base64.b64encode(data).decode()}")


def thumbnail(path: str, kind: str, most: int, whole: bool) -> tuple[bytes | None, str, str]:
    """(the preview encoded in at most about `most` bytes, its MIME type, which part it shows); in the
    bounded child."""
    if kind == "pdf":
        picture, what = pdf_page(path, whole)
    elif kind == "docx":
        picture, what = docx_picture(path)
    else:
        picture, what = open_picture(path), ""
    return (None, "", "") if picture is None else (*encode(picture, most), what)


def open_picture(source):
    """A picture opened for decoding by the readers' one opener (refused past its pixel cap before any pixel
    is decoded)."""
    from fashion_tools.grading.readers.ocr.picture import Unreadable
    from fashion_tools.grading.readers.ocr.picture import open_picture as open_one

    try:
        picture = open_one(source)
    except Unreadable as exc:
        raise Refused(str(exc)) from None
    picture.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a JPEG decodes at a fraction of its size: faster
    return picture


def pdf_page(path: str, whole: bool):
    """The first page that holds a picture (for a PDF the grader could not read at all, else the first page),
    rendered MAX_SIDE pixels on its longer side."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(path)
    pages = len(document)
    number = next((i for i in range(min(pages, 50)) if any(
        obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for obj in document[i].get_objects(max_depth=2))), None)
    if number is None and (not whole or pages == 0):
        return None, ""
    page = document[number or 0]
    width, height = page.get_size()
    scale = MAX_SIDE / max(width, height, 1)
    return page.render(scale=scale).to_pil(), f" (page {(number or 0) + 1} of {pages})"


def docx_picture(path: str):
    """The first picture in a Word file (word/media/, in the order Word numbers them)."""
    check_zip(path)
    with zipfile.ZipFile(path) as archive:
        media = sorted((info for info in archive.infolist() if info.filename.startswith("word/media/")),
                       key=lambda info: (len(info.filename), info.filename))  # image2 before image10
        for info in media:
            data = archive.read(info)  # its size was bounded by check_zip
            try:
                picture = open_picture(io.BytesIO(data))
                picture.load()
            except Refused:
                raise
            except Exception:  # a picture format Pillow does not read (EMF, WMF): try the next
                continue
            return picture, f" (its first picture, {Path(info.filename).name})"
    return None, ""


def encode(picture, most: int) -> tuple[bytes, str]:
    """The picture at most MAX_SIDE on its longer side, on white where it is transparent, as the smaller of
    PNG and JPEG (a screenshot of text is often smaller as PNG, a photo as JPEG), smaller still until it
    fits in `most` bytes (or is 160 pixels)."""
    from PIL import Image

    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    if picture.mode != "RGB":
        rgba = picture.convert("RGBA")
        picture = Image.new("RGB", rgba.size, "white")
        picture.paste(rgba, mask=rgba.getchannel("A"))
    while True:
        candidates = []
        for fmt, options in (("PNG", {"compress_level": 6}), ("JPEG", {"quality": 70})):
            out = io.BytesIO()
            picture.save(out, fmt, **options)
            candidates.append((len(out.getvalue()), out.getvalue(), f"image/{fmt.lower()}"))
        size, data, mime = min(candidates)
        if size <= most or max(picture.size) <= 160:
            return data, mime
        # bytes go with the area: shrink by the square root of what is too much, a little more to be sure
        side = max(160, int(max(picture.size) * 0.95 * (most / size) ** 0.5))
        picture.thumbnail((side, side))


def figure_preview(sub: Submission, check: str, share: int, budget: list[int]) -> Preview | None:
    """The picture a notebook or its HTML export shows where a check's value should be (a heatmap for the
    matrix): its place among the file's pictures is that of its figure line among the text's."""
    reading = read_file(sub.log_path, MAX_LOG_BYTES)
    if reading.text is None or budget[0] < LEAST_BYTES:
        return None
    runs = split_runs(clean_text(reading.text))
    before = sum(map(len, runs[:sub.log.run_number - 1])) + sub.log.pictured_at[check]
    number = sum(1 for _ in FIGURE.finditer(clean_text(reading.text), 0, before))
    try:
        data, mime = run_bounded(output_picture, str(sub.log_path), number, min(share, budget[0]), seconds=SECONDS)
    except Refused as exc:
        return Preview(f"{check}: no preview of its picture ({exc}); open {sub.shown(sub.log_path)}")
    if data is None:
        return None
    budget[0] -= len(data)
    return Preview(f"{check}: the picture {sub.shown(sub.log_path)} shows in its place, scaled down",
                   image=f"data:{mime};base64,{base64.b64encode(data).decode()}")


def output_picture(path: str, number: int, most: int) -> tuple[bytes | None, str]:
    """The number-th picture (from 0) among a notebook's outputs or an HTML export's images, encoded; in the
    bounded child."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    pictures = notebook_pictures(text) if text.lstrip().startswith("{") else html_pictures(text)
    if number >= len(pictures):
        return None, ""
    picture = open_picture(io.BytesIO(pictures[number]))
    return encode(picture, most)


def notebook_pictures(text: str) -> list[bytes]:
    import json

    pictures = []
    for cell in json.loads(text).get("cells", []):
        for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
            data = output.get("data", {}) if isinstance(output, dict) else {}
            kind = next((k for k in ("image/png", "image/jpeg") if k in data), None)
            said = data.get("text/plain", PICTURE_LINE)
            if kind and FIGURE.match("".join(said) if isinstance(said, list) else str(said)):  # as the text counts
                value = data[kind]
                pictures.append(base64.b64decode("".join(value) if isinstance(value, list) else value))
    return pictures


def html_pictures(text: str) -> list[bytes]:
    import lxml.html

    root = lxml.html.document_fromstring(text.encode("utf-8", "replace"))
    sources = (img.get("src") or "" for img in root.iter("img")  # those of outputs, as the reader counts them
               if any(has_class(a, OUTPUT_CLASSES) for a in img.iterancestors()))
    return [base64.b64decode(src.split(",", 1)[1]) for src in sources if src.startswith("data:image/") and "," in src]


def graded_run_text(sub: Submission) -> str | None:
    """The text of the run that was graded, as the parsers read it (cleaned, cut into runs)."""
    reading = read_file(sub.log_path, MAX_LOG_BYTES)
    if reading.text is None:
        return None
    runs = split_runs(clean_text(reading.text))
    return runs[sub.log.run_number - 1] if 0 < sub.log.run_number <= len(runs) else None


def lines_preview(sub: Submission, text: str | None, check: str) -> Preview | None:
    """The lines around where the check's section starts in the graded run."""
    found = [at for at in (text.find(start) for start in SECTION_STARTS.get(check, ())) if at >= 0] if text else []
    if not found:
        return None
    at = min(found)
    lines = text.split("\n")
    row = text.count("\n", 0, at)
    shown = [line[:LINE_WIDTH] + ("..." if len(line) > LINE_WIDTH else "")
             for line in lines[max(0, row - LINES_BEFORE):row + LINES_AFTER]]
    where = f"run {sub.log.run_number} of {sub.log.run_count} in " if sub.log.run_count > 1 else ""
    return Preview(f"{check}: the lines from {where}{sub.shown(sub.log_path)}", lines="\n".join(shown))
