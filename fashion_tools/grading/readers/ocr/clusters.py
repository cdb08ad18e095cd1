"""A screenshot's cells clustered by their glyphs, and the clusters named by Tesseract's reads of their members.

A screenshot shows each character many times in one font at one size: its cells fall into tight clusters, one
per character. Compared at the grid's own cells, on the line's baseline, a JPEG's noise moves a cell only a
little from its cluster's mean, while two characters (a dotted zero and an eight, a zero and a six) stay far
apart, so the mean of many noisy cells is a clean glyph. A cluster is named by the majority of Tesseract's
confident reads of its members (a zero it read as '6' among fifty read as '0' is a zero); a cell whose cluster
is named by the nearest named cluster only where it is clearly that glyph (the nearest cluster of another name
RATIO times further, and the cell within FIT of its cluster's usual spread and FAR of the way to the next),
else it stays unnamed: a doubt. A number's cell is compared with the digits' and signs' clusters only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from fashion_tools.grading.readers.ocr.grid import Grid, Token
from fashion_tools.grading.readers.ocr.shapes import HOLED_HEIGHT, allows, holes, slashed, waisted

ASCENT, DESCENT = 0.85, 0.3  # of the line pitch above and below the baseline: a cell's window
PATCH_PITCH = 18  # px: a larger picture's cells are averaged down to about this line pitch (noise averages out)
FIT = 25.0  # times a character's usual distance of its cells to its mean: a cell further is none of them
SPLIT = 8.0  # two looks of a character: their means this many times further apart than their cells from them
MERGE = 2.0  # two groups' means within this many times their cells' usual distance show one glyph
FAR = 1.0  # of the squared distance from a glyph's mean to the next: a cell further is some other glyph
RATIO = 3.0  # a cell is clearly its nearest glyph when the nearest of another name is this much further
LEAN = 1.5  # and leans to it, short of clearly, when that one is this much further
MIN_READS = 2  # confident reads of a character before its mean glyph names other cells
SLASHED_MEMBERS = 0.75  # of a group's cells whose holes deny its name, or show a slashed zero's: all of it
DIGIT_COLUMNS = 12  # columns of digits, at least, to find a line's baseline by them alone
CELL_EDGE = 0.12  # of a cell's width at each side, where a neighbour's anti-aliased ink may reach


@dataclass
class Cells:
    where: list[tuple[int, Token, int]]  # (line, token, index of the cell in the token) for each patch
    shifted: np.ndarray  # (9, cells, pixels): each cell's window, 0-1, moved by -1, 0, +1 patch pixels each way
    noise: float = 0.01  # the squared distance of two images of one glyph, typically (their noise)

    @property
    def patches(self) -> np.ndarray:
        return self.shifted[CENTRE]


CENTRE = 4  # the unmoved window among the nine


def baseline(mask_line: np.ndarray, columns: np.ndarray | None = None) -> int:
    """The row under the line's glyphs: below it only descenders, commas and brackets' feet have ink. Where
    columns (the cells Tesseract read as digits) are given, only their ink is counted: a matrix row of lone
    zeros has nearly as many commas as digits, and their tails, counted, passed for the digits' feet."""
    if columns is not None and columns.sum() >= DIGIT_COLUMNS:
        mask_line = mask_line[:, columns]
    counts = mask_line.sum(axis=1)
    return int(np.flatnonzero(counts >= 0.35 * counts.max())[-1]) + 1


def digit_columns(row: list[Token], grid: Grid, width: int) -> np.ndarray:
    """The columns of a line's cells that Tesseract read as digits."""
    columns = np.zeros(width, dtype=bool)
    for t in row:
        for j, ch in enumerate(t.text[:t.cells]):
            if ch.isdigit():
                left, right = t.edge(grid, t.first + j), t.edge(grid, t.first + j + 1)
                columns[max(0, int(np.ceil(left))):max(0, int(right))] = True
    return columns


