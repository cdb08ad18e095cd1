"""grade --html: the class at a glance, tested in a real browser (Debian's Chromium, headless, through
Selenium and chromedriver; skipped, saying how to install them, where there is none).

The class is tests/real_class.py's Moodle download of real hand-ins, plus a student handed in as a folder
whose path holds `<script>alert(1)</script>`; it is graded once by the real command, with --json and
--feedback beside --html, so that what the page shows is compared with what the grader said.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import browser
import pytest
import real_class
from conftest import TOOL, assert_clean_error, run_tool

import fashion_items
from fashion_tools.grading.intake.submissions import Submission
from fashion_tools.grading.parse.values import ParsedLog
from fashion_tools.grading.reports import previews

SCRIPT_NAME = "<script>alert(1)</script>"
needs_browser = pytest.mark.skipif(browser.missing() is not None, reason=browser.missing() or "")


def grade(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = fashion_items.main(["grade", "--expected", str(real_class.REFERENCE), *args])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    """The real class graded with --html, --json and --feedback: the page, the JSON and the feedback folder."""
    tmp = tmp_path_factory.mktemp("class")
    bundle = real_class.moodle_zip(tmp / "C1-Lab 3-42.zip", real_class.hand_ins())
    folder = real_class.folder_hand_in(tmp / SCRIPT_NAME)  # '<script>alert(1)<' holding 'script>': a path names it
    page = tmp / "report.html"
    status, out, err = grade("--json", "--html", str(page), "--feedback", str(tmp / "feedback"), str(bundle),
                             str(folder))
    assert status == 1, err
    report = json.loads(out)
    return {"page": page, "students": report["submissions"], "feedback": tmp / "feedback"}


@pytest.fixture(scope="module")
def chromium():
    if browser.missing():
        pytest.skip(browser.missing())
    driver = browser.chromium()
    yield driver
    driver.quit()


@pytest.fixture
def page(chromium, graded):
    chromium.get(graded["page"].as_uri())
    chromium.get_log("browser")
    return chromium


def names(driver, only_shown: bool = False) -> list[str]:
    buttons = driver.find_elements("css selector", "#students > tbody button.who")
    return [b.get_attribute("textContent") for b in buttons if not only_shown or b.is_displayed()]


def row_of(driver, name: str):
    """The student's tbody: their row, what needs a look, their report."""
    return next(b for b in driver.find_elements("css selector", "#students > tbody")
                if b.find_element("css selector", "button.who").get_attribute("textContent") == name)


def search(driver, text: str) -> None:
    box = driver.find_element("id", "search")
    box.send_keys("\ue009a\ue017")  # Ctrl+A, Delete: what a person does, so the input event fires
    box.send_keys(text)


# In the browser

