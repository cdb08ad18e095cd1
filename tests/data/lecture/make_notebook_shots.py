"""Notebook pages in Chromium for the render matrix (issue 31), held out: notebook_matrix_result.ipynb (the real
run whose confusion matrix is the cell's `Out[14]`) exported to HTML by nbconvert, the lab and the classic
template, in six looks: JupyterLab light and dark (nbconvert's own JupyterLab themes), the classic notebook
light and dark (a dark CSS: #111111 page, #1e1e1e code), and Colab light and dark (a CSS on the lab export: no
In/Out prompts, Colab's output font Roboto Mono 14 px, white page or #383838 with #1f1f1f code). Each page is
shot by headless Chromium (Selenium, Debian's chromedriver) in a 1280x1080 window (its page 1280x937 px, as a
browser on a 1080p screen), scrolled as a student scrolls to the end of the run (the evaluation cell at the
top; the evaluation, the matrix, F1 and the prediction below it, all in the window), at device scale factors
100, 150 and 200 %, saved as PNG and as JPEG at quality 70-95, into OUT_DIR beside make_screen_matrix.py's
pictures (index.json: kind "notebook"; benchmarks/ocr.py --matrix scores them against the notebook's outputs).
nbconvert is not one of the project's requirements, and Roboto Mono not a Debian package (Colab's page loads
it from Google Fonts):

    python3 -m venv /tmp/nbc && /tmp/nbc/bin/pip install nbconvert==7.17.2
    mkdir -p /tmp/robotomono && cd /tmp/robotomono && npm pack @fontsource/roboto-mono@5.3.0 \
        && tar xzf fontsource-roboto-mono-5.3.0.tgz    # SIL OFL 1.1
    python tests/data/lecture/make_notebook_shots.py OUT_DIR --nbconvert /tmp/nbc/bin/jupyter-nbconvert \
        --roboto-mono /tmp/robotomono/package

Without --roboto-mono the Colab pages fall back to Chromium's monospace font (index.json names the font each
page's matrix was drawn in, as Chromium reports it). The pages' CDN scripts (require.js, MathJax, jQuery)
are dropped: nothing here is fetched, and nothing they draw is in the shots.

Set B, a second held-out set, scored once before and once after a change to the reader (nobody looks into it
between the two; make_screen_matrix.py --second says more): --second shoots the same six pages at device scale
factors 125 and 175 % instead, saved as PNG and as JPEG at quality 75, 85 or 92 (none the matrix has), its rows
"set": "B"; into the OUT_DIR of make_screen_matrix.py --second:

    python tests/data/lecture/make_notebook_shots.py OUT_DIR --second \
        --nbconvert /tmp/nbc/bin/jupyter-nbconvert --roboto-mono /tmp/robotomono/package

Set C, a third held-out set that nobody looks into (make_screen_matrix.py --set C says more; --set B is
--second): --set C shoots the six pages at device scale factors 110 and 133 % (a browser's 110 % zoom, and a
laptop's 4/3), saved as PNG and as JPEG at quality 72, 78 or 88, its rows "set": "C", and with --plex-mono a
seventh page: JupyterLab light with its code font set to IBM Plex Mono 13 px, as a user's JupyterLab setting
(Settings, Theme, code font family) sets it (@fontsource/ibm-plex-mono, SIL OFL 1.1, its latin subset: the
matrix's box characters, if any, fall back to Chromium's monospace font). Into the OUT_DIR of
make_screen_matrix.py --set C, the package unpacked as its doc string shows:

    python tests/data/lecture/make_notebook_shots.py OUT_DIR --set C \
        --nbconvert /tmp/nbc/bin/jupyter-nbconvert --roboto-mono /tmp/robotomono/package \
        --plex-mono /tmp/ibmplexmono/package

Set H, an eighth held-out set (sets C, F and G have been looked at; nobody looks into this one before it is
scored): the six pages drawn at device scale factors 80 and 90 % (the text at 80 and 90 % of its CSS size, as in
a page zoomed out to see more of the run: Chromium's 13-14 px text at 10.4-12.6 px), and two more looks,
JupyterLab light and dark with their code font set to PT Mono (ParaType's, Debian's fonts-paratype, a font no
set had) at 13 px, saved as PNG and as JPEG at quality 79, 83, 87 or 93 (none used before); rows "set": "H",
into an OUT_DIR of its own:

    apt-get install fonts-paratype
    python tests/data/lecture/make_notebook_shots.py OUT_DIR --set H \
        --nbconvert /tmp/nbc/bin/jupyter-nbconvert --roboto-mono /tmp/robotomono/package

Set I, a ninth held-out set (set H has been looked at; nobody looks into this one before it is scored): the
six pages and JupyterLab light and dark with their code font set to DM Mono 13 px (@fontsource/dm-mono, SIL OFL
1.1, a font no set had), at 100 and 150 %, each saved as PNG, as lossy WebP at quality 80 or 90 (as a platform
may re-encode an upload) and as JPEG at quality 96; and at 200 % resized to half by Pillow's Lanczos filter (as
a learning platform shrinks a large upload), saved as PNG and WebP. No set had WebP, quality 96 or a resized
shot; rows "set": "I", into an OUT_DIR of its own:

    mkdir -p /tmp/dmmono && cd /tmp/dmmono && npm pack @fontsource/dm-mono@5.3.0 \
        && tar xzf fontsource-dm-mono-5.3.0.tgz    # SIL OFL 1.1
    python tests/data/lecture/make_notebook_shots.py OUT_DIR --set I \
        --nbconvert /tmp/nbc/bin/jupyter-nbconvert --roboto-mono /tmp/robotomono/package \
        --dm-mono /tmp/dmmono/package

Set K, an eleventh held-out set (make_screen_matrix.py --set K says more; nobody looks into it before it is
scored): the six pages at 100 and 200 % and JupyterLab light and dark with their code font set to Iosevka 13 px
(@fontsource/iosevka, SIL OFL 1.1, a narrow font no set had), saved as PNG and as JPEG at quality 76, 81 or 89
(none used before; the six looks' PNGs are the matrix's own, byte for byte); rows "set": "K", into the OUT_DIR
of make_screen_matrix.py --set K:

    mkdir -p /tmp/iosevka && cd /tmp/iosevka && npm pack @fontsource/iosevka@5.3.0 \
        && tar xzf fontsource-iosevka-5.3.0.tgz    # SIL OFL 1.1
    python tests/data/lecture/make_notebook_shots.py OUT_DIR --set K \
        --nbconvert /tmp/nbc/bin/jupyter-nbconvert --roboto-mono /tmp/robotomono/package \
        --iosevka /tmp/iosevka/package
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_screen_matrix import ELEVENTH_QUALITIES, QUALITIES, SECOND_QUALITIES, THIRD_QUALITIES, write_index  # noqa: E402

NOTEBOOK = HERE.parent / "real" / "notebook_matrix_result.ipynb"
SCALES = [1.0, 1.5, 2.0]
SECOND_SCALES = [1.25, 1.75]  # set B: between the matrix's, as Windows' 125 % and 175 % display settings
THIRD_SCALES = [1.1, 1.33]  # set C: a browser's 110 % zoom, a 4/3 laptop display
# set H: text drawn at 80 and 90 % (a page zoomed out to see more of a run), JPEG at qualities no set used
EIGHTH_SCALES, EIGHTH_QUALITIES = [0.8, 0.9], [79, 83, 87, 93]
# set I: WebP at these qualities, JPEG at JPEG_NINTH, and the 200 % shots resized to half
NINTH_SCALES, NINTH_QUALITIES, JPEG_NINTH, RESIZED = [1.0, 1.5, 2.0], [80, 90], 96, 2.0
SETS = {"B": (SECOND_SCALES, SECOND_QUALITIES), "C": (THIRD_SCALES, THIRD_QUALITIES),
        "H": (EIGHTH_SCALES, EIGHTH_QUALITIES), "I": (NINTH_SCALES, NINTH_QUALITIES),
        "K": ([1.0, 2.0], ELEVENTH_QUALITIES)}
COLAB = """:root {{ --jp-layout-color0: {page}; --jp-layout-color1: {page}; --jp-cell-editor-background: {code};
  --jp-cell-editor-border-color: {code}; --jp-content-font-color1: {text}; --jp-ui-font-color1: {text};
  --jp-code-font-family: 'Roboto Mono', monospace; --jp-code-font-size: 14px; }}
