"""Each cell of a screenshot named by its glyph: a screenshot shows each character many times in one font,
so cells whose glyphs look the same show the same character, and the majority of Tesseract's confident
reads of them names it. A number's cell that cannot be named so is a doubt."""

from __future__ import annotations

from collections import Counter

import numpy as np

from fashion_tools.grading.readers.ocr import WORD_DOUBT
from fashion_tools.grading.readers.ocr.clusters import cell_patches, template_names
from fashion_tools.grading.readers.ocr.grid import Grid, Token
from fashion_tools.grading.readers.ocr.numeric import (
    NUMBER_CHARS,
    looks_numeric,
    marked,
    number_doubt,
    numeric_tokens,
    prompt,
)
from fashion_tools.grading.readers.ocr.shapes import (
    allows,
    bracket_by_shape,
    bracket_or_paren,
    by_shape,
    holes,
    shape_allows,
    shape_digit,
)

GLYPH_NOISE = 0.01  # mean difference (0-1) of two images of one glyph: a PNG's are identical, a JPEG's not quite
EDGE_STROKE = 2  # px: the widest piece of a neighbour's stroke a cell's edge may hold
GLYPH_EDGE = 96  # ink that bounds a glyph for comparison: JPEG's ringing stays below it, so one glyph keeps one size
CONTEXT_WEIGHT = 10  # a digit read among others counts this many lone ones: alone, a dotted zero reads as '8'
SMALL = 0.6  # of the digits' height: a comma's or a point's ink is shorter
POINT = 0.3  # of the digits' height: a decimal point's ink is at most this tall (a comma's tail is longer)
WEAK_READS = 3  # a glyph read as one digit in this many unsure words, and never as another, is that digit
VARIANTS = 3  # a glyph like no other cell's is named by this many nearest voters, when they agree
VARIANT_DISTANCE = 0.15  # mean difference (0-1) to them at most: subpixel images of one digit, not another digit
VARIANT_MARGIN = 1.5  # and the nearest voter of another character this many times as far
# what Tesseract reads a digit as, in a word, and that digit
LOOKS_LIKE = {**dict.fromkeys("O©®@oQ", "0"), **dict.fromkeys("lIi|", "1"), "S": "5", "B": "8"}
LOOK_ALIKES = "".join(LOOKS_LIKE)


def glyph(ink: np.ndarray) -> np.ndarray | None:
    """A cell's glyph for comparison: its ink's bounding box at the picture's own pixels, 0 to 1 (glyphs of
    another size are other glyphs; resampled, a dotted zero and an eight come too close)."""
    mask = ink > GLYPH_EDGE
    cols = np.flatnonzero(mask.any(axis=0))
    if len(cols) == 0:
        return None
    # a neighbour's stroke that reaches into the cell (Cascadia Mono's 'F' bar at 9 pt, into the '1' of 'F1'):
    # thin ink at the cell's edge, apart from the rest by a blank column, is not this cell's glyph
    pieces = np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1)
    if len(pieces) > 1 and pieces[0][0] == 0 and len(pieces[0]) <= EDGE_STROKE:
        pieces = pieces[1:]
    if len(pieces) > 1 and pieces[-1][-1] == ink.shape[1] - 1 and len(pieces[-1]) <= EDGE_STROKE:
        pieces = pieces[:-1]
    left, right = pieces[0][0], pieces[-1][-1]
    rows = np.flatnonzero(mask[:, left:right + 1].any(axis=1))
    return ink[rows[0]:rows[-1] + 1, left:right + 1].astype(np.float32) / 255


def cell_inks(ink, line: tuple[int, int], t: Token, grid: Grid) -> list[np.ndarray]:
    """The ink of each of a token's cells, the line's rows at the cells' columns as the token's cells lie, each
    edge moved a pixel into the gap between two glyphs where the grid's cuts one (Firefox's Roboto Mono at 80 %:
    a zero's right stroke in the next cell, the rest of it read '8')."""
    rows = ink[line[0]:line[1]]
    column = rows.max(axis=0)  # each column's darkest ink on the line
    edges = [gap_edge(column, round(t.edge(grid, c))) for c in range(t.first, t.first + t.cells + 1)]
    return [rows[:, a:max(a, b)] for a, b in zip(edges, edges[1:], strict=False)]


