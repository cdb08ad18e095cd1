"""Hostile hand-ins, made here rather than committed: `python tests/data/make_hostile.py OUT` writes one
file (or folder) per case into OUT and prints their names. tests/test_hostile.py grades each.

Word files are written as raw OOXML (what Word itself writes for tracked changes, content controls,
text boxes, fields, altChunk, hidden and white text), PDFs byte by byte, pictures are the real
screenshots in tests/data/real/screens. The honest log in them is tests/data/real/keras3.log as a
terminal shows it (each carriage return's last state, colours dropped).
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
LOG = HERE / "real" / "keras3.log"
SCREENSHOT = HERE / "real" / "screens" / "end_dark_14.png"
JPEG = HERE / "real" / "screens" / "end_dark_11_q70.jpg"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
              'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
              'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
              'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"')


def terminal_lines() -> list[str]:
    """keras3.log as a terminal shows it: each line's last carriage-return state, no colour codes."""
    text = LOG.read_text(encoding="utf-8")
    return [re.sub(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b-\x1f]", "", line.split("\r")[-1])
            for line in text.split("\n")]


def run(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def paragraphs(lines: list[str], wrap: Callable[[str], str] = run) -> str:
    return "".join(f"<w:p>{wrap(line)}</w:p>" for line in lines)


def docx(path: Path, body: str, rels: dict[str, tuple[str, str]] | None = None,
         parts: dict[str, bytes] | None = None) -> Path:
    """A Word file of this body XML; rels: id -> (type's last word, target); parts: extra zip entries."""
    rels = rels or {}
    rel_xml = "".join(f'<Relationship Id="{rid}" Type="{R_NS}/{kind}" Target="{target}"/>'
                      for rid, (kind, target) in rels.items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
                   '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="png" ContentType="image/png"/><Default Extension="html" '
                   'ContentType="text/html"/><Default Extension="rtf" ContentType="application/rtf"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{R_NS}/officeDocument" '
                   'Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rel_xml}</Relationships>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {NAMESPACES}>'
                   f"<w:body><w:p>{run('Lab 3 report')}</w:p>{body}</w:body></w:document>")
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    return path


def picture_run(rid: str) -> str:
    return (f'<w:r><w:drawing><wp:inline><wp:extent cx="5000000" cy="3500000"/><wp:docPr id="1" name="p"/>'
            f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
            f"</wp:inline></w:drawing></w:r>")


# --- Word content that Word shows and python-docx skipped -------------------------------------

def docx_plain(out: Path) -> Path:  # the control: the same log as plain paragraphs
    return docx(out / "plain.docx", paragraphs(terminal_lines()))


def docx_terminal_look(out: Path) -> Path:  # honest: white on a black paragraph, as a terminal looks
    black, white = '<w:pPr><w:shd w:val="clear" w:color="auto" w:fill="000000"/></w:pPr>', '<w:color w:val="FFFFFF"/>'
    lines = terminal_lines()
    return docx(out / "terminal_look.docx", "".join(f"<w:p>{black}{run(line, white)}</w:p>" for line in lines))


def docx_tracked(out: Path) -> Path:  # the whole log a tracked insertion, and a deletion Word does not show
    ins = paragraphs(terminal_lines(), lambda line: f'<w:ins w:id="1" w:author="s" w:date="2026-01-01T00:00:00Z">'
                                                   f"{run(line)}</w:ins>")
    deleted = '<w:p><w:del w:id="2" w:author="s"><w:r><w:delText>Keras CNN model accuracy = 0.12' \
              "</w:delText></w:r></w:del></w:p>"
    return docx(out / "tracked.docx", deleted + ins)


def docx_content_control(out: Path) -> Path:
    return docx(out / "content_control.docx", f"<w:sdt><w:sdtPr/><w:sdtContent>{paragraphs(terminal_lines())}"
                                              "</w:sdtContent></w:sdt>")


def docx_text_box(out: Path) -> Path:  # stored twice, as Word does: the new shape and the old VML fallback
    box = f"<w:txbxContent>{paragraphs(terminal_lines())}</w:txbxContent>"
    body = (f'<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wps:wsp><wps:txbx>'
            f"{box}</wps:txbx></wps:wsp></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"
            f"<v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    return docx(out / "text_box.docx", body)


def docx_simple_field(out: Path) -> Path:
    return docx(out / "field.docx", paragraphs(terminal_lines(), lambda line: f'<w:fldSimple w:instr=" QUOTE ">'
                                                                              f"{run(line)}</w:fldSimple>"))


def docx_alt_chunk_html(out: Path) -> Path:
    html = f"<html><body><pre>{escape(chr(10).join(terminal_lines()))}</pre></body></html>"
    return docx(out / "alt_chunk.docx", '<w:altChunk r:id="rId9"/>',
                {"rId9": ("aFChunk", "log.html")}, {"word/log.html": html.encode()})


def docx_alt_chunk_rtf(out: Path) -> Path:  # a kind not read: said, REVIEW
    rtf = "{\\rtf1 " + "\\par ".join(terminal_lines()) + "}"
    return docx(out / "alt_chunk_rtf.docx", '<w:altChunk r:id="rId9"/>',
                {"rId9": ("aFChunk", "log.rtf")}, {"word/log.rtf": rtf.encode()})


# --- hidden text --------------------------------------------------------------------------------

def docx_vanish(out: Path) -> Path:
    return docx(out / "vanish.docx", paragraphs(terminal_lines(), lambda line: run(line, "<w:vanish/>")))


def docx_white_tiny(out: Path) -> Path:
    return docx(out / "white.docx", paragraphs(terminal_lines(),
                                               lambda line: run(line, '<w:color w:val="FFFFFF"/><w:sz w:val="2"/>')))


def html_display_none(out: Path) -> Path:
    path = out / "hidden.html"
    path.write_text(f'<html><body><p>My lab.</p><div style="display: none"><pre>'
                    f"{escape(chr(10).join(terminal_lines()))}</pre></div></body></html>", encoding="utf-8")
    return path


def pdf_bytes(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_content(lines: list[str], mode: int) -> bytes:
    shown = " ".join("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
                     for line in lines)
    return f"BT /F1 7 Tf 8 TL {mode} Tr 20 770 Td {shown} ET".encode("latin-1", "replace")


def text_pdf(pages: list[list[str]], mode: int = 0, catalog_extra: bytes = b"", extra: list[bytes] = ()) -> bytes:
    """Pages of lines in 7-point Courier, drawn in text render mode `mode` (3: invisible)."""
    n = len(pages)
    first = 4 + len(extra)
    kids = " ".join(f"{first + 2 * i} 0 R" for i in range(n)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog_extra,
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>", *extra]
    for i, lines in enumerate(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> "
                       b">> /Contents %d 0 R >>" % (first + 1 + 2 * i))
        objects.append(stream(text_content(lines, mode)))
    return pdf_bytes(objects)


def log_pages(lines: list[str]) -> list[list[str]]:
    return [lines[i:i + 90] for i in range(0, len(lines), 90)]


def pdf_invisible(out: Path) -> Path:
    path = out / "invisible.pdf"
    path.write_bytes(text_pdf(log_pages(terminal_lines()), mode=3))
    return path


def pdf_attachment(out: Path) -> Path:  # the log attached to the PDF, its page only a title
    log = "\n".join(terminal_lines()).encode()
    extra = [stream(log, b"/Type /EmbeddedFile"),
             b"<< /Type /Filespec /F (log.txt) /UF (log.txt) /EF << /F 4 0 R >> >>"]
    path = out / "attachment.pdf"
    path.write_bytes(text_pdf([["Lab 3: my output is attached"]], extra=extra,
                              catalog_extra=b"/Names << /EmbeddedFiles << /Names [(log.txt) 5 0 R] >> >>"))
    return path


def svg_screenshot(out: Path) -> Path:
    path = out / "screenshot.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="100"><text x="0" y="20">'
                    "Keras CNN model accuracy = 0.91</text></svg>")
    return path


def folder_with_link(out: Path) -> Path:
    folder = out / "linked"
    folder.mkdir()
    (folder / "console.txt").symlink_to(LOG)
    (folder / "notes.txt").write_text("my run is in console.txt\n")
    return folder


# --- time: pictures that together take longer than a hand-in's budget --------------------------

def docx_many_pictures(out: Path, count: int = 12) -> Path:
    """One real screenshot pasted `count` times, each read by Tesseract (2-5 s each here)."""
    body = "".join(f"<w:p>{picture_run('rId5')}</w:p>" for _ in range(count))
    return docx(out / "pictures.docx", body, {"rId5": ("image", "media/shot.png")},
                {"word/media/shot.png": SCREENSHOT.read_bytes()})


def folder_of_pictures(out: Path, count: int = 12) -> Path:
    folder = out / "screens"
    folder.mkdir()
    for i in range(count):
        (folder / f"shot_{i:02d}.png").write_bytes(SCREENSHOT.read_bytes())
    return folder


def pdf_picture_pages(out: Path, count: int = 12) -> Path:
    """A PDF of `count` pages, each a screenshot (JPEG) and no text: each page read by OCR."""
    jpeg = JPEG.read_bytes()
    from PIL import Image

    width, height = Image.open(JPEG).size
    image = stream(jpeg, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                         b"/BitsPerComponent 8 /Filter /DCTDecode" % (width, height))
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               image]
    draw = b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % (width, height)
    for i in range(count):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im1 3 0 R >> "
                       b">> /Contents %d 0 R >>" % (width, height, 5 + 2 * i))
        objects.append(stream(draw))
    path = out / "picture_pages.pdf"
    path.write_bytes(pdf_bytes(objects))
    return path


# --- downloads whose names are no file names, and a padded log ----------------------------------

def moodle_zip(out: Path, students: dict[str, bytes], name: str = "moodle.zip", level: int = 6) -> Path:
    """A Moodle 'Download all submissions' zip: 'Full Name_ID_assignsubmission_file_/console.txt'."""
    path = out / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for i, (student, data) in enumerate(students.items()):
            z.writestr(f"{student}_{100001 + i}_assignsubmission_file_/console.txt", data)
    return path


def moodle_long_names(out: Path) -> Path:
    """Names within Moodle's limits (100 + 100 letters), 400 bytes in UTF-8; and control characters."""
    log = LOG.read_bytes()
    return moodle_zip(out, {"Ж" * 100 + " " + "Щ" * 100: log, "Eve\x1b[31m Red\r": log}, "long_names.zip")


def plain_colliding(out: Path) -> Path:
    """A plain zip of one folder per student whose names clean alike ('Jo Smith', 'Jo_Smith', 'jo smith')."""
    path = out / "colliding.zip"
    log = LOG.read_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for student in ("Jo Smith", "Jo_Smith", "jo smith", "CON"):
            z.writestr(f"{student}/console.txt", log)
    return path


def moodle_padded_log(out: Path) -> Path:
    """An honest log followed by 40 MB of spaces (an editor's doing): refused as 'a zip bomb?', unread."""
    return moodle_zip(out, {"Pat Padded": LOG.read_bytes() + b" " * (40 << 20),
                            "Hon Est": LOG.read_bytes()}, "padded.zip", level=9)


CASES: dict[str, Callable[[Path], Path]] = {f.__name__: f for f in (
    docx_plain, docx_terminal_look, docx_tracked, docx_content_control, docx_text_box, docx_simple_field,
    docx_alt_chunk_html, docx_alt_chunk_rtf, docx_vanish, docx_white_tiny, html_display_none, pdf_invisible,
    pdf_attachment, svg_screenshot, folder_with_link, docx_many_pictures, folder_of_pictures, pdf_picture_pages,
    moodle_long_names, plain_colliding, moodle_padded_log)}


def main(out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in CASES.items():
        print(f"{name}: {make(folder)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile")
