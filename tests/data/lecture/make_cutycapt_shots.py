"""Set G, a seventh held-out set (set F was looked at after its second score): the notebook pages in a fourth
browser engine, QtWebKit 5.212 (Debian's cutycapt, which draws a page with Qt's own font rasterising, neither
Skia's, Firefox's nor WebKitGTK's), none of whose pictures anyone looks at while the reader changes.

The pages are make_notebook_shots.py's (its pages(): the same nbconvert export, templates and CSS), all six of
its looks and an eighth in Liberation Mono 13 px (the Courier New look of a page on a machine without Courier
New: fontconfig gives its metric clone); cells before the evaluation cell are hidden by a script in the page,
so that the page's top is where make_notebook_shots.py scrolls to, and its first 1280x937 CSS px times the zoom
are kept, as a screenshot of the window. cutycapt draws the whole page at --zoom-factor 1.0, 1.25 and 1.75
(a browser's zoom: no display scale factor in QtWebKit); every shot is saved as PNG and as JPEG at quality 76,
81 or 89 (none of the other sets'). index.json's rows say "set": "G"; benchmarks/ocr.py --matrix OUT_DIR
scores them.

    apt-get install xvfb xauth cutycapt fonts-liberation fonts-dejavu-core
    python3 -m venv /tmp/nbc && /tmp/nbc/bin/pip install nbconvert==7.17.2
    python tests/data/lecture/make_cutycapt_shots.py OUT_DIR --nbconvert /tmp/nbc/bin/jupyter-nbconvert \
        --roboto-mono /tmp/robotomono/package
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_notebook_shots  # noqa: E402
import make_other_renderers  # noqa: E402
from make_screen_matrix import write_index  # noqa: E402

QUALITIES_G = [76, 81, 89]
assert not set(QUALITIES_G) & {*make_other_renderers.QUALITIES_F, *make_other_renderers.QUALITIES_E,
                               *make_other_renderers.QUALITIES_D, *make_notebook_shots.QUALITIES,
                               *make_notebook_shots.SECOND_QUALITIES, *make_notebook_shots.THIRD_QUALITIES}
ZOOMS = [1.0, 1.25, 1.75]
LIBERATION = make_notebook_shots.mono_css("Liberation Mono")
LOOKS = {**make_notebook_shots.STYLES, "liberation_light": ("lab", "light", LIBERATION)}
SIZES = {"jupyterlab": "13px", "classic": "14px", "colab": "14px", "liberation": "13px"}  # as the other sets' pages
HIDE = """<script>
document.addEventListener('DOMContentLoaded', function () {
  var cells = document.querySelectorAll('.jp-Cell, div.cell');
  for (var i = 0; i < cells.length && cells[i].textContent.indexOf('model.evaluate(') < 0; i++) {
    cells[i].style.display = 'none';
  }
});
</script>"""


def main() -> None:
    from PIL import Image

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--nbconvert", default="jupyter-nbconvert", help="nbconvert's command")
    parser.add_argument("--roboto-mono", type=Path, help="the unpacked npm package @fontsource/roboto-mono")
    args = parser.parse_args()
    for tool in (args.nbconvert, "cutycapt", "xvfb-run"):
        if not shutil.which(tool):
            sys.exit(f"no {tool}: the module's doc string says how to install it")
    args.out.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libqt5webkit5"], capture_output=True,
                             text=True).stdout
    renderer = f"cutycapt (QtWebKit {version.split('+')[0]})"
    print(renderer, flush=True)
    index = []
    with tempfile.TemporaryDirectory() as folder:
        pages = make_notebook_shots.pages(args.nbconvert, Path(folder), args.roboto_mono, LOOKS)
        in_page = {"Roboto Mono"} if args.roboto_mono else set()  # (Colab's font, from the npm package)
        for page in pages.values():
            page.write_text(page.read_text().replace("</head>", f"{HIDE}\n</head>", 1))
        for j, zoom in enumerate(ZOOMS):
            for i, (style, page) in enumerate(pages.items()):
                name, quality = f"notebook_cutycapt_{style}_{round(zoom * 100)}", QUALITIES_G[(i + j) % 3]
                whole = Path(folder) / f"{name}.png"
                width, height = (round(p * zoom) for p in make_other_renderers.PAGE)  # the window, in pixels
                subprocess.run(["xvfb-run", "-a", "cutycapt", f"--url={page.as_uri()}", f"--out={whole}",
                                f"--min-width={width}", f"--min-height={height}", f"--zoom-factor={zoom:g}",
                                "--delay=500"],
                               check=True, capture_output=True, timeout=120)
                picture = Image.open(whole).convert("RGB")
                picture = picture.crop((0, 0, min(width, picture.width), min(height, picture.height)))
                picture.save(args.out / f"{name}.png", optimize=True)
                picture.save(args.out / f"{name}_q{quality}.jpg", quality=quality)
                row = {"font": make_other_renderers.look_font(style, in_page), "theme": style,
                       "size": SIZES[style.split("_")[0]], "scale": zoom, "quality": quality, "kind": "notebook",
                       "renderer": renderer, "held_out": True, "pieces": 0, "set": "G"}
                index += [{**row, "format": "PNG", "file": f"{name}.png"},
                          {**row, "format": f"JPEG q{quality}", "file": f"{name}_q{quality}.jpg"}]
                print(name, picture.size, row["font"], flush=True)
    write_index(args.out, index)


if __name__ == "__main__":
    main()