def gap_edge(column: np.ndarray, x: int) -> int:
    """x, or where x cuts a glyph (ink on both its sides) the edge beside it that has a blank column on one side
    (the one with less ink about it): no edge is moved where glyphs fill their cells."""
    blank = np.append(column <= GLYPH_EDGE, True)  # (past the picture's edge: blank)
    if x <= 0 or x >= len(column) or blank[x - 1] or blank[x]:
        return max(0, x)
    beside = [e for e in (x - 1, x + 1) if 0 < e <= len(column) and (blank[e - 1] or blank[e])]
    return min(beside, key=lambda e: int(column[e - 1]) + (int(column[e]) if e < len(column) else 0), default=x)


def cell_glyphs(ink, line: tuple[int, int], t: Token, grid: Grid) -> list[np.ndarray | None]:
    """The glyph in each of a token's cells."""
    return [glyph(cell) for cell in cell_inks(ink, line, t, grid)]


def name_cells(ink, lines, tokens: list[list[Token]], grids: list[Grid], lossless: bool = True,
               pitch: float = 0.0) -> dict[int, str]:
    """Every cell named by the reads of the cells that show the same glyph: a screenshot shows each character
    many times in one font, so glyphs that look the same are the same character, and the majority of
    Tesseract's confident reads of them names it (a dotted zero it reads as '8' or 'Q' when it stands alone
    is '0' as it reads in '840'; a '.' it drops in one number it reads in the others; a cell it dropped is
    named all the same). A number's cell whose look-alikes read differently, or that has none and no
    confident read of its own, is a doubt (and shows as '?'); a word keeps its own letters but for a digit's
    look-alike beside a digit. Returns the doubts by line."""
    cells, voters = [], []  # (line, token, index, glyph) to name; (glyph, char, weight) of confident reads
    weak: dict[tuple, Counter[str]] = {}  # a PNG's glyph -> the digits Tesseract read it as in unsure words
    reads: dict[tuple[int, int], tuple[str, int]] = {}  # (id(token), cell) -> (char, weight) of those reads
    for i, row in enumerate(tokens):
        for t in row:
            fits = len(t.text) == t.cells
            # a digit read among digits in a number, not '0],' alone, nor a letter read as a digit in '(MaxPooling2D)'
            among = looks_numeric(t.text) and sum(c.isdigit() for c in t.text) > 1
            for j, g in enumerate(cell_glyphs(ink, lines[i], t, grids[i])):
                if g is None:
                    continue
                cells.append((i, t, j, g))
                # (in a JPEG, not the reads of a stretch on a grid of its own: another weight or font, Keras'
                # bold step count, whose glyphs would blur the clusters of the text's own)
                if fits and t.strong and t.text[j] != " " and not (t.shift and not lossless):
                    char = bracket_or_paren(t.text[j], g)
                    voters.append((g, char, CONTEXT_WEIGHT if among and char.isdigit() else 1))
                    reads[id(t), j] = voters[-1][1:]
                elif fits and lossless and t.text[j].isdigit():
                    weak.setdefault((g.shape, g.tobytes()), Counter())[t.text[j]] += 1
    labels = cell_labels(cells, voters, lossless, weak) if lossless or not pitch else \
        lossy_labels(ink, lines, tokens, grids, pitch, cells, reads)
    if lossless and pitch and grids and grids[0].subpixel:
        # a browser's PNG: its glyphs lie at many subpixel phases, and a digit drawn at a phase no confident read
        # shows has no look-alike; compared as a JPEG's are, at their cells' subpixel edges, they are named
        # (where the two name a cell two digits, neither is taken: QtWebKit's '8' at one subpixel phase had
        # look-alikes among the zeros, and an accuracy passed on '0.9111' for '0.9119')
        for key, names in lossy_labels(ink, lines, tokens, grids, pitch, cells, reads, lossless=True).items():
            mine = labels.setdefault(key, {})
            mine.update({j: c for j, c in names.items() if c != "?" and mine.get(j) in (None, "?")})
            mine.update({j: "?" for j, c in names.items() if c.isdigit() and mine[j].isdigit() and c != mine[j]})
    # digits a lossless picture shows often: one of them whose glyph looks like none of the others is not that
    # digit plainly (a smudge, a cell cut by the picture's edge), whatever Tesseract says of it alone
    common = {c for c, n in Counter(c for _, c, _ in voters).items() if c.isdigit() and n >= 3} if lossless else set()
    glyph_of = {(id(t), j): g for _, t, j, g in cells}
    digit_height = float(np.median([g.shape[0] for g, c, _ in voters if c.isdigit()] or [0]))
    doubts: dict[int, str] = {}
    for i, row in enumerate(tokens):
        shown = prompt(row)
        named = [t for t in row if t not in shown and name_token(t, labels.get(id(t), {}))]
        mostly = [t for t in row if t not in shown and mostly_digits(t, labels)]
        for t in {id(t): t for t in numeric_tokens(row) + mostly}.values():
            t.numeric = True
            own = t.text if len(t.text) == t.cells and t.strong else "?" * t.cells
            # Tesseract's own read of a cell, where its holes allow it ('6' for a slashed zero they do not)
            own = "".join(by_shape(c, glyph_of[id(t), j], lossless) if (id(t), j) in glyph_of else c
                          for j, c in enumerate(own))
            mine = labels.get(id(t), {})
            # a cell no look-alike names keeps Tesseract's read if that is a number's character ('@' is no digit)
            t.text = "".join(mine.get(j, "?" if own[j] in common or own[j] not in NUMBER_CHARS or lone(t)
                                      else own[j]) for j in range(t.cells))  # a lone digit needs look-alikes
            last = glyph_of.get((id(t), t.cells - 1))
            if t.text.endswith("]?") and last is not None and last.shape[0] < SMALL * digit_height:
                t.text = t.text[:-1] + ","  # a matrix row's '],': small ink after its bracket is its comma
            t.text = "".join(c if c in NUMBER_CHARS else "?" for c in t.text)  # a look-alike's '@' is no digit
            t.text = with_marks(ink, lines[i], t, grids[i])
            # a cell no read names that shows a slashed zero's two holes is that zero (no other digit has them)
            t.text = "".join(shape_digit(glyph_of[id(t), j], lossless) or c
                             if c == "?" and (id(t), j) in glyph_of else c for j, c in enumerate(t.text))
            if "?" in t.text:
                doubts.setdefault(i, number_doubt(t))
                t.text = marked(t.text)
        words = [t for t in row if not t.numeric and t not in named and t not in shown]
        for t in words:
            word_by_shape(t, glyph_of, lossless)
        unsure = [t.text for t in words if not t.strong and any(map(str.isdigit, t.text)) or "?" in t.text]
        unsure += [t.text for t in words if conflicts(t, labels)]
        if unsure:  # a word with a digit ('11lms', 'conv2d'): a misread word without one is no keyword
            doubts.setdefault(i, f"{WORD_DOUBT} {unsure[0]!r}")
    return doubts