body, .jp-Notebook, .jp-Cell, .jp-OutputArea-output {{ background: {page} !important; color: {text}; }}
.jp-InputPrompt, .jp-OutputPrompt {{ visibility: hidden; }}
.jp-RenderedText pre {{ font-family: 'Roboto Mono', monospace; font-size: 14px; color: {text}; }}"""
CLASSIC_DARK = """body, #notebook, #notebook-container, div.cell, div.output_area, div.output_subarea {
  background: #111111 !important; color: #d4d4d4; box-shadow: none !important; }
div.input_area, .highlight { background: #1e1e1e !important; border-color: #333333 !important; }
.highlight * { color: #d4d4d4 !important; }
div.output_area pre, div.output_text pre { color: #d4d4d4; background: transparent; }
div.prompt { color: #6a9fb5 !important; }"""
# style: (nbconvert template, its theme, CSS added)
STYLES = {
    "jupyterlab_light": ("lab", "light", ""),
    "jupyterlab_dark": ("lab", "dark", ""),
    "classic_light": ("classic", "light", ""),
    "classic_dark": ("classic", "light", CLASSIC_DARK),
    "colab_light": ("lab", "light", COLAB.format(page="#ffffff", code="#f7f7f7", text="#212121")),
    "colab_dark": ("lab", "dark", COLAB.format(page="#383838", code="#1f1f1f", text="#d5d5d5")),
}
def mono_css(family: str) -> str:
    """A JupyterLab page's code and outputs in one monospace family at 13 px (a set's own look)."""
    return f""":root {{ --jp-code-font-family: '{family}', monospace; --jp-code-font-size: 13px; }}
.jp-RenderedText pre, .jp-OutputArea-output pre {{ font-family: '{family}', monospace; font-size: 13px; }}"""


PLEX = mono_css("IBM Plex Mono")
PLEX_STYLE = {"jupyterlab_plex": ("lab", "light", PLEX)}  # set C, with --plex-mono
PT_MONO = mono_css("PT Mono")  # set H: ParaType's PT Mono (Debian's fonts-paratype), no set's font before
PT_STYLES = {"jupyterlab_ptmono_light": ("lab", "light", PT_MONO), "jupyterlab_ptmono_dark": ("lab", "dark", PT_MONO)}
DM_MONO = mono_css("DM Mono")  # set I: DM Mono (Fontsource's copy), no set's font before
DM_STYLES = {"jupyterlab_dmmono_light": ("lab", "light", DM_MONO), "jupyterlab_dmmono_dark": ("lab", "dark", DM_MONO)}
IOSEVKA = mono_css("Iosevka")  # set K: Iosevka (Fontsource's copy), narrow, no set's font before
IOSEVKA_STYLES = {"jupyterlab_iosevka_light": ("lab", "light", IOSEVKA),
                  "jupyterlab_iosevka_dark": ("lab", "dark", IOSEVKA)}
FIND = """const cell = [...document.querySelectorAll('.jp-CodeCell, div.code_cell')]
    .find(c => c.innerText.includes('model.evaluate('));
const pre = [...document.querySelectorAll('pre')].find(p => p.innerText.includes('array([['));
pre.setAttribute('data-shot', 'matrix');
cell.scrollIntoView(true); window.scrollBy(0, -10);
const last = [...document.querySelectorAll('pre')].find(p => p.innerText.includes('Prediction after learning'));
return [getComputedStyle(pre).fontSize, last.getBoundingClientRect().bottom, window.innerHeight];"""


def face(family: str, package: Path | None) -> str:
    """An @font-face of a Fontsource package's latin subset, the font in the page (nothing fetched)."""
    if not package:
        return ""
    file = package / "files" / f"{family.lower().replace(' ', '-')}-latin-400-normal.woff2"
    font = base64.b64encode(file.read_bytes()).decode()
    return f"@font-face {{ font-family: '{family}'; src: url(data:font/woff2;base64,{font}) format('woff2'); }}"


def pages(nbconvert: str, folder: Path, roboto: Path | None, styles: dict = STYLES,
          plex: Path | None = None, dm: Path | None = None, iosevka: Path | None = None) -> dict[str, Path]:
    """Each style's page: the notebook exported by nbconvert, its CDN scripts dropped, the style's CSS last."""
    faces = {"Roboto Mono": face("Roboto Mono", roboto), "IBM Plex Mono": face("IBM Plex Mono", plex),
             "DM Mono": face("DM Mono", dm), "Iosevka": face("Iosevka", iosevka)}
    out = {}
    for style, (template, theme, css) in styles.items():
        name = f"{template}_{theme}"
        html = folder / f"{name}.html"
        if not html.exists():
            subprocess.run([nbconvert, "--to", "html", "--template", template, "--theme", theme, "--output-dir",
                            str(folder), "--output", name, str(NOTEBOOK)], check=True, capture_output=True)
        text = re.sub(r'<script src="https://[^"]*"[^>]*>\s*</script>', "", html.read_text())
        if css:
            used = "".join(f for family, f in faces.items() if family in css)
            text = text.replace("</head>", f"<style>{used}\n{css}</style>\n</head>", 1)
        out[style] = folder / f"{style}.html"
        out[style].write_text(text)
    return out


def shoot(scale: float, pages: dict[str, Path]) -> dict[str, tuple]:
    """Each page's screenshot in one Chromium at that device scale factor: (picture, the matrix's font size
    in CSS px, the font Chromium drew the matrix in)."""
    from PIL import Image
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1080",
                f"--force-device-scale-factor={scale:g}", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]:
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
    shots = {}
    try:
        for style, page in pages.items():
            driver.get(page.as_uri())
            driver.execute_async_script("document.fonts.ready.then(arguments[0]);")
            size, bottom, height = driver.execute_script(FIND)
            if bottom > height:
                print(f"{style}: the prediction is below the window ({bottom:.0f} > {height} px)", flush=True)
            time.sleep(0.5)
            driver.execute_cdp_cmd("DOM.enable", {})
            driver.execute_cdp_cmd("CSS.enable", {})
            root = driver.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
            node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": "[data-shot=matrix]"})
            fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            font = max(fonts, key=lambda f: f["glyphCount"])["familyName"]
            shots[style] = (Image.open(io.BytesIO(driver.get_screenshot_as_png())), size, font)
    finally:
        driver.quit()
    return shots


def saved(picture, out: Path, name: str, scale: float, quality: int, held_set: str | None) -> list[tuple[str, str]]:
    """A shot's files: (format, file name). PNG and JPEG; set I's PNG, WebP and JPEG, or, of its 200 % shots,
    the shot resized to half, as PNG and WebP."""
    from PIL import Image

    if held_set != "I":
        picture.save(out / f"{name}.png", optimize=True)
        picture.convert("RGB").save(out / f"{name}_q{quality}.jpg", quality=quality)
        return [("PNG", f"{name}.png"), (f"JPEG q{quality}", f"{name}_q{quality}.jpg")]
    files = []
    if scale == RESIZED:
        picture = picture.resize((picture.width // 2, picture.height // 2), Image.LANCZOS)
        name = f"{name}_half"
    picture.save(out / f"{name}.png", optimize=True)
    picture.convert("RGB").save(out / f"{name}_w{quality}.webp", quality=quality)
    files += [("PNG", f"{name}.png"), (f"WebP q{quality}", f"{name}_w{quality}.webp")]
    if scale != RESIZED:
        picture.convert("RGB").save(out / f"{name}_q{JPEG_NINTH}.jpg", quality=JPEG_NINTH)
        files.append((f"JPEG q{JPEG_NINTH}", f"{name}_q{JPEG_NINTH}.jpg"))
    return [(f"{form} resized 50 %" if scale == RESIZED else form, file) for form, file in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--nbconvert", default="jupyter-nbconvert", help="nbconvert's command")
    parser.add_argument("--roboto-mono", type=Path, help="the unpacked npm package @fontsource/roboto-mono")
    parser.add_argument("--set", choices=sorted(SETS), help="a held-out set (B, C, H, I or K) instead")
    parser.add_argument("--second", action="store_true", help="set B (as --set B)")
    parser.add_argument("--plex-mono", type=Path, help="set C: the unpacked npm package @fontsource/ibm-plex-mono")
    parser.add_argument("--dm-mono", type=Path, help="set I: the unpacked npm package @fontsource/dm-mono")
    parser.add_argument("--iosevka", type=Path, help="set K: the unpacked npm package @fontsource/iosevka")
    args = parser.parse_args()
    held_set = args.set or ("B" if args.second else None)
    if not shutil.which(args.nbconvert):
        sys.exit(f"no nbconvert ({args.nbconvert}): the module's doc string says how to install it")
    args.out.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([args.nbconvert, "--version"], capture_output=True, text=True).stdout.strip()
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    print(json.dumps({"nbconvert": version, "chromium": chromium, "roboto_mono": str(args.roboto_mono)}), flush=True)
    scales, qualities = SETS[held_set] if held_set else (SCALES, QUALITIES)
    which = {"set": held_set} if held_set else {}  # the matrix's rows keep their old form
    styles = {**STYLES, **(PLEX_STYLE if held_set == "C" and args.plex_mono else {}),
              **(PT_STYLES if held_set == "H" else {}), **(DM_STYLES if held_set == "I" and args.dm_mono else {}),
              **(IOSEVKA_STYLES if held_set == "K" and args.iosevka else {})}
    if held_set == "C" and not args.plex_mono:
        print("no --plex-mono: the page in IBM Plex Mono is skipped", flush=True)
    index = []
    with tempfile.TemporaryDirectory() as folder:
        styled = pages(args.nbconvert, Path(folder), args.roboto_mono, styles, args.plex_mono, args.dm_mono,
                       args.iosevka)
        for j, scale in enumerate(scales):
            for i, (style, (picture, size, font)) in enumerate(shoot(scale, styled).items()):
                name, quality = f"notebook_{style}_{round(scale * 100)}", qualities[(i + j) % len(qualities)]
                row = {"font": font, "theme": style, "size": size, "scale": scale, "quality": quality,
                       "kind": "notebook", "held_out": True, "pieces": 0, **which}
                index += [{**row, "format": form, "file": file}
                          for form, file in saved(picture, args.out, name, scale, quality, held_set)]
                print(name, picture.size, size, font, flush=True)
    write_index(args.out, index)


if __name__ == "__main__":
    main()