@needs_browser
def test_the_page_opens_offline_without_errors_and_runs_nothing_a_student_wrote(chromium, graded):
    chromium.get_log("performance")
    chromium.get(graded["page"].as_uri())
    errors = [e for e in chromium.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    asked = browser.requests(chromium)
    assert asked and all(url == graded["page"].as_uri() or url.startswith("data:") for url in asked), asked
    assert chromium.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert chromium.execute_script("return document.scripts.length") == 1  # the page's own, nothing from a name
    assert chromium.find_elements("css selector", "img:not([src^='data:'])") == []
    with pytest.raises(Exception, match="no such alert"):
        chromium.switch_to.alert.text  # noqa: B018
    shown = names(chromium)
    assert sorted(shown) == sorted(s["submission"] for s in graded["students"])
    assert any(SCRIPT_NAME in name for name in shown) and "<img src=x onerror=alert(1)>" in shown
    hostile = next(s for s in graded["students"] if s["submission"] == "<img src=x onerror=alert(1)>")
    reason = next(c["reason"] for c in hostile["checks"] if c["check"] == "prediction")
    assert real_class.HOSTILE_LINE in reason
    row = row_of(chromium, hostile["submission"])
    cell = row.find_element("css selector", ":scope > tr:first-child > td.v:last-child")
    described = chromium.find_element("id", cell.get_attribute("aria-describedby"))
    assert described.get_attribute("textContent") == reason  # quoted as text, on hover and for screen readers


@needs_browser
def test_one_row_per_student_each_verdict_written_in_its_cell(page, graded):
    bodies = page.find_elements("css selector", "#students > tbody")
    assert len(bodies) == len(graded["students"])
    for student in graded["students"]:
        cells = row_of(page, student["submission"]).find_elements("css selector", ":scope > tr:first-child > td.v")
        assert [c.text for c in cells] == [c["verdict"] for c in student["checks"]]
        assert all(c.get_attribute("class") == f"v {c.text}" for c in cells)


@needs_browser
def test_clicking_a_header_sorts_the_table_by_that_column(page):
    def column(index: int) -> list[str]:
        return [b.find_elements("css selector", ":scope > tr:first-child > *")[index].text
                for b in page.find_elements("css selector", "#students > tbody")]

    header = page.find_element("css selector", "#students > thead button[data-col='4']")
    assert header.text == "points"
    header.click()
    points = [float(p.split("/")[0]) for p in column(4)]
    assert points == sorted(points) and len(set(points)) > 2
    assert header.find_element("xpath", "..").get_attribute("aria-sort") == "ascending"
    header.click()
    assert [float(p.split("/")[0]) for p in column(4)] == sorted(points, reverse=True)
    prediction = page.find_elements("css selector", "#students > thead button")[-1]
    prediction.click()
    verdicts = column(len(page.find_elements("css selector", "#students > thead th")) - 1)
    order = {"FAIL": 0, "REVIEW": 1, "PASS": 2}
    assert [order[v] for v in verdicts] == sorted(order[v] for v in verdicts)  # what needs attention first


@needs_browser
def test_typing_in_the_search_box_filters_the_rows(page, graded):
    search(page, "picard")
    assert names(page, only_shown=True) == ["Jean-Luc Picard"]
    assert page.find_element("id", "shown").text == f"1 of {len(graded['students'])} students"
    search(page, "review")
    looked_at = [s["submission"] for s in graded["students"] if s["needs_a_look"]]
    assert sorted(names(page, only_shown=True)) == sorted(looked_at) and len(looked_at) >= 4
    search(page, "accuracy:fail")
    failed = [s["submission"] for s in graded["students"]
              if any(c["check"] == "accuracy" and c["verdict"] == "FAIL" for c in s["checks"])]
    assert sorted(names(page, only_shown=True)) == sorted(failed) and failed
    search(page, "")
    assert len(names(page, only_shown=True)) == len(graded["students"])


@needs_browser
def test_opening_a_row_shows_that_students_reasons_and_feedback(page, graded):
    student = next(s for s in graded["students"] if s["submission"] == "Jean-Luc Picard")
    body = row_of(page, "Jean-Luc Picard")
    report = body.find_element("css selector", "tr.more")
    assert not report.is_displayed()
    body.find_element("css selector", "button.who").click()
    assert report.is_displayed()
    rows = report.find_elements("css selector", "table.checks tbody tr")
    shown = [[td.text for td in row.find_elements("tag name", "td")] for row in rows]
    assert [(check, verdict, reason) for check, verdict, _, reason in shown] == \
        [(c["check"], c["verdict"], c["reason"]) for c in student["checks"]]
    assert any("not reached: the run stopped with NameError" in reason for *_, reason in shown)
    assert "run stopped with NameError" in report.text  # the notes
    (written,) = graded["feedback"].glob("Jean-Luc Picard_*/feedback.txt")
    feedback = report.find_element("tag name", "pre").get_attribute("textContent")
    assert feedback == written.read_text(encoding="utf-8")
    body.find_element("css selector", "button.who").click()
    assert not report.is_displayed()


@needs_browser
def test_copies_are_linked_both_ways_and_a_point_opens_its_students_row(page, graded):
    zoe, asa = "Zoë O'Brien", "Åsa Ödman"
    copies = {s["submission"]: s["same_as"] for s in graded["students"] if s["same_as"]}
    assert copies == {zoe: [asa], asa: [zoe]}
    row_of(page, zoe).find_element("css selector", "button.who").click()
    link = row_of(page, zoe).find_element("css selector", "p.copies a")
    assert link.text == asa
    link.click()
    report = row_of(page, asa).find_element("css selector", "tr.more")
    assert report.is_displayed()
    back = report.find_element("css selector", "p.copies a")
    assert back.text == zoe and back.get_attribute("href").endswith(
        "#" + row_of(page, zoe).find_element("css selector", "tr").get_attribute("id"))

    ravi = row_of(page, "Ravi Shankar")
    target = "#" + ravi.find_element("css selector", "tr").get_attribute("id")
    point = next(a for a in page.find_elements("css selector", "#pictures svg a")
                 if a.get_attribute("href") == target or a.get_attribute("xlink:href") == target)
    assert point.find_element("tag name", "title").get_attribute("textContent") == "Ravi Shankar"
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", point)
    point.click()
    assert ravi.find_element("css selector", "tr.more").is_displayed()
    assert page.execute_script("return location.hash") == target


@needs_browser
def test_what_needs_a_look_is_in_the_row_itself(page, graded):
    looked_at = {s["submission"]: s for s in graded["students"] if s["needs_a_look"]}
    assert {"Kim Lee", "Noor Haddad", "Eva Marsh", "Abe Nolan"} <= set(looked_at)
    folder = next(name for name in looked_at if SCRIPT_NAME in name)  # its log lacks the matrix its photo shows
    assert "confusion_matrix" in looked_at[folder]["needs_a_look"]
    # a screenshot, a scanned PDF, a Word file of a picture, a picture beside the log
    for name in ("Kim Lee", "Noor Haddad", "Eva Marsh", folder):
        look = row_of(page, name).find_element("css selector", "tr.look")
        assert look.is_displayed()
        image = look.find_element("tag name", "img")
        width, height = page.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image)
        assert 100 <= width <= previews.MAX_SIDE and 50 <= height <= previews.MAX_SIDE, (name, width, height)
        shown = look.find_element("tag name", "figcaption").text
        assert shown.startswith(looked_at[name]["log"] if name != folder else f"{folder}/matrix.jpg")
    abridged = real_class.abridged(real_class.REAL / "keras3_second.log").decode()
    matrix_line = next(line for line in abridged.splitlines() if line.startswith("[[840"))
    look = row_of(page, "Abe Nolan").find_element("css selector", "tr.look")
    assert "CONFUSION MATRIX" in look.text and matrix_line in look.find_element("tag name", "pre").text
    assert looked_at["Abe Nolan"]["needs_a_look"] in look.text


