"""The text of a screenshot of a terminal or of Jupyter, read by Tesseract the way that kind of picture allows.

Such a picture is a grid of monospace character cells on a plain background, dark or light. Read
naively, Tesseract takes a dark terminal's zeros for '©' and runs columns together ('1 117' as
'1117'). So, before it reads: the background is found (the commonest grey) and every pixel becomes
its distance from it, dark on white whatever the theme; the window's frame, table rules and progress
bars (straight runs longer than any glyph) are erased, and so is faint text (Jupyter's grey prompts);
the text lines are found from the rows with ink, the cell width from the columns' period and the cells'
places from its phase, line by line; each line is scaled to the height Tesseract reads best and the
lines are stacked into one regular page (one call for the picture). Then every token that reads as a
number (a run of inked cells) is read again, alone, with a digit alphabet, and must have as many
characters as it has cells; each digit is named by the reads of the cells that show the same glyph. A
line where that fails, where Tesseract is unsure of a word with a digit, or whose row of a printed
matrix holds another count of numbers than its neighbours, is a doubt: the caller's checks do not fail
on it. Debian's tesseract-ocr is run as a program (pytesseract), one thread (its OpenMP threads only
contend on a small CPU).
"""

from __future__ import annotations

import io
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

MAX_PIXELS = 40_000_000  # an 8K screen is 33 million pixels: a larger picture is no screenshot
MIN_PITCH = 7  # px: text lines closer than this are too small to read (a thumbnail)
INK = 48  # a pixel this far from the background (of 255) is ink: JPEG's noise stays well below it
INK_GAIN = 1.2  # the ink darkened a little for Tesseract: more, and a dotted zero fills into an 8 (light theme)
TARGET_PITCH = 44  # px: the line height each line is scaled to (Tesseract reads glyphs ~30 px tall best)
GLYPH_NOISE = 0.01  # mean difference (0-1) of two images of one glyph: a PNG's are identical, a JPEG's not quite
GLYPH_EDGE = 96  # ink that bounds a glyph for comparison: JPEG's ringing stays below it, so one glyph keeps one size
MIN_CONFIDENCE = 60  # Tesseract's word confidence (0-100) below which a read is not confident
CONTEXT_WEIGHT = 10  # a digit read among others counts this many lone ones: alone, a dotted zero reads as '8'
STRAIGHT = 0.85  # of a glyph's height its longest column of ink covers: brackets 0.92-1, parentheses 0.62-0.77
LOOK_ALIKES = "lIiO|©®@SBo"  # what Tesseract reads a digit as, in a word
MIN_GLYPH_PIXELS = 3  # of ink in a cell's middle for it to hold a glyph ('.' at 11 pt is 4)
FAINT = 0.45  # of the picture's usual ink: text this faint is a UI's label (a prompt), not output
CELL_MARGIN = 0.15  # of a cell's width at each side, where a neighbour's ink may reach: not its own
# A token that reads as a number (look-alikes of digits included): brackets, signs, digits, separators
NUMERIC = re.compile(r"[\[\]()]*[-+]?[\dO©®@Il|SB][\dO©®@Il|SB.,/%]*[\[\]()]*,?")
DIGITS_ALPHABET = '"0123456789.,/%[]()-+ "'  # with the space, or Tesseract runs the numbers together
WORD_DOUBT = "Tesseract is unsure of the word"  # a word's doubt, not a number's
WORDLIKE = re.compile(r"\d|[^\W\d_]{2}")  # a digit or two letters: a line of text, not a table's strokes
NUMBER_LINE = re.compile(r"(?:array\()?[\[\]\d\s.,()]*")  # a line of a printed matrix


class Unreadable(Exception):
    """The picture holds no text that can be read; the message says why, for the report."""


@dataclass
class ScreenText:
    lines: list[str]  # the picture's text lines, top to bottom
    doubts: dict[int, str] = field(default_factory=dict)  # line index -> why it was not read with confidence
    seconds: float = 0.0


