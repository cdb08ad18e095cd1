"""Screenshots graded by what they show (issue 22): real xterm screenshots of keras3.log (dark and light
themes, two font sizes, overlapping pieces of the whole run and single shots of its end, a JPEG at
quality 70), made by tests/data/lecture/make_renders.py. Nothing read from a picture fails on a misread:
what OCR cannot read with confidence is REVIEW; a bad picture is one reason, within the readers' bounds."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image
from test_real_submissions import REAL, grade, reasons, verdicts

from fashion_tools.grading.readers.pictures import read_pictures
from fashion_tools.grading.readers.screen_ocr import tesseract_ready

pytestmark = pytest.mark.skipif(tesseract_ready() is not None, reason=str(tesseract_ready()))
SCREENS = REAL / "screens"
END = {"accuracy", "loss", "f1", "prediction"}  # what a shot of the run's end shows


def assert_no_misread_fails(sub: dict) -> None:
    got = verdicts(sub)
    assert "FAIL" not in got.values(), reasons(sub)
    for check, why in reasons(sub).items():
        if got[check] == "PASS":
            assert why.startswith("read from "), why


def test_a_whole_run_in_overlapping_screenshots_passes_what_it_shows(tmp_path):
    status, (sub,) = grade(tmp_path, SCREENS / "dark_11")
    assert_no_misread_fails(sub)
    passed = {c for c, v in verdicts(sub).items() if v == "PASS"}
    assert {"shapes", "training", "confusion_matrix", *END} <= passed, reasons(sub)  # the key numbers read right
    assert verdicts(sub)["architecture"] in ("PASS", "REVIEW")  # joining the shots may read a layer twice
    assert "read by OCR from 7 pictures" in sub["notes"]
    assert status in (0, 3)


@pytest.mark.parametrize(("name", "passing"), [("end_dark_14.png", END),
                                               ("end_dark_11_q70.jpg", END - {"f1"})])  # JPEG's blur: F1 to a person
def test_a_single_shot_of_the_end_grades_what_it_shows(tmp_path, name, passing):
    status, (sub,) = grade(tmp_path, SCREENS / name)
    assert_no_misread_fails(sub)
    got = verdicts(sub)
    assert {c for c in END if got[c] == "PASS"} >= passing, reasons(sub)
    assert got["shapes"] == "REVIEW" and "not in the text read from the pictures" in reasons(sub)["shapes"]
    assert status == 3


def test_a_light_theme_whose_zeros_ocr_misreads_is_never_failed(tmp_path):
    """On the light theme Tesseract reads DejaVu Sans Mono's dotted zero as '8': the matrix's rows do not
    add up, the accuracy reads 8.9135; each goes to a person, naming the picture."""
    status, (sub,) = grade(tmp_path, SCREENS / "end_light_11.png")
    assert_no_misread_fails(sub)
    for check, why in reasons(sub).items():
        if verdicts(sub)[check] == "REVIEW" and check in END | {"confusion_matrix"}:
            assert why.startswith("read from end_light_11.png") or "not in the text read from the pictures" in why, why


def test_overlapping_shots_are_joined_once_and_a_gap_is_said():
    joined = read_pictures([SCREENS / "dark_11" / "shot_6.png", SCREENS / "dark_11" / "shot_7.png"])
    assert joined.text.count("Epoch 10/10") == 1 and joined.text.count("CONFUSION MATRIX") == 1
    assert joined.unread is None
    gap = read_pictures([SCREENS / "dark_11" / "shot_4.png", SCREENS / "dark_11" / "shot_7.png"])
    assert "no lines in common between shot_4.png and shot_7.png" in gap.unread


def huge_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # a few kB that decode to 400 million pixels
    return out.getvalue()


def corrupt_jpeg() -> bytes:
    data = bytearray((SCREENS / "end_dark_11_q70.jpg").read_bytes())
    data[600:len(data) // 2] = bytes(len(data) // 2 - 600)  # the scan data zeroed from just past the header
    return bytes(data[: len(data) * 3 // 4])


@pytest.mark.parametrize("make, words", [(huge_png, "pixels, larger than any screen"),
                                         (corrupt_jpeg, "picture")])
def test_a_bad_picture_is_one_reason_within_the_bounds(tmp_path, make, words):
    path = tmp_path / "screen.png"
    path.write_bytes(make())
    started = time.perf_counter()
    status, (sub,) = grade(tmp_path, path)
    assert time.perf_counter() - started < 60
    assert set(verdicts(sub).values()) == {"REVIEW"} and words in sub["needs_a_look"], sub["needs_a_look"]
    assert status == 3


def test_a_thousand_tiny_pictures_answer_within_a_minute(tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    tiny = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(tiny, "PNG")
    for n in range(1000):
        (folder / f"shot_{n:04}.png").write_bytes(tiny.getvalue())
    started = time.perf_counter()
    status, (sub,) = grade(tmp_path, folder)
    assert time.perf_counter() - started < 60
    assert set(verdicts(sub).values()) == {"REVIEW"} and "no text large enough to read" in sub["needs_a_look"]
    assert status == 3


def test_a_shot_whose_edge_cuts_a_table_off_is_never_failed(tmp_path):
    """shot_6.png shows the summary's lower rows and its total, its header cut off by the picture's edge:
    'the layer table is not printed' is what OCR saw, not what the student printed."""
    status, (sub,) = grade(tmp_path, SCREENS / "dark_11" / "shot_6.png")
    assert_no_misread_fails(sub)
    assert verdicts(sub)["architecture"] == "REVIEW", reasons(sub)
