"""What a digit's glyph must look like in any font: its holes. A '6' has one hole, low; a '9' one, high; a '0'
one in the middle (or two, a slashed zero's, never an eight's); an '8' two, one above the other, pinched between
them; a '4' one at most; '1', '2', '3', '5' and '7' none, and a '7' a stroke across its top (a '/' has none).
Tesseract names a small glyph by its look and can be sure and wrong (Colab's slashed zero at 14 px read '6'
everywhere, the same glyph each time, so its look-alikes all agree); a name its holes deny is not taken. A
bracket is told from a parenthesis by its straight stroke or its serifs, and where it stands by its serifs' side.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

SOLID = 0.5  # of a glyph's darkest ink: a pixel of its strokes (its antialiased edge is not)
FAINT = 0.45  # a thin font's strokes (FreeMono Oblique's 8), whose antialiased pixels part its loops at SOLID
# (at 0.4 the arms of four of Anonymous Pro's 3s close into a hole)
MIN_HOLE = 0.03  # of the glyph's box: a hole smaller than this is a gap in antialiasing or JPEG's noise
HOLED_HEIGHT = 9  # px: a glyph this tall shows its loops as holes (FreeType's 8 at 7-8 px may not) and its
# open bowls open (Anonymous Pro's '5' at 6-8 px closes its bowl)
SIX_TOP = 0.28  # of the glyph's height: a 6's hole begins below it (0.33-0.58 in every font here), a 0's above
OPEN_HOLE = 0.08  # of the glyph's box: a hole this large is no accident, not in a digit drawn without one
TOP_BAR = 0.6  # of a glyph's inked width: a '7's top stroke spans this much of it in its top rows, a '/' not
TOP_ROWS = 0.25  # of its inked height: the rows a '7's top stroke lies in
BAR_INK = 0.25  # of the darkest ink: a thin font's top stroke, antialiased (League Mono's at 12 px)
SLASH_SHIFT = 0.1  # of the glyph's width: a slashed zero's upper hole lies this far left of its lower one
SLASH_MAYBE = 0.03  # or maybe, where its holes meet: no eight of any monospace font here has them so
MEET_HEIGHT = 7  # px: a glyph this tall whose holes meet, the upper one left, is a slashed zero (Roboto Mono at
# 80 %, 8 px tall; at 7-8 px, holes of OPEN_HOLE each: no other digit of any monospace font here; a '9' at 6 px
# curls its tail so)
STRAIGHT = 0.85  # of a glyph's height its longest column of ink covers: brackets 0.92-1, parentheses 0.62-0.77
SERIF = 0.7  # of a bracket's width its top and bottom strokes span (a parenthesis's ends: less, in every font)


def holes(g: np.ndarray, solid: float = SOLID) -> list[tuple[float, float, float, float, float]]:
    """The glyph's holes (background its strokes, ink above solid of its darkest, enclose), top to bottom:
    (middle, first row, row after the last) as fractions of its height, area as a fraction of its box, and
    the middle of its columns as a fraction of its width."""
    strokes = np.pad(g > solid * g.max(), 1)
    labels, _ = ndimage.label(~strokes)
    height, width = g.shape
    out = []
    for k, (ys, xs) in enumerate(ndimage.find_objects(labels), start=1):
        if ys.start == 0 or xs.start == 0 or ys.stop == height + 2 or xs.stop == width + 2:
            continue  # the background around the glyph, or a bay open to it
        rows, cols = np.nonzero(labels[ys, xs] == k)
        if len(rows) >= MIN_HOLE * height * width:
            out.append(((rows.mean() + ys.start - 1) / height, (ys.start - 1) / height, (ys.stop - 1) / height,
                        len(rows) / (height * width), (cols.mean() + xs.start - 0.5) / width))
    return sorted(out)


def shape_allows(char: str, g: np.ndarray) -> bool:
    """False when the glyph's holes deny that it is this digit (any other character is allowed)."""
    return not char.isdigit() or allows(char, g, holes(g))


def allows(char: str, g: np.ndarray, found: list[tuple[float, ...]]) -> bool:
    """shape_allows, given the glyph's holes."""
    height = g.shape[0]
    if striped(g):
        return True  # a scanline font's loops are stripes, never holes: the holes cannot deny a name
    if char in "12357":
        if char == "7" and height >= HOLED_HEIGHT and not top_bar(g):
            return False  # IBM 3270's flat '/' in '313/313', read '7' among digits
        return not any(area >= OPEN_HOLE for *_, area in found) or height < HOLED_HEIGHT
    if char == "4":  # open, or one hole above its bar; never a slashed zero's two (Terminus's, read '4')
        return len(found) < 2 or height < HOLED_HEIGHT
    if char == "6":  # one hole, in its lower part (a dotted zero's single hole reaches its top)
        return len(found) < 2 and not (found and (found[0][0] < 0.45 or found[0][1] < SIX_TOP))
    if char == "9":  # (below HOLED_HEIGHT a Courier's curled tail closes a second hole: Nimbus Mono PS at 6 px)
        return len(found) < 2 and not (found and found[0][0] > 0.55) or height < HOLED_HEIGHT
    if char == "8":  # not a slashed zero's holes, nor maybe, nor a dotted zero's dot; nor none, in a glyph tall
        # enough to show its holes; holes not parted by a stroke only with an eight's waist (a JPEG's slashed
        # zero, an oval, its slash blurred into one hole or two that meet: WebKitGTK's and Iosevka's zeros were
        # read as sure eights; of Chromium's 5882 eights 9 px tall or more, none has two such holes)
        return not slashed(found, height, maybe=True) and not dotted(g) and (
            bool(found) or height < HOLED_HEIGHT or bool(holes(g, FAINT))) and (
            parted(found) or height < HOLED_HEIGHT or waisted(g))
    if char == "0":  # not an eight's holes, parted by a stroke, in an outline pinched between them (an oval's is not)
        return height < HOLED_HEIGHT or not (parted(found) and pinched(g))
    return True


