"""How a browser's print of a real hand-in is made (issue 31): Chromium's own "Print > Save as PDF",
driven through the DevTools protocol (Page.printToPDF, which the print dialog calls), at the settings a
student may pick: A4 or Letter, Chromium's default margins (1 cm) or none, scale 50 % to 150 %, the
browser's header and footer (date, title, URL, page/pages) on or off.

The sources are real files (tests/data/real/README.md says how each was made): `keras3.log` opened as
a text file (Chromium shows a .log as text/plain: each carriage return of Keras' bar starts a line, so
the pixel rows and the matrix fall wherever the page ends), a notebook's nbconvert export
(`notebook_matrix_result.html`, 6 pages; `jupyterlab.html` keeps all 3021 progress updates: 170 pages
and 4.5 MB a print, 8-10 s each here, so it is printed by this script, not by the tests).

The tests print at test time (tests/test_real_renders.py: a few seconds a print, Chromium started once);
nothing is committed. Run by hand to see the whole matrix and the grader's verdicts on it:

    apt-get install chromium chromium-driver; pip install -r requirements-dev.txt
    python tests/data/lecture/make_prints.py OUT_DIR [SOURCE ...]      # SOURCE: keras3.log, jupyterlab.html, ...

It writes OUT_DIR/<source>_<paper>_<margins>_<scale>_<header>.pdf and prints one JSON line per print
(pages, bytes, seconds) after the versions of Chromium, chromedriver and Selenium.
"""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = HERE.parent / "real"
TESTS = HERE.parent.parent

PAPERS = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}  # inches, as the protocol takes them
MARGINS = {"default": None, "minimal": 0.0}  # None: Chromium's default, 1 cm on each side
SCALES = (0.5, 0.75, 1.0, 1.25, 1.5)
HEADERS = {"header": True, "plain": False}
SOURCES = ("keras3.log", "notebook_matrix_result.html", "jupyterlab.html")


def options(paper: str, margins: str, scale: float, header: str) -> dict:
    """Page.printToPDF's parameters for one setting of the print dialog."""
    width, height = PAPERS[paper]
    out = {"paperWidth": width, "paperHeight": height, "scale": scale, "displayHeaderFooter": HEADERS[header],
           "printBackground": False}
    if MARGINS[margins] is not None:
        out |= dict.fromkeys(("marginTop", "marginBottom", "marginLeft", "marginRight"), MARGINS[margins])
    return out


def name(source: str, paper: str, margins: str, scale: float, header: str) -> str:
    return f"{Path(source).stem}_{paper}_{margins}_{round(scale * 100)}_{header}.pdf"


def print_pdf(driver, src: Path, settings: dict) -> bytes:
    """The PDF Chromium prints of src (opened from its file:// URL, as a student opens a download)."""
    driver.get(src.resolve().as_uri())
    return base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", settings)["data"])


def matrix(sources: tuple[str, ...] = SOURCES):
    """Every (source, paper, margins, scale, header) of the matrix."""
    return itertools.product(sources, PAPERS, MARGINS, SCALES, HEADERS)


def versions() -> dict[str, str]:
    def first_line(cmd: list[str]) -> str:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()
        return out[0] if out else ""
    return {"chromium": first_line(["chromium", "--version"]),
            "chromedriver": first_line(["chromedriver", "--version"]), "selenium": version("selenium")}


def main() -> None:
    sys.path.insert(0, str(TESTS))
    from browser import chromium

    out = Path(sys.argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(versions()), flush=True)
    driver = chromium()
    try:
        for source, paper, margins, scale, header in matrix(tuple(sys.argv[2:]) or SOURCES):
            started = time.perf_counter()
            data = print_pdf(driver, REAL / source, options(paper, margins, scale, header))
            target = out / name(source, paper, margins, scale, header)
            target.write_bytes(data)
            print(json.dumps({"file": target.name, "pages": data.count(b"/Type /Page\n") or data.count(b"/Type/Page"),
                              "bytes": len(data), "seconds": round(time.perf_counter() - started, 1)}), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