def lossy_labels(ink, lines, tokens, grids, pitch: float, cells, reads,
                 lossless: bool = False) -> dict[int, dict[int, str]]:
    """A JPEG's cells named by the mean glyphs of Tesseract's confident reads (clusters.py): its glyphs never
    repeat pixel for pixel, but the mean of many noisy images of one is clean."""
    patches = cell_patches(ink, lines, tokens, grids, pitch)
    index = {(id(t), j): k for k, (_, t, j) in enumerate(patches.where)}
    votes = {index[key]: v for key, v in reads.items() if key in index}
    todo = {index[id(t), j]: (t, j, g) for _, t, j, g in cells if (id(t), j) in index}
    numeric = {k: NUMBER_CHARS for k, (t, _, _) in todo.items() if not t.text or looks_numeric(t.text)}
    near: dict[int, str] = {}
    names = template_names(patches, votes, list(todo), numeric, near, {k: g for k, (_, _, g) in todo.items()})
    digit_height = float(np.median([g.shape[0] for _, t, j, g in cells if reads.get((id(t), j), ("",))[0].isdigit()]
                                   or [0]))
    out: dict[int, dict[int, str]] = {}
    for k, (t, j, g) in todo.items():
        name = bracket_by_shape(g, digit_height) or by_shape(bracket_or_paren(names.get(k, "?"), g), g, lossless)
        out.setdefault(id(t), {})[j] = name
        if name == "?" and k in near:
            t.near[j] = near[k]
    return out


