"""The readers' bounds: a reader in a child process with time and memory limits, and the hostile
hand-ins each answered within 60 s and 1 GB with one reason for its own submission."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from pdfs import bomb_pdf, log_pdf, nested_pdf, text_pdf
from PIL import Image

from fashion_tools.grading.intake.submissions import find_submission, parse_file
from fashion_tools.grading.readers import read_file
from fashion_tools.grading.readers.bounded import Refused, run_bounded
from fashion_tools.grading.readers.source import SOURCE_PROBLEM, read_source

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
LIMIT = 20 << 20


def allocate(n: int) -> int:
    return len(bytearray(n))


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def die() -> None:
    os._exit(9)  # as a C library's abort() leaves the child: no word back


def refuse() -> None:
    raise Refused("not a document")


def test_run_bounded_returns_the_result():
    assert run_bounded(allocate, 1000) == 1000


@pytest.mark.parametrize(("func", "args", "words"), [
    (allocate, (3 << 30,), "needs more than 256 MB"),
    (sleep, (30,), "took more than 1 s"),
    (die, (), "crashed"),
    (refuse, (), "not a document"),
])
def test_run_bounded_refuses_with_one_reason(func, args, words):
    started = time.monotonic()
    with pytest.raises(Refused, match=words):
        run_bounded(func, *args, seconds=1, memory=256 << 20)
    assert time.monotonic() - started < 10


def test_a_300_page_pdf_of_a_log_is_read_whole(tmp_path):
    """A printed log with every progress-bar step runs to about 150 pages; 300 are read in seconds."""
    pdf = log_pdf(tmp_path / "long.pdf", (REAL / "keras3.log").read_text(), pages=300)
    started = time.monotonic()
    log = parse_file(pdf)
    assert time.monotonic() - started < 60
    assert log.source == "PDF" and log.sections_found == 9, log
    assert log.accuracy == pytest.approx(0.9135, abs=1e-4) and log.confusion_matrix.shape == (10, 10)


@pytest.mark.parametrize("make", [
    lambda p: nested_pdf(p, 200_000),  # objects nested far beyond any parser's stack
    lambda p: bomb_pdf(p, 1536 << 20),  # a content stream that inflates to 1.5 GB
], ids=["nested", "inflating"])
def test_hostile_pdf_is_sent_to_a_person_within_bounds(tmp_path, make):
    pdf = make(tmp_path / "hostile.pdf")
    started = time.monotonic()
    log = parse_file(pdf)
    assert time.monotonic() - started < 60
    assert log.review and log.problem and "\n" not in log.problem, log.problem


def test_a_pdf_of_another_document_is_graded_as_missing_output(tmp_path):
    """Text that is read with confidence and shows nothing of the lecture: not a REVIEW."""
    log = parse_file(text_pdf(tmp_path / "essay.pdf", [["My essay on convolutions."], ["Page two."]]))
    assert log.readable and log.sections_found == 0 and not log.unread


def test_word_file_that_inflates_past_its_limit_is_refused_unread(tmp_path):
    bomb = tmp_path / "report.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(200):
                f.write(b" " * (1 << 20))
    assert bomb.stat().st_size < 2 << 20
    started = time.monotonic()
    reading = read_file(bomb, LIMIT)
    assert time.monotonic() - started < 60
    assert reading.review and "unpacks to 200 MB" in reading.problem


def test_a_zip_that_is_no_word_file(tmp_path):
    fake = tmp_path / "report.docx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("hello.txt", "hi")
    reading = read_file(fake, LIMIT)
    assert reading.review and "without word/document.xml" in reading.problem


def test_a_thousand_files_in_one_folder(tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    Image.new("L", (4, 4)).save(tiny := tmp_path / "tiny.png")
    for i in range(1000):
        (folder / f"figure{i:04d}.png").write_bytes(tiny.read_bytes())
    (folder / "zz_output.log").write_bytes((REAL / "keras3.log").read_bytes())
    started = time.monotonic()
    sub = find_submission(str(folder))
    assert time.monotonic() - started < 60
    assert sub.log_path.name == "zz_output.log" and sub.log.sections_found == 9  # outputs are read first
    (folder / "zz_output.log").rename(folder / "zz_output.dat")
    sub = find_submission(str(folder))
    assert sub.log.review and "901 other files not read" in sub.log.problem  # never a FAIL for files unread
    assert "100 pictures that could not be read (figure0000.png: a picture of 4x4 pixels" in sub.log.problem


def test_output_pasted_into_the_source_is_read_from_the_paste():
    source = (DATA / "lecture" / "as_printed.py.txt").read_text()
    log = (REAL / "keras3.log").read_text()
    docstring = read_source(source + '\n"""\n' + log + '"""\n')
    assert "docstring" in docstring.note and "Keras CNN model accuracy" in docstring.text
    comments = read_source(source + "\n" + "".join(f"# {line}\n" for line in log.splitlines()))
    assert "comments" in comments.note and "== CONFUSION MATRIX ==" in comments.text
    assert read_source("import numpy\nprint(1)\n").problem == SOURCE_PROBLEM


def test_numpy_array_result_is_the_confusion_matrix():
    """Jupyter shows a cell ending in `cm` as numpy's repr: commas, 'array(' and '])' with no dtype."""
    from fashion_tools.grading.parse.matrices import parse_confusion_matrix

    cm = np.random.default_rng(0).integers(0, 999, (10, 10))
    for printed in (repr(cm), repr(cm.astype(np.int32)), repr(cm.astype(np.uint16))):
        found, doubt, how, _ = parse_confusion_matrix(f"Keras CNN model accuracy = 0.9\n{printed}\n", 0)
        assert doubt is None and np.array_equal(found, cm) and how == "with no heading", printed
    with np.printoptions(threshold=50):  # abridged with '...': a person reads it
        found, doubt, _, _ = parse_confusion_matrix(f"== CONFUSION MATRIX ==\n{cm}\n", None)
    assert found is None and "abridged" in doubt


