#!/usr/bin/env python3
"""The `grade --html` page of a large class: its size, how long grading takes with and without it, and how
fast headless Chromium opens it.

    python benchmarks/html_report.py                     # 300 students, 5 loads
    python benchmarks/html_report.py --students 14 --repeat 1 --screenshot docs/grade_report.png
    python benchmarks/html_report.py --page report.html --loads 25   # a page written before: its load only

The class is tests/real_class.py's Moodle download of real hand-ins (complete runs, a typo, a notebook, a
wrong architecture, a screenshot, a scanned PDF, an abridged matrix, hostile names), repeated under made-up
names to the size asked. Each repeat's printed loss gets other digits past the sixth decimal, as two runs
always print other losses, so the checks' verdicts stay those of the real hand-in and only the class's own
copied pair are copies; --same-runs keeps the numbers, so that every student is a copy of many others (the
page's worst case).

Grading runs `python fashion_items.py grade` in a fresh process each time, with and without --html. The
page is then opened --loads times from file:// in one headless Chromium (tests/browser.py); a load's time
is the Navigation Timing API's loadEventEnd (from the navigation's start until the page, its pictures and
its script are done).
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402
import real_class  # noqa: E402

from fashion_tools.cli import HelpFormatter, positive_int, report_errors  # noqa: E402
from fashion_tools.machine import this_cpu  # noqa: E402

PROG = "benchmarks/html_report.py"


LOSS_DIGITS = re.compile(rb"(Keras CNN model loss =\s*+\d\.\d{6})\d++")


def class_of(students: int, same_runs: bool) -> dict[tuple[str, str], dict[str, bytes]]:
    """The real class's hand-ins, repeated under new names and participant numbers until there are enough.
    Unless same_runs, each repeat's printed loss gets other digits past the sixth decimal (two runs never
    print the same loss), so that only the real class's copied pair are copies."""
    real = list(real_class.hand_ins().items())
    out = {}
    for k in range(students):
        (name, _), files = real[k % len(real)]
        if k >= len(real):
            name = f"{name} {k // len(real) + 1}"
            if not same_runs:
                files = {file: LOSS_DIGITS.sub(lambda m, k=k: m.group(1) + b"%010d" % k, data)
                         for file, data in files.items()}
        out[(name, str(100000 + k))] = files
    return out


def grade_seconds(bundle: Path, html: Path | None) -> float:
    command = [sys.executable, "fashion_items.py", "grade", "--expected", str(real_class.REFERENCE.relative_to(ROOT)),
               str(bundle), *(["--html", str(html)] if html else [])]
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"{PROG}: grade failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return seconds


def load_times(page: Path, loads: int, screenshot: Path | None) -> list[float]:
    """loadEventEnd of each load, in milliseconds; the first load is the browser's first page."""
    driver = browser.chromium()
    try:
        times = []
        for _ in range(loads):
            driver.get(page.as_uri())
            times.append(driver.execute_script(
                "return performance.getEntriesByType('navigation')[0].loadEventEnd"))
        if screenshot:
            screenshots(driver, screenshot)
        return times
    finally:
        driver.quit()


def screenshots(driver, path: Path) -> None:
    """Two pictures for the docs: the page's head and pictures (path), and the table sorted by points with the
    first student who failed a check opened (path's name with _table)."""
    from PIL import Image

    driver.find_element("css selector", "#students > thead button[data-col='4']").click()
    driver.execute_script("document.querySelector('#students > tbody[data-s*=fail] button.who').click()")
    reasons, table, end = driver.execute_script(
        "const y = (id) => document.getElementById(id).getBoundingClientRect().top + window.scrollY;"
        "return [y('reasons'), y('table'), document.documentElement.scrollHeight];")
    for name, start, stop in ((path, 0, reasons),
                              (path.with_name(f"{path.stem}_table{path.suffix}"), table, min(table + 2000, end))):
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": start, "width": 1280, "height": stop - start, "scale": 1}})
        with Image.open(io.BytesIO(base64.b64decode(shot["data"]))) as picture:  # 128 colours: a third of the bytes
            picture.convert("RGB").quantize(128, method=Image.Quantize.MEDIANCUT).save(name, optimize=True)


def run(args: argparse.Namespace) -> int:
    if browser.missing():
        raise SystemExit(f"{PROG}: {browser.missing()}")
    if args.page:
        return measure_page(args)
    with tempfile.TemporaryDirectory(prefix="html-report-") as folder:
        bundle = real_class.moodle_zip(Path(folder) / "class.zip", class_of(args.students, args.same_runs))
        page = Path(folder) / "report.html"
        plain = [grade_seconds(bundle, None) for _ in range(args.repeat)]
        with_page = [grade_seconds(bundle, page) for _ in range(args.repeat)]
        size = page.stat().st_size
        loads = load_times(page, args.loads, args.screenshot)
    cpu = this_cpu()
    print(f"CPU: {cpu.model}, {cpu.cores} cores, {cpu.vector_level}; {args.students} students"
          + (", every repeat a copy" if args.same_runs else ""))
    print(f"page: {size / 1e6:.2f} MB ({size:,} bytes)")
    print(f"grade: {statistics.median(plain):.2f} s without --html, {statistics.median(with_page):.2f} s with it "
          f"(median of {args.repeat})")
    print(f"load (loadEventEnd): first {loads[0]:.0f} ms, median {statistics.median(loads):.0f} ms, "
          f"max {max(loads):.0f} ms over {len(loads)} loads")
    return 0


def measure_page(args: argparse.Namespace) -> int:
    """A page written before (--page): its size and load times only, no grading."""
    loads = sorted(load_times(args.page.resolve(), args.loads, args.screenshot))
    tenth = loads[int(0.9 * (len(loads) - 1))]
    print(f"page: {args.page.stat().st_size / 1e6:.2f} MB; load (loadEventEnd): median {statistics.median(loads):.0f} "
          f"ms, 90th percentile {tenth:.0f} ms, max {loads[-1]:.0f} ms over {len(loads)} loads")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0], formatter_class=HelpFormatter)
    parser.add_argument("--students", type=positive_int, default=300, help="the class's size")
    parser.add_argument("--loads", type=positive_int, default=5, help="times the page is opened")
    parser.add_argument("--repeat", type=positive_int, default=3, help="grading runs with and without --html")
    parser.add_argument("--same-runs", action="store_true",
                        help="keep each repeated hand-in's numbers: every student is then a copy of many others "
                             "(the page's worst case)")
    parser.add_argument("--page", type=Path, default=None,
                        help="measure this page, written before by grade --html, instead of grading a class")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="also save PNGs of the page's head (here) and of its table (NAME_table.png beside it)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return report_errors(PROG, lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
