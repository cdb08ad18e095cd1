"""Tesseract run once on a picture: its text lines stacked into one regular page, each scaled to the height
Tesseract reads best, dark on white; its words mapped back to the picture's lines and pixels.

Tesseract runs in the reading process: Debian's libtesseract (the library the `tesseract` program of
tesseract-ocr is, with the same model, eng.traineddata) through its C API with ctypes, as Tesseract's own
tesseract-c_api-demo.py does, one thread. Starting the program for each page cost a fifth of a picture's CPU
(benchmarks/README.md); a Python binding with its own Tesseract (tesserocr's wheel, 5.5.4) reads otherwise
than the version everything here was measured on. The engine is made once, in the grader's process before
the bounded child that reads a picture is forked (tesseract_ready), so that no picture pays for loading the
model."""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

# Tesseract's OpenMP threads only contend on a small CPU (3x slower with them); read when its library loads
os.environ["OMP_THREAD_LIMIT"] = "1"

INK_GAIN = 1.2  # the ink darkened a little for Tesseract: more, and a dotted zero fills into an 8 (light theme)
TARGET_PITCH = 44  # px: the line height each line is scaled to (Tesseract reads glyphs ~30 px tall best)
LINE_GAP = 0.6  # of a line's pitch: the blank between two lines on the page Tesseract reads
# one block of text (page segmentation 6) at a known resolution; the page is dark on white already (Tesseract
# tries each line inverted too: a third of its time); no dictionary (it "corrects" numbers, and loading it
# costs a tenth of the time): the settings `tesseract --psm 6 --dpi 300 -c ...` was run with
PSM, DPI = 6, 300
SETTINGS = {"tessedit_do_invert": "0", "load_system_dawg": "0", "load_freq_dawg": "0"}
# the numbers no look-alike could name are read again alone with a digit alphabet (the space, or Tesseract
# runs them together)
DIGIT_ALPHABET = "0123456789.,/%[]()-+ "
# the library: Debian's and Ubuntu's libtesseract5, Homebrew's, the Windows installer's
LIBRARIES = ["libtesseract.so.5", "tesseract", "libtesseract.5.dylib", "libtesseract-5.dll"]
# where eng.traineddata lies when TESSDATA_PREFIX does not say (as Tesseract, that folder alone when it does)
TESSDATA = ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
            "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata", r"C:\Program Files\Tesseract-OCR\tessdata"]
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-eng"
OEM_DEFAULT, RIL_WORD = 3, 3  # capi.h: TessOcrEngineMode, TessPageIteratorLevel


@dataclass
class Word:
    """One word Tesseract read on the page, its box in the page's pixels."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int


def tessdata() -> Path | None:
    """The folder that holds eng.traineddata, or None."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    folders = [prefix] if prefix else TESSDATA
    return next((Path(f) for f in folders if (Path(f) / "eng.traineddata").is_file()), None)


def library() -> ctypes.CDLL | None:
    """libtesseract with the C API's functions this reader calls typed, or None."""
    for name in LIBRARIES:
        try:
            lib = ctypes.CDLL(name if "." in name else ctypes.util.find_library(name) or name)
            break
        except OSError:
            continue
    else:
        return None
    p, i, c = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    for name, result, args in [
            ("TessVersion", c, []), ("TessBaseAPICreate", p, []), ("TessBaseAPIDelete", None, [p]),
            ("TessBaseAPIInit4", i, [p, c, c, i, p, i, ctypes.POINTER(c), ctypes.POINTER(c), ctypes.c_size_t, i]),
            ("TessBaseAPISetPageSegMode", None, [p, i]), ("TessBaseAPISetVariable", i, [p, c, c]),
            ("TessBaseAPISetImage", None, [p, c, i, i, i, i]), ("TessBaseAPISetSourceResolution", None, [p, i]),
            ("TessBaseAPIRecognize", i, [p, p]), ("TessBaseAPIGetIterator", p, [p]), ("TessBaseAPIClear", None, [p]),
            ("TessResultIteratorGetPageIterator", p, [p]), ("TessResultIteratorNext", i, [p, i]),
            ("TessResultIteratorGetUTF8Text", p, [p, i]), ("TessResultIteratorConfidence", ctypes.c_float, [p, i]),
            ("TessPageIteratorBoundingBox", i, [p, i, *[ctypes.POINTER(i)] * 4]), ("TessDeleteText", None, [p]),
            ("TessResultIteratorDelete", None, [p])]:
        function = getattr(lib, name)
        function.restype, function.argtypes = result, args
    return lib


