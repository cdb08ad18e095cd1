"""Digits right of digits shown, and seconds per picture, for each kind of screenshot in
tests/data/real/screens and the two Jupyter screenshots (Chromium) in report_screenshots.docx, read by the
grader's OCR (screen_ocr) and, with --rapidocr, by RapidOCR as it comes; with --grade, how each picture,
folder and document grades (`fashion_items.py grade --expected tests/data/reference.json --json`).

    python benchmarks/ocr.py [--rapidocr] [--grade]
    python benchmarks/ocr.py --matrix DIR     # DIR made by tests/data/lecture/make_screen_matrix.py
                                              # (and make_notebook_shots.py)
    python benchmarks/ocr.py --matrix DIR --grade   # its single shots graded: PASSes on unshown numbers

The truth is the text the picture shows. For the terminal: keras3.log as xterm finally showed it
(clean_text on its bytes, each line wrapped at the window's 120 columns: the same lines tmux's
capture-pane gives). For Jupyter: the notebook's outputs (notebook_matrix_result.html as the grader reads
it; code cells are not in it, so their digits are not counted). A picture shows a contiguous window of
those lines: its read lines are aligned in order to the truth (local alignment, lines at least half alike
after box characters and runs of spaces are squeezed), and the window runs from the first to the last
line aligned. Digits shown: every digit of the truth's lines in that window, lines the reader dropped
included (a line cut by the picture's edge, which the reader leaves out, is outside it). Digits right: of
each aligned pair, the truth's digits matched in order by the read's (difflib's matching blocks). Digits
wrong: the other digits read on aligned lines. In a matrix, the notebook pages (make_notebook_shots.py, kind
"notebook") are scored as Jupyter, their key lines the notebook's own (notebook_keys).
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
PROMPT = re.compile(r"^Out ?\[\d*\]: ?")  # a notebook's output prompt: shown, but not in the outputs' text
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


def score(lines: list[str], truth: list[str], misread: list | None = None) -> tuple[int, int, int, int]:
    """(digits right, digits shown, digits wrong, lines aligned) of a picture's read lines; misread gets
    each aligned pair (truth, read) whose digits differ."""
    read = [s for s in (PROMPT.sub("", squeeze(line)) for line in lines) if s]
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
        if misread is not None and want != got:
            misread.append((truth[t], read[r]))
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


KEYS = ["Keras CNN model accuracy = 0.9135000109672546", "Keras CNN model loss = 0.23671013116836548",
        "F1 score: 0.9135", "Prediction after learning: pullover", "[[840 1 18 12 4 1 117 0 6 1]",
        "[ 0 983 0 10 1 0 4 0 2 0]", "[ 16 1 891 6 40 0 46 0 0 0]", "[ 9 10 15 920 25 0 19 0 2 0]",
        "[ 1 1 69 21 865 0 43 0 0 0]", "[ 0 0 0 0 0 976 0 16 0 8]", "[ 75 2 63 26 75 0 749 0 10 0]",
        "[ 0 0 0 0 0 7 0 972 0 21]", "[ 4 2 0 5 2 1 3 4 979 0]", "[ 0 0 0 0 0 5 1 34 0 960]]"]


def notebook_keys(truth: list[str]) -> list[str]:
    """The notebook's key lines (as KEYS): loss and accuracy, F1, the prediction, the 10 rows of Out[14]."""
    first = next(i for i, t in enumerate(truth) if t.startswith("array([["))
    return [t for t in truth if t.startswith(("Keras CNN model", "F1 score", "Prediction after"))] + \
        truth[first:first + 10]


def row_set(row: dict) -> str:
    """Which part of the matrix a row is: xterm in Debian's fonts, xterm in Cascadia Mono, a notebook page; in
    set B or C (make_screen_matrix.py --set), xterm in that set's fonts; in set D (make_other_renderers.py),
    its renderer (Firefox's pages, urxvt's and st's windows)."""
    if row.get("renderer"):
        return f"{row['renderer']}, set {row['set']}"
    if row.get("kind") == "notebook":
        return f"Chromium notebook, {'dark' if row['theme'].endswith('dark') else 'light'}"
    if row.get("set"):
        return f"xterm, set {row['set']}'s fonts"
    return "xterm, Cascadia Mono" if row["font"] == "Cascadia Mono" else "xterm, Debian's 8 fonts"