def dotted(g: np.ndarray) -> bool:
    """A dotted zero's dot: ink apart from the glyph's outline, inside it (an eight's middle stroke joins its
    sides). Of every monospace font's digits as Chromium draws them 7 px tall or more, over a quarter of the
    zeros and one eight in 1500 show one (benchmarks/README.md, benchmarks/glyph_shapes.py)."""
    labels, count = ndimage.label(g > SOLID * g.max(), structure=np.ones((3, 3)))
    if count < 2:
        return False
    boxes = ndimage.find_objects(labels)
    outline = boxes[int(np.argmax(np.bincount(labels.ravel())[1:]))]
    return any(ys.start > outline[0].start and ys.stop < outline[0].stop and xs.start > outline[1].start
               and xs.stop < outline[1].stop for ys, xs in boxes)


def top_bar(g: np.ndarray) -> bool:
    """A stroke across the glyph's top, as every '7' has: in its top rows, one row's ink spans TOP_BAR of
    its inked width."""
    m = g > BAR_INK * g.max()
    rows = np.flatnonzero(m.any(axis=1))
    if not len(rows):
        return True
    top = m[rows[0]:rows[0] + max(1, int(np.ceil(TOP_ROWS * (rows[-1] - rows[0] + 1))))]
    return max(span(r) for r in top) >= TOP_BAR * span(m.any(axis=0))


def span(row: np.ndarray) -> int:
    """Pixels from a row's first ink to its last (0 for none)."""
    x = np.flatnonzero(row)
    return int(x[-1] - x[0] + 1) if len(x) else 0


def striped(g: np.ndarray) -> bool:
    """A glyph drawn in scanlines (Glass TTY VT220, a CRT's look): rows of no ink part its strokes, which no
    digit of a solid font has between its top and bottom."""
    inked = (g > SOLID * g.max()).any(axis=1)
    rows = np.nonzero(inked)[0]
    return len(rows) > 0 and int((~inked[rows[0]:rows[-1] + 1]).sum()) >= 2


def parted(found: list[tuple[float, ...]]) -> bool:
    """Two holes or more, the upper one ending above the lower one's top: a stroke across parts them."""
    return len(found) > 1 and found[0][2] < found[1][1]


def by_shape(char: str | None, g: np.ndarray, lossless: bool = False) -> str | None:
    """A cell's name as its glyph's holes allow: a digit they deny is the digit they name, else unknown ('?')."""
    if not char or not char.isdigit():
        return char
    found = holes(g)
    return char if allows(char, g, found) else "0" if slashed(found, g.shape[0], lossless=lossless,
                                                              waist=waisted(g)) else "?"


def shape_digit(g: np.ndarray, lossless: bool = False) -> str | None:
    """The digit a glyph's holes name when they can, for a glyph whose given name they deny: two holes side
    by side in height, parted by a slanted stroke, are a slashed zero's. None: its holes do not say (two
    holes one above the other are an '8' or a small dotted zero; a person tells them apart, not this)."""
    return "0" if slashed(holes(g), g.shape[0], lossless=lossless, waist=waisted(g)) else None