@dataclass
class Grid:
    """The monospace grid: cell c spans x from edge(c) to edge(c + 1), px in the picture."""

    width: float
    centre0: float  # the centre of cell 0, in [0, width)

    def cell(self, x: float) -> int:
        return int(np.floor((x - self.centre0) / self.width + 0.5))

    def edge(self, c: int) -> float:
        return self.centre0 + (c - 0.5) * self.width


@dataclass
class Token:
    left: int  # px in the original picture
    right: int
    first: int  # its first cell on the grid
    cells: int  # how many character cells it spans
    text: str = ""
    strong: bool = True  # Tesseract was confident of its read
    numeric: bool = False  # read again with the digit alphabet


def tesseract_ready() -> str | None:
    """None when Tesseract can be used; else how to install it, for the reason a picture is not read."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except Exception:  # no module, or no program: the same answer
        return "pictures are read with Tesseract, which is not installed here (apt-get install tesseract-ocr " \
               "tesseract-ocr-eng; pip install -r requirements.txt)"
    return None


def open_picture(data: bytes):
    """The picture as greyscale, refused when it is not one or is larger than any screen."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own guard, past twice its pixel limit
        raise Unreadable(f"a picture of more than {2 * Image.MAX_IMAGE_PIXELS:,} pixels, larger than any "
                         "screen") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise Unreadable(f"not a picture that can be opened ({type(exc).__name__})") from None
    if width * height > MAX_PIXELS:
        raise Unreadable(f"a picture of {width:,}x{height:,} pixels, larger than any screen")
    try:
        image.seek(0)
        return np.asarray(image.convert("L"), dtype=np.int16)
    except (OSError, ValueError, SyntaxError) as exc:
        raise Unreadable(f"a damaged picture that cannot be decoded ({type(exc).__name__})") from None


def ink_of(gray: np.ndarray) -> np.ndarray:
    """Each pixel's distance from the background (the commonest grey): text of any colour on a dark or a
    light theme alike."""
    background = int(np.bincount(gray.ravel(), minlength=256).argmax())
    return np.abs(gray - background).astype(np.uint8)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def long_runs(mask: np.ndarray, length: int, axis: int, bridge: int = 0) -> np.ndarray:
    """Pixels in straight runs of ink longer than length along axis (0: vertical, 1: horizontal), gaps of up
    to bridge pixels bridged (xterm draws a table's box characters one cell at a time, a pixel apart)."""
    m = mask if axis == 1 else mask.T
    out = np.zeros_like(m)
    for y in np.flatnonzero(m.sum(axis=1) > length):
        merged: list[list[int]] = []
        for a, b in runs(m[y]):
            if merged and a - merged[-1][1] <= bridge:
                merged[-1][1] = b
            else:
                merged.append([a, b])
        for a, b in merged:
            if b - a > length:
                out[y, a:b] = m[y, a:b]
    return out if axis == 1 else out.T


def with_edges(mask: np.ndarray) -> np.ndarray:
    """The mask and the pixels beside it: a line's anti-aliased edges."""
    return mask | np.roll(mask, 1, 0) | np.roll(mask, -1, 0) | np.roll(mask, 1, 1) | np.roll(mask, -1, 1)


def line_pitch(mask: np.ndarray) -> tuple[list[tuple[int, int]], float]:
    """The rows of text (top, bottom) and the line pitch: the commonest distance between line tops."""
    lines = [(a, b) for a, b in runs(mask.any(axis=1)) if b - a >= 3]
    if len(lines) < 2:
        return lines, float(lines[0][1] - lines[0][0]) * 1.2 if lines else 0.0
    heights = np.array([b - a for a, b in lines])
    typical = [i for i, h in enumerate(heights) if 0.6 * np.median(heights) <= h <= 1.4 * np.median(heights)]
    steps = [lines[j][0] - lines[i][0] for i, j in zip(typical, typical[1:], strict=False)]
    steps = [s for s in steps if s <= 2 * np.median(heights)]
    pitch = float(np.median(steps)) if steps else float(np.median(heights)) * 1.2
    return lines, pitch


