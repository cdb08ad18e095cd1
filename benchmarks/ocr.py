"""Digits right of digits shown, and seconds per picture, for each kind of screenshot in
tests/data/real/screens and the two Jupyter screenshots (Chromium) in report_screenshots.docx, read by the
grader's OCR (screen_ocr) and, with --rapidocr, by RapidOCR as it comes; with --grade, how each picture,
folder and document grades (`fashion_items.py grade --expected tests/data/reference.json --json`).

    python benchmarks/ocr.py [--rapidocr] [--grade]

The truth is the text the picture shows. For the terminal: keras3.log as xterm finally showed it
(clean_text on its bytes, each line wrapped at the window's 120 columns: the same lines tmux's
capture-pane gives). For Jupyter: the notebook's outputs (notebook_matrix_result.html as the grader reads
it; code cells are not in it, so their digits are not counted). A picture shows a contiguous window of
those lines: its read lines are aligned in order to the truth (local alignment, lines at least half alike
after box characters and runs of spaces are squeezed), and the window runs from the first to the last
line aligned. Digits shown: every digit of the truth's lines in that window, lines the reader dropped
included (a line cut by the picture's edge, which the reader leaves out, is outside it). Digits right: of
each aligned pair, the truth's digits matched in order by the read's (difflib's matching blocks). Digits
wrong: the other digits read on aligned lines.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT / "tests" / "data" / "real"
SCREENS = REAL / "screens"
COLUMNS = 120  # make_renders.py's xterm -geometry 120x40
BOX = re.compile(r"[\u2500-\u257f]")
KINDS = [  # (kind, truth, pictures)
    ("dark 11 pt, 7 overlapping shots", "terminal", sorted((SCREENS / "dark_11").glob("*.png"))),
    ("dark 14 pt, end shot", "terminal", [SCREENS / "end_dark_14.png"]),
    ("light 11 pt, end shot", "terminal", [SCREENS / "end_light_11.png"]),
    ("light 14 pt, 7 overlapping shots", "terminal", sorted((SCREENS / "light_14").glob("*.png"))),
    ("dark 11 pt end shot as JPEG q70", "terminal", [SCREENS / "end_dark_11_q70.jpg"]),
    ("Liberation Mono 12 pt dark, end shot", "terminal", [SCREENS / "end_liberation_dark_12.png"]),
    ("Noto Mono 12 pt light, end shot", "terminal", [SCREENS / "end_noto_light_12.png"]),
    ("Jupyter in Chromium, 2 shots (report_screenshots.docx)", "jupyter", ["word/media/image1.png",
                                                                           "word/media/image2.png"]),
]
WHOLES = [SCREENS / "dark_11", SCREENS / "light_14", SCREENS / "report_terminal.docx",
          SCREENS / "terminal_light.pdf", REAL / "report_screenshots.docx", REAL / "screenshots.pdf",
          SCREENS / "wrong_architecture_summary.png", SCREENS / "epochs5_end.png"]  # two runs with a mistake


def squeeze(line: str) -> str:
    return " ".join(BOX.sub(" ", line).split())


def truths() -> dict[str, list[str]]:
    from fashion_tools.grading.readers import read_file
    from fashion_tools.grading.readers.console_log import clean_text

    # bytes: read_text's universal newlines would turn each '\r' of a progress bar into a line of its own
    log = clean_text((REAL / "keras3.log").read_bytes().decode("utf-8")).split("\n")
    screen = [line[i:i + COLUMNS] for line in log for i in range(0, max(len(line), 1), COLUMNS)]
    notebook = read_file(REAL / "notebook_matrix_result.html", 1 << 24).text.splitlines()
    return {"terminal": [s for s in map(squeeze, screen) if s], "jupyter": [s for s in map(squeeze, notebook) if s]}


def picture_bytes(picture) -> bytes:
    if isinstance(picture, Path):
        return picture.read_bytes()
    with zipfile.ZipFile(REAL / "report_screenshots.docx") as z:
        return z.read(picture)


def digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def score(lines: list[str], truth: list[str]) -> tuple[int, int, int, int]:
    """(digits right, digits shown, digits wrong, lines aligned) of a picture's read lines."""
    read = [s for s in map(squeeze, lines) if s]
    gap = 0.1
    h = [[0.0] * (len(truth) + 1) for _ in range(len(read) + 1)]
    sim: dict[tuple[int, int], float] = {}
    for i, r in enumerate(read, 1):
        for j, t in enumerate(truth, 1):
            m = SequenceMatcher(None, r, t, autojunk=False)
            s = m.ratio() if m.quick_ratio() >= 0.5 else 0.0
            sim[i, j] = s
            h[i][j] = max(0.0, h[i - 1][j] - gap, h[i][j - 1] - gap,
                          h[i - 1][j - 1] + s - 0.5 if s >= 0.5 else 0.0)
    i, j = max(((a, b) for a in range(len(read) + 1) for b in range(len(truth) + 1)), key=lambda ab: h[ab[0]][ab[1]])
    pairs = []
    while i and j and h[i][j] > 0:
        if sim[i, j] >= 0.5 and abs(h[i][j] - (h[i - 1][j - 1] + sim[i, j] - 0.5)) < 1e-9:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif abs(h[i][j] - (h[i - 1][j] - gap)) < 1e-9:
            i -= 1
        else:
            j -= 1
    if not pairs:
        return 0, 0, 0, 0
    first, last = pairs[-1][1], pairs[0][1]
    shown = sum(len(digits(t)) for t in truth[first:last + 1])
    right = wrong = 0
    for r, t in pairs:
        want, got = digits(truth[t]), digits(read[r])
        ok = sum(b.size for b in SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks())
        right, wrong = right + ok, wrong + len(got) - ok
    return right, shown, wrong, len(pairs)