def slashed(found: list[tuple[float, ...]], height: int, maybe: bool = False, lossless: bool = False,
            waist: bool = True) -> bool:
    """A slashed zero's two holes, one each side of its slash: the upper one reaches below the lower one's top,
    or they meet and the upper one lies SLASH_SHIFT left of the lower (a '/' drawn nearly flat across a small
    zero's middle: Roboto Mono at 14 px as WebKitGTK hints it); maybe, also those that meet with the upper one
    a little left (SLASH_MAYBE): in a JPEG that is a slashed zero or an eight (WebKitGTK's Roboto Mono at
    quality 86 has both), which a person tells apart; in a lossless picture (PNG) those are a slashed zero (as
    drawn, no other digit of any monospace font here has them: Iosevka's narrow zero at 13 px, its holes a
    few tenths of a pixel apart, benchmarks/README.md), and in a JPEG those of a glyph with no waist (an
    eight's outline narrows between its bowls, a zero's oval does not: Iosevka's zero at q76-89, WebKitGTK's
    Roboto Mono eights at q86 keep their waists). An eight's holes lie one above the other, an italic
    eight's upper one to the right, an eight's holes apart, a stroke across between them. (Holes that meet tell
    this only in a glyph MEET_HEIGHT tall or more: Nimbus Mono PS's '9' at 6 px curls its tail into a second hole
    below its bowl, a little to the right; and under HOLED_HEIGHT only holes of OPEN_HOLE each: a small '6'
    whose hook closes on its bowl in one pixel, League Mono Narrow's and Inconsolata Medium's at 7 px.)"""
    if len(found) != 2:
        return False
    upper, lower = found
    return upper[2] > lower[1] or upper[2] == lower[1] and height >= MEET_HEIGHT and \
        round(lower[4] - upper[4], 6) >= (SLASH_MAYBE if maybe or lossless or not waist else SLASH_SHIFT) and \
        (height >= HOLED_HEIGHT or min(upper[3], lower[3]) >= OPEN_HOLE)


def waisted(g: np.ndarray) -> bool:
    """An eight's outline narrows between its two bowls, a pixel or more; an oval does not (a bold slashed
    zero, whose thick slash parts its hole in two, one above the other, as an eight's). Its outline to its
    faint edge (BAR_INK): a JPEG's blur takes a pixel off a solid row here and there."""
    m = g > BAR_INK * g.max()
    widths = np.array([span(row) for row in m])
    h = len(widths)
    upper, middle, lower = widths[h // 10:h // 2], widths[h // 3:h - h // 3], widths[h // 2:h - h // 10]
    return len(middle) > 0 and len(upper) > 0 and len(lower) > 0 and \
        int(middle.min()) < min(int(upper.max()), int(lower.max()))


def pinched(g: np.ndarray) -> bool:
    """An eight's waist on both its sides: its narrowest middle row (to its faint edge, BAR_INK) starts right of
    both bowls' leftmost ink and ends left of both bowls' rightmost. A bold slashed zero's thick slash may part
    its hole in two, one above the other, and its slant narrow it (waisted: Fantasque Sans Mono Bold's at
    18-21 px), but on one side at a time."""
    m = g > BAR_INK * g.max()
    rows = [np.flatnonzero(row) for row in m]
    h = len(rows)
    middle = [r for r in range(h // 3, h - h // 3) if len(rows[r])]
    if not middle:
        return False
    waist = min(middle, key=lambda r: rows[r][-1] - rows[r][0])
    upper = [rows[r] for r in range(h // 10, waist) if len(rows[r])]
    lower = [rows[r] for r in range(waist + 1, h - h // 10) if len(rows[r])]
    return bool(upper and lower) and all(
        rows[waist][0] > min(x[0] for x in part) and rows[waist][-1] < max(x[-1] for x in part)
        for part in (upper, lower))


def bracket_or_paren(char: str, g: np.ndarray) -> str:
    """A bracket's stroke is straight from top to bottom, a parenthesis's is not: Tesseract reads a light
    theme's ']' as ')' (numpy's rows would lose their ends)."""
    if char not in "()[]":
        return char
    straight = float((g > SOLID * g.max()).mean(axis=0).max()) >= STRAIGHT or serifed(g)
    return ("[" if straight else "(") if char in "([" else ("]" if straight else ")")


def serifed(g: np.ndarray) -> bool:
    """A bracket's top and bottom strokes span most of its width (SERIF); a parenthesis's ends do not, in any
    monospace font here. Tlwg Mono's thin '[', its upright stroke antialiased across two pixel columns, has no
    straight column, but its serifs."""
    m = g > SOLID * g.max()
    rows, width = np.flatnonzero(m.any(axis=1)), span(m.any(axis=0))
    return width >= 2 and min(span(m[rows[0]]), span(m[rows[-1]])) >= SERIF * width


def bracket_by_shape(g: np.ndarray, digit_height: float) -> str | None:
    """'[' or ']' when the glyph is one, whatever Tesseract read: taller than the digits (a bracket reaches
    below the line), one straight stroke, serifs at both ends that reach past its middle rows on the side the
    bracket opens to (a serif may be no wider than the stroke's own two pixels: Chromium's ']' at 133 %,
    read '1')."""
    m = g > SOLID * g.max()
    rows = np.flatnonzero(m.any(axis=1))
    m = m[rows[0]:rows[-1] + 1]
    if not digit_height or g.shape[0] < 1.15 * digit_height or m.mean(axis=0).max() < STRAIGHT or len(m) < 6:
        return None
    middle = np.flatnonzero(m[len(m) // 4:len(m) - len(m) // 4].any(axis=0))
    ends = [np.flatnonzero(m[:2].any(axis=0)), np.flatnonzero(m[-2:].any(axis=0))]
    left = all(e[0] < middle[0] for e in ends)
    right = all(e[-1] > middle[-1] for e in ends)
    if left == right:
        return None  # no serifs ('|', 'l'), or both sides ('I')
    return "]" if left else "["
