"""Tesseract in the grader's process (readers/ocr/tesseract.py) reads a page exactly as Debian's `tesseract`
program does with the settings the reader was measured with: the same words, boxes and confidences. The
program is run here only to compare; the grader never starts it."""

import shutil
import subprocess

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from fashion_tools.grading.readers.ocr import tesseract

pytestmark = pytest.mark.skipif(tesseract.tesseract_ready() is not None or not shutil.which("tesseract"),
                                reason="needs Debian's tesseract-ocr (its library and its program)")
PICTURE = ROOT / "tests" / "data" / "real" / "screens" / "end_light_11.png"  # dark on white already


def program_words(page: np.ndarray, digits: bool, tmp_path) -> list[tuple]:
    """The program's words of the page, with the settings as the command line gives them."""
    path = tmp_path / "page.pgm"
    Image.fromarray(page).save(path)
    settings = [f"{k}={v}" for k, v in tesseract.SETTINGS.items()]
    if digits:
        settings.append(f"tessedit_char_whitelist={tesseract.DIGIT_ALPHABET}")
    out = subprocess.run(["tesseract", str(path), "-", "--psm", str(tesseract.PSM), "--dpi", str(tesseract.DPI),
                          *[a for s in settings for a in ("-c", s)], "tsv"], capture_output=True, text=True,
                         check=True, env={"OMP_THREAD_LIMIT": "1"}).stdout
    rows = [line.split("\t") for line in out.splitlines()[1:]]
    return [(r[11].strip(), round(float(r[10])), *map(int, r[6:10])) for r in rows
            if len(r) == 12 and r[0] == "5" and r[11].strip()]


@pytest.mark.parametrize("digits", [False, True])
def test_the_library_reads_a_page_as_the_program_does(digits, tmp_path):
    grey = np.asarray(Image.open(PICTURE).convert("L"))
    page = np.ascontiguousarray(grey[-500:, :1200])  # the matrix, F1 and the prediction: words and numbers
    engine = tesseract.engine()
    mine = [(w.text, round(w.conf), w.left, w.top, w.width, w.height) for w in engine.words(page, digits)]
    assert len(mine) >= 20 and mine == program_words(page, digits, tmp_path)
    if digits:
        assert all(set(w[0]) <= set(tesseract.DIGIT_ALPHABET) for w in mine)
    else:
        assert "pullover" in [w[0] for w in mine]


def test_the_settings_hold_in_the_loaded_model():
    """The settings a page does not show (no dictionary, no inverted second look): the API says they hold."""
    import ctypes

    engine = tesseract.engine()
    read = engine.lib.TessBaseAPIGetBoolVariable
    read.restype, read.argtypes = ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    for name, value in tesseract.SETTINGS.items():
        got = ctypes.c_int(-1)
        assert read(engine.api, name.encode(), ctypes.byref(got)) == 1 and got.value == int(value), name
