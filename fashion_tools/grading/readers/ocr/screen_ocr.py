"""The text of a screenshot of a terminal or of Jupyter, read by Tesseract the way that kind of picture allows.

Such a picture is a grid of monospace character cells on a plain background, dark or light. Read
naively, Tesseract takes a dark terminal's zeros for '©' and runs columns together ('1 117' as
'1117'). So (grid.py) the background is found and every pixel becomes its distance from it, dark on white
whatever the theme; the window's frame, table rules and progress bars are erased, and so is faint text
(Jupyter's grey prompts); the text lines, the cell width and the cells' places are found. Tesseract reads
the lines once, stacked into one regular page (tesseract.py). Then every cell is named by its glyph
(glyphs.py): cells that show the same glyph show the same character, named by the majority of Tesseract's
confident reads of them, so a zero it misread alone is a zero, a dropped cell is named all the same. A
number with a cell that cannot be named so (shown '?'), a word with a digit Tesseract is unsure of, or a
matrix row with another count of numbers than its neighbours, is a doubt on its line: the caller's checks
neither fail nor pass on it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from fashion_tools.grading.readers.ocr import NUMBER_DOUBT, WORD_DOUBT
from fashion_tools.grading.readers.ocr.bold import read_steps, read_times
from fashion_tools.grading.readers.ocr.glyphs import cell_glyphs, name_cells
from fashion_tools.grading.readers.ocr.grid import (
    Grid,
    Token,
    cell_grid,
    ink_of,
    line_grids,
    line_pitch,
    long_runs,
    tokens_of,
    with_edges,
    without_faint,
)
from fashion_tools.grading.readers.ocr.numeric import marked, number_doubt, read_cells
from fashion_tools.grading.readers.ocr.picture import MAX_PIXELS, Unreadable, grey_pixels
from fashion_tools.grading.readers.ocr.shapes import HOLED_HEIGHT, shape_allows
from fashion_tools.grading.readers.ocr.tesseract import read_page, tesseract_ready

__all__ = ["MAX_PIXELS", "WORD_DOUBT", "ScreenText", "Unreadable", "read_screenshot", "tesseract_ready"]

MIN_PITCH = 7  # px: text lines closer than this are too small to read (a thumbnail)
INK = 48  # a pixel this far from the background (of 255) is ink: JPEG's noise stays well below it
MIN_CONFIDENCE = 60  # Tesseract's word confidence (0-100) below which a read is not confident
WORDLIKE = re.compile(r"\d|[^\W\d_]{2}")  # a digit or two letters: a line of text, not a table's strokes
NUMBER_LINE = re.compile(r"(?:array\()?[\[\]\d\s.,()]*")  # a line of a printed matrix


@dataclass
class ScreenText:
    lines: list[str]  # the picture's text lines, top to bottom
    doubts: dict[int, str] = field(default_factory=dict)  # line index -> why it was not read with confidence
    seconds: float = 0.0


def best_token(tokens: list[Token], word: dict) -> Token | None:
    """The token a word overlaps most (a word Tesseract ran over a space goes to one token only)."""
    overlaps = [min(word["x1"], t.right) - max(word["x0"], t.left) for t in tokens]
    return tokens[overlaps.index(max(overlaps))] if overlaps and max(overlaps) > 0 else None


def line_text(tokens: list[Token], origin: int) -> str:
    """The tokens at their columns: monospace spacing as the screen showed it."""
    out, col, end = "", 0, None
    for t in tokens:
        gap = 0 if t.first == end else 1 if out else 0  # a call's name and its matrix touch: 'array([['
        at = max(col + gap, t.first - origin)
        out += " " * (at - col) + t.text
        col, end = at + len(t.text), t.first + t.cells
    return out


def read_lines(ink: np.ndarray, lossless: bool = True) -> ScreenText:
    """The text lines of a picture's ink and the doubts on them; lossless: a PNG's, not a JPEG's."""
    mask = ink > INK
    # a window's border or frame: a line across a quarter of the picture, which no text is
    frame = long_runs(mask, max(40, mask.shape[0] // 4), 0) | long_runs(mask, max(40, mask.shape[1] // 4), 1)
    frame = with_edges(frame)
    mask &= ~frame
    _, pitch0 = line_pitch(mask)
    if pitch0 < MIN_PITCH:
        raise Unreadable("no text large enough to read")
    # table rules, borders and progress bars: straight runs longer than a glyph, erased before reading
    bridge = max(1, round(0.1 * pitch0))
    thin = 0.2 * pitch0  # a rule's or a bar's thickness, at most (a table's '|' has text a cell beside it)
    rules = long_runs(mask, int(1.5 * pitch0), 0, bridge) | long_runs(mask, int(2.5 * pitch0), 1, bridge, thin)
    rules = with_edges(rules)
    # the frame, the rules and the pale (borders, JPEG's noise) are not read
    ink = np.where(frame | rules | (ink < INK // 2), 0, ink).astype(np.uint8)
    mask &= ~rules
    lines, pitch = line_pitch(mask)
    # a line cut by the picture's edge is left to the picture that shows it whole
    # (or by a rule at it: the stubs of a table's strokes below its last rule); within a quarter line of it
    edge = 0.25 * pitch
    lines = [(a, b) for a, b in lines
             if b - a >= (0.75 if a <= edge or b >= mask.shape[0] - edge else 0.35) * pitch]
    if not lines or pitch < MIN_PITCH:
        raise Unreadable("no text large enough to read")
    grid = cell_grid(mask[np.concatenate([np.arange(a, b) for a, b in lines])], pitch)
    grids = line_grids(mask, lines, grid)
    tokens = [tokens_of(mask[a:b], g) for (a, b), g in zip(lines, grids, strict=True)]
    tokens = without_faint(ink, lines, tokens)
    for i, words in enumerate(read_page(ink, lines, pitch)):
        for w in words:
            t = best_token(tokens[i], w)
            if t is not None:
                t.text = f"{t.text} {w['text']}" if t.text else w["text"]
                t.strong = t.strong and w["conf"] >= MIN_CONFIDENCE
        tokens[i] = [piece for t in tokens[i] for piece in split_call(t, grids[i])]
        tokens[i] = [piece for t in tokens[i] for piece in split_unit(t, grids[i])]
    times = {id(t): t.text for row in tokens for t in row if t.time}  # a time's letters, as read
    doubts = name_cells(ink, lines, tokens, grids, lossless, pitch)
    mended = read_again(ink, lines, pitch, tokens, grids)
    read_times(ink, lines, tokens, grids, times)  # a bar's bold time: by the regular digits (bold.py)
    stepped = read_steps(ink, lines, tokens, grids) if lossless else []  # and its bold step count
    for i in {*mended, *stepped, *(i for i, row in enumerate(tokens) for t in row if id(t) in times)}:
        if doubts.get(i, "").startswith(NUMBER_DOUBT):
            left = [t for t in tokens[i] if t.numeric and "?" in t.text]
            if left:  # the reason says what is still unread
                doubts[i] = number_doubt(left[0])
            else:
                del doubts[i]
    origin = min((row[0].first for row in tokens if row), default=0)
    texts = [line_text([t for t in row if t.text], origin) for row in tokens]
    for i, why in grid_doubts(texts).items():
        doubts.setdefault(i, why)
    kept = [i for i, text in enumerate(texts) if WORDLIKE.search(text)]  # not a table's leftover strokes
    return ScreenText([texts[i] for i in kept], {n: doubts[i] for n, i in enumerate(kept) if i in doubts})


def read_again(ink, lines, pitch, tokens: list[list[Token]], grids: list[Grid]) -> list[int]:
    """The numbers with a cell no look-alike named ('?'), read again alone with a digit alphabet (a second
    Tesseract call, only for a picture that has them: a JPEG's glyphs rarely repeat pixel for pixel); a read
    that fits the number's cells, is confident, agrees with every cell the look-alikes did name and whose
    digits the glyphs' holes allow (shapes.py) fills the others, unless a JPEG's cell it names a digit looks
    most like another digit's glyph, if not clearly (Token.near, contradicts: a blurred dotted zero, which
    Tesseract reads '8' alone and sure). A read that fits but is unsure or reads one small digit '8', or misreads
    a named cell, or that dropped a character or two and fits the named cells in one place (aligned), names
    only the unnamed cells that look most like the digit it reads there (Token.near: two looks agree). Returns
    the lines read again."""
    # (not a time's: its lone bold digit Tesseract reads as nothing, or a sure '8', and a line more on the page
    # changes its reads of the others)
    doubted = {i: [t for t in row if t.numeric and "?" in t.text and not t.time] for i, row in enumerate(tokens)}
    doubted = {i: row for i, row in doubted.items() if row}
    if not doubted:
        return []
    alone = np.zeros_like(ink)
    for i, row in doubted.items():
        top, bottom = lines[i]
        for t in row:
            alone[top:bottom, t.left:t.right] = ink[top:bottom, t.left:t.right]
    order = sorted(doubted)
    mended = []
    for i, words in zip(order, read_page(alone, [lines[i] for i in order], pitch, digits=True), strict=True):
        if any([mend(t, words, ink, lines[i], grids[i]) for t in doubted[i]]):  # (each number mended)
            mended.append(i)
    # what is left unnamed, each line read once more on a page of its own: Tesseract's read of a line changes with
    # the lines on the page beside it (Iosevka's '1500816' read '150816' on one page, whole on another); there it
    # names only the cells that lean to the digit it reads (alone, a lone zero of a page zoomed out reads a sure
    # '8' or '9')
    for i in [i for i in order if any("?" in t.text for t in doubted[i])]:
        words = read_page(alone, [lines[i]], pitch, digits=True)[0]
        if any([mend(t, words, ink, lines[i], grids[i], False) for t in doubted[i] if "?" in t.text]):
            mended.append(i)
    return sorted(set(mended))


def mend(t: Token, words: list[dict], ink: np.ndarray, line: tuple[int, int], grid: Grid,
         whole_read: bool = True) -> bool:
    """read_again for one number, given the words read on its line: whether a read fits it; not whole_read: it
    names only the cells that lean to its digits."""
    got = [w for w in words if best_token([t], w) is t]
    read = "".join(w["text"] for w in got)
    cells = read_cells(t)  # less the doubt's '?' (after a matrix's opening brackets)
    whole = len(read) == t.cells
    read = read if whole else aligned(cells, read)
    if read is None:
        return False
    glyphs = cell_glyphs(ink, line, t, grid)
    allowed = [g is None or shape_allows(r, g) for r, g in zip(read, glyphs, strict=True)]
    # (a number of one digit read alone has no digits around it: alone, a dotted zero reads a sure '8', and
    # under HOLED_HEIGHT its holes cannot deny it)
    small_eight = any(r == "8" and g is not None and g.shape[0] < HOLED_HEIGHT
                      for r, g in zip(read, glyphs, strict=True))
    sure = all(w["conf"] >= MIN_CONFIDENCE for w in got) and not (
        small_eight and sum(c.isdigit() or c == "?" for c in cells) <= 1)
    if whole_read and whole and sure and all(c in ("?", r) for c, r in zip(cells, read, strict=True)) and all(
            ok and (g is None or not contradicts(t.near.get(j, r), r, g))
            for j, (r, g, ok) in enumerate(zip(read, glyphs, allowed, strict=True))):
        t.text = read
    else:  # an unsure read, one that misreads a named cell (Colab's slashed zero as '8') or drops one,
        # names only the cells it corroborates: those that look most like the digit it reads (Token.near)
        t.text = "".join(r if c == "?" and ok and t.near.get(j) == r else c
                         for j, (c, r, ok) in enumerate(zip(cells, read, allowed, strict=True)))
        t.text = marked(t.text) if "?" in t.text else t.text
    return True


def aligned(cells: str, read: str) -> str | None:
    """A second read that dropped a character or two (Colab's leading slashed zero, '.24981531500816345'), placed
    on the number's cells where every cell already named agrees with it, if there is one such place: '?' for the
    cells it does not cover. None where it does not fit so."""
    if not read or not 0 < len(cells) - len(read) <= 2:
        return None
    places = [k for k in range(len(cells) - len(read) + 1)
              if all(c in ("?", r) for c, r in zip(cells[k:], read, strict=False))]
    if len(places) != 1:
        return None
    k = places[0]
    return "?" * k + read + "?" * (len(cells) - len(read) - k)


def contradicts(near: str, read: str, g) -> bool:
    """A second read's digit is not taken where the cell looks most like another digit whose holes its glyph
    allows (a slashed zero near the eights, whose holes deny an '8', does not contradict a read '0')."""
    return near != read and near.isdigit() and shape_allows(near, g)


def split_call(t: Token, grid: Grid) -> list[Token]:
    """'array([[898,' as Jupyter shows a matrix: the call's name a word, the matrix's first row a number."""
    name = re.match(r"[A-Za-z_]\w*\(", t.text)
    if not name or len(t.text) != t.cells or name.end() == len(t.text):
        return [t]
    k, cut = name.end(), round(t.edge(grid, t.first + name.end()))
    return [Token(t.left, cut, t.first, k, t.text[:k], t.strong, shift=t.shift),
            Token(cut, t.right, t.first + k, t.cells - k, t.text[k:], t.strong, shift=t.shift)]


# A time as Keras prints it ('0s', '28s', '5ms/step') whose digits Tesseract read as look-alikes: Keras' bold
# '0s', a glyph shown once in a picture, read '@s', 'Os' or 'Qs' (a '5' at 200 % 'Sms/step')
TIME = re.compile(r"([O©®@SBQ][\dO©®@SBQ]*)(s|ms/step|us/step|s/step|ms)")


def split_unit(t: Token, grid: Grid) -> list[Token]:
    """A time whose digits were read as letters, split into its number, read again as a number (read_again:
    a digit alphabet; numeric, its cells named as a number's), and its unit, a word."""
    m = TIME.fullmatch(t.text)
    if not m or len(t.text) != t.cells:
        return [t]
    k, cut = m.end(1), round(t.edge(grid, t.first + m.end(1)))
    return [Token(t.left, cut, t.first, k, t.text[:k], t.strong, numeric=True, shift=t.shift, time=True),
            Token(cut, t.right, t.first + k, t.cells - k, t.text[k:], t.strong, shift=t.shift)]


def grid_doubts(texts: list[str]) -> dict[int, str]:
    """Rows of a printed matrix whose count of numbers differs from the rest of its block (numpy prints
    every row alike: ten counts, or 28 pixels wrapped over two lines): a number lost or split in reading."""
    doubts: dict[int, str] = {}
    rows: list[tuple[int, int]] = []  # (first line, numbers) of the block's rows
    open_row = False
    for i, text in enumerate([*texts, ""]):
        s = text.strip()
        if not NUMBER_LINE.fullmatch(s) or not any(c.isdigit() for c in s):
            if len(rows) >= 3:
                counts = [n for _, n in rows]
                usual = max(set(counts), key=counts.count)
                doubts.update({j: f"a row of {n} numbers among rows of {usual}" for j, n in rows if n != usual})
            rows, open_row = [], False
            continue
        count = len(re.findall(r"\d+(?:\.\d*)?", s))
        if open_row and not s.removeprefix("array(").startswith("["):
            rows[-1] = (rows[-1][0], rows[-1][1] + count)
        else:
            rows.append((i, count))
        open_row = not s.rstrip("),").endswith("]")
    return doubts


def read_screenshot(data: bytes) -> ScreenText:
    """The picture's text; Unreadable when it holds none. Run it in a bounded child (readers.bounded)."""
    started = time.perf_counter()
    gray, lossless = grey_pixels(data)
    if min(gray.shape) < 2 * MIN_PITCH:
        raise Unreadable(f"a picture of {gray.shape[1]}x{gray.shape[0]} pixels, too small to show text")
    # one BLAS thread: the glyphs' distances are small products, which OpenBLAS's threads only spin on (a
    # JPEG's CPU seconds doubled now and then on 2 cores)
    with threadpool_limits(1):
        result = read_lines(ink_of(gray), lossless)
    if not any(line.strip() for line in result.lines):
        raise Unreadable("no text could be read in it")
    result.seconds = time.perf_counter() - started
    return result
