"""Set D, a fourth set, held out until its second score: the same pictures from other real renderers than xterm
and Chromium, which every render so far came from (make_screen_matrix.py, make_notebook_shots.py): nobody
tuned the reader on them, and it was scored as it was, twice (4937595, c4c0800), then looked at (so no
longer held out: set E below is).

Notebook pages: the pages make_notebook_shots.py exports (its pages(), the same nbconvert templates and CSS)
in four looks, JupyterLab light and dark, the classic notebook light and Colab light (Roboto Mono 14 px),
shown by Firefox ESR (Debian's firefox-esr) in its kiosk mode under Xvfb, the window 1280x937 CSS px as
Chromium's page, at display scales 100, 125 and 150 % (the profile's layout.css.devPixelsPerPx, the screen
that many pixels), and grabbed from the screen (Pillow's ImageGrab): Firefox itself draws at that scale, as
on a HiDPI screen. No geckodriver: Debian does not package it, and npm's and pip's download it from
elsewhere. A script added to each page (make_notebook_shots.FIND, run on load, on resize and when the fonts
are ready) scrolls it as Chromium's shots are scrolled, the evaluation cell at the top, and puts the
matrix's font size, where the prediction ends and the page's size and scale in the window's title, which is
read back (xdotool) before the grab: a page whose prediction is below the window is said so. The font
each look's matrix is in is named as fontconfig resolves its CSS family list (JupyterLab's Menlo, Consolas,
DejaVu Sans Mono; the classic page's monospace; Colab's Roboto Mono, in the page).

Terminals: `cat keras3.log` (make_screen_matrix.py's run, its last 40 lines in a 120x40 window) in
rxvt-unicode (urxvt, its Xft font: -fn xft:FONT:size=N; its default scroll bar kept) and in st (Debian's
stterm: -f FONT:size=N; st takes no colours on its command line, so the run first sets them with OSC 10 and
11, as a theme does), each in three monospace fonts that neither the matrix nor sets B and C have, all
Debian's: IBM 3270 (fonts-3270), monofur (fonts-monofur), Terminus (fonts-terminus-otb, a bitmap font:
fontconfig picks its nearest size) in urxvt; Tlwg Mono (fonts-tlwg-mono-ttf), D2Coding
(fonts-naver-d2coding) and CMU Typewriter Text (fonts-cmu) in st. Two rows each: twelve of the themes, sizes
9-16 pt, display scales 100 and 150 % (the font's points times the scale, 96 dpi, as make_screen_matrix.py).
A font fontconfig lacks is skipped with a message (the terminal would draw another, silently).

Every shot is saved as PNG and as JPEG at quality 74, 82 or 94 (none of the other sets': make_screen_matrix.py
QUALITIES, SECOND_QUALITIES, THIRD_QUALITIES), the notebook pages' JPEG for every other shot. index.json's
rows say "set": "D", held out, the kind ("notebook", or "terminal") and the renderer with its version
("firefox-esr 153.8.0esr", "rxvt-unicode 9.30", "stterm 0.9"); benchmarks/ocr.py --matrix OUT_DIR scores them.

    apt-get install xvfb xdotool firefox-esr rxvt-unicode stterm fonts-dejavu-core fonts-3270 fonts-monofur \
        fonts-terminus-otb fonts-tlwg-mono-ttf fonts-naver-d2coding fonts-cmu
    python3 -m venv /tmp/nbc && /tmp/nbc/bin/pip install nbconvert==7.17.2
    mkdir -p /tmp/robotomono && cd /tmp/robotomono && npm pack @fontsource/roboto-mono@5.3.0 \
        && tar xzf fontsource-roboto-mono-5.3.0.tgz    # SIL OFL 1.1
    python tests/data/lecture/make_other_renderers.py OUT_DIR --nbconvert /tmp/nbc/bin/jupyter-nbconvert \
        --roboto-mono /tmp/robotomono/package [--only NAME ...] [--no-notebooks] [--no-terminals]

OUT_DIR is a folder of its own (not the matrix's nor set B's or C's).

Set E, a fifth held-out set (set D was looked at after its second score): --set E renders the same `cat
keras3.log` in xfce4-terminal 1.0.4 (Debian's; VTE, the widget GNOME Terminal draws with, so its cells, line
spacing and bold are GNOME Terminal's; --disable-server, menu, tool and scroll bars hidden, the theme's colours
by --color-bg and --color-text, the font by --font 'FAMILY POINTS') in three fonts no other set has, all
Debian's: Bitstream Vera Sans Mono (ttf-bitstream-vera), M PLUS Code Latin 60 (fonts-mplus) and B612 Mono
(fonts-b612), two rows each as set D's terminals, JPEG at quality 73, 84 or 91 (none used before); rows say
"set": "E". No notebook pages.

    apt-get install xvfb xdotool xfce4-terminal ttf-bitstream-vera fonts-mplus fonts-b612
    python tests/data/lecture/make_other_renderers.py OUT_DIR --set E

Set F, a sixth held-out set, of notebook pages, where the reader was weakest when it was made (JPEGs of
pages at 100 %): the same pages in a third browser engine, WebKit (Safari's and GNOME Web's), as Debian's
WebKitGTK 2.50 draws them in a GTK window (python3-gi; its own font rasterising and hinting, neither Skia's
nor Firefox's), grabbed from the screen as set D's: all six of make_notebook_shots.STYLES and a seventh look in
Courier New's clone (URW's Nimbus Mono PS 13 px, as a page whose monospace falls back to Courier), at 100 %,
a browser's 120 % zoom (WebKit's page zoom) and a 200 % HiDPI screen (GDK_SCALE=2); every shot also as JPEG at
quality 71, 77 or 86 (none used before). Rows say "set": "F".

    apt-get install xvfb xdotool python3-gi gir1.2-webkit2-4.1 fonts-urw-base35 fonts-dejavu-core
    python tests/data/lecture/make_other_renderers.py OUT_DIR --set F --nbconvert /tmp/nbc/bin/jupyter-nbconvert \
        --roboto-mono /tmp/robotomono/package

Set J, a tenth held-out set (set H, Chromium's pages zoomed out to 80 and 90 %, was looked into to read text
under 9 px; nobody looks into this one before it is scored): the six looks of make_notebook_shots.STYLES in
Firefox (layout.css.devPixelsPerPx) and in WebKitGTK (its page zoom) at 80 and 90 %, the other two engines'
small text, every shot as PNG and as JPEG at quality 65, 68 or 97 (none used before: two below every other
set's, as a chat app recompresses a picture, and one above). Rows say "set": "J".

    python tests/data/lecture/make_other_renderers.py OUT_DIR --set J --nbconvert /tmp/nbc/bin/jupyter-nbconvert \
        --roboto-mono /tmp/robotomono/package
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_notebook_shots  # noqa: E402
import make_screen_matrix  # noqa: E402
from make_screen_matrix import LOG, SIZES, THEMES, installed, write_index  # noqa: E402

QUALITIES_D = [74, 82, 94]
assert not set(QUALITIES_D) & {*make_screen_matrix.QUALITIES, *make_screen_matrix.SECOND_QUALITIES,
                              *make_screen_matrix.THIRD_QUALITIES}
SCALES_D = [1.0, 1.25, 1.5]  # the notebook pages'
TERMINAL_SCALES = [1.0, 1.5]
LOOKS = ["jupyterlab_light", "jupyterlab_dark", "classic_light", "colab_light"]  # of make_notebook_shots.STYLES
LOOK_FONTS = {"jupyterlab": ["Menlo", "Consolas", "DejaVu Sans Mono"], "classic": ["monospace"],
              "colab": ["Roboto Mono"]}  # each look's CSS font families, in order: the first fontconfig has
TERMINAL_FONTS = {"urxvt": ["IBM 3270", "monofur", "Terminus"], "stterm": ["Tlwg Mono", "D2Coding",
                                                                           "CMU Typewriter Text"]}
QUALITIES_E = [73, 84, 91]
assert not set(QUALITIES_E) & {*QUALITIES_D, *make_screen_matrix.QUALITIES, *make_screen_matrix.SECOND_QUALITIES,
                               *make_screen_matrix.THIRD_QUALITIES}
TERMINAL_FONTS_E = {"xfce4-terminal": ["Bitstream Vera Sans Mono", "M PLUS Code Latin 60", "B612 Mono"]}
QUALITIES_F = [71, 77, 86]
assert not set(QUALITIES_F) & {*QUALITIES_E, *QUALITIES_D, *make_screen_matrix.QUALITIES,
                               *make_screen_matrix.SECOND_QUALITIES, *make_screen_matrix.THIRD_QUALITIES}
SCALES_F = [1.0, 1.2, 2.0]  # 100 %, a browser's 120 % zoom, a HiDPI screen
QUALITIES_J = [65, 68, 97]
assert not set(QUALITIES_J) & {*QUALITIES_F, *QUALITIES_E, *QUALITIES_D, *make_screen_matrix.QUALITIES,
                               *make_screen_matrix.SECOND_QUALITIES, *make_screen_matrix.THIRD_QUALITIES,
                               *make_notebook_shots.EIGHTH_QUALITIES, make_notebook_shots.JPEG_NINTH}
SCALES_J = [0.8, 0.9]  # pages zoomed out, as set H's in Chromium
COURIER = make_notebook_shots.mono_css("Nimbus Mono PS")
COURIER_STYLE = {"courier_light": ("lab", "light", COURIER)}  # set F: Courier New's look (URW's clone)
LOOKS_F = [*make_notebook_shots.STYLES, *COURIER_STYLE]
LOOK_FONTS["courier"] = ["Nimbus Mono PS"]
LOOK_FONTS["liberation"] = ["Liberation Mono"]  # set G's (make_cutycapt_shots.py)
WEBKIT_PYTHON = "/usr/bin/python3"  # Debian's, with python3-gi: WebKitGTK is not on PyPI
WEBKIT = """import sys
import gi
gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2
uri, width, height, zoom = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
window = Gtk.Window(title="loading")
window.set_decorated(False)
window.set_default_size(width, height)
window.move(0, 0)
view = WebKit2.WebView()
view.set_zoom_level(zoom)
view.connect("notify::title", lambda v, _: window.set_title(v.get_title() or ""))
window.add(view)
window.connect("destroy", Gtk.main_quit)
window.show_all()
view.load_uri(uri)
Gtk.main()
"""
PAGE = 1280, 937  # CSS px: Chromium's page in its 1280x1080 window (make_notebook_shots.py)
PLACE = """<script>
function place() {{ const r = (function () {{ {find} }})();
  document.title = 'shot ' + JSON.stringify([r[0], Math.round(r[1]), innerWidth, innerHeight, devicePixelRatio]); }}
