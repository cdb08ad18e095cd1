"""Real hand-ins in every form a class hands in, graded against the real 5-seed reference: PDFs printed
by Chromium, Word reports, notebooks whose matrix is a cell's result (numpy's array, pandas' DataFrame),
output pasted into a .py, a run printed out of order, and pictures. Each file was made by a real run
or a real render (tests/data/lecture/make_submissions.py and make_renders.py; tests/data/real/README.md
says how); each gets the verdict an instructor reading it by hand would give, or REVIEW."""

from __future__ import annotations

import pytest
from test_real_submissions import ALL_PASS, REAL, grade, reasons, verdicts

from fashion_tools.grading.readers.ocr.screen_ocr import tesseract_ready

LOOK = dict.fromkeys(ALL_PASS, "REVIEW")
# file: (read as, verdicts, key words of reasons, key words of the notes)
CASES = {
    "jupyterlab.pdf": ("PDF", ALL_PASS, {"architecture": "the table's parameter column is cut off"}, ""),
    "notebook_matrix_result.pdf": ("PDF", ALL_PASS, {"confusion_matrix": "rows sum to the class counts"}, ""),
    "keras3_log.pdf": ("PDF", ALL_PASS, {"sample": "every pixel equal the expected"}, ""),
    "report_docx.pdf": ("PDF", ALL_PASS, {"architecture": "per-layer and total parameters equal"}, ""),
    "report.docx": ("Word document", ALL_PASS, {}, ""),
    "report_linebreaks.docx": ("Word document", ALL_PASS, {}, ""),
    "notebook_matrix_result.ipynb": ("notebook", ALL_PASS, {"confusion_matrix": "trace/total agrees"}, ""),
    "notebook_matrix_result.html": ("notebook's HTML export", ALL_PASS, {"confusion_matrix": "trace/total agrees"}, ""),
    "notebook_dataframe.ipynb": ("notebook", ALL_PASS, {"confusion_matrix": "trace/total agrees"}, ""),
    "notebook_dataframe.html": ("notebook's HTML export", ALL_PASS, {"confusion_matrix": "trace/total agrees"}, ""),
    "pasted_docstring.py": ("Python source", ALL_PASS, {}, "output pasted into the source as a docstring"),
    "pasted_comments.py": ("Python source", ALL_PASS, {}, "output pasted into the source as comments"),
    "out_of_order.log": ("log", ALL_PASS, {"architecture": "per-layer and total parameters equal"}, ""),
}
if tesseract_ready() is None:  # the two Jupyter screenshots read by OCR (test_screenshots.py has the terminal's)
    # JPEG: the two pages not joined (issue 31's reader). Its evaluate bar is read plainly (its bold counter on
    # a grid of its own), and so are the accuracy and the loss, whose late decimals were doubted before their
    # cells were windowed at their subpixel edges (a browser's cells are a fraction of a pixel wide)
    CASES["screenshots.pdf"] = ("PDF", {**LOOK, **dict.fromkeys(
        ("architecture", "accuracy", "loss", "evaluation", "f1"), "PASS")},
                                {"architecture": "read from page", "accuracy": "read from page 2: 0.9119 is at least",
                                 "loss": "read from page 2: 0.2498 is at most"},
                                "read by OCR")
    # (the line of evaluate()'s bar in picture 2: its bold counter, before the bar, sits half a cell off the
    # grid of the text after it, and is read on a grid of its own: the bar's numbers are read plainly, and the
    # evaluation passes with the accuracy, loss and F1 lines below it). The PNG's matrix, the cell's result after
    # 'Out[14]:', is read digit for digit as the notebook holds it (the prompt is no number, 235e82b): it passes
    CASES["report_screenshots.docx"] = ("Word document", {**LOOK, **dict.fromkeys(
        ("architecture", "loss", "accuracy", "evaluation", "f1", "confusion_matrix"), "PASS")},
                                        {"accuracy": "read from picture 2: ",
                                         "evaluation": "Keras' evaluate line agrees with the printed test numbers",
                                         "confusion_matrix": "read from picture 2: rows sum to the class counts"},
                                        "read by OCR")
