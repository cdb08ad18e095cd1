#!/usr/bin/env python3
"""The screenshot reader's shape rules (fashion_tools/grading/readers/ocr/shapes.py) on every digit of every
monospace font this machine's fontconfig knows, as headless Chromium draws them: what a page zoomed out shows
(digits 7-8 px tall) and what a page at 100 % shows (9 px and more).

    python benchmarks/glyph_shapes.py                      # device scale factors 0.8, 0.9 and 1.0
    python benchmarks/glyph_shapes.py --scales 0.8 1.25

tests/test_glyph_shapes.py asks the same of FreeType's drawing (Pillow), which hints each glyph to the pixel
grid; Chromium does not hint across, and places glyphs between pixels, so its small digits differ. Each font
file is loaded by an @font-face rule (no fallback); each digit is drawn alone at CSS sizes 9-16 px, at four
offsets a quarter pixel apart, cut out by its box and made a glyph by the reader's own glyph(). Hairline
faces and bitmap fonts (named by their cell, 'Spleen 8x16') are left out, as in the tests. For each digit and
height: how many glyphs, how many its holes deny its own name (shape_allows: a doubt), how many they name '0'
(shape_digit: wrong but for a zero), how many show a dotted zero's dot (dotted), and of the zeros how many
they deny '8'. Needs Debian's chromium and chromium-driver and the project's selenium (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = range(9, 17)  # CSS px: a notebook's or a terminal's text
OFFSETS = (0, 0.25, 0.5, 0.75)  # CSS px: where between pixels each glyph starts
BATCH = 10  # font files a page
SKIPPED = re.compile(r"Thin|Hairline|ExtraLight|UltraLight")  # weights no output is printed in
BOXES = "return Array.from(document.querySelectorAll('span')).map(e => {const r = e.getBoundingClientRect();" \
        " return [r.left, r.top, r.right, r.bottom]})"


def fonts() -> list[tuple[str, str, str]]:
    """(file, family, style) of each monospace outline font fontconfig lists."""
    listed = subprocess.run(["fc-list", ":spacing=mono", "file"], capture_output=True, text=True, check=True)
    out = []
    for path in sorted(line.strip().rstrip(":") for line in listed.stdout.splitlines()):
        if not path.endswith((".ttf", ".otf")):
            continue
        name = subprocess.run(["fc-query", "-f", "%{family[0]}|%{style[0]}", path], capture_output=True,
                              text=True).stdout
        family, _, style = name.partition("|")
        if not SKIPPED.search(style) and not re.search(r"\d+x\d+", family):
            out.append((path, family, style))
    return out


def page(batch: list[tuple[str, str, str]]) -> tuple[str, int]:
    """An HTML page of each font's digits, each alone, at every size and offset; and its height in CSS px."""
    faces = "".join(f"@font-face {{font-family: 'f{k}'; src: url('{Path(path).as_uri()}');}}"
                    for k, (path, _, _) in enumerate(batch))
    spans, y = [], 4
    for k in range(len(batch)):
        for size in SIZES:
            x = 4
            for digit in "0123456789":
                for offset in OFFSETS:
                    spans.append(f"<span style=\"position: absolute; left: {x + offset}px; top: {y}px; "
                                 f"font: {size}px 'f{k}'; line-height: {2 * size}px\">{digit}</span>")
                    x += 2 * size
            y += 2 * size + 4
    return (f"<html><head><style>{faces} body {{margin: 0; background: #fff; color: #000}}</style></head>"
            f"<body>{''.join(spans)}</body></html>"), y


def drawn(scale: float, found: list[tuple[str, str, str]]) -> list[tuple[str, np.ndarray]]:
    """(digit, glyph) of every span Chromium drew at this device scale factor."""
    from PIL import Image
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from fashion_tools.grading.readers.ocr.glyphs import glyph

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,3000",
                f"--force-device-scale-factor={scale:g}", "--allow-file-access-from-files"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    out = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for start in range(0, len(found), BATCH):
                html, height = page(found[start:start + BATCH])
                path = Path(folder) / f"digits_{start}.html"
                path.write_text(html)
                driver.set_window_size(1400, height + 200)
                driver.get(path.as_uri())
                driver.execute_async_script("document.fonts.ready.then(arguments[0]);")
                time.sleep(0.3)
                boxes = driver.execute_script(BOXES)
                shot = np.asarray(Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("L"))
                digits = [d for _ in range(len(found[start:start + BATCH])) for _ in SIZES for d in "0123456789"
                          for _ in OFFSETS]
                for digit, box in zip(digits, boxes, strict=True):
                    left, top, right, bottom = (v * scale for v in box)
                    g = glyph(255 - shot[max(0, int(top) - 1):int(bottom) + 2, max(0, int(left) - 1):int(right) + 2])
                    if g is not None:
                        out.append((digit, g))
    finally:
        driver.quit()
    return out


def tally(glyphs: list[tuple[str, np.ndarray]]) -> Counter:
    """(digit, height band, what) -> how many."""
    from fashion_tools.grading.readers.ocr.shapes import allows, dotted, holes, shape_allows, shape_digit

    counts: Counter = Counter()
    for digit, g in glyphs:
        if g.shape[0] < 7:
            continue
        band = "7-8 px" if g.shape[0] < 9 else "9 px +"
        counts[digit, band, "glyphs"] += 1
        counts[digit, band, "denied"] += not shape_allows(digit, g)
        counts[digit, band, "named 0"] += shape_digit(g) is not None
        counts[digit, band, "dotted"] += dotted(g)
        counts[digit, band, "no 8"] += digit == "0" and not allows("8", g, holes(g))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.8, 0.9, 1.0],
                        help="Chromium's device scale factors (default 0.8 0.9 1.0)")
    args = parser.parse_args()
    found = fonts()
    glyphs = [g for scale in args.scales for g in drawn(scale, found)]
    counts = tally(glyphs)
    print(f"{len(found)} font files ({len({f for _, f, _ in found})} families), scales {args.scales}, "
          f"{len(glyphs)} glyphs\n")
    columns = ["glyphs", "denied", "named 0", "dotted", "no 8"]
    print("| digit | height | " + " | ".join(columns) + " |\n|---|---|" + "---|" * len(columns))
    for digit in "0123456789":
        for band in ("7-8 px", "9 px +"):
            print(f"| {digit} | {band} | " + " | ".join(str(counts[digit, band, c]) for c in columns) + " |")


if __name__ == "__main__":
    main()