addEventListener('load', () => {{ place(); document.fonts.ready.then(place); }});
addEventListener('resize', place);
</script>"""
PREFS = {"layout.css.devPixelsPerPx": None, "browser.shell.checkDefaultBrowser": False,
         "browser.aboutwelcome.enabled": False, "browser.startup.homepage_override.mstone": "ignore",
         "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.reportingpolicy.firstRun": False,
         "app.update.enabled": False, "general.smoothScroll": False, "browser.sessionstore.resume_from_crash": False}


def version(command: list[str], pattern: str) -> str:
    out = subprocess.run(command, capture_output=True, text=True)
    return re.search(pattern, out.stdout + out.stderr).group(1)


def terminal_rows(fonts: dict[str, list[str]], qualities: list[int], turn: int = 0) -> list[dict]:
    """Each terminal's fonts, two rows each: the themes, sizes, scales and JPEG qualities in turn (set E's from
    another place in the turn than set D's, turn)."""
    rows, themes = [], list(THEMES)
    for n, (terminal, font) in enumerate((t, f) for t, fonts in fonts.items() for f in fonts for _ in range(2)):
        size, scale = SIZES[(5 * n + turn) % len(SIZES)], TERMINAL_SCALES[n % 2]
        rows.append({"terminal": terminal, "font": font, "theme": themes[(3 * n + 2 + turn) % len(themes)],
                     "size": size, "scale": scale if size * scale <= 24 else 1.0, "quality": qualities[n % 3]})
    return rows


