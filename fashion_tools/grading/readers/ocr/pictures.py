"""Pictures handed in: a screenshot of the terminal or of Jupyter, several that together show the run, or
the pictures in a Word report or a PDF. Each is recognised by its first bytes and read by OCR
(screen_ocr, in a bounded child: a decompression bomb or a damaged file is one reason, never a
crash); several are joined in order where the bottom of one shows the same lines as the top of the
next, as a student scrolls, and a gap between two is said, not guessed at. Every line read from a
picture is named by it, and the lines it could not read with confidence are kept as doubts, so the
checks never fail on a misread (checks.pictured).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from fashion_tools.grading.readers import Reading
from fashion_tools.grading.readers.bounded import Refused, run_bounded

MAGIC = [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
         (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF")]
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic")
MAX_PICTURE_BYTES = 50 << 20
OCR_SECONDS = 60.0  # one picture; a 1280x900 screenshot takes 2-5 s here
SAME_LINE = 0.8  # two reads of one line agree at least this much (OCR may differ in a character or two)
MIN_OVERLAP = 2  # lines two screenshots must share to be joined there
MIN_SURE = 8  # lines of an overlap that may hold one line read differently in the two shots
MAX_PICTURES = 100  # read of one hand-in (a folder's files, a report's pictures): a run is under 20 screens


def picture_kind(head: bytes) -> str | None:
    """'PNG', 'JPEG', ... from a file's first bytes; None for anything else."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in MAGIC if head.startswith(magic)), None)


@dataclass
class Shot:
    """One picture's text, or why it has none."""

    name: str  # as the report names it: 'terminal_3.png', 'picture 2 in report.docx'
    lines: list[str] = field(default_factory=list)
    doubts: dict[int, str] = field(default_factory=dict)
    problem: str | None = None


def read_shot(data: bytes, name: str) -> Shot:
    """One picture read by OCR in a bounded child."""
    from fashion_tools.grading.readers.ocr import screen_ocr

    missing = screen_ocr.tesseract_ready()  # the engine made here, before the child that reads is forked
    if missing:
        return Shot(name, problem=missing)
    if len(data) > MAX_PICTURE_BYTES:
        return Shot(name, problem=f"larger than {MAX_PICTURE_BYTES >> 20} MB")
    with tempfile.TemporaryDirectory(prefix="fashion-ocr-") as scratch:  # removed even if the child is killed
        try:
            text = run_bounded(ocr_child, data, scratch, seconds=OCR_SECONDS)
        except Refused as exc:
            return Shot(name, problem=str(exc))
    return Shot(name, text.lines, text.doubts)


def ocr_child(data: bytes, scratch: str):
    """screen_ocr's reading, its own refusal turned into the bounded child's; Tesseract's files in scratch."""
    from fashion_tools.grading.readers.ocr import screen_ocr

    tempfile.tempdir = scratch
    try:
        return screen_ocr.read_screenshot(data)
    except screen_ocr.Unreadable as exc:
        raise Refused(str(exc)) from None


def same(a: str, b: str, unsure: bool = False) -> bool:
    """Two reads of one line: alike, and with the same digits unless one of them is in doubt (two epochs'
    lines differ only in their numbers: 'Epoch 3/10', 'Epoch 4/10')."""
    a, b = " ".join(a.split()), " ".join(b.split())
    if a == b:
        return True
    if unsure:  # a character OCR could not name ('?', and the '?' before such a number) is no difference
        a, b = a.replace("?", ""), b.replace("?", "")
    alike = bool(a and b) and SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_LINE
    return alike and (unsure or [c for c in a if c.isdigit()] == [c for c in b if c.isdigit()])


def overlap(top: list[str], bottom: list[str], top_doubts=(), bottom_doubts=()) -> int:
    """How many lines at the end of top the start of bottom shows again (0: none found). The longest run
    wins; runs of blank lines alone do not count; a line in doubt in either may differ in its digits; in
    a run of MIN_SURE lines or more, one line may be read differently in the two (a glyph seen once, as
    '#' in 'Param #', named by Tesseract alone): the join says so."""
    for k in range(min(len(top), len(bottom)), MIN_OVERLAP - 1, -1):
        start = len(top) - k
        pairs = list(zip(top[start:], bottom[:k], strict=True))
        if sum(bool(a.strip()) for a, _ in pairs) < MIN_OVERLAP:
            continue
        differ = [j for j, (a, b) in enumerate(pairs) if not same(a, b, start + j in top_doubts or j in bottom_doubts)]
        if not differ:
            return k
    return 0