def with_marks(ink, line: tuple[int, int], t: Token, grid: Grid) -> str:
    """A number's unnamed point and comma named by where their ink lies: a browser draws them at several
    subpixel offsets, each image too rare to be named by look-alikes (and a JPEG's point and comma blur
    together). A dot on the digits' baseline in a cell beside a digit (its other neighbour a digit or unnamed)
    is the decimal point, no other character of a number is (a minus or a colon stands higher); a number has
    one, so two such dots stay unnamed, and a comma between digits that is no such dot is unnamed. Small ink
    that reaches below the baseline in the number's last cell, after a digit or a bracket, is its comma ('0,'
    of a printed matrix)."""
    text = t.text
    # (a ',' named between two digits too: a JPEG's point and comma blur together, and Python prints no comma
    # inside a number)
    spots = [j for j in range(1, len(text) - 1) if text[j] in "?," and f"{text[j - 1]}{text[j + 1]}".strip("?")
             and all(c.isdigit() or c == "?" for c in (text[j - 1], text[j + 1]))]
    tail = len(text) >= 2 and text[-1] == "?" and (text[-2].isdigit() or text[-2] == "]")
    if not (spots and "." not in text) and not tail:
        return text
    boxes = []  # each cell's ink: (first row, row after the last, columns), or None
    for cell in cell_inks(ink, line, t, grid):
        cell = cell > GLYPH_EDGE
        rows, cols = np.flatnonzero(cell.any(axis=1)), np.flatnonzero(cell.any(axis=0))
        boxes.append((rows[0], rows[-1] + 1, cols[-1] + 1 - cols[0]) if len(rows) else None)
    digits = [boxes[j] for j, c in enumerate(text) if c.isdigit() and boxes[j] is not None]
    if not digits:
        return text
    base = float(np.median([b for _, b, _ in digits]))
    height = float(np.median([b - a for a, b, _ in digits]))
    near = max(1.0, 0.08 * height)  # px: on the baseline
    dots = [j for j in spots if (box := boxes[j]) is not None and box[1] - box[0] <= POINT * height
            and box[2] <= max(2, 1.5 * (box[1] - box[0])) and abs(box[1] - base) <= near]
    if len(dots) == 1 and "." not in text:
        text = text[:dots[0]] + "." + text[dots[0] + 1:]
    text = "".join("?" if c == "," and j in spots else c for j, c in enumerate(text))  # not shown as a point
    if tail and (box := boxes[-1]) is not None and box[1] - box[0] <= SMALL * height and box[1] > base + near \
            and box[0] > base - SMALL * height:
        text = text[:-1] + ","
    return text


def lone(t: Token) -> bool:
    """A number of one digit ('0', '0],'): Tesseract reads it without the context of other digits."""
    return sum(c.isdigit() for c in t.text) <= 1


def mostly_digits(t: Token, labels: dict[int, dict[int, str]]) -> bool:
    """More than half its cells are digits, by their names or else Tesseract's read: a number however
    misread ('0.2367101211AR26548')."""
    mine, own = labels.get(id(t), {}), t.text if len(t.text) == t.cells else ""
    guesses = [mine.get(j) or (own[j] if own else "") for j in range(t.cells)]
    return sum(c.isdigit() for c in guesses) * 2 > t.cells


def conflicts(t: Token, labels: dict[int, dict[int, str]]) -> bool:
    """A word's cell read as one character and named another, one of them a digit: a doubt on its digits."""
    mine = labels.get(id(t), {})
    return len(t.text) == t.cells and any(
        c != t.text[j] and (c.isdigit() or t.text[j].isdigit()) for j, c in mine.items())