def terminal_command(row: dict, log: Path) -> list[str]:
    bg, fg = THEMES[row["theme"]]
    points = f"{row['size'] * row['scale']:g}"
    if row["terminal"] == "urxvt":
        return ["urxvt", "-geometry", "120x40+0+0", "-fn", f"xft:{row['font']}:size={points}", "-bg", bg, "-fg", fg,
                "-sl", "2000", "-e", "sh", "-c", f"cat {log}; sleep 600"]
    if row["terminal"] == "xfce4-terminal":
        return ["xfce4-terminal", "--disable-server", "--geometry", "120x40+0+0", "--font", f"{row['font']} {points}",
                "--color-bg", bg, "--color-text", fg, "--hide-menubar", "--hide-toolbar", "--hide-scrollbar",
                "--hide-borders", "-x", "sh", "-c", f"cat {log}; sleep 600"]
    return ["stterm", "-g", "120x40+0+0", "-f", f"{row['font']}:size={points}", "-e", "sh", "-c",
            f"printf '\\033]11;{bg}\\007\\033]10;{fg}\\007'; cat {log}; sleep 600"]


def look_font(style: str, in_page: set[str]) -> str:
    """The font a look's outputs are drawn in: the first of its families in the page (@font-face) or installed."""
    families = LOOK_FONTS[style.split("_")[0]]
    if family := next((f for f in families if f in in_page), None):
        return family
    family = next((f for f in families if installed(f)), "monospace")  # else Firefox's monospace
    return subprocess.run(["fc-match", "-f", "%{family[0]}", family], capture_output=True, text=True).stdout