def cell_grid(mask: np.ndarray, pitch: float) -> Grid:
    """The character cells: their width is the period of the columns' ink, searched between 0.35 and 0.8 of
    the line pitch (monospace fonts are about half as wide as their lines are tall), and their centres lie
    where that period's wave peaks (glyphs sit in the middle of their cells)."""
    profile = mask.sum(axis=0).astype(float)
    profile -= profile.mean()
    waves = [(*wave(profile, float(w)), float(w)) for w in np.arange(max(3.0, 0.35 * pitch), 0.8 * pitch, 0.01)]
    _, centre, width = max(waves, key=lambda strength_centre_width: strength_centre_width[0])
    return Grid(width, centre)


def wave(profile: np.ndarray, period: float) -> tuple[float, float]:
    """(strength, where it peaks in [0, period)) of the columns' ink at this period."""
    component = np.dot(profile, np.exp(-2j * np.pi * np.arange(len(profile)) / period))
    return float(abs(component)), (-float(np.angle(component)) * period / (2 * np.pi)) % period


def line_grid(mask_line: np.ndarray, grid: Grid) -> Grid:
    """The grid of one line: the picture's cell width, its own phase (Jupyter indents its outputs from its
    code by a part of a cell), the nearest to the picture's so that cells keep their columns across lines."""
    profile = mask_line.sum(axis=0).astype(float)
    if np.count_nonzero(profile) < 3 * grid.width:  # too few glyphs to place the grid by
        return grid
    profile -= profile.mean()
    _, centre = wave(profile, grid.width)
    shift = (centre - grid.centre0 + grid.width / 2) % grid.width - grid.width / 2
    return Grid(grid.width, grid.centre0 + shift)


def tokens_of(mask_line: np.ndarray, grid: Grid) -> list[Token]:
    """The runs of inked cells on a line: a space is a cell whose middle holds no ink."""
    inked = mask_line.any(axis=0)
    cells = sorted({grid.cell(x) for x in np.flatnonzero(inked)})
    out: list[Token] = []
    for c in cells:
        margin = CELL_MARGIN * grid.width
        a, b = max(0, round(grid.edge(c) + margin)), round(grid.edge(c + 1) - margin)
        if mask_line[:, a:max(a + 1, b)].sum() < MIN_GLYPH_PIXELS:  # a neighbour's edge or JPEG's ringing
            continue
        if out and out[-1].first + out[-1].cells == c:
            out[-1].cells += 1
        else:
            out.append(Token(0, 0, c, 1))
    for t in out:
        xs = np.flatnonzero(inked[max(0, round(grid.edge(t.first))):round(grid.edge(t.first + t.cells))])
        start = max(0, round(grid.edge(t.first)))
        t.left, t.right = (start + int(xs[0]), start + int(xs[-1]) + 1) if len(xs) else (start, start + 1)
    return out


def without_faint(ink: np.ndarray, lines, tokens: list[list[Token]]) -> list[list[Token]]:
    """The tokens less the faint ones, whose ink is erased: Jupyter's grey 'Out[14]:' prompt, at a third of
    the output's contrast, reads as a stray '0' before the 'array([[' it stands beside."""
    peaks = [[int(ink[a:b, t.left:t.right].max()) for t in row] for (a, b), row in zip(lines, tokens, strict=True)]
    usual = float(np.median([p for row in peaks for p in row] or [0]))
    kept = []
    for (a, b), row, row_peaks in zip(lines, tokens, peaks, strict=True):
        for t, peak in zip(row, row_peaks, strict=True):
            if peak < FAINT * usual:
                ink[a:b, t.left:t.right] = 0
        kept.append([t for t, peak in zip(row, row_peaks, strict=True) if peak >= FAINT * usual])
    return kept


