"""Digits right of digits shown, and seconds per picture, for the screenshots in tests/data/real/screens
(and the two Jupyter screenshots in report_screenshots.docx), read by the grader's OCR (screen_ocr) and,
where it is installed, by RapidOCR (rapidocr-onnxruntime, PP-OCR models on onnxruntime) as it comes.

    python benchmarks/ocr.py [--rapidocr]

The truth is the text the picture shows: keras3.log as the terminal showed it (clean_text), or the
notebook's HTML export as read by the grader. Each line read is matched to the truth line it is most like
(difflib, at least half alike); its digits are compared with that line's in order (difflib's matching
blocks). A line the reader dropped counts no digits shown, so the figure is an upper bound where lines
are lost: the number of lines matched is printed beside it.
"""

from __future__ import annotations

import argparse
import sys
import time
import zipfile
from difflib import SequenceMatcher, get_close_matches
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT / "tests" / "data" / "real"


def truths() -> dict[str, list[str]]:
    from fashion_tools.grading.readers import read_file
    from fashion_tools.grading.readers.console_log import clean_text

    log = clean_text((REAL / "keras3.log").read_text(encoding="utf-8")).splitlines()
    notebook = read_file(REAL / "notebook_matrix_result.html", 1 << 24).text.splitlines()
    return {"terminal": [line for line in log if line.strip()], "jupyter": [line for line in notebook if line.strip()]}


def pictures() -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes) of every screenshot measured."""
    screens = REAL / "screens"
    out = [("terminal", p.name, p.read_bytes()) for p in sorted(screens.glob("end_*"))]
    out += [("terminal", f"{d.name}/{p.name}", p.read_bytes()) for d in sorted(screens.glob("*_1?")) if d.is_dir()
            for p in sorted(d.iterdir())]
    with zipfile.ZipFile(REAL / "report_screenshots.docx") as z:
        out += [("jupyter", n, z.read(n)) for n in sorted(z.namelist()) if n.startswith("word/media/")]
    return out


def score(lines: list[str], truth: list[str]) -> tuple[int, int, int]:
    """(digits right, digits shown, lines matched)."""
    right = shown = matched = 0
    squeezed = {" ".join(t.split()): t for t in truth}
    for line in lines:
        digits = "".join(c for c in line if c.isdigit())
        if not digits:
            continue
        best = get_close_matches(" ".join(line.split()), list(squeezed), n=1, cutoff=0.5)
        if not best:
            continue
        want = "".join(c for c in best[0] if c.isdigit())
        matched += 1
        shown += len(want)
        right += sum(b.size for b in SequenceMatcher(None, want, digits, autojunk=False).get_matching_blocks())
    return right, shown, matched


def grader_lines(data: bytes) -> list[str]:
    from fashion_tools.grading.readers.screen_ocr import read_screenshot

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rapidocr", action="store_true", help="measure RapidOCR too")
    args = parser.parse_args()
    truth = truths()
    readers = {"grader": grader_lines, **({"rapidocr": rapid_lines} if args.rapidocr else {})}
    print("| picture | reader | digits right / shown | lines matched | seconds |\n|---|---|---|---|---|")
    for kind, name, data in pictures():
        for reader, read in readers.items():
            started = time.perf_counter()
            lines = read(data)
            seconds = time.perf_counter() - started
            right, shown, matched = score(lines, truth[kind])
            print(f"| {name} | {reader} | {right}/{shown} ({right / max(shown, 1):.1%}) | {matched} | {seconds:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
