"""A class as Moodle's "Download all submissions" gives it, from the real hand-ins in tests/data: complete
runs, a run stopped by a typo, a notebook, a wrong architecture, one run handed in twice (a copied pair),
and what the grader cannot read with confidence (a screenshot, a scanned PDF, a Word report of a picture,
a matrix numpy abridged),
with hostile names and a log line holding HTML. test_html_report.py grades it; benchmarks/html_report.py
grows it to a class of hundreds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
REFERENCE = DATA / "reference.json"
HOSTILE_LINE = "<img src=x onerror=alert(2)>"  # a prediction line holding HTML, which a reason quotes


def screenshot(log: Path, lines: int = 34) -> bytes:
    """A PNG of a terminal showing the last lines of a real log, as a student's screenshot of it."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    from fashion_tools.grading.readers.console_log import clean_text

    text = clean_text(log.read_text(encoding="utf-8")).rstrip("\n").split("\n")[-lines:]
    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans Mono"), 14)  # a terminal's font, shipped by matplotlib
    picture = Image.new("RGB", (1100, 20 + 18 * len(text)), "#1e1e1e")
    draw = ImageDraw.Draw(picture)
    for row, line in enumerate(text):
        draw.text((10, 10 + 18 * row), line[:140], fill="#e0e0e0", font=font)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def scanned_pdf(png: bytes) -> bytes:
    """The screenshot as a PDF of one page with no text layer, as a scanner or "print to PDF" of a picture makes."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).save(out, "PDF", resolution=100)
    return out.getvalue()


def word_report(png: bytes) -> bytes:
    """A Word report holding only the screenshot (python-docx), as a student who pasted a picture of the output."""
    import docx

    document = docx.Document()
    document.add_picture(io.BytesIO(png))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def abridged(log: Path) -> bytes:
    """The log with its confusion matrix printed as numpy abridges a large array: a person reads it."""
    text = log.read_text(encoding="utf-8")
    heading = text.index("== CONFUSION MATRIX ==")
    end = text.index("]]", heading) + 2
    return (text[:heading] + "== CONFUSION MATRIX ==\n[[840   1  18 ...   0   6   1]\n ...\n [  0   0 ...  960]]"
            + text[end:]).encode()


def without_matrix(log: Path) -> bytes:
    """The log with its confusion matrix cut out: a student who handed in a screenshot of that part instead."""
    text = log.read_text(encoding="utf-8")
    heading = text.index("== CONFUSION MATRIX ==")
    return (text[:heading] + text[text.index("]]", heading) + 2:]).encode()


def blurred(png: bytes) -> bytes:
    """The screenshot as a shaky phone photo of the screen: too blurred for OCR, a person still sees the run."""
    from PIL import Image, ImageFilter

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).filter(ImageFilter.GaussianBlur(2.5)).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def folder_hand_in(folder: Path) -> Path:
    """A student handed in as a folder: the tool's log without its matrix, and a blurred photo that shows it."""
    folder.mkdir(parents=True)
    (folder / "output.txt").write_bytes(without_matrix(REAL / "tool_utf-8.log"))
    (folder / "matrix.jpg").write_bytes(blurred(screenshot(REAL / "tool_utf-8.log")))
    return folder


def hand_ins() -> dict[tuple[str, str], dict[str, bytes]]:
    """(name, participant) -> {file name: contents}, for each student of the class."""
    picture = screenshot(REAL / "keras3_second.log")
    hostile = (REAL / "keras3_second.log").read_text(encoding="utf-8").replace(
        "Prediction after learning: pullover", f"Prediction after learning: {HOSTILE_LINE}")
    return {
        ("Zoë O'Brien", "123456"): {"output.txt": (REAL / "keras3.log").read_bytes()},
        ("Åsa Ödman", "234567"): {"console.txt": (REAL / "keras3.log").read_bytes()},  # Zoë's run again
        ("Jean-Luc Picard", "345678"): {"lab3 log.txt": (REAL / "typo_confusion_matrix.log").read_bytes()},
        ("Ravi Shankar", "456789"): {"lab3.ipynb": (REAL / "jupyterlab.ipynb").read_bytes()},
        ("Mia Wong", "567890"): {"out.txt": (REAL / "wrong_architecture.log").read_bytes()},
        ("Abe Nolan", "678901"): {"out.txt": abridged(REAL / "keras3_second.log")},
        ("Kim Lee", "789012"): {"screenshot.png": picture},
        ("Noor Haddad", "890123"): {"scan.pdf": scanned_pdf(picture)},
        ("Eva Marsh", "934567"): {"report.docx": word_report(picture)},
        ("Lena Vogel", "901234"): {"run.log": (REAL / "sample_122_debug.log").read_bytes()},
        ("Sam Ortiz", "912345"): {"log.txt": (REAL / "ctrl_c.log").read_bytes()},
        ("<img src=x onerror=alert(1)>", "923456"): {"run<b>1.log": hostile.encode()},
    }


def moodle_zip(path: Path, students: dict[tuple[str, str], dict[str, bytes]]) -> Path:
    """Moodle's download: a folder 'Full Name_participant_assignsubmission_file_' per student."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for (name, participant), files in students.items():
            for file, data in files.items():
                z.writestr(f"{name}_{participant}_assignsubmission_file_/{file}", data)
    return path
