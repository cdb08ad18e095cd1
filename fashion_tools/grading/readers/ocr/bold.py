"""A bold digit named by the regular digits of its picture: Keras prints a progress bar's time in bold ('0s'),
a glyph shown once in a picture, which Tesseract reads as a letter ('@s', 'Os', 'Qs') and cannot read
alone. Bold is the regular glyph with thicker strokes, so it lies nearest the regular digit widened; named only
where that digit is plainly nearest of all and the glyph's holes allow it."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from fashion_tools.grading.readers.ocr.shapes import shape_allows

CLEAR = 0.8  # the nearest digit at most this part of the distance to any other digit's (holes aside)
WIDEN = ((1, 1), (1, 2), (2, 2))  # a regular glyph thickened (rows, columns): a bold face's strokes
SHIFTS = ((0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1), (2, -1), (2, 0), (2, 1))  # (down, right), px


def bold_digit(g: np.ndarray, voters: list[tuple[np.ndarray, str, int]]) -> str | None:
    """The digit a bold glyph is, by the mean glyph of each digit's confident reads of its height (within a
    pixel), widened: the nearest, if every other digit is 1/CLEAR times as far and its holes allow it
    (Roboto Mono's bold slashed zero lies nearer its sixes and eights than its zeros: unnamed)."""
    distance = {}
    for digit in "0123456789":
        same = [v for v, c, _ in voters if c == digit and abs(v.shape[0] - g.shape[0]) <= 1]
        if same:
            shapes = [v.shape for v in same]
            common = max(set(shapes), key=shapes.count)
            distance[digit] = nearest(g, np.mean([v for v in same if v.shape == common], axis=0))
    if len(distance) < 2:
        return None
    best, second = sorted(distance, key=distance.get)[:2]
    if distance[best] > CLEAR * distance[second] or not shape_allows(best, g):
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
