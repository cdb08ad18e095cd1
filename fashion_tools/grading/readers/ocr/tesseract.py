"""Tesseract run once on a picture: its text lines stacked into one regular page, each scaled to the height
Tesseract reads best, dark on white; its words mapped back to the picture's lines and pixels. Debian's
tesseract-ocr is run as a program (pytesseract), one thread."""

from __future__ import annotations

import os

import numpy as np

INK_GAIN = 1.2  # the ink darkened a little for Tesseract: more, and a dotted zero fills into an 8 (light theme)
TARGET_PITCH = 44  # px: the line height each line is scaled to (Tesseract reads glyphs ~30 px tall best)
LINE_GAP = 0.6  # of a line's pitch: the blank between two lines on the page Tesseract reads
# one block of text; the page is dark on white already (Tesseract tries each line inverted too: a third of its
# time), at a known resolution; no dictionary (it "corrects" numbers, and loading it costs a tenth of the time)
TESSERACT = os.environ.get("FASHION_TESSERACT", "--psm 6 --dpi 300 -c tessedit_do_invert=0 -c load_system_dawg=0 "
                           "-c load_freq_dawg=0")
# the numbers no look-alike could name, read again alone with a digit alphabet (the space, or Tesseract runs
# them together)
DIGITS = TESSERACT + ' -c tessedit_char_whitelist="0123456789.,/%[]()-+ "'


def tesseract_ready() -> str | None:
    """None when Tesseract can be used; else how to install it, for the reason a picture is not read."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except Exception:  # no module, or no program: the same answer
        return "pictures are read with Tesseract, which is not installed here (apt-get install tesseract-ocr " \
               "tesseract-ocr-eng; pip install -r requirements.txt)"
    return None


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


def read_page(ink, lines, pitch, config: str) -> list[list[dict]]:
    """Tesseract's words of each line (text, confidence, x0 and x1 in the picture's pixels), one call for
    the picture; the page goes to it as an uncompressed PGM (PNG's compression took a fifth of the time)."""
    import tempfile

    import pytesseract
    from PIL import Image

    page, slot, margin, scale = stacked(ink, lines, pitch)
    with tempfile.NamedTemporaryFile(suffix=".pgm") as f:
        Image.fromarray(page).save(f, "PPM")
        f.flush()
        data = pytesseract.image_to_data(f.name, config=config, output_type=pytesseract.Output.DICT)
    out: list[list[dict]] = [[] for _ in lines]
    for k, text in enumerate(data["text"]):
        i = int(((data["top"][k] + data["height"][k] / 2) / scale - margin) // slot)
        if text.strip() and 0 <= i < len(lines):
            left = data["left"][k] / scale - margin
            out[i].append({"text": text.strip(), "conf": float(data["conf"][k]), "x0": left,
                           "x1": left + data["width"][k] / scale})
    return out
