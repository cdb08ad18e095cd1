"""Where a screenshot's characters are: its ink against the background, the window's frame and a table's
rules erased, the text lines and their pitch, the monospace cells (their width from the columns' period,
their places from its phase, line by line) and the runs of inked cells that are its tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_GLYPH_PIXELS = 3  # of ink in a cell's middle for it to hold a glyph ('.' at 11 pt is 4)
DOT_LOW = 0.6  # of the line's inked height from its top: a smaller speck below it, between glyphs, is a point
FAINT = 0.45  # of the picture's usual ink: text this faint is a UI's label (a prompt), not output
STRETCH_GAP = 3  # blank cells that part two stretches of a line, each placed on the grid by its own glyphs
STRETCH_CELLS = 4  # a stretch narrower than this many cells has too few glyphs to place it
OFF_GRID = 0.25  # of a cell: a stretch's glyphs this far off the line's grid are on a grid of their own
CELL_MARGIN = 0.15  # of a cell's width at each side, where a neighbour's ink may reach: not its own
TALL = 1.6  # of the usual text line's height: a run of inked rows this tall is lines run together
FEW_CELLS = 12  # cells' width of inked columns: a line with fewer is short, its grid placed by few glyphs
WHOLE = 0.01  # px: a cell width this near a whole number of pixels is a terminal's, glyphs on pixels
ONE_GRID = 0.1  # of a cell: long lines whose grids lie this near the picture's, in the median, are on one grid
CLEARER = 0.5  # a short line is put on the picture's grid where that leaves this much less ink at its cells' edges
GAP_INK = 0.1  # of a run's most inked row: a row with less between two lines holds only tall strokes


@dataclass
class Grid:
    """The monospace grid: cell c spans x from edge(c) to edge(c + 1), px in the picture."""

    width: float
    centre0: float  # the centre of cell 0, in [0, width)

    def cell(self, x: float) -> int:
        return int(np.floor((x - self.centre0) / self.width + 0.5))

    def edge(self, c: int) -> float:
        return self.centre0 + (c - 0.5) * self.width

    @property
    def subpixel(self) -> bool:
        """A browser's cells, a fraction of a pixel wide; not a terminal's, on whole pixels."""
        return abs(self.width - round(self.width)) > WHOLE


@dataclass
class Token:
    left: int  # px in the original picture
    right: int
    first: int  # its first cell on the grid
    cells: int  # how many character cells it spans
    text: str = ""
    strong: bool = True  # Tesseract was confident of its read
    numeric: bool = False  # read as a number: its cells named by their glyphs, a doubt where one is not
    named: str = ""  # its cells' names, where every cell is named
    shift: float = 0.0  # px: its cells' edges from the line's grid (a stretch of text at a phase of its own)
    near: dict[int, str] = field(default_factory=dict)  # unnamed cells: the glyph each looks most like (not clearly)
    time: bool = False  # a progress bar's time, its unit split off ('0' of '0s'): Keras draws it bold

    def edge(self, grid: Grid, c: int) -> float:
        """The left edge of cell c (of the line) as this token's cells lie."""
        return grid.edge(c) + self.shift


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


def long_runs(mask: np.ndarray, length: int, axis: int, bridge: int = 0, thin: float = 0.0) -> np.ndarray:
    """Pixels in straight runs of ink longer than length along axis (0: vertical, 1: horizontal), gaps of up
    to bridge pixels bridged (xterm draws a table's box characters one cell at a time, a pixel apart). With
    thin, only runs that thin across: most of their pixels with at most that many inked beside them within
    twice that (a rule or a progress bar; the tops of a row of small digits a pixel apart are not, their
    stems go on down)."""
    m = mask if axis == 1 else mask.T
    out = np.zeros_like(m)
    reach = max(2, round(2 * thin))
    for y in np.flatnonzero(m.sum(axis=1) > length):
        merged: list[list[int]] = []
        for a, b in runs(m[y]):
            if merged and a - merged[-1][1] <= bridge:
                merged[-1][1] = b
            else:
                merged.append([a, b])
        for a, b in merged:
            if b - a <= length:
                continue
            if thin:
                across = m[max(0, y - reach):y + reach + 1, a:b].sum(axis=0)
                if np.percentile(across[m[y, a:b]], 80) > max(2.0, thin):
                    continue
            out[y, a:b] = m[y, a:b]
    return out if axis == 1 else out.T


def with_edges(mask: np.ndarray) -> np.ndarray:
    """The mask and the pixels beside it: a line's anti-aliased edges."""
    return mask | np.roll(mask, 1, 0) | np.roll(mask, -1, 0) | np.roll(mask, 1, 1) | np.roll(mask, -1, 1)