BLANK_WAIT = 30  # s: how long a window grabbed blank is waited for before it is kept as drawn


def browser_shot(command: list[str], scale: float, display: str, env: dict | None = None) -> tuple:
    """A page in a browser's window on display (its screen the window's size; command opens it), grabbed once
    it is drawn: (picture, what the page's script put in the title: the matrix's font size, the prediction's
    bottom, the page's width, height and scale)."""
    from PIL import ImageGrab

    env = {**os.environ, **(env or {}), "DISPLAY": display}
    width, height = (round(p * scale) for p in PAGE)
    browser = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        window = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--pid", str(browser.pid)], env=env,
                                capture_output=True, text=True, check=True).stdout.split()[0]
        subprocess.run(["xdotool", "windowmove", window, "0", "0", "windowsize", window, str(width), str(height)],
                       env=env, check=True)
        title, started = "", time.time()
        while time.time() - started < 60:
            time.sleep(0.5)
            title = subprocess.run(["xdotool", "getwindowname", window], env=env, capture_output=True,
                                   text=True).stdout
            found = re.search(r"shot (\[.*?\])", title)
            # (within a pixel, or 1 %: Firefox at 90 % rounds its pixel to 67 of its app units, a 1286x941 page)
            if found and all(abs(a - b) <= max(1, b / 100) for a, b in zip(json.loads(found.group(1))[2:4], PAGE,
                                                                              strict=True)):
                break
        else:
            raise RuntimeError(f"{command[0]} at {scale:g}: the page never reported its place ({title!r})")
        shot, started = ImageGrab.grab(bbox=(0, 0, width, height), xdisplay=display), time.time()
        while True:  # drawn when two grabs agree, and not one colour (WebKitGTK's classic page, now and then,
            time.sleep(1.0)  # long after it reported its place); a page still blank after BLANK_WAIT s is kept
            again = ImageGrab.grab(bbox=(0, 0, width, height), xdisplay=display)
            blank = all(low == high for low, high in again.getextrema())
            if again.tobytes() == shot.tobytes() and (not blank or time.time() - started > BLANK_WAIT):
                break
            shot = again
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        browser.wait()
    return shot, json.loads(found.group(1))


def firefox_command(page: Path, scale: float, profile: str) -> tuple[list[str], dict]:
    """Firefox's kiosk window at that display scale (its profile's layout.css.devPixelsPerPx)."""
    prefs = {**PREFS, "layout.css.devPixelsPerPx": f"{scale:g}"}
    (Path(profile) / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n"
                                                   for k, v in prefs.items()))
    return ["firefox-esr", "--kiosk", "--no-remote", "--profile", profile, page.as_uri()], {}