def form(row: dict) -> str:
    return "PNG, overlapping shots" if row["pieces"] else row["format"].split()[0]


GROUPS = [("part of the matrix, format", lambda r: f"{row_set(r)}, {form(r)}"), ("font", lambda r: r["font"]),
          ("theme", lambda r: r["theme"]), ("size", lambda r: str(r["size"])),
          ("format", lambda r: r["format"] + (", overlapping shots" if r["pieces"] else ""))]


def cells(results: list[dict]) -> list[str]:
    """Pictures, digits right of shown, digits wrong, key lines, median CPU s of some rows' pictures."""
    if not results:
        return [""] * 5
    right, shown, wrong, keys, nkeys = (sum(r[k] for r in results) for k in ("right", "shown", "wrong", "keys",
                                                                           "nkeys"))
    seconds = [s for r in results for s in r["seconds"]]
    return [str(len(seconds)), f"{right}/{shown} ({right / max(shown, 1):.2%})", str(wrong), f"{keys}/{nkeys}",
            f"{statistics.median(seconds):.2f}"]


def summaries(results: list[dict]) -> None:
    """A table for each way of grouping the rows: held-out and fitted pictures apart."""
    for title, key in GROUPS:
        print(f"\n| {title} | held out: pictures | digits right / shown | wrong | key lines | median CPU s "
              "| fitted: pictures | digits right / shown | wrong | key lines | median CPU s |\n" + "|---" * 11 + "|")
        for value in dict.fromkeys(key(r) for r in results):
            group = [r for r in results if key(r) == value]
            print("| " + " | ".join([value, *cells([r for r in group if r["held_out"]]),
                                     *cells([r for r in group if not r["held_out"]])]) + " |")