def grader_lines(data: bytes) -> list[str]:
    from fashion_tools.grading.readers.ocr.screen_ocr import read_screenshot

    return read_screenshot(data).lines


def rapid_lines(data: bytes) -> list[str]:
    from rapidocr_onnxruntime import RapidOCR

    engine = rapid_lines.__dict__.setdefault("engine", RapidOCR())
    result, _ = engine(data)
    boxes = sorted(result or [], key=lambda r: (r[0][0][1], r[0][0][0]))
    lines: list[list] = []
    for box, text, _ in boxes:  # words whose tops are within half a line are one line
        if lines and abs(box[0][1] - lines[-1][0]) < (box[2][1] - box[0][1]) / 2:
            lines[-1][1].append((box[0][0], text))
        else:
            lines.append([box[0][1], [(box[0][0], text)]])
    return [" ".join(t for _, t in sorted(words)) for _, words in lines]


def cpu() -> float:
    """CPU seconds of this process and its waited-for children (Tesseract runs as a program)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def grade(path: Path) -> tuple[Counter, list[str], float]:
    """Verdict counts, the non-PASS checks with their reasons, and wall seconds, of one submission."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, str(ROOT / "fashion_items.py"), "grade", "--expected",
                          str(ROOT / "tests" / "data" / "reference.json"), "--json", str(path)],
                         capture_output=True, text=True, cwd=ROOT).stdout
    seconds = time.perf_counter() - started
    checks = [c for sub in json.loads(out)["submissions"] for c in sub["checks"]]
    return (Counter(c["verdict"] for c in checks),
            [f"{c['check']} {c['verdict']}: {c['reason']}" for c in checks if c["verdict"] != "PASS"], seconds)


def verdicts(counts: Counter) -> str:
    return " / ".join(str(counts[v]) for v in ("PASS", "REVIEW", "FAIL"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rapidocr", action="store_true", help="measure RapidOCR too")
    parser.add_argument("--grade", action="store_true", help="grade each picture alone, and the folders and "
                        "documents of them, with the CLI")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    truth = truths()
    readers = {"grader": grader_lines, **({"rapidocr": rapid_lines} if args.rapidocr else {})}
    details, summary = [], []
    print("| picture | reader | digits right / shown | digits wrong | lines aligned | wall s | CPU s |"
          + (" PASS / REVIEW / FAIL alone |" if args.grade else "") + "\n|---|---|---|---|---|---|---|"
          + ("---|" if args.grade else ""), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, which, pictures in KINDS:
            for reader, read in readers.items():
                total, walls, graded = [0, 0, 0], [], Counter()
                for picture in pictures:
                    data = picture_bytes(picture)
                    name = picture.name if isinstance(picture, Path) else picture.split("/")[-1]
                    wall, used = time.perf_counter(), cpu()
                    lines = read(data)
                    wall, used = time.perf_counter() - wall, cpu() - used
                    right, shown, wrong, aligned = score(lines, truth[which])
                    total = [total[0] + right, total[1] + shown, total[2] + wrong]
                    walls.append(wall)
                    cell = ""
                    if args.grade and reader == "grader":
                        path = picture if isinstance(picture, Path) else Path(tmp) / name
                        path.write_bytes(data) if not isinstance(picture, Path) else None
                        counts, why, _ = grade(path)
                        graded += counts
                        cell = f" {verdicts(counts)} |"
                        details += [f"{kind}: {name}: {w}" for w in why]
                    print(f"| {name} | {reader} | {right}/{shown} ({right / max(shown, 1):.1%}) | {wrong} | {aligned} "
                          f"| {wall:.1f} | {used:.1f} |{cell}", flush=True)
                summary.append(f"| {kind} | {reader} | {len(pictures)} | {total[1]} | {total[0]} "
                               f"| {total[0] / max(total[1], 1):.1%} | {total[2]} | {statistics.median(walls):.1f} |"
                               + (f" {verdicts(graded)} |" if args.grade and reader == "grader" else ""))
    print("\n| kind | reader | pictures | digits shown | digits read right | share | digits wrong "
          "| seconds per picture (median) |" + (" PASS / REVIEW / FAIL, each alone |" if args.grade else "")
          + "\n|---|---|---|---|---|---|---|---|" + ("---|" if args.grade else ""))
    print("\n".join(summary), flush=True)
    if args.grade:
        print("\n| folder or document | PASS / REVIEW / FAIL | wall s |\n|---|---|---|")
        for whole in WHOLES:
            counts, why, seconds = grade(whole)
            print(f"| {whole.relative_to(REAL)} | {verdicts(counts)} | {seconds:.0f} |", flush=True)
            details += [f"{whole.relative_to(REAL)}: {w}" for w in why]
        print("\nEvery check that did not PASS:\n" + "\n".join(f"- {d}" for d in details))


if __name__ == "__main__":
    main()