def webkit_command(page: Path, scale: float, profile: str) -> tuple[list[str], dict]:
    """WebKitGTK's window: a whole display scale by GDK_SCALE (GTK takes whole ones), the rest as page zoom."""
    device = 2 if scale >= 2 else 1
    return [WEBKIT_PYTHON, "-c", WEBKIT, page.as_uri(), str(PAGE[0]), str(PAGE[1]), f"{scale / device:g}"], \
        {"GDK_SCALE": str(device), "XDG_CACHE_HOME": profile, "XDG_DATA_HOME": profile}


def notebooks(args, out: Path, renderer: str) -> list[dict]:
    """The notebook pages in Firefox (set D) or WebKitGTK (set F), or either (set J), each scale on a screen of its
    own."""
    command = webkit_command if renderer.startswith("WebKitGTK") else firefox_command
    looks, scales, qualities, every = (LOOKS_F, SCALES_F, QUALITIES_F, 1) if args.set == "F" else \
        (list(make_notebook_shots.STYLES), SCALES_J, QUALITIES_J, 1) if args.set == "J" else \
        (LOOKS, SCALES_D, QUALITIES_D, 2)
    browser = renderer.split()[0].split("-")[0].lower()
    index = []
    with tempfile.TemporaryDirectory() as folder:
        styles = {s: {**make_notebook_shots.STYLES, **COURIER_STYLE}[s] for s in looks}
        pages = make_notebook_shots.pages(args.nbconvert, Path(folder), args.roboto_mono, styles)
        place = PLACE.format(find=make_notebook_shots.FIND)
        in_page = {"Roboto Mono"} if args.roboto_mono else set()
        for page in pages.values():
            page.write_text(page.read_text().replace("</body>", f"{place}\n</body>", 1))
        for j, scale in enumerate(scales):
            width, height = (round(p * scale) for p in PAGE)
            display = next(f":{n}" for n in range(93, 200) if not Path(f"/tmp/.X{n}-lock").exists())
            xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-dpi", "96",
                                     "-nolisten", "tcp"])
            try:
                time.sleep(1)
                for i, (style, page) in enumerate(pages.items()):
                    name, quality = f"notebook_{browser}_{style}_{round(scale * 100)}", qualities[(i + j) % 3]
                    if args.only and name not in args.only:
                        continue
                    with tempfile.TemporaryDirectory() as profile:
                        opens, env = command(page, scale, profile)
                        picture, (size, bottom, _, page_height, ratio) = browser_shot(opens, scale, display, env)
                    if bottom > page_height or abs(ratio - scale) > 0.01:
                        print(f"{name}: the prediction ends at {bottom} px of {page_height}, scale {ratio}", flush=True)
                    row = {"font": look_font(style, in_page), "theme": style, "size": size, "scale": scale,
                           "quality": quality, "kind": "notebook", "renderer": renderer, "held_out": True,
                           "pieces": 0, "set": args.set or "D"}
                    picture.save(out / f"{name}.png", optimize=True)
                    index.append({**row, "format": "PNG", "file": f"{name}.png"})
                    if (i + j) % every == 0:
                        picture.convert("RGB").save(out / f"{name}_q{quality}.jpg", quality=quality)
                        index.append({**row, "format": f"JPEG q{quality}", "file": f"{name}_q{quality}.jpg"})
                    print(name, picture.size, size, row["font"], flush=True)
            finally:
                xvfb.kill()
                xvfb.wait()
    return index