def matrix(folder: Path) -> None:
    """Each picture of a matrix made by make_screen_matrix.py and make_notebook_shots.py: digits right of
    shown, digits wrong, the key lines read exactly and without a doubt (accuracy, loss, F1, prediction, the
    ten matrix rows), CPU seconds; a folder of overlapping shots also says whether they joined into one run.
    Then the same summed by part of the matrix, font, theme, size and format, held-out rows apart; each
    picture's score and its misread lines go to DIR/scores.json."""
    from fashion_tools.grading.readers.ocr.pictures import Shot, join_shots
    from fashion_tools.grading.readers.ocr.screen_ocr import Unreadable, read_screenshot

    truth = truths()
    keys_of = {"terminal": KEYS, "jupyter": notebook_keys(truth["jupyter"])}
    rows = json.loads((folder / "index.json").read_text())
    print("| font | theme | size | scale % | format | held out | digits right / shown | wrong "
          "| key lines sure and right | doubted lines | CPU s per picture |\n" + "|---" * 11 + "|", flush=True)
    results = []
    for row in rows:
        which = "jupyter" if row.get("kind") == "notebook" else "terminal"
        keys_wanted = keys_of[which]
        files = sorted((folder / row["file"]).glob("*.png")) if row["pieces"] else [folder / row["file"]]
        right = shown = wrong = keys = doubted = 0
        seconds, shots, misread = [], [], []
        for file in files:
            used = cpu()
            try:
                text = read_screenshot(file.read_bytes())
                lines, doubts = text.lines, text.doubts
            except Unreadable:
                lines, doubts = [], {}
            seconds.append(cpu() - used)
            shots.append(Shot(file.name, lines, doubts))
            r, s, w, _ = score(lines, truth[which], misread)
            right, shown, wrong, doubted = right + r, shown + s, wrong + w, doubted + len(doubts)
            if not row["pieces"]:
                sure = {squeeze(line) for i, line in enumerate(lines) if i not in doubts}
                keys = sum(k in sure for k in keys_wanted)
        joined = ""
        if row["pieces"]:
            reading = join_shots(shots, "pictures")
            joined = "; joined" if not reading.unread else f"; {reading.unread}"
            sure = {squeeze(line) for line in reading.text.splitlines()} - {
                squeeze(reading.text[o:].split("\n", 1)[0]) for o, _ in reading.doubts}
            keys = sum(k in sure for k in keys_wanted)
        results.append({**row, "right": right, "shown": shown, "wrong": wrong, "keys": keys,
                        "nkeys": len(keys_wanted), "doubted": doubted, "seconds": seconds, "misread": misread})
        pieces = f" ({row['pieces']} overlapping shots{joined})" if row["pieces"] else ""
        print(f"| {row['font']} | {row['theme']} | {row['size']} | {round(row['scale'] * 100)} "
              f"| {row['format']}{pieces} "
              f"| {'yes' if row['held_out'] else 'fitted'} | {right}/{shown} ({right / max(shown, 1):.2%}) | {wrong} "
              f"| {keys}/{len(keys_wanted)} | {doubted} | {statistics.median(seconds):.2f} |", flush=True)
    (folder / "scores.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    summaries(results)
    for held in (True, False):
        if these := [r for r in results if r["held_out"] == held]:
            print(f"\n{'held out' if held else 'fitted'}: " + ", ".join(cells(these))
                  + " (pictures, digits right, digits wrong, key lines, median CPU s a picture)")


NUMBER_CHECKS = ("accuracy", "loss", "evaluation", "confusion_matrix", "f1", "prediction")


def matrix_verdicts(folder: Path) -> None:
    """Each single shot of a matrix graded alone (one grader run for all, each picture a submission), its six
    number checks set beside the same checks on the text the picture shows (keras3.log for a terminal, the
    notebook's outputs for a page): PASS / REVIEW / FAIL, and the PASSes whose number is not the true one
    (a PASS on a number the picture does not show: the issue's worst case, which must stay 0)."""
    rows = [r for r in json.loads((folder / "index.json").read_text()) if not r["pieces"]]
    truth = {which: graded([path])[0] for which, path in (("terminal", REAL / "keras3.log"),
                                                           ("jupyter", REAL / "notebook_matrix_result.html"))}
    shots = graded([folder / r["file"] for r in rows])
    counts, wrong = Counter(), []
    for row, checks in zip(rows, shots, strict=True):
        true = truth["jupyter" if row.get("kind") == "notebook" else "terminal"]
        for name in NUMBER_CHECKS:
            verdict, found = checks[name]
            counts[verdict] += 1
            if verdict == "PASS" and (true[name][0] != "PASS" or found != true[name][1]):
                wrong.append(f"{row['file']}: {name} PASSes on {found!r}, the picture shows {true[name][1]!r}")
    print(f"number checks of {len(rows)} single shots, PASS / REVIEW / FAIL: {verdicts(counts)}; "
          f"PASS on a number the picture does not show: {len(wrong)}")
    print("\n".join(wrong))


def graded(paths: list[Path]) -> list[dict[str, tuple[str, str]]]:
    """{check: (verdict, found)} of each path graded as a submission of its own, in one grader run."""
    out = subprocess.run([sys.executable, str(ROOT / "fashion_items.py"), "grade", "--expected",
                          str(ROOT / "tests" / "data" / "expected.json"), "--json", *map(str, paths)],
                         capture_output=True, text=True, cwd=ROOT).stdout
    subs = {Path(s["submission"]).name: s for s in json.loads(out)["submissions"]}
    return [{c["check"]: (c["verdict"], c.get("found")) for c in subs[p.name]["checks"]} for p in paths]


def verdicts(counts: Counter) -> str:
    return " / ".join(str(counts[v]) for v in ("PASS", "REVIEW", "FAIL"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rapidocr", action="store_true", help="measure RapidOCR too")
    parser.add_argument("--grade", action="store_true", help="grade each picture alone, and the folders and "
                        "documents of them, with the CLI")
    parser.add_argument("--matrix", type=Path, help="score a matrix made by make_screen_matrix.py instead")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if args.matrix:
        return matrix_verdicts(args.matrix) if args.grade else matrix(args.matrix)
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