def cell_patches(ink: np.ndarray, lines, tokens: list[list[Token]], grids: list[Grid], pitch: float) -> Cells:
    """Each inked cell's window (the cell's columns less their edges, ASCENT and DESCENT of a pitch about its
    line's baseline, ink outside the line's own rows left out), block-averaged to about PATCH_PITCH, and the
    same moved a patch pixel each way (a baseline found a pixel off, a grid's fractional phase)."""
    width = grids[0].width if grids else 1.0
    subpixel = bool(grids) and grids[0].subpixel
    f = max(1, int(pitch // PATCH_PITCH))
    up, down = int(np.ceil(ASCENT * pitch)), int(np.ceil(DESCENT * pitch))
    rows_, cols = (up + down) // f, int(np.ceil(width)) // f
    edge = max(1, round(CELL_EDGE * cols))  # columns a neighbour's ink may reach: not compared
    pad = up + f + 2 * int(np.ceil(width))
    where, windows = [], []
    canvas = np.zeros((ink.shape[0] + 2 * pad, ink.shape[1] + 2 * pad), dtype=np.float32)
    for i, row in enumerate(tokens):
        if not row:
            continue
        a, b = lines[i]
        top = pad + a + baseline(ink[a:b] > 48, digit_columns(row, grids[i], ink.shape[1])) - up - f
        canvas[pad + a:pad + b, pad:pad + ink.shape[1]] = ink[a:b]  # only this line's rows, the rest zero
        for t in row:
            for j in range(t.cells):
                # a browser's cells are a fraction of a pixel wide, its glyphs drawn at several phases along a
                # line: the window is taken at the cell's edge to the subpixel, else it would hold each digit at
                # several offsets (a terminal's whole-pixel cells are taken at the pixel, unblurred)
                x = pad + t.edge(grids[i], t.first + j) - f
                x0, frac = int(np.floor(x)), (x - np.floor(x)) * subpixel
                band = canvas[top:top + (rows_ + 2) * f, x0:x0 + (cols + 2) * f + 1]
                window = (1 - frac) * band[:, :-1] + frac * band[:, 1:]
                where.append((i, t, j))
                windows.append(window.reshape(rows_ + 2, f, cols + 2, f).mean(axis=(1, 3)))
        canvas[pad + a:pad + b] = 0
    big = np.asarray(windows, dtype=np.float32).reshape(len(windows), rows_ + 2, cols + 2) / 255
    shifted = np.stack([big[:, dy:dy + rows_, dx + edge:dx + cols - edge].reshape(len(big), -1)
                        for dy in range(3) for dx in range(3)])
    return Cells(where, shifted, typical_noise(shifted[CENTRE]))


def distances(cells: Cells, which, means: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the squared distance of each cell in which to each mean at the best of the nine moves, that move)."""
    d = np.stack([squared(s[which], means) for s in cells.shifted])
    return d.min(axis=0), d.argmin(axis=0)


def squared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared distances between the rows of a and of b."""
    return np.maximum(0, (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T)


def typical_noise(patches: np.ndarray) -> float:
    """The median squared distance of a cell to its nearest other cell (most cells show a character shown
    elsewhere too: the difference of two such is the picture's noise; zero in a PNG), with a floor of a
    hundredth of a pixel's full contrast per cell."""
    if len(patches) < 2:
        return 0.01
    picks = np.linspace(0, len(patches) - 1, min(400, len(patches))).astype(int)
    d = squared(patches[picks], patches)
    d[np.arange(len(picks)), picks] = np.inf  # itself
    return max(0.01, float(np.median(d.min(axis=1))))


def aligned_means(cells: Cells, keys: list[int], member: np.ndarray, groups: int) -> np.ndarray:
    """Each group's mean glyph, its cells first moved (of the nine) to best fit the plain mean."""
    x = cells.shifted[CENTRE][keys]
    means = np.stack([x[member == g].mean(axis=0) for g in range(groups)])
    _, move = distances(cells, keys, means)
    moved = cells.shifted[move[np.arange(len(keys)), member], keys]
    return np.stack([moved[member == g].mean(axis=0) for g in range(groups)])


def split_looks(cells: Cells, keys: list[int], member: np.ndarray) -> np.ndarray:
    """Each group split in two where its cells fall in two tight clusters far apart, each nearer the other than
    any other group: one character in two looks (Keras prints a progress line's step count in bold: its '3' is
    no regular '3'), up to three looks each; not the zeros Tesseract read as '6', which look like the zeros."""
    x = cells.shifted[CENTRE][keys]
    reads = np.stack([x[member == g].mean(axis=0) for g in range(int(member.max()) + 1)])
    for _ in range(2):
        for g in range(int(member.max()) + 1):
            ids = np.flatnonzero(member == g)
            if len(ids) < 2 * MIN_READS:
                continue
            part, within = two_looks(x[ids])
            if part is None or min(part.sum(), len(part) - part.sum()) < MIN_READS:
                continue
            halves = np.stack([x[ids[~part]].mean(axis=0), x[ids[part]].mean(axis=0)])
            others = np.delete(reads, [h for h in range(len(reads)) if (member[ids] == h).any()], axis=0)
            if len(others) and squared(halves, others).min() <= SPLIT * within:
                continue  # a half with another character's glyph: misreads of it, not a look
            member[ids[part]] = member.max() + 1
    return member


def two_looks(x: np.ndarray) -> tuple[np.ndarray | None, float]:
    """two_means, a few odd rows set aside: a split that leaves fewer than MIN_READS rows on one side (a
    smudged cell, one cut by the picture's edge, far from all the others) is tried again without them (they
    had drawn the split: Liberation Mono's 26 bold and 13 regular '3's, and one odd, split 39 to 1), and
    each row then goes to the nearer of the two looks."""
    keep = np.arange(len(x))
    for _ in range(3):
        part, within = two_means(x[keep])
        if part is None:
            return None, 0.0
        if min(part.sum(), len(part) - part.sum()) >= MIN_READS:
            d = squared(x, np.stack([x[keep[~part]].mean(axis=0), x[keep[part]].mean(axis=0)]))
            return d[:, 1] < d[:, 0], within
        keep = keep[part] if 2 * part.sum() > len(part) else keep[~part]
        if len(keep) < 2 * MIN_READS:
            break
    return None, 0.0


def two_means(x: np.ndarray) -> tuple[np.ndarray | None, float]:
    """(which rows of x form the second of two clusters, when x falls into two whose means lie further apart
    than SPLIT times their rows' usual distance to them, else None; that distance)."""
    a = x[squared(x.mean(axis=0)[None], x)[0].argmax()]
    b = x[squared(a[None], x)[0].argmax()]
    for _ in range(5):
        d = squared(x, np.stack([a, b]))
        part = d[:, 1] < d[:, 0]
        if part.all() or not part.any():
            return None, 0.0
        a, b = x[~part].mean(axis=0), x[part].mean(axis=0)
    d = squared(x, np.stack([a, b]))
    within = max(0.01, float(np.median(np.where(part, d[:, 1], d[:, 0]))))
    return (part if float(squared(a[None], b[None])[0, 0]) > SPLIT * within else None), within


def split_by_context(cells: Cells, keys: list[int], member: np.ndarray, chars: list[str],
                     weight: np.ndarray) -> np.ndarray:
    """A group whose reads split between digits, parted by its digits read among other digits (weight above 1,
    reads Tesseract makes with a number's context): each of its cells goes to the nearest of those digits'
    mean glyphs, when each such read is nearest its own digit's mean made without it (left out, so that a
    mean does not merely find its own reads). JupyterLab's dotted zero at 13 px in a JPEG of quality 70: its
    lone zeros read '8' as often as '0', and one group held them and the eights; the zeros read in '0.9118'
    and the eights read in '898' part them."""
    x = cells.shifted[CENTRE][keys]
    for g in range(int(member.max()) + 1):
        ids = np.flatnonzero(member == g)
        sure = [(c, ids[[chars[i] == c and weight[i] > 1 for i in ids]])
                for c in sorted({chars[i] for i in ids if chars[i].isdigit()})]
        sure = [(c, mine) for c, mine in sure if len(mine) > MIN_READS]
        if len(sure) < 2:
            continue
        seeds = np.stack([x[mine].mean(axis=0) for _, mine in sure])
        apart = True
        for k, (_, mine) in enumerate(sure):
            d = squared(x[mine], seeds)
            left_out = (len(mine) * seeds[k] - x[mine]) / (len(mine) - 1)  # its mean without each read
            d[:, k] = ((x[mine] - left_out) ** 2).sum(axis=1)
            apart &= bool((d.argmin(axis=1) == k).all())
        if not apart:
            continue
        nearest = distances(cells, [keys[i] for i in ids], seeds)[0].argmin(axis=1)
        top = int(member.max())
        for k in range(1, len(sure)):
            member[ids[nearest == k]] = top + k
    return member


def split_by_waist(keys: list[int], member: np.ndarray, chars: list[str],
                   shapes: dict[int, np.ndarray]) -> np.ndarray:
    """A digit's group whose glyphs part into waisted ones and others, MIN_READS or more each, split in two:
    one glyph is waisted or not, an eight is and a zero is not (Iosevka's narrow zero and eight at 13 px in a
    JPEG lie as near each other as two zeros do, and Tesseract reads both '8': one group, named '0' by its
    slashed zeros' holes, and every eight in it a doubt)."""
    for g in range(int(member.max()) + 1):
        ids = np.flatnonzero(member == g)
        if not any(chars[i].isdigit() for i in ids):
            continue
        tall = [i for i in ids if keys[i] in shapes and shapes[keys[i]].shape[0] >= HOLED_HEIGHT]
        waist = [i for i in tall if waisted(shapes[keys[i]])]
        if len(waist) >= MIN_READS and len(tall) - len(waist) >= MIN_READS:
            member[waist] = member.max() + 1
    return member


def glyph_groups(cells: Cells, votes: dict[int, tuple[str, float]],
                 shapes: dict[int, np.ndarray] | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(each group's name, its mean glyph, its cells' typical squared distance to that mean) of the cells
    Tesseract read confidently: grouped by their reads; groups whose means are alike merged (Tesseract reads
    one glyph as '0' in a number and as '©' alone), but never two digits' groups; each read moved to the group
    it looks most like (a zero read '6' is no six); a group of waisted and unwaisted glyphs parted (given their
    shapes: an eight and a zero both read '8'); each group named by the majority of its reads, '?' where they
    split between two digits (a quarter of them or more) or fewer than MIN_READS back it."""
    keys = list(votes)
    chars = [votes[k][0] for k in keys]
    weight = np.array([votes[k][1] for k in keys], dtype=np.float64)
    kinds = sorted(set(chars))
    member = split_looks(cells, keys, np.array([kinds.index(c) for c in chars]))
    for _ in range(3):
        member = np.unique(member, return_inverse=True)[1]
        groups = int(member.max()) + 1
        means = aligned_means(cells, keys, member, groups)
        d, _ = distances(cells, keys, means)
        own = d[np.arange(len(keys)), member]
        spread = np.array([max(cells.noise, float(np.median(own[member == g]))) for g in range(groups)])
        gaps = squared(means, means)
        np.fill_diagonal(gaps, np.inf)
        alike = gaps <= MERGE * np.minimum(spread[:, None], spread[None, :])
        usual = [Counter(c for c, m in zip(chars, member, strict=True) if m == g).most_common(1)[0][0]
                 for g in range(groups)]
        member = np.unique(joined(alike, usual)[member], return_inverse=True)[1]
        d, _ = distances(cells, keys, aligned_means(cells, keys, member, int(member.max()) + 1))
        member = d.argmin(axis=1)
    member = split_by_context(cells, keys, np.unique(member, return_inverse=True)[1], chars, weight)
    if shapes:
        member = split_by_waist(keys, member, chars, shapes)
    groups = int(member.max()) + 1
    means = aligned_means(cells, keys, member, groups)
    own = distances(cells, keys, means)[0][np.arange(len(keys)), member]
    spread = np.array([max(cells.noise, float(np.median(own[member == g]))) for g in range(groups)])
    tallies = []
    for g in range(groups):
        reads: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        for k in np.flatnonzero(member == g):
            reads[chars[k]] += weight[k]
            seen[chars[k]] += 1
        tallies.append((reads, seen))
    plain = {reads.most_common(1)[0][0] for reads, _ in tallies}  # a name some group's majority gives
    names = []
    for reads, seen in tallies:
        char, top = reads.most_common(1)[0]
        # reads split between two digits: unsure, unless the other digit has a glyph of its own (a zero Tesseract
        # read '6' now and then, where the picture's sixes look like something else) and fewer cells here than
        # the name (Courier's thin zeros in a JPEG, 6 read '0' alone, with 3 sixes read among digits, which
        # outweighed them: the cluster held both glyphs, and named the zeros '6')
        digits = sorted(((n, ch) for ch, n in seen.items() if ch.isdigit() and ch != char), reverse=True)
        rival = digits[0] if digits and (digits[0][1] not in plain or digits[0][0] > seen[char]) else None
        split = top * 2 <= sum(reads.values()) or (rival is not None and rival[0] * 4 >= seen[char])
        names.append("?" if split or seen[char] < MIN_READS else char)
    if shapes:
        names = [by_members(name, [shapes.get(keys[k]) for k in np.flatnonzero(member == g)])
                 for g, name in enumerate(names)]
    return names, means, spread


def joined(alike: np.ndarray, usual: list[str]) -> np.ndarray:
    """Each group's label once the alike are joined, through others too (a '©' group alike with a '0' group
    joins it, and a 'Q' group alike with the '©' group then joins the zeros); but two digits' reads are never
    one glyph's, joined directly or through another group: a '3' like an '8' stays apart."""
    root = list(range(len(usual)))
    digit = [u if u.isdigit() else "" for u in usual]

    def find(g: int) -> int:
        while root[g] != g:
            g = root[g]
        return g

    for a, b in zip(*np.nonzero(np.triu(alike)), strict=True):
        a, b = find(int(a)), find(int(b))
        if a != b and not (digit[a] and digit[b] and digit[a] != digit[b]):
            root[b], digit[a] = a, digit[a] or digit[b]
    return np.array([find(g) for g in range(len(usual))])


def by_members(name: str, glyphs: list[np.ndarray | None]) -> str:
    """A digit's group named as its members' holes allow: where nearly all of them deny the name, they are a
    slashed zero when nearly all show its holes (Colab's Roboto Mono zero in a JPEG, read '6', '8' and '@',
    never '0'), else unknown. One noisy cell's holes say little; nearly all of a group's say what its glyph is
    (a group of nines and zeros read '9' keeps its name: each of its cells is judged by its own holes)."""
    tall = [g for g in glyphs if g is not None and g.shape[0] >= HOLED_HEIGHT]
    if not name.isdigit() or not tall:
        return name
    found = [holes(g) for g in tall]
    if sum(not allows(name, g, f) for g, f in zip(tall, found, strict=True)) < SLASHED_MEMBERS * len(tall):
        return name  # (each cell's own holes still judge it: shapes.by_shape)
    slashes = sum(slashed(f, g.shape[0]) for g, f in zip(tall, found, strict=True))
    return "0" if slashes >= SLASHED_MEMBERS * len(tall) else "?"


def template_names(cells: Cells, votes: dict[int, tuple[str, float]], todo: list[int],
                   alphabets: dict[int, str] | None = None,
                   nearest_of: dict[int, str] | None = None,
                   shapes: dict[int, np.ndarray] | None = None) -> dict[int, str]:
    """Each cell in todo named by the nearest group's name where it is clearly that glyph: the nearest group of
    another name RATIO times further, and the cell within FAR of the distance from its group to the next and
    FIT of its group's usual distance (a glyph none was read as, a smudge, is neither); '?' where not. A cell
    with an alphabet (a number's: its digits and signs) is compared with the groups of those names only: a
    number's zero is no letter 'O'."""
    if not votes or not todo:
        return {}
    chars, means, spread = glyph_groups(cells, votes, shapes)
    usable = [c for c, ch in enumerate(chars) if ch != "?"]
    if not usable:
        return {}
    m, names = means[usable], [chars[c] for c in usable]
    gaps = squared(m, m)
    differ = np.array([[a != b for b in names] for a in names])
    nearest = np.where(differ, gaps, np.inf).min(axis=1)  # each glyph's nearest glyph of another name
    d, _ = distances(cells, todo, m)
    out = {}
    for row, k in zip(d, todo, strict=True):
        alphabet = (alphabets or {}).get(k)
        if alphabet:
            row = np.where([n in alphabet for n in names], row, np.inf)
            if not np.isfinite(row).any():
                out[k] = "?"
                continue
        best = int(row.argmin())
        rivals = differ[best] & np.isfinite(row)
        others = np.flatnonzero(rivals)
        clear = clearly(row, best, others, RATIO)
        if not clear and shapes is not None and k in shapes and (names[best] != "0" or not waisted(shapes[k])):
            # a digit its holes deny is no rival (an eight's deny '3' and '0': Colab's eight in a JPEG at quality
            # 96 lay nearest the eights, the threes and the zeros twice as far, a doubt); but of a glyph nearest
            # the zeros only for an oval (a marked zero's next nearest glyph is the eight; an eight, its outline
            # pinched, may lie nearest the zeros where the picture shows no other eight). (Its holes found only
            # for a cell not clearly its nearest glyph: once for it, not for each name)
            found = holes(shapes[k])
            rivals &= [not n.isdigit() or allows(n, shapes[k], found) for n in names]
            others = np.flatnonzero(rivals)
            clear = clearly(row, best, others, RATIO)
        # within the spread of some look of its name (a PNG's glyphs at one subpixel phase are alike pixel for
        # pixel: a digit drawn at another phase is far from that tight look, and within its looser look's)
        fits = any(row[g] <= min(FIT * max(float(spread[usable[g]]), cells.noise), FAR * nearest[g])
                   for g in np.flatnonzero([n == names[best] for n in names]))
        out[k] = names[best] if clear and fits else "?"
        if nearest_of is not None and out[k] == "?" and clearly(row, best, others, LEAN):
            nearest_of[k] = names[best]  # not clearly, but what a second read must not contradict
    return out


def clearly(row: np.ndarray, best: int, others: np.ndarray, ratio: float) -> bool:
    """The glyph best is nearer than every one of others, ratio times (none: clearly)."""
    return not len(others) or bool(row[others].min() >= ratio * row[best])