def terminals(args, out: Path, renderers: dict[str, str]) -> list[dict]:
    rows = terminal_rows(TERMINAL_FONTS_E, QUALITIES_E, turn=7) if args.set == "E" else \
        terminal_rows(TERMINAL_FONTS, QUALITIES_D)
    missing = [f for f in dict.fromkeys(r["font"] for r in rows) if not installed(f)]
    for font in missing:
        print(f"{font} is not installed (fc-list has no such font): its rows are skipped", flush=True)
    rows = [r for r in rows if r["font"] not in missing]
    print(json.dumps({f: subprocess.run(["fc-match", "-f", "%{family[0]}: %{file}", f], capture_output=True,
                                        text=True).stdout for f in dict.fromkeys(r["font"] for r in rows)}), flush=True)
    make_screen_matrix.DISPLAY = next(f":{n}" for n in range(93, 200) if not Path(f"/tmp/.X{n}-lock").exists())
    xvfb = subprocess.Popen(["Xvfb", make_screen_matrix.DISPLAY, "-screen", "0", "3200x2400x24", "-dpi", "96",
                             "-nolisten", "tcp"])
    index = []
    try:
        time.sleep(1)
        with tempfile.TemporaryDirectory() as home:
            log = Path(home) / "lab3" / "keras3.log"
            log.parent.mkdir()
            shutil.copy(LOG, log)
            for row in rows:
                terminal = row.pop("terminal")
                name = f"{terminal}_{make_screen_matrix.name_of(row)}"
                if args.only and name not in args.only:
                    continue
                (shot,) = make_screen_matrix.window_shots(terminal_command({**row, "terminal": terminal}, log), False)
                shot.save(out / f"{name}.png", optimize=True)
                shot.convert("RGB").save(out / f"{name}_q{row['quality']}.jpg", quality=row["quality"])
                row = {**row, "kind": "terminal", "renderer": renderers[terminal], "held_out": True, "pieces": 0,
                       "set": args.set or "D"}
                index += [{**row, "format": "PNG", "file": f"{name}.png"},
                          {**row, "format": f"JPEG q{row['quality']}", "file": f"{name}_q{row['quality']}.jpg"}]
                print(name, shot.size, flush=True)
    finally:
        xvfb.kill()
        xvfb.wait()
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--nbconvert", default="jupyter-nbconvert", help="nbconvert's command")
    parser.add_argument("--roboto-mono", type=Path, help="the unpacked npm package @fontsource/roboto-mono")
    parser.add_argument("--only", nargs="*", help="only these pictures (names as index.json gives them, no suffix)")
    parser.add_argument("--no-notebooks", action="store_true")
    parser.add_argument("--no-terminals", action="store_true")
    parser.add_argument("--set", choices=["E", "F", "J"],
                        help="set E (xfce4-terminal), F (WebKitGTK) or J (both browsers zoomed out) instead of D")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    renderers = {}
    if args.set in ("F", "J"):
        webkit = subprocess.run([WEBKIT_PYTHON, "-c", WEBKIT.split("from gi")[0] + "from gi.repository import WebKit2; "
                                 "print(WebKit2.get_major_version(), WebKit2.get_minor_version(), "
                                 "WebKit2.get_micro_version(), sep='.')"], capture_output=True, text=True)
        if webkit.returncode:
            sys.exit(f"no WebKitGTK for {WEBKIT_PYTHON}: the module's doc string says what to install")
        renderers["webkit"] = "WebKitGTK " + webkit.stdout.strip()
    if args.set == "E":
        renderers = {"xfce4-terminal": "xfce4-terminal " + version(["xfce4-terminal", "--version"],
                                                                   r"xfce4-terminal (\S+)")}
    if args.set in (None, "J"):
        renderers["firefox"] = "firefox-esr " + version(["firefox-esr", "--version"], r"Firefox (\S+)")
    if args.set is None:
        renderers.update({"urxvt": "rxvt-unicode " + version(["urxvt", "-help"], r"\(urxvt\) v(\S+)"),
                          "stterm": "stterm " + version(["stterm", "-v"], r"stterm[- ](\S+)")})
    print(json.dumps(renderers), flush=True)
    index = []
    if not args.no_notebooks and args.set != "E":
        if not shutil.which(args.nbconvert):
            sys.exit(f"no nbconvert ({args.nbconvert}): the module's doc string says how to install it")
        for engine in ("firefox", "webkit"):
            if engine in renderers:
                index += notebooks(args, args.out, renderers[engine])
    if not args.no_terminals and args.set not in ("F", "J"):
        index += terminals(args, args.out, renderers)
    write_index(args.out, index)


if __name__ == "__main__":
    main()