def line_pitch(mask: np.ndarray) -> tuple[list[tuple[int, int]], float]:
    """The rows of text (top, bottom) and the line pitch: the commonest distance between line tops."""
    lines = [(a, b) for a, b in runs(mask.any(axis=1)) if b - a >= 3]
    if len(lines) >= 2:
        lines = split_tall(mask, lines, float(np.median([b - a for a, b in lines])))
    if len(lines) < 2:
        return lines, float(lines[0][1] - lines[0][0]) * 1.2 if lines else 0.0
    heights = np.array([b - a for a, b in lines])
    typical = [i for i, h in enumerate(heights) if 0.6 * np.median(heights) <= h <= 1.4 * np.median(heights)]
    steps = [lines[j][0] - lines[i][0] for i, j in zip(typical, typical[1:], strict=False)]
    steps = [s for s in steps if s <= 2 * np.median(heights)]
    pitch = float(np.median(steps)) if steps else float(np.median(heights)) * 1.2
    return lines, pitch


def split_tall(mask: np.ndarray, lines: list[tuple[int, int]], height: float) -> list[tuple[int, int]]:
    """Runs of inked rows taller than TALL lines, cut a line pitch apart at their least inked rows: a font whose
    brackets fill the whole line height (Hermit's '[' and ']') leaves no blank row between a printed matrix's
    rows, only rows where nothing but those strokes has ink (GAP_INK); a run without such rows is kept whole."""
    usual = [a for a, b in lines if b - a <= TALL * height]
    steps = [y - x for x, y in zip(usual, usual[1:], strict=False) if y - x <= 2 * height]
    pitch = float(np.median(steps)) if steps else 1.2 * height
    out = []
    for a, b in lines:
        counts = mask[a:b].sum(axis=1)
        top, pieces = 0, []
        while b - a - top > TALL * height:
            lo, hi = top + int(0.75 * pitch), min(b - a, top + int(np.ceil(1.25 * pitch)) + 1)
            cut = lo + int(np.argmin(counts[lo:hi])) if hi > lo else hi
            if hi <= lo or counts[cut] > GAP_INK * counts.max():
                break
            pieces.append((a + top, a + cut))
            top = cut + 1
        out += [*pieces, (a + top, b)]
    return out


def cell_grid(mask: np.ndarray, pitch: float) -> Grid:
    """The character cells: their width is the period of the columns' ink, searched between 0.35 and 0.8 of
    the line pitch (monospace fonts are about half as wide as their lines are tall), and their centres lie
    where that period's wave peaks (glyphs sit in the middle of their cells). A period is weighed with its
    second harmonic: a wide font's glyphs fill their cells (Hermit's), whose ink then repeats more plainly
    every half cell than every cell, and a period that is no cell width has no such harmonic."""
    profile = mask.sum(axis=0).astype(float)
    profile -= profile.mean()
    best = 0.0
    for step, widths in ((0.05, np.arange(max(3.0, 0.35 * pitch), 0.8 * pitch, 0.05)), (0.005, None)):
        if widths is None:  # then finely about the best of the coarse search (the peak is ~0.1 px wide at 0.05)
            widths = np.arange(best - 0.06, best + 0.06, step)
        waves = [(*wave(profile, float(w)), wave(profile, float(w) / 2)[0], float(w)) for w in widths]
        _, centre, _, best = max(waves, key=lambda wave_and_harmonic: wave_and_harmonic[0] + wave_and_harmonic[2])
    return Grid(best, centre)


def wave(profile: np.ndarray, period: float) -> tuple[float, float]:
    """(strength, where it peaks in [0, period)) of the columns' ink at this period."""
    component = np.dot(profile, np.exp(-2j * np.pi * np.arange(len(profile)) / period))
    return float(abs(component)), (-float(np.angle(component)) * period / (2 * np.pi)) % period


def line_grids(mask: np.ndarray, lines: list[tuple[int, int]], grid: Grid) -> list[Grid]:
    """Each line's grid (line_grid). In a terminal's picture (whole-pixel cells) whose long lines lie on the
    picture's grid (its lines share one; a printed matrix's rows, whose digits fill their cells, a little off), a
    short line off it is put on it where its cells' edges fall clearer of ink there (edge_ink): its few glyphs
    placed it worse than the many of the others (IBM 3270's glyphs fill their cells, and 'Epoch 10/10' fell a
    quarter to a third of a cell off, its zeros cut in two). Not a browser's page, whose code and output lie a
    part of a cell apart."""
    grids = [line_grid(mask[a:b], grid) for a, b in lines]
    short = [np.count_nonzero(mask[a:b].any(axis=0)) < FEW_CELLS * grid.width for a, b in lines]
    off = [abs(g.centre0 - grid.centre0) / grid.width for g in grids]
    long = [d for d, s in zip(off, short, strict=True) if not s]
    if grid.subpixel or len(long) < 2 or np.median(long) > ONE_GRID:
        return grids
    return [grid if s and d > ONE_GRID and edge_ink(mask[a:b], grid) < CLEARER * edge_ink(mask[a:b], g) else g
            for (a, b), g, s, d in zip(lines, grids, short, off, strict=True)]