def test_without_tesseract_a_screenshot_says_how_to_install_it(monkeypatch):
    """A machine without Debian's tesseract-ocr (no library to load), or with it but without its English model:
    the picture goes to a person, and the reason names the packages rather than failing or guessing."""
    from fashion_tools.grading.readers.ocr import tesseract

    for missing, what in ((lambda: monkeypatch.setattr(tesseract, "LIBRARIES", ["libno-such-tesseract.so.5"]),
                           "read with Tesseract, which"),
                          (lambda: monkeypatch.setenv("TESSDATA_PREFIX", "/no/such/tessdata"),
                           "read with Tesseract's English model (eng.traineddata), which")):
        missing()
        tesseract.engine.cache_clear()
        try:
            reading = read_file(REAL / "screens" / "end_dark_14.png", LIMIT)
        finally:
            monkeypatch.undo()
            tesseract.engine.cache_clear()  # the next test finds this machine's engine again
        assert reading.review and reading.text is None
        assert f"{what} is not installed here (apt-get install tesseract-ocr tesseract-ocr-eng)" in reading.problem


def test_rows_of_numbers_at_every_pages_edge_are_output_not_a_header(tmp_path):
    """A pixel array and progress lines that fall at the top and bottom of every page (their digit-blind
    shapes repeat there) are the program's output and are kept; the browser's header and footer, at the
    same place on every page and the same but for their numbers, are dropped."""
    row = "[  0   0   0   1   0  35 214 191 183 178 175 168 150 162 159 152 158 179]"
    pages = [[f"{row}", f" 19/300 ==== 26s 95ms/step - accuracy: 0.{5000 + n} - loss: 1.5", "Epoch 3/10",
              f"middle of page {n}", f"[ {n} {n} ]", row, "12/4/26, 3:22 PM keras3.log",
              f"file:///home/mira/lab3/keras3.log {n}/4"] for n in range(1, 5)]
    reading = read_file(text_pdf(tmp_path / "printed.pdf", pages), LIMIT)
    lines = [" ".join(line.split()) for line in reading.text.splitlines()]  # PDFium folds runs of spaces
    assert lines.count(" ".join(row.split())) == 8 and lines.count("Epoch 3/10") == 4 and "[ 3 3 ]" in lines
    assert sum("ms/step" in line for line in lines) == 4
    assert not any("file://" in line or "PM keras3.log" in line for line in lines)
    assert [name for _, name in reading.breaks] == ["page 2", "page 3", "page 4"]
    assert reading.breaks_within(0, len(reading.text)) == ["page 1 to page 2", "page 2 to page 3", "page 3 to page 4"]


@pytest.mark.parametrize(("data", "text"), [
    (b"<p>\xe2\x94\x83 conv2d</p>", "┃ conv2d"),  # UTF-8, no charset: UTF-8, as a browser reads it
    ('<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251"), "Привет"),  # not UTF-8: the declared charset
    ('<meta charset="iso-8859-1"><p>caf\u00e9 \u2503</p>'.encode(), "café ┃"),  # UTF-8 whatever it declares
    ("<p>caf\u00e9</p>".encode("cp1252"), "café"),  # neither: Windows' code page 1252
])
def test_html_without_a_charset_is_read_as_utf8_first(data, text, tmp_path):
    path = tmp_path / "onlinetext.html"
    path.write_bytes(data)
    assert read_file(path, LIMIT).text.strip() == text


def test_moodle_online_text_without_a_charset_passes_its_architecture(tmp_path):
    """Moodle's onlinetext.html: the editor's <p> per line, no <meta charset>, Keras 3's summary drawn in
    UTF-8 boxes (once read as Latin-1: 'â”ƒ', and 'layers are none')."""
    import html

    from fashion_tools.grading.readers.console_log import clean_text

    shown = clean_text((REAL / "keras3.log").read_text(encoding="utf-8"))
    path = tmp_path / "onlinetext.html"
    path.write_bytes("".join(f"<p>{html.escape(line) or '<br>'}</p>" for line in shown.splitlines()).encode())
    log = parse_file(path)
    assert log.source == "HTML page" and len(log.layers) == 7, log.layers