@needs_browser
def test_the_page_prints_the_whole_table(page, graded):
    import pypdfium2

    search(page, "picard")  # the screen shows one student; paper shows them all
    pdf = pypdfium2.PdfDocument(base64.b64decode(page.print_page()))
    text = "\n".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    for student in graded["students"]:
        if SCRIPT_NAME not in student["submission"]:
            assert student["submission"] in text
    assert "prediction" in text and "onerror=alert(1)" in text


@needs_browser
def test_a_single_submission_gets_the_same_page_with_one_row(chromium, tmp_path):
    page = tmp_path / "one.html"
    status, out, err = grade("--html", str(page), str(real_class.REAL / "keras3.log"))
    assert status == 0 and f"HTML report: {page}" in out, err
    chromium.get(page.as_uri())
    assert [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"] == []
    assert len(chromium.find_elements("css selector", "#students > tbody")) == 1
    assert len(chromium.find_elements("css selector", "#pictures svg")) == 3


# Without a browser

def test_plain_grade_imports_no_matplotlib_and_the_page_no_tensorflow(tmp_path):
    log = str(real_class.REAL / "keras3.log")
    heavy = ("matplotlib", "tensorflow", "keras")
    code = ("import json, sys, fashion_items\n"
            "status = fashion_items.main(sys.argv[1:])\n"
            f"print(json.dumps({{'status': status, 'loaded': [m for m in {heavy!r} if m in sys.modules]}}))")

    def loaded(*args: str) -> dict:
        proc = subprocess.run([sys.executable, "-c", code, "grade", "--expected", str(real_class.REFERENCE), *args],
                              cwd=TOOL.parent, capture_output=True, text=True, timeout=120)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    assert loaded(log) == {"status": 0, "loaded": []}
    assert loaded("--html", str(tmp_path / "page.html"), log) == {"status": 0, "loaded": ["matplotlib"]}


def test_an_unwritable_page_is_one_line_before_any_work(tmp_path):
    result = run_tool("grade", "--expected", str(real_class.REFERENCE), "--html",
                      str(tmp_path / "no such folder" / "report.html"), str(real_class.REAL / "keras3.log"))
    assert_clean_error(result, 2, "--html", "does not exist")
    assert result.stdout == ""


def test_the_page_replaces_the_old_one_atomically(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("the previous report")
    status, out, err = grade("--html", str(page), str(real_class.REAL / "keras3.log"))
    assert status == 0 and f"HTML report: {page}" in out
    assert page.read_text(encoding="utf-8") != "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary left


def picture_submission(path: Path) -> Submission:
    return Submission(str(path), path, None, ParsedLog(problem="a picture (PNG), not text", review=True))


def test_a_preview_is_bounded_in_pixels_and_bytes(tmp_path):
    import numpy as np
    from PIL import Image

    photo = tmp_path / "photo.png"  # noise: the worst case for both encoders
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (3000, 4000, 3), dtype=np.uint8)).save(photo)
    budget = [previews.PAGE_BUDGET]
    shown = previews.picture_preview(picture_submission(photo), photo, previews.MOST_BYTES, budget)
    data = base64.b64decode(shown.image.split(",", 1)[1])
    assert len(data) <= previews.MOST_BYTES and budget == [previews.PAGE_BUDGET - len(data)]
    assert max(Image.open(io.BytesIO(data)).size) <= previews.MAX_SIDE
    assert previews.picture_preview(picture_submission(photo), photo, previews.MOST_BYTES, [0]).caption.endswith(
        "are used up)")


def test_a_picture_too_large_to_decode_gets_a_caption_not_a_preview(tmp_path):
    import struct
    import zlib

    huge = tmp_path / "huge.png"  # a header claiming 100,000 x 100,000 pixels: refused before decoding
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
                     + struct.pack(">I", zlib.crc32(chunk)) + b"\x00" * 64)
    shown = previews.picture_preview(picture_submission(huge), huge, previews.MOST_BYTES, [previews.PAGE_BUDGET])
    assert shown.image is None and "no preview" in shown.caption and "open the file" in shown.caption