def join_shots(shots: list[Shot], kind: str) -> Reading:
    """The shots' text in order, each overlap once (the read without doubt kept), the gaps said."""
    read = [s for s in shots if s.lines]
    if not read:
        problems = "; ".join(f"{s.name}: {s.problem}" for s in shots[:3]) + ("; ..." if len(shots) > 3 else "")
        return Reading(None, kind, review=True, problem=f"{picture_words(len(shots))} that could not be read "
                       f"({problems}): look at {'it' if len(shots) == 1 else 'them'}")
    lines: list[str] = []
    doubts: dict[int, str] = {}  # line number in the joined text -> why it is not read with confidence
    origin: list[str] = []  # the picture each line comes from
    gaps = []
    for n, shot in enumerate(read):
        k = overlap(lines, shot.lines, doubts, shot.doubts) if lines else 0
        if lines and k == 0:
            gaps.append(f"{read[n - 1].name} and {shot.name}")
            lines.append("")  # nothing is read across a gap: a matrix cut there stays cut
            origin.append(shot.name)
        for j in range(k):  # a line both show: the read without a doubt wins
            at = len(lines) - k + j
            if at in doubts and j not in shot.doubts:
                lines[at], origin[at] = shot.lines[j], shot.name
                del doubts[at]
            elif at not in doubts and not same(lines[at], shot.lines[j], j in shot.doubts):
                doubts[at] = f"read {' '.join(shot.lines[j].split())[:40]!r} in {shot.name}"
        for j in range(k, len(shot.lines)):
            if j in shot.doubts:
                doubts[len(lines)] = shot.doubts[j]
            lines.append(shot.lines[j])
            origin.append(shot.name)
    return reading_of(lines, origin, doubts, shots, gaps, kind)


def reading_of(lines, origin, doubts, shots, gaps, kind) -> Reading:
    offsets, at = [], 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    parts = [(offsets[i], origin[i]) for i in range(len(lines)) if i == 0 or origin[i] != origin[i - 1]]
    unread = [f"{s.name} ({s.problem})" for s in shots if not s.lines]
    said = []
    if gaps:
        said.append(f"no lines in common between {'; '.join(gaps[:3])}: what lies between them is not shown")
    if unread:
        said.append(f"{len(unread)} not read: {', '.join(unread[:3])}" + (", ..." if len(unread) > 3 else ""))
    note = f"read by OCR from {picture_words(len(shots))}" + (f"; {'; '.join(said)}" if said else "")
    unsure = [(offsets[i], f"the line {lines[i].strip()[:60]!r} ({why})") for i, why in sorted(doubts.items())]
    return Reading("\n".join(lines) + "\n", kind, parts=parts, note=note, doubts=unsure,
                   pictures=[(offsets[0] if lines else 0, at)], unread="; ".join(said) or None)


def picture_words(n: int) -> str:
    return f"{n} picture{'s' * (n != 1)}"


def read_pictures(paths: list[Path]) -> Reading:
    """Screenshots handed in as files, read in name order and joined at their overlaps."""
    shots = []
    for path in sorted(paths, key=lambda p: p.name):
        try:
            if path.stat().st_size > MAX_PICTURE_BYTES:
                shots.append(Shot(path.name, problem=f"larger than {MAX_PICTURE_BYTES >> 20} MB"))
                continue
            data = path.read_bytes()
        except OSError as exc:
            shots.append(Shot(path.name, problem=f"cannot be read ({exc.strerror})"))
            continue
        shots.append(read_shot(data, path.name))
    return join_shots(shots, "picture" if len(paths) == 1 else "pictures")


def read_picture(path: Path, head: bytes) -> Reading:
    return read_pictures([path])