def cell_labels(cells, voters, lossless: bool, weak: dict | None = None) -> dict[int, dict[int, str]]:
    """{id(token): {cell index: the character its glyph's look-alikes name}} for the cells named with a clear
    majority (more than half the weight of the votes), or by shape (a bracket); '?' where they disagree. In a
    lossless picture (PNG: each glyph repeats pixel for pixel) a lone digit only its own read names is not
    named (a bold '5' in '35s' has Tesseract's context; a '#' read '4' alone has none); a glyph no confident
    read names is the digit Tesseract read every copy of it as, in words it was unsure of, WEAK_READS times
    or more (Anonymous Pro's '7' at 24 px, never in a confident word)."""
    if not voters:
        return {}
    digit_height = float(np.median([v.shape[0] for v, c, _ in voters if c.isdigit()] or [0]))
    groups: dict[tuple, tuple] = {}  # glyph size -> (the voters' glyphs stacked, their chars, weights, radius)
    for shape in {v.shape for v, _, _ in voters}:
        same = [(v, c, w) for v, c, w in voters if v.shape == shape]
        stack = np.stack([v for v, _, _ in same])
        groups[shape] = (stack, [c for _, c, _ in same], np.array([w for _, _, w in same]), glyph_radius(stack))
    named: dict[tuple, str | None] = {}  # a glyph's name
    out: dict[int, dict[int, str]] = {}
    for _, t, j, g in cells:
        key = (g.shape, g.tobytes())
        if key not in named:
            alike: Counter[str] = Counter()
            seen: Counter[str] = Counter()  # how many cells vote each way
            variant = found = None
            if g.shape in groups:
                stack, chars, weights, radius = groups[g.shape]
                distance = np.abs(stack - g).mean(axis=(1, 2))
                for k in np.flatnonzero(distance <= radius):
                    alike[chars[k]] += weights[k]
                    seen[chars[k]] += 1
                found = None if alike or not lossless else holes(g)  # (found once for both questions below)
                variant = None if found is None else nearest_variant(distance, chars, g, found)
            label, count = alike.most_common(1)[0] if alike else (variant, 1)
            unsure = (weak or {}).get(key, Counter())
            if label is None and len(unsure) == 1 and max(unsure.values()) >= WEAK_READS:
                label = next(iter(unsure))
            if label is not None and label.isdigit() and lone(t) and seen[label] < (2 if lossless else 3):
                label, alike = None, Counter()  # a lone digit only its own read names (a '#' read '4'): unsure
                if lossless:  # unless its other subpixel images name it, read among other digits
                    label = nearest_variant(np.where((distance <= radius) | (weights < CONTEXT_WEIGHT), np.inf,
                                                     distance), chars, g, holes(g) if found is None else found)
            if lossless and label and label.isdigit() and any(
                    LOOKS_LIKE[c] != label and n >= seen[label] for c, n in seen.items() if c in LOOKS_LIKE):
                label = "?"  # read as another digit's look-alike as often as this digit ('@' and '8'): unsure
            digits = sorted((n for c, n in seen.items() if c.isdigit()), reverse=True)  # cells, not weights
            if not lossless and len(digits) > 1 and digits[1] * 4 >= digits[0]:
                label = None  # a JPEG's noisy glyph near two digits' ('0' near '6' and '9', low contrast): unsure
            if alike and not (label and count * 2 > sum(alike.values())):
                # its look-alikes disagree ('6', '8' and '0' for a slashed zero): the one digit among their names
                # that its holes allow, if it has a quarter of the votes; else unknown
                allowed = [c for c in alike if c.isdigit() and shape_allows(c, g)]
                label = allowed[0] if len(allowed) == 1 and alike[allowed[0]] * 4 >= sum(alike.values()) else "?"
            # unnamed, or a letter read once ('[' as 'C'): a closing bracket's mirror image is its opening one
            if (not label or label == "?" or label not in NUMBER_CHARS and seen[label] <= 1) and g.shape in groups:
                label = mirror_name(g, groups[g.shape][0], groups[g.shape][1]) or label
            # a bracket by its shape first: Tesseract reads a blurred ']' alike as 'j' or ')' everywhere
            named[key] = bracket_by_shape(g, digit_height) or by_shape(
                bracket_or_paren(label, g) if label else None, g, lossless)
            if named[key] and named[key] in LOOK_ALIKES:  # a zero read '@' in a word ('0s'): its holes say '0'
                named[key] = shape_digit(g, lossless) or named[key]
        if named[key] is not None:
            out.setdefault(id(t), {})[j] = named[key]
    return out