def stacked(ink: np.ndarray, lines: list[tuple[int, int]], pitch: float,
            keep: list[list[Token]] | None = None) -> tuple[np.ndarray, float]:
    """One page of the given lines (with keep, only those tokens' ink of each), dark on white, each line
    alone (no piece of its neighbours), scaled to TARGET_PITCH and spaced evenly, so that Tesseract sees
    one regular block. Returns (page, scale); a line's x stays its x in the picture, scaled."""
    from PIL import Image

    scale = TARGET_PITCH / pitch
    row_h, gap, pad = round(pitch * scale), round(pitch * scale * 0.6), round(0.35 * pitch)
    width = round(ink.shape[1] * scale) + 2 * gap
    page = np.full(((row_h + gap) * len(lines) + gap, width), 255, dtype=np.uint8)
    for i, (top, bottom) in enumerate(lines):
        strip = np.zeros((bottom - top + 2 * pad, ink.shape[1]), dtype=np.int32)
        strip[pad:pad + bottom - top] = ink[top:bottom]
        if keep is not None:
            shown = np.zeros(ink.shape[1], dtype=bool)
            for t in keep[i]:
                shown[t.left:t.right] = True
            strip[:, ~shown] = 0
        dark = (255 - np.clip(strip * INK_GAIN, 0, 255)).astype(np.uint8)
        h, w = max(1, round(strip.shape[0] * scale)), max(1, round(strip.shape[1] * scale))
        img = np.asarray(Image.fromarray(dark).resize((w, h), Image.LANCZOS))
        y = max(0, gap + i * (row_h + gap) + (row_h - h) // 2)
        page[y:y + h, gap:gap + w] = img[:page.shape[0] - y, :page.shape[1] - gap]
    return page, scale


def read_page(ink, lines, pitch, config: str, keep=None) -> list[list[dict]]:
    """Tesseract's words of each line (text, confidence, x0 and x1 in the picture's pixels)."""
    import pytesseract
    from PIL import Image

    page, scale = stacked(ink, lines, pitch, keep)
    row_h, gap = round(pitch * scale), round(pitch * scale * 0.6)
    data = pytesseract.image_to_data(Image.fromarray(page), config=config, output_type=pytesseract.Output.DICT)
    out: list[list[dict]] = [[] for _ in lines]
    for k, text in enumerate(data["text"]):
        i = int((data["top"][k] + data["height"][k] / 2 - gap) // (row_h + gap))
        if text.strip() and 0 <= i < len(lines):
            left = data["left"][k]
            out[i].append({"text": text.strip(), "conf": float(data["conf"][k]), "x0": (left - gap) / scale,
                           "x1": (left + data["width"][k] - gap) / scale})
    return out


def best_token(tokens: list[Token], word: dict) -> Token | None:
    """The token a word overlaps most (a word Tesseract ran over a space goes to one token only)."""
    overlaps = [min(word["x1"], t.right) - max(word["x0"], t.left) for t in tokens]
    return tokens[overlaps.index(max(overlaps))] if overlaps and max(overlaps) > 0 else None


def looks_numeric(text: str) -> bool:
    return NUMERIC.fullmatch(text) is not None and any(c.isdigit() for c in text)


def line_text(tokens: list[Token], origin: int) -> str:
    """The tokens at their columns: monospace spacing as the screen showed it."""
    out, col, end = "", 0, None
    for t in tokens:
        gap = 0 if t.first == end else 1 if out else 0  # a call's name and its matrix touch: 'array([['
        at = max(col + gap, t.first - origin)
        out += " " * (at - col) + t.text
        col, end = at + len(t.text), t.first + t.cells
    return out


def read_lines(ink: np.ndarray) -> ScreenText:
    """The text lines of a picture's ink and the doubts on them."""
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
    rules = long_runs(mask, int(1.5 * pitch0), 0, bridge) | long_runs(mask, int(2.5 * pitch0), 1, bridge)
    rules = with_edges(rules)
    # the frame, the rules and the pale (borders, JPEG's noise) are not read
    ink = np.where(frame | rules | (ink < INK // 2), 0, ink).astype(np.uint8)
    mask &= ~rules
    lines, pitch = line_pitch(mask)
    # a line cut by the picture's edge is left to the picture that shows it whole
    lines = [(a, b) for a, b in lines if b - a >= (0.75 if a == 0 or b == mask.shape[0] else 0.35) * pitch]
    if not lines or pitch < MIN_PITCH:
        raise Unreadable("no text large enough to read")
    grid = cell_grid(mask[np.concatenate([np.arange(a, b) for a, b in lines])], pitch)
    grids = [line_grid(mask[a:b], grid) for a, b in lines]
    tokens = [tokens_of(mask[a:b], g) for (a, b), g in zip(lines, grids, strict=True)]
    tokens = without_faint(ink, lines, tokens)
    doubts: dict[int, str] = {}
    numeric: list[list[Token]] = []  # each line's tokens to read again as numbers
    for i, words in enumerate(read_page(ink, lines, pitch, "--psm 6")):
        unsure = []
        for w in words:
            t = best_token(tokens[i], w)
            if t is not None:
                t.text = f"{t.text} {w['text']}" if t.text else w["text"]
                t.strong = t.strong and w["conf"] >= MIN_CONFIDENCE
                unsure += [] if t.strong else [w["text"]]
        tokens[i] = [piece for t in tokens[i] for piece in split_call(t, grids[i])]
        # a word with a digit ('11lms', 'conv2d'): a misread word without one ('max') is no keyword, which the
        # checks send to a person themselves
        numeric.append(numeric_tokens(tokens[i]))
        read_again = {t.text for t in numeric[i]}
        unsure = [w for w in unsure if w not in read_again and any(c.isdigit() for c in w)]
        if unsure:
            doubts[i] = f"{WORD_DOUBT} {unsure[0]!r}"
    config = f"--psm 6 -c tessedit_char_whitelist={DIGITS_ALPHABET}"
    for i, words in enumerate(read_page(ink, lines, pitch, config, numeric)):
        reads: dict[int, list[dict]] = {}
        for w in words:
            t = best_token(numeric[i], w)
            if t is not None:
                reads.setdefault(id(t), []).append(w)
        for t in numeric[i]:
            got = reads.get(id(t), [])
            t.numeric, t.text = True, "".join(w["text"] for w in got)
            t.strong = len(t.text) == t.cells and all(w["conf"] >= MIN_CONFIDENCE for w in got)
    for i, why in vote_glyphs(ink, lines, tokens, grids).items():
        doubts.setdefault(i, why)
    origin = min((row[0].first for row in tokens if row), default=0)
    texts = [line_text([t for t in row if t.text], origin) for row in tokens]
    for i, why in grid_doubts(texts).items():
        doubts.setdefault(i, why)
    kept = [i for i, text in enumerate(texts) if WORDLIKE.search(text)]  # not a table's leftover strokes
    return ScreenText([texts[i] for i in kept], {n: doubts[i] for n, i in enumerate(kept) if i in doubts})


def split_call(t: Token, grid: Grid) -> list[Token]:
    """'array([[898,' as Jupyter shows a matrix: the call's name a word, the matrix's first row a number."""
    name = re.match(r"[A-Za-z_]\w*\(", t.text)
    if not name or len(t.text) != t.cells or name.end() == len(t.text):
        return [t]
    k, cut = name.end(), round(grid.edge(t.first + name.end()))
    return [Token(t.left, cut, t.first, k, t.text[:k], t.strong),
            Token(cut, t.right, t.first + k, t.cells - k, t.text[k:], t.strong)]


def numeric_tokens(row: list[Token]) -> list[Token]:
    """The tokens of a line to read again as numbers: those that read as one, or were not read; on a line
    mostly of numbers (a matrix row: most of its tokens, and at most one word), every token but a word."""
    numeric = [t for t in row if not t.text or looks_numeric(t.text)]
    words = [t for t in row if len(t.text) == t.cells and re.search(r"[^\W\d_]{3}", t.text)]
    if len(numeric) * 2 <= len(row) or len(words) > 1:
        return numeric  # words with numbers: 'X train shape: (60000, 28, 28)', a summary's row
    return [t for t in row if t not in words]  # 'array([[' stays a word; '117' read as 'LUZ.' does not


def glyph(ink: np.ndarray) -> np.ndarray | None:
    """A cell's glyph for comparison: its ink's bounding box at the picture's own pixels, 0 to 1 (glyphs of
    another size are other glyphs; resampled, a dotted zero and an eight come too close)."""
    ys, xs = np.nonzero(ink > GLYPH_EDGE)
    if len(ys) == 0:
        return None
    return ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32) / 255


def cell_glyphs(ink, line: tuple[int, int], t: Token, grid: Grid) -> list[np.ndarray | None]:
    """The glyph in each of a token's cells."""
    top, bottom = line
    return [glyph(ink[top:bottom, max(0, round(grid.edge(c))):max(0, round(grid.edge(c + 1)))])
            for c in range(t.first, t.first + t.cells)]


def vote_glyphs(ink, lines, tokens: list[list[Token]], grids: list[Grid]) -> dict[int, str]:
    """Every cell of a number (and every letter that looks like a digit) named by its look-alikes' reads: a
    screenshot shows each digit many times in one font, so glyphs that look the same are the same
    character, and the majority of Tesseract's confident reads of them names it (a dotted zero it reads
    as '8' when it stands alone is '0' as it reads in '840'; a cell it dropped is named all the same). A cell whose
    look-alikes read differently, or that has none and no confident read of its own, is a doubt."""
    voters, candidates = [], []  # (glyph, char) of confident reads; (line, token, index, glyph) to name
    for i, row in enumerate(tokens):
        for t in row:
            fits = len(t.text) == t.cells
            if not (t.numeric or fits and any(c in LOOK_ALIKES for c in t.text)):
                continue
            for j, g in enumerate(cell_glyphs(ink, lines[i], t, grids[i])):
                char = t.text[j] if fits else "?"
                if g is None or not (t.numeric or char in LOOK_ALIKES and digit_beside(t.text, j)):
                    continue
                candidates.append((i, t, j, g))
                if t.strong and t.numeric and char != " ":
                    among = sum(c.isdigit() for c in t.text) > 1  # a digit read among digits, not '0],' alone
                    voters.append((g, bracket_or_paren(char, g), CONTEXT_WEIGHT if among else 1))
    if not candidates:
        return {}
    doubts: dict[int, str] = {}
    digit_height = float(np.median([v.shape[0] for v, c, _ in voters if c.isdigit()] or [0]))
    groups: dict[tuple, tuple] = {}  # glyph size -> (the voters' glyphs stacked, their chars, weights, radius)
    for shape in {v.shape for v, _, _ in voters}:
        same = [(v, c, w) for v, c, w in voters if v.shape == shape]
        stack = np.stack([v for v, _, _ in same])
        groups[shape] = (stack, [c for _, c, _ in same], [w for _, _, w in same], glyph_radius(stack))
    votes: dict[tuple, Counter[str]] = {}  # a glyph's look-alikes' votes: a PNG shows each glyph many times
    for i, t, j, g in candidates:
        key = (g.shape, g.tobytes())
        if key not in votes:
            votes[key] = Counter()
            if g.shape in groups:
                stack, chars, weights, radius = groups[g.shape]
                for k in np.flatnonzero(np.abs(stack - g).mean(axis=(1, 2)) <= radius):
                    votes[key][chars[k]] += weights[k]
        alike = votes[key]
        label, count = alike.most_common(1)[0] if alike else (None, 0)
        own = t.text[j] if len(t.text) == t.cells else None
        if not (label is not None and count * 2 > sum(alike.values())):
            label = bracket_by_shape(g, digit_height)
        if label is not None:
            text = t.text if own else "?" * t.cells
            t.text = text[:j] + bracket_or_paren(label, g) + text[j + 1:]
        elif t.numeric and (alike or not t.strong or own is None):  # a word's letter stays
            doubts.setdefault(i, f"the character {j + 1} of {t.text!r} is not read with confidence")
        elif own is not None:
            t.text = t.text[:j] + bracket_or_paren(own, g) + t.text[j + 1:]
    for i, row in enumerate(tokens):
        for t in row:
            if "?" in t.text or t.numeric and len(t.text) != t.cells:
                doubts.setdefault(i, f"a number of {t.cells} characters read as {t.text!r}")
    return doubts


def digit_beside(text: str, j: int) -> bool:
    """A word's letter may be a misread digit beside a digit or in a word of two ('11lms', 'Fl', 'Os'), not
    in a longer word ('INFO')."""
    return len(text) <= 2 or any(0 <= k < len(text) and text[k].isdigit() for k in (j - 1, j + 1))


def bracket_or_paren(char: str, g: np.ndarray) -> str:
    """A bracket's stroke is straight from top to bottom, a parenthesis's is not: Tesseract reads a light
    theme's ']' as ')' (numpy's rows would lose their ends)."""
    if char not in "()[]":
        return char
    straight = float((g > 0.5 * g.max()).mean(axis=0).max()) >= STRAIGHT
    return ("[" if straight else "(") if char in "([" else ("]" if straight else ")")


def bracket_by_shape(g: np.ndarray, digit_height: float) -> str | None:
    """'[' or ']' when the glyph is one, whatever Tesseract read: taller than the digits (a bracket reaches
    below the line), one straight stroke, serifs at both ends on the side the bracket opens to."""
    m = g > 0.5 * g.max()
    rows = np.flatnonzero(m.any(axis=1))
    m = m[rows[0]:rows[-1] + 1]
    columns = m.mean(axis=0)
    if not digit_height or g.shape[0] < 1.15 * digit_height or columns.max() < STRAIGHT:
        return None
    if min(m[0].sum(), m[-1].sum()) < 2 or m[len(m) // 2].sum() >= min(m[0].sum(), m[-1].sum()):
        return None  # no serifs: '|', 'l'
    stroke = np.flatnonzero(columns >= STRAIGHT).mean()
    serifs = np.flatnonzero(m[0] | m[-1]).mean()
    return "[" if serifs > stroke else "]"


def glyph_radius(stack: np.ndarray) -> float:
    """How far two images of one glyph may differ here: twice the typical distance of a glyph to its nearest
    look-alike (none for a PNG's pixel-identical cells, JPEG's noise for a JPEG), of glyphs of one size."""
    if len(stack) < 2:
        return GLYPH_NOISE
    nearest = []
    for k in range(min(64, len(stack))):
        distance = np.abs(stack - stack[k]).mean(axis=(1, 2))
        distance[k] = np.inf
        nearest.append(float(distance.min()))
    return max(GLYPH_NOISE, 2 * float(np.median(nearest)))


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
    os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract's threads only contend on a small CPU: 3x slower with them
    gray = open_picture(data)
    if min(gray.shape) < 2 * MIN_PITCH:
        raise Unreadable(f"a picture of {gray.shape[1]}x{gray.shape[0]} pixels, too small to show text")
    result = read_lines(ink_of(gray))
    if not any(line.strip() for line in result.lines):
        raise Unreadable("no text could be read in it")
    result.seconds = time.perf_counter() - started
    return result