else:
    CASES["screenshots.pdf"] = ("PDF", LOOK, {"shapes": "2 pictures that could not be read"}, "needs a look")
    CASES["report_screenshots.docx"] = ("Word document", LOOK, {"shapes": "could not be read"}, "")


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_render_gets_its_verdicts(name, tmp_path):
    read_as, want, words, notes = CASES[name]
    status, (sub,) = grade(tmp_path, REAL / name)
    assert sub["read_as"] == read_as
    assert verdicts(sub) == want, reasons(sub)
    got = reasons(sub)
    for check, text in words.items():
        assert text in got[check], (check, got[check])
    assert notes in sub["notes"], sub["notes"]
    assert sub["runs"]["count"] == 1, sub["runs"]  # a run printed out of order is still one run
    assert status == (0 if want == ALL_PASS else 3)


def test_the_same_run_reads_alike_from_its_notebook_html_and_pdf(tmp_path):
    """One run's numbers, whatever form it was handed in: the copies list finds them identical."""
    status, subs = grade(tmp_path, *(REAL / f"notebook_matrix_result.{ext}" for ext in ("ipynb", "html", "pdf")))
    assert [len(s["same_as"]) for s in subs] == [2, 2, 2]
    assert len({s["checks"][4]["found"] for s in subs}) == 1  # the accuracy


def test_a_pdf_with_the_browsers_header_and_footer_on_every_page(tmp_path):
    """Chromium prints the date, title, URL and '1/144' on each of the log's 144 pages; a pixel row
    broken by a page break still reads as one row."""
    from fashion_tools.grading.readers import read_file

    reading = read_file(REAL / "keras3_log.pdf", 1 << 20)
    assert len(reading.parts) == 144 and "file://" not in reading.text and "/144" not in reading.text


# Chromium's own print (Page.printToPDF, tests/data/lecture/make_prints.py) at the settings a student may pick,
# made here at test time (a second or two a print): (source, paper, margins, scale, header)
PRINTS = [("keras3.log", "a4", "default", 1.0, "header"), ("keras3.log", "letter", "minimal", 0.75, "plain"),
          ("keras3.log", "letter", "default", 1.5, "header"),
          ("keras3.log", "a4", "default", 0.5, "header"),  # its text layer loses spaces: 'KerasCNNmodelloss=
          ("notebook_matrix_result.html", "letter", "minimal", 0.5, "plain"),
          ("notebook_matrix_result.html", "a4", "default", 1.0, "header"),
          ("notebook_matrix_result.html", "a4", "default", 1.25, "header"),
          ("notebook_matrix_result.html", "letter", "minimal", 1.5, "plain")]
LAID_OUT = ("sample", "architecture", "confusion_matrix")  # what a page break or a wrapped line may spoil


@pytest.fixture(scope="module")
def prints(tmp_path_factory):
    import sys

    import browser
    if browser.missing():
        pytest.skip(browser.missing())
    sys.path.insert(0, str(REAL.parent / "lecture"))
    import make_prints

    folder = tmp_path_factory.mktemp("prints")
    driver = browser.chromium(folder)
    try:
        for setting in PRINTS:
            (folder / make_prints.name(*setting)).write_bytes(
                make_prints.print_pdf(driver, REAL / setting[0], make_prints.options(*setting[1:])))
    finally:
        driver.quit()
    return folder, make_prints


@pytest.mark.parametrize("setting", PRINTS, ids=["-".join(map(str, s)) for s in PRINTS])
def test_a_browsers_print_gets_the_logs_verdicts_or_review_naming_the_page(setting, prints, tmp_path):
    """Every honest print PASSes as its log does; where the print's layout may have spoiled a printed array
    (a page break inside it, a scale over 100 % that wraps its lines), the check is REVIEW naming the page,
    never a FAIL. Each header and footer line (date, title, URL, page/pages) is dropped, no output line is."""
    from fashion_tools.grading.readers import read_file

    folder, make_prints = prints
    path = folder / make_prints.name(*setting)
    reading = read_file(path, 1 << 24)
    # (at 50 % PDFium gives some pages' text a glyph a line, the footer's too: it stays, harmless to the checks)
    assert ("file://" not in reading.text or setting[3] < 0.75) and reading.breaks, reading.breaks[:3]
    status, (sub,) = grade(tmp_path, path)
    got, why = verdicts(sub), reasons(sub)
    for check, verdict in got.items():
        if check in LAID_OUT and verdict == "REVIEW":
            assert "page " in why[check] and "look at" in why[check], why[check]
        else:
            assert verdict == "PASS", (check, why[check])
    if setting[3] <= 1.0:  # at 100 % and under no line wraps: all PASS, as the log
        assert got == ALL_PASS, why