MIRRORS = {"]": "[", ")": "(", "[": "]", "(": ")"}


def mirror_name(g: np.ndarray, stack: np.ndarray, chars: list[str]) -> str | None:
    """An opening bracket is its closing one mirrored (in every font here): a glyph whose mirror image is
    plainly the look-alike of a read ']' is '[' (Hermit's '[', hardly taller than its digits, read 'C')."""
    distance = np.abs(stack - g[:, ::-1]).mean(axis=(1, 2))  # (mirrored at another subpixel offset: VARIANT_*)
    order = np.argsort(distance)
    best = chars[order[0]]
    others = [distance[k] for k in order if chars[k] != best]
    if best not in MIRRORS or distance[order[0]] > VARIANT_DISTANCE or (
            others and min(others) < VARIANT_MARGIN * distance[order[0]]):
        return None
    return MIRRORS[best]


def nearest_variant(distance: np.ndarray, chars: list[str], g: np.ndarray, found: list) -> str | None:
    """The digit a glyph like no other cell's is drawn at another subpixel offset of (a browser places glyphs
    between pixels, so one digit has several images): its VARIANTS nearest voters all read that digit, near
    (VARIANT_DISTANCE), and every voter of another character at least VARIANT_MARGIN times as far. Voters of a
    digit the glyph's holes (found) deny do not count (a hole-less '3' is near Colab's '8's, but no '8')."""
    distance = np.where([c.isdigit() and not allows(c, g, found) for c in chars], np.inf, distance)
    order = np.argsort(distance)
    nearest = [chars[k] for k in order[:VARIANTS]]
    if len(nearest) < VARIANTS or len(set(nearest)) > 1 or not nearest[0].isdigit():
        return None
    far = distance[order[VARIANTS - 1]]
    if not np.isfinite(far):
        return None
    others = [distance[k] for k in order if chars[k] != nearest[0]]
    if far > VARIANT_DISTANCE or (others and min(others) < VARIANT_MARGIN * far):
        return None
    return nearest[0]


def name_token(t: Token, mine: dict[int, str]) -> bool:
    """A token's text from its cells' names where Tesseract's read does not fit its cells ('F1' read 'Fil')
    and every cell is named; else a digit named a digit, and a digit's look-alike beside a digit named a
    digit ('11lms'), but never another letter made a digit ('MaxPooling2D'). True when its text is now its
    cells' names."""
    if len(mine) == t.cells and "?" not in mine.values():
        t.named = "".join(mine[j] for j in range(t.cells))
    if t.named and len(t.text) != t.cells:
        t.text, t.strong = t.named, True
        return True
    if len(t.text) == t.cells:
        for j, char in mine.items():
            own = t.text[j]
            if char.isdigit() and (own.isdigit() or own in LOOK_ALIKES and digit_beside(t.named or t.text, j)):
                t.text = t.text[:j] + char + t.text[j + 1:]
    return bool(t.named) and t.text == t.named


def word_by_shape(t: Token, glyph_of: dict[tuple[int, int], np.ndarray], lossless: bool = False) -> None:
    """A word's digit its glyph's holes deny is the digit they name or '?' (Terminus's slashed zero read '4' in
    '40s'); a digit's look-alike beside a digit that shows a slashed zero's holes is '0' ('1@6ms')."""
    if len(t.text) != t.cells:
        return
    chars = list(t.text)
    for j, c in enumerate(t.text):
        g = glyph_of.get((id(t), j))
        if g is not None and c.isdigit():
            chars[j] = by_shape(c, g, lossless) or c
        elif g is not None and c in LOOK_ALIKES and digit_beside(t.text, j):
            chars[j] = shape_digit(g, lossless) or c
    t.text = "".join(chars)


def digit_beside(text: str, j: int) -> bool:
    """A word's letter may be a misread digit beside a digit or in a word of two ('11lms', 'Fl', 'Os'), not
    in a longer word ('INFO')."""
    return len(text) <= 2 or any(0 <= k < len(text) and text[k].isdigit() for k in (j - 1, j + 1))


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