class Engine:
    """One Tesseract API in this process, its model loaded once with SETTINGS."""

    def __init__(self, lib: ctypes.CDLL, folder: Path) -> None:
        self.lib, self.version = lib, lib.TessVersion().decode()
        self.api = lib.TessBaseAPICreate()
        names = (ctypes.c_char_p * len(SETTINGS))(*[k.encode() for k in SETTINGS])
        values = (ctypes.c_char_p * len(SETTINGS))(*[v.encode() for v in SETTINGS.values()])
        # the dictionaries' settings take effect only as the model loads: given here, not per page
        if lib.TessBaseAPIInit4(self.api, str(folder).encode(), b"eng", OEM_DEFAULT, None, 0, names, values,
                                len(SETTINGS), 0) != 0:
            lib.TessBaseAPIDelete(self.api)
            raise OSError(f"Tesseract could not load {folder / 'eng.traineddata'}")
        lib.TessBaseAPISetPageSegMode(self.api, PSM)
        # ended before Tesseract's own cache is torn down at exit, which otherwise prints "WARNING! LEAK!"
        atexit.register(lib.TessBaseAPIDelete, self.api)

    def words(self, page: np.ndarray, digits: bool) -> list[Word]:
        """The words of a page (dark on white, one byte a pixel); digits: only DIGIT_ALPHABET's characters."""
        lib, api = self.lib, self.api
        lib.TessBaseAPISetVariable(api, b"tessedit_char_whitelist", DIGIT_ALPHABET.encode() if digits else b"")
        page = np.ascontiguousarray(page, dtype=np.uint8)
        lib.TessBaseAPISetImage(api, page.tobytes(), page.shape[1], page.shape[0], 1, page.shape[1])
        lib.TessBaseAPISetSourceResolution(api, DPI)
        out: list[Word] = []
        iterator = lib.TessBaseAPIGetIterator(api) if lib.TessBaseAPIRecognize(api, None) == 0 else None
        if iterator:  # None: nothing on the page
            boxes = [ctypes.c_int() for _ in range(4)]
            words = lib.TessResultIteratorGetPageIterator(iterator)
            while True:
                text = lib.TessResultIteratorGetUTF8Text(iterator, RIL_WORD)
                if text:
                    word = ctypes.string_at(text).decode("utf-8", "replace").strip()
                    lib.TessDeleteText(text)
                    if word and lib.TessPageIteratorBoundingBox(words, RIL_WORD, *map(ctypes.byref, boxes)):
                        x0, y0, x1, y1 = (b.value for b in boxes)
                        out.append(Word(word, lib.TessResultIteratorConfidence(iterator, RIL_WORD), x0, y0,
                                        x1 - x0, y1 - y0))
                if not lib.TessResultIteratorNext(iterator, RIL_WORD):
                    break
            lib.TessResultIteratorDelete(iterator)
        lib.TessBaseAPIClear(api)
        return out


@cache
def engine() -> Engine | str:
    """The engine this process reads with (made once), or why there is none: how to install it."""
    lib, folder = library(), tessdata()
    if lib is None or folder is None:
        missing = "Tesseract" if lib is None else "Tesseract's English model (eng.traineddata)"
        return f"pictures are read with {missing}, which is not installed here ({INSTALL})"
    try:
        return Engine(lib, folder)
    except (OSError, AttributeError) as exc:  # a model it cannot load, a library without the C API
        return f"Tesseract could not be started ({exc}); {INSTALL}"


def tesseract_ready() -> str | None:
    """None when Tesseract can be used; else how to install it, for the reason a picture is not read."""
    reader = engine()
    return reader if isinstance(reader, str) else None


def stacked(ink: np.ndarray, lines: list[tuple[int, int]], pitch: float) -> tuple[np.ndarray, int, int, float]:
    """One page of the given lines, dark on white, each line alone (no piece of its neighbours) in a slot of
    its own, spaced evenly, scaled to TARGET_PITCH (one resize for the page), so that Tesseract sees one
    regular block. Returns (page, slot, margin, scale): line i's slot starts at margin + i * slot of the
    picture's pixels, its x is its x in the picture plus margin, both times scale on the page."""
    from PIL import Image

    margin = round(LINE_GAP * pitch)
    slot = max(round((1 + LINE_GAP) * pitch), max(b - a for a, b in lines) + 2)
    native = np.zeros((margin + slot * len(lines), ink.shape[1] + 2 * margin), dtype=np.uint8)
    for i, (top, bottom) in enumerate(lines):
        y = margin + i * slot + (slot - (bottom - top)) // 2
        native[y:y + bottom - top, margin:margin + ink.shape[1]] = ink[top:bottom]
    dark = (255 - np.clip(native * INK_GAIN, 0, 255)).astype(np.uint8)
    scale = TARGET_PITCH / pitch
    size = (max(1, round(dark.shape[1] * scale)), max(1, round(dark.shape[0] * scale)))
    return np.asarray(Image.fromarray(dark).resize(size, Image.BICUBIC)), slot, margin, scale


def read_page(ink: np.ndarray, lines: list[tuple[int, int]], pitch: float, digits: bool = False) -> list[list[dict]]:
    """Tesseract's words of each line (text, confidence, x0 and x1 in the picture's pixels), one call for
    the picture; digits: a digit alphabet."""
    reader = engine()
    if isinstance(reader, str):
        raise RuntimeError(reader)
    page, slot, margin, scale = stacked(ink, lines, pitch)
    out: list[list[dict]] = [[] for _ in lines]
    for w in reader.words(page, digits):
        i = int(((w.top + w.height / 2) / scale - margin) // slot)
        if 0 <= i < len(lines):
            left = w.left / scale - margin
            out[i].append({"text": w.text, "conf": w.conf, "x0": left, "x1": left + w.width / scale})
    return out
