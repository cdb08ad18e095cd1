"""A bold digit named by the regular digits of its picture: Keras prints a progress bar's time in bold ('0s'),
a glyph shown once in a picture, which Tesseract reads as a letter ('@s', 'Os', 'Qs') and cannot read
alone. Bold is the regular glyph with thicker strokes, so it lies nearest the regular digit widened; named only
where that digit is nearest, its shape allows it, and it is plainly nearer than any other digit its shape
allows."""

from __future__ import annotations

import re

import numpy as np
from scipy import ndimage

from fashion_tools.grading.readers.ocr.glyphs import cell_glyphs
from fashion_tools.grading.readers.ocr.grid import Grid, Token
from fashion_tools.grading.readers.ocr.numeric import read_cells
from fashion_tools.grading.readers.ocr.shapes import shape_allows, waisted

CLEAR = 0.8  # the nearest digit at most this part of the distance to any other digit the glyph's shape allows
WIDEN = ((1, 1), (1, 2), (2, 2))  # a regular glyph thickened (rows, columns): a bold face's strokes
SHIFTS = ((0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1), (2, -1), (2, 0), (2, 1))  # (down, right), px


def read_times(ink, lines: list[tuple[int, int]], tokens: list[list[Token]], grids: list[Grid],
               times: dict[int, str]) -> None:
    """Each time's cells (times: id(token) -> its text as Tesseract read it) that no look-alike named, named
    by bold_digit; a time with a cell still unnamed, or an '8' without an eight's waist (a bold slashed zero),
    is left as Tesseract read it, with no doubt (no check reads a time)."""
    regular = None
    for i, row in enumerate(tokens):
        for t in [t for t in row if id(t) in times]:
            cells, glyphs = read_cells(t), cell_glyphs(ink, lines[i], t, grids[i])
            if "?" in cells and len(cells) == len(glyphs):
                regular = regular_digits(ink, lines, tokens, grids) if regular is None else regular
                cells = "".join(bold_digit(g, regular) or c if c == "?" and g is not None else c
                                for c, g in zip(cells, glyphs, strict=True))
            if "?" in cells or any(c == "8" and g is not None and not waisted(g)
                                   for c, g in zip(cells, glyphs, strict=False)):
                t.text, t.numeric = times[id(t)], False
            else:
                t.text = cells


STEPS = re.compile(r"\??[\d?]+/[\d?]+")  # a progress bar's step count ('300/300'), a cell unnamed ('?300/3?0')


def read_steps(ink, lines: list[tuple[int, int]], tokens: list[list[Token]], grids: list[Grid]) -> list[int]:
    """A lossless picture's progress bar's step count, bold as its time, at the start of a line that ends in a
    time per step: its unnamed cells named by bold_digit (a bold zero at a subpixel phase no other cell shows,
    JupyterLab's at 100 %); it is named only where every cell then is (in a JPEG at 80 % WebKitGTK's bold '3'
    came nearest the fives: not asked there). Returns the lines it named."""
    regular, named = None, []
    for i, row in enumerate(tokens):
        if not row or not STEPS.fullmatch(row[0].text) or "?" not in row[0].text or \
                not any(t.text.endswith("/step") for t in row):
            continue
        t = row[0]
        cells, glyphs = read_cells(t), cell_glyphs(ink, lines[i], t, grids[i])
        if len(cells) != len(glyphs):
            continue
        regular = regular_digits(ink, lines, tokens, grids) if regular is None else regular
        cells = "".join(bold_digit(g, regular) or c if c == "?" and g is not None else c
                        for c, g in zip(cells, glyphs, strict=True))
        if "?" not in cells:
            t.text = cells
            named.append(i)
    return named


def regular_digits(ink, lines, tokens: list[list[Token]], grids: list[Grid]) -> list[tuple[np.ndarray, str]]:
    """(glyph, digit) of every cell of the picture's numbers read without doubt, as named (not Tesseract's
    first read: Colab's slashed zeros it reads '8')."""
    out = []
    for i, row in enumerate(tokens):
        for t in row:
            if t.numeric and not t.time and len(t.text) == t.cells and "?" not in t.text:
                out += [(g, c) for c, g in zip(t.text, cell_glyphs(ink, lines[i], t, grids[i]), strict=True)
                        if c.isdigit() and g is not None]
    return out


def bold_digit(g: np.ndarray, regular: list[tuple[np.ndarray, str]]) -> str | None:
    """The digit a bold glyph is, by the mean glyph of each digit's regular cells of its height (within a
    pixel), widened: the nearest, if its shape allows it and every other digit it allows is 1/CLEAR times as far."""
    distance = {}
    for digit in "0123456789":
        same = [v for v, c in regular if c == digit and abs(v.shape[0] - g.shape[0]) <= 1]
        if same:
            shapes = [v.shape for v in same]
            common = max(set(shapes), key=shapes.count)
            distance[digit] = nearest(g, np.mean([v for v in same if v.shape == common], axis=0))
    if not distance:
        return None
    best = min(distance, key=distance.get)
    # the digits its shape allows: its holes, and an eight's waist (Roboto Mono's bold slashed zero, its hole
    # parted in two by its thick slash, is no eight: it lies nearer the eights than anything but its zeros)
    allowed = [d for d in distance if shape_allows(d, g) and (d != "8" or waisted(g))]
    others = [distance[d] for d in allowed if d != best]
    if best not in allowed or others and distance[best] > CLEAR * min(others):
        return None
    return best


def nearest(g: np.ndarray, template: np.ndarray) -> float:
    """The least mean difference of the glyph and the template widened, on one canvas, the template moved a
    pixel or two (a bold glyph is a pixel wider and may stand a pixel higher)."""
    height, width = max(g.shape[0], template.shape[0]) + 2, max(g.shape[1], template.shape[1]) + 2
    glyph = placed(g, height, width, 1, 0)
    return min(float(np.abs(glyph - placed(ndimage.grey_dilation(template, size=size), height, width, dy, dx))
                     .mean()) for size in WIDEN for dy, dx in SHIFTS)


def placed(a: np.ndarray, height: int, width: int, dy: int, dx: int) -> np.ndarray:
    """a on a blank canvas, dy rows down and centred across, dx columns right (clipped at the edges)."""
    out = np.zeros((height, width), np.float32)
    x0 = (width - a.shape[1]) // 2 + dx
    ys, xs = slice(max(0, dy), min(height, dy + a.shape[0])), slice(max(0, x0), min(width, x0 + a.shape[1]))
    out[ys, xs] = a[ys.start - dy:ys.stop - dy, xs.start - x0:xs.stop - x0]
    return out