def edge_ink(mask_line: np.ndarray, grid: Grid) -> float:
    """The ink beside the cells' edges on this grid: of the two columns either side of each edge the fainter (a
    glyph may touch its cell's edge, but the column on its other side is blank)."""
    ink = mask_line.sum(axis=0).astype(float)
    inked = np.flatnonzero(ink)
    if not len(inked):
        return 0.0
    cells = np.arange(grid.cell(inked[0]), grid.cell(inked[-1]) + 2)
    left = np.floor(grid.edge(cells) - 0.5).astype(int)
    left = left[(left >= 0) & (left + 1 < len(ink))]
    return float(np.minimum(ink[left], ink[left + 1]).sum())


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
    """The runs of inked cells on a line: a space is a cell whose middle holds no ink. A stretch of the line
    between wide gaps whose glyphs sit a part of a cell off the line's grid gets its own phase (Chromium draws
    a progress bar in another font, and the text after it lands a fraction of a cell further on: JupyterLab's
    bold '313/313' before the bar fell on 8 cells)."""
    out = runs_of(mask_line, grid)
    stretches: list[list[Token]] = []
    for t in out:
        if stretches and t.first - (stretches[-1][-1].first + stretches[-1][-1].cells) < STRETCH_GAP:
            stretches[-1].append(t)
        else:
            stretches.append([t])
    if len(stretches) < 2:
        return out
    regridded = []
    for stretch in stretches:
        a, b = stretch[0].left, stretch[-1].right
        alone = np.zeros_like(mask_line)
        alone[:, a:b] = mask_line[:, a:b]
        shift = (line_grid(alone, grid).centre0 - grid.centre0 + grid.width / 2) % grid.width - grid.width / 2
        if b - a < STRETCH_CELLS * grid.width or abs(shift) < OFF_GRID * grid.width:
            regridded += stretch
            continue
        for t in runs_of(alone, Grid(grid.width, grid.centre0 + shift)):
            t.shift = shift
            regridded.append(t)
    return regridded


def runs_of(mask_line: np.ndarray, grid: Grid) -> list[Token]:
    """The runs of inked cells on a line on this grid."""
    inked = mask_line.any(axis=0)
    cells = np.unique(np.floor((np.flatnonzero(inked) - grid.centre0) / grid.width + 0.5).astype(int)).tolist()
    middles = {c: middle(mask_line, grid, c) for c in cells}
    glyphs = {c for c, m in middles.items() if m.sum() >= MIN_GLYPH_PIXELS}  # less: a neighbour's edge, ringing
    rows = np.flatnonzero(mask_line.any(axis=1))
    low = rows[0] + DOT_LOW * (rows[-1] - rows[0]) if len(rows) else 0
    # a bitmap font's point of one or two pixels (Terminus at 16 px) between two glyphs, low on the line
    glyphs |= {c for c, m in middles.items() if c - 1 in glyphs and c + 1 in glyphs and m.any()
               and np.flatnonzero(m.any(axis=1)).min() >= low}
    out: list[Token] = []
    for c in sorted(glyphs):
        if out and out[-1].first + out[-1].cells == c:
            out[-1].cells += 1
        else:
            out.append(Token(0, 0, c, 1))
    for t in out:
        xs = np.flatnonzero(inked[max(0, round(grid.edge(t.first))):round(grid.edge(t.first + t.cells))])
        start = max(0, round(grid.edge(t.first)))
        t.left, t.right = (start + int(xs[0]), start + int(xs[-1]) + 1) if len(xs) else (start, start + 1)
    return out


def middle(mask_line: np.ndarray, grid: Grid, c: int) -> np.ndarray:
    """Cell c's ink less CELL_MARGIN at each side, where a neighbour's may reach."""
    margin = CELL_MARGIN * grid.width
    a = max(0, round(grid.edge(c) + margin))
    return mask_line[:, a:max(a + 1, round(grid.edge(c + 1) - margin))]


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
