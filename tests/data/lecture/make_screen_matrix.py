"""A matrix of real terminal screenshots the screenshot reader was not fitted to (issue 31): `cat keras3.log`
in xterm under Xvfb, in each monospace font Debian packages, the colours of the terminals students use, sizes
9-16 pt at display scales 100-200 %, saved as PNG and as JPEG at quality 70-95.

    apt-get install xvfb xterm xdotool fonts-dejavu-core fonts-liberation fonts-noto-mono fonts-hack \
        fonts-firacode fonts-inconsolata fonts-jetbrains-mono fonts-go
    python tests/data/lecture/make_screen_matrix.py OUT_DIR [--pieces] [--only NAME ...]

OUT_DIR gets one picture per row and index.json (each picture's font, theme, size, scale, format, and
whether the reader was fitted to that font and theme): benchmarks/ocr.py --matrix OUT_DIR reads and scores
them. The matrix is generated, not committed (benchmarks/README.md); the few held-out renders the tests
assert are copied from one run of it into tests/data/real/screens/held_out/ (ubuntu_dejavu_10/ is
pieces_DejaVuSansMono_ubuntu_10pt/: the issue's purple xterm, its shots overlapping).

Each picture is the end of the run as the window shows it (the last 40 lines: epochs 5-10, the evaluation,
the matrix, F1, the prediction); --pieces also scrolls back through the whole run (Shift+PageUp, half a
window each) in a few themes, as a student takes overlapping shots. A display scale is the font drawn
that much larger in pixels (xterm's -fs at size x scale, 96 dpi): what a HiDPI screen's screenshot holds.
Cascadia Mono (Windows Terminal's font, where cmd and PowerShell open on Windows 11) is not packaged by Debian 12 (no
fonts-cascadia-code in bookworm): it comes from npm, Fontsource's copy of Microsoft's release 2407.24 (SIL
OFL 1.1, its LICENSE in the package; 'Copyright 2021 Microsoft Corporation' in the font), as web subsets;
--fontsource merges the two subsets the log needs (latin, and symbols2 for the progress bars' and tables'
box characters) into one TrueType font with fontTools and shows it to fontconfig for this run only (a
fonts.conf in a temporary folder: FONTCONFIG_FILE), nothing installed:

    mkdir -p /tmp/cascadia && cd /tmp/cascadia && npm pack @fontsource/cascadia-mono@5.3.0 \
        && tar xzf fontsource-cascadia-mono-5.3.0.tgz
    python tests/data/lecture/make_screen_matrix.py OUT_DIR --pieces --fontsource /tmp/cascadia/package

Without it (or with Cascadia Mono installed by hand, e.g. its TTF in ~/.local/share/fonts and fc-cache) its
rows are rendered if fontconfig has the font and skipped, with a message, if not: xterm would silently draw
another font. Its rows are held out, in the two Windows themes (cmd, PowerShell). No other Windows or macOS
font is used. Notebook pages (Jupyter, Colab) in Chromium: make_notebook_shots.py.

Set B: the reader was tuned while looking at the matrix above, so --second renders a second held-out set
instead, scored once before and once after a change to the reader, that nobody looks into between the two:
eight monospace fonts the matrix does not have, each in three rows (24; every theme, size 9-16 pt and scale
appears; JPEG quality 75, 85 or 92), and with --pieces two runs of overlapping shots. Its rows say "set": "B",
all held out. Six of its fonts are Debian's (Cousine is fonts-croscore's mono, FreeMono fonts-freefont-ttf's);
Source Code Pro (@fontsource/source-code-pro, SIL OFL 1.1, its LICENSE in the package, '© 2023 Adobe'
in the font) and Ubuntu Mono (@fontsource/ubuntu-mono, Ubuntu Font Licence 1.0, its LICENSE in the
package; 'Copyright 2011 Canonical Ltd.') come from npm as Cascadia Mono does. Their Fontsource subsets have
no box characters (no symbols2): xterm fills them in (another font's, or its own line drawing), as it does for
any font that lacks them.

    apt-get install fonts-croscore fonts-anonymous-pro fonts-freefont-ttf fonts-mononoki \
        fonts-fantasque-sans fonts-hermit
    mkdir -p /tmp/sourcecodepro && cd /tmp/sourcecodepro && npm pack @fontsource/source-code-pro@5.3.1 \
        && tar xzf fontsource-source-code-pro-5.3.1.tgz
    mkdir -p /tmp/ubuntumono && cd /tmp/ubuntumono && npm pack @fontsource/ubuntu-mono@5.3.0 \
        && tar xzf fontsource-ubuntu-mono-5.3.0.tgz
    python tests/data/lecture/make_screen_matrix.py OUT_DIR --second --pieces \
        --fontsource /tmp/sourcecodepro/package /tmp/ubuntumono/package

and make_notebook_shots.py --second into the same OUT_DIR (a folder apart from the matrix's). --set B is --second.

Set C: set B has since been looked at while tuning the reader, so --set C renders a third held-out set that
nobody looks into, in eight monospace fonts neither the matrix nor set B has, three rows each as set B (24:
every theme, size 9-16 pt and scale; JPEG quality 72, 78 or 88, none used before), with --pieces one run of
overlapping shots (Red Hat Mono in GNOME's dark scheme, as Fedora's terminal); its rows say "set": "C", all
held out. Four fonts are Debian's: Oxygen Mono (KDE's, fonts-oxygen), Monoid, Agave and League Mono (its
regular width; fc-match's pick of the family). Four come from npm as Cascadia Mono does, each SIL OFL 1.1
(its LICENSE in the package): IBM Plex Mono (@fontsource/ibm-plex-mono, 'Copyright 2017 IBM Corp.'), Red
Hat Mono (@fontsource/red-hat-mono, 'Copyright 2024 The Red Hat Project Authors'), Space Mono
(@fontsource/space-mono, 'Copyright 2016 The Space Mono Project Authors') and Courier Prime
(@fontsource/courier-prime, 'Copyright 2015 The Courier Prime Project Authors'); none has box characters.

    apt-get install fonts-oxygen fonts-monoid fonts-agave fonts-league-mono
    for p in ibm-plex-mono red-hat-mono space-mono courier-prime; do d=/tmp/$(echo $p | tr -d -) \
        && mkdir -p $d && (cd $d && npm pack @fontsource/$p@5.3.0 && tar xzf fontsource-$p-5.3.0.tgz); done
    python tests/data/lecture/make_screen_matrix.py OUT_DIR --set C --pieces --fontsource \
        /tmp/ibmplexmono/package /tmp/redhatmono/package /tmp/spacemono/package /tmp/courierprime/package

and make_notebook_shots.py --set C into the same OUT_DIR (a folder apart from the matrix's and set B's).

Set K, an eleventh held-out set (every earlier set has been looked at), scored once before anyone looks into
it: eight monospace fonts no set had, three rows each as set C (the cycles one more step on), JPEG quality 76,
81 or 89 (none used before), with --pieces one run of overlapping shots in Ubuntu Sans Mono on Ubuntu's purple
(Ubuntu 24.04's terminal font). Two are Debian's: Noto Sans Mono (fonts-noto-mono, beside Noto Mono) and Nimbus
Mono PS (URW's Courier, fonts-urw-base35). Six come from npm, each SIL OFL 1.1 but Ubuntu Sans Mono
(Ubuntu Font Licence 1.0), its LICENSE in the package: Fira Mono, Victor Mono, Geist Mono, Intel One Mono,
Ubuntu Sans Mono and Martian Mono (@fontsource/..., 5.3.0):

    apt-get install fonts-noto-mono fonts-urw-base35
    for p in fira-mono victor-mono geist-mono intel-one-mono ubuntu-sans-mono martian-mono; do \
        d=/tmp/$(echo $p | tr -d -) && mkdir -p $d && (cd $d && npm pack @fontsource/$p@5.3.0 \
        && tar xzf fontsource-$p-5.3.0.tgz); done
    python tests/data/lecture/make_screen_matrix.py OUT_DIR --set K --pieces --fontsource /tmp/firamono/package \
        /tmp/victormono/package /tmp/geistmono/package /tmp/intelonemono/package /tmp/ubuntusansmono/package \
        /tmp/martianmono/package

and make_notebook_shots.py --set K into the same OUT_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOG = HERE.parent / "real" / "keras3.log"
# (background, foreground) as each terminal shows text by default
THEMES = {
    "dark": ("#1e1e1e", "#d4d4d4"),  # make_renders.py's dark: the reader was fitted to it
    "light": ("#ffffff", "#000000"),  # make_renders.py's light: fitted
    "ubuntu": ("#300a24", "#ffffff"),  # GNOME Terminal on Ubuntu, its purple
    "gnome_dark": ("#171421", "#d0cfcc"),  # GNOME Terminal's built-in dark scheme
    "gnome_light": ("#ffffff", "#171421"),  # and light
    "macos": ("#ffffff", "#1d1d1d"),  # macOS Terminal's Basic profile
    "cmd": ("#0c0c0c", "#cccccc"),  # Windows Terminal / cmd, Campbell
    "powershell": ("#012456", "#eeedf0"),  # Windows PowerShell's blue
    "vscode": ("#1e1e1e", "#cccccc"),  # VS Code's integrated terminal, Dark+
    "solarized": ("#002b36", "#839496"),  # Solarized dark: low contrast
}
FITTED_THEMES = {"dark", "light"}
FITTED_FONTS = {"DejaVu Sans Mono", "Liberation Mono", "Noto Mono"}
FONTS = ["DejaVu Sans Mono", "Liberation Mono", "Noto Mono", "Hack", "Fira Code", "Inconsolata", "JetBrains Mono",
         "Go Mono"]
HELD_OUT_THEMES = [t for t in THEMES if t not in FITTED_THEMES]
SIZES = [9, 10, 11, 12, 13, 14, 15, 16]
SCALES = [1.0, 1.25, 1.5, 2.0]
QUALITIES = [70, 80, 90, 95]
PIECES = [("DejaVu Sans Mono", "ubuntu", 10), ("Hack", "powershell", 12), ("Fira Code", "solarized", 11),
          ("Inconsolata", "gnome_light", 13)]  # overlapping shots of the whole run: the purple xterm first
DISPLAY = ":93"  # or the next display whose lock file is not there (another render running)
CASCADIA = "Cascadia Mono"  # held out: Windows Terminal's font, in the Windows themes only (cascadia_rows)
SUBSETS = ["latin", "symbols2"]  # Fontsource's subsets the log needs: ASCII, and U+2500-259F (box characters)
# set B (--second): fonts in neither the matrix nor make_renders.py, so all its rows are held out
SECOND_FONTS = ["Cousine", "Anonymous Pro", "FreeMono", "mononoki", "Fantasque Sans Mono", "Hermit",
                "Source Code Pro", "Ubuntu Mono"]
SECOND_QUALITIES = [75, 85, 92]  # none of QUALITIES: another encoder setting than the one looked at
SECOND_PIECES = [("Ubuntu Mono", "ubuntu", 12), ("mononoki", "vscode", 11)]  # Ubuntu's own terminal first
# set C (--set C): fonts in neither the matrix, make_renders.py nor set B; nobody looks into it
THIRD_FONTS = ["Oxygen Mono", "Monoid", "Agave", "League Mono", "IBM Plex Mono", "Red Hat Mono", "Space Mono",
               "Courier Prime"]
THIRD_QUALITIES = [72, 78, 88]  # none of QUALITIES or SECOND_QUALITIES
THIRD_PIECES = [("Red Hat Mono", "gnome_dark", 11)]
# set K (--set K): fonts no set had, JPEG qualities no set had (70-95 as the issue asks); nobody looks before scoring
ELEVENTH_FONTS = ["Noto Sans Mono", "Nimbus Mono PS", "Fira Mono", "Victor Mono", "Geist Mono", "Intel One Mono",
                  "Ubuntu Sans Mono", "Martian Mono"]
ELEVENTH_QUALITIES = [76, 81, 89]
ELEVENTH_PIECES = [("Ubuntu Sans Mono", "ubuntu", 12)]  # Ubuntu 24.04's terminal font on its purple
# each held-out set: its fonts, JPEG qualities, overlapping shots, and where its rows start in the cycles
SETS = {"B": (SECOND_FONTS, SECOND_QUALITIES, SECOND_PIECES, 0), "C": (THIRD_FONTS, THIRD_QUALITIES, THIRD_PIECES, 1),
        "K": (ELEVENTH_FONTS, ELEVENTH_QUALITIES, ELEVENTH_PIECES, 2)}


def matrix() -> list[dict]:
    """The rows: each font in four of the themes (the fitted fonts once in a fitted theme too), sizes and
    scales spread over them so that every size, scale and theme appears with several fonts."""
    rows = []
    for i, font in enumerate(FONTS):
        for k in range(4):
            theme = HELD_OUT_THEMES[(3 * i + 2 * k) % len(HELD_OUT_THEMES)] if k or font not in FITTED_FONTS \
                else sorted(FITTED_THEMES)[i % 2]
            size, scale = SIZES[(i + 3 * k) % len(SIZES)], SCALES[(i + k) % len(SCALES)]
            if size * scale > 24:  # a 120-column window wider than a 2560-pixel screen: nobody's shot
                scale = 1.0
            rows.append({"font": font, "theme": theme, "size": size, "scale": scale,
                         "quality": QUALITIES[(i + k) % len(QUALITIES)]})
    return rows


def cascadia_rows() -> list[dict]:
    """Cascadia Mono in cmd and PowerShell: each size 9-16 pt once, the scales and JPEG qualities in turn."""
    rows = []
    for k, size in enumerate(SIZES):
        scale = SCALES[k % len(SCALES)] if size * SCALES[k % len(SCALES)] <= 24 else 1.0
        rows.append({"font": CASCADIA, "theme": ("cmd", "powershell")[k % 2], "size": size, "scale": scale,
                     "quality": QUALITIES[(k + k // 2) % len(QUALITIES)]})
    return rows


def set_rows(name: str) -> list[dict]:
    """Set B, C or K: each font in three themes; the ten themes, eight sizes, the scales each size allows and
    three JPEG qualities in turn over the 24 rows, so that each appears with two or more fonts (sets C and K
    start the cycles one and two steps on, so that their fonts meet other sizes and themes than set B's)."""
    fonts, qualities, _, shift = SETS[name]
    rows, themes = [], list(THEMES)
    for i, font in enumerate(fonts):
        for k in range(3):
            size = SIZES[(i + 3 * k + shift) % len(SIZES)]
            scales = [s for s in SCALES if size * s <= 24]  # as matrix(): no window wider than a 2560-pixel screen
            scale = scales[(3 * i + k + shift) % len(scales)]
            rows.append({"font": font, "theme": themes[(3 * i + k + shift) % len(themes)], "size": size,
                         "scale": scale, "quality": qualities[(i + k) % len(qualities)], "set": name})
    return rows


def fontsource(packages: list[Path], folder: Path) -> dict[str, str]:
    """Fontsource's fonts (npm packages, unpacked), each merged from the subsets of SUBSETS it has into one
    TrueType font in folder, and fontconfig (for this process and the xterms it starts) pointed at the
    system's fonts and folder. Returns each font's family and its package@version."""
    from fontTools.merge import Merger

    found = {}
    for package in packages:
        meta = json.loads((package / "metadata.json").read_text())
        files = [package / "files" / f"{meta['id']}-{s}-400-normal.woff" for s in SUBSETS]
        font = Merger().merge([str(f) for f in files if f.exists()])
        font.flavor = None
        font.save(folder / f"{meta['family'].replace(' ', '')}-Regular.ttf")
        version = json.loads((package / "package.json").read_text())["version"]
        found[meta["family"]] = f"@fontsource/{meta['id']}@{version}"
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
        f'<cachedir>{folder}/cache</cachedir><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f'<dir>{folder}</dir></fontconfig>\n')
    os.environ["FONTCONFIG_FILE"] = str(folder / "fonts.conf")
    return found


def installed(font: str) -> bool:
    return bool(subprocess.run(["fc-list", font, "file"], capture_output=True, text=True).stdout.strip())


def name_of(row: dict) -> str:
    return f"{row['font'].replace(' ', '')}_{row['theme']}_{row['size']}pt_{round(row['scale'] * 100)}"


def xterm_shots(font: str, theme: str, pixels_pt: float, pieces: bool, log: Path) -> list:
    """The window's pictures (Pillow's ImageGrab of Xvfb): the end of the run, and with pieces every half
    window back to the top (returned top to bottom)."""
    bg, fg = THEMES[theme]
    return window_shots(["xterm", "-geometry", "120x40+0+0", "-fa", font, "-fs", f"{pixels_pt:g}", "-bg", bg,
                         "-fg", fg, "-sl", "2000", "-e", "sh", "-c", f"cat {log}; sleep 600"], pieces)


def window_shots(command: list[str], pieces: bool) -> list:
    """The pictures of the window the terminal command opens on DISPLAY, as xterm_shots says (make_other_renderers.py
    starts other terminals with it)."""
    from PIL import ImageGrab

    env = {**os.environ, "DISPLAY": DISPLAY}
    term = subprocess.Popen(command, env=env)
    try:
        window = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--pid", str(term.pid)], env=env,
                                capture_output=True, text=True, check=True).stdout.split()[0]
        time.sleep(1.0)
        geometry = dict(kv.split("=") for kv in subprocess.run(["xdotool", "getwindowgeometry", "--shell", window],
                                                               env=env, capture_output=True, text=True).stdout.split())
        x, y, w, h = (int(geometry[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        grab = lambda: ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=DISPLAY)  # noqa: E731
        shots = [grab()]
        while True:  # drawn when two grabs agree
            time.sleep(0.3)
            again = grab()
            if again.tobytes() == shots[-1].tobytes():
                break
            shots[-1] = again
        while pieces:
            subprocess.run(["xdotool", "mousemove", str(x + 100), str(y + 100), "key", "shift+Prior"], env=env)
            time.sleep(0.4)
            shot = grab()
            if shot.tobytes() == shots[-1].tobytes():
                break
            shots.append(shot)
    finally:
        term.kill()
        term.wait()
    return shots[::-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pieces", action="store_true", help="also the overlapping shots of the whole run")
    parser.add_argument("--only", nargs="*", help="only these rows (names as index.json gives them)")
    parser.add_argument("--fontsource", type=Path, nargs="+", default=[], help="unpacked npm packages "
                        "@fontsource/... (each its folder 'package'): Cascadia Mono, or set B's Source Code Pro "
                        "and Ubuntu Mono, or set C's or K's, for this run")
    parser.add_argument("--set", choices=sorted(SETS), help="a held-out set (B, C or K) instead of the matrix")
    parser.add_argument("--second", action="store_true", help="set B (as --set B)")
    args = parser.parse_args()
    held_set = args.set or ("B" if args.second else None)
    args.out.mkdir(parents=True, exist_ok=True)
    global DISPLAY
    DISPLAY = next(f":{n}" for n in range(93, 200) if not Path(f"/tmp/.X{n}-lock").exists())
    fonts = tempfile.TemporaryDirectory()
    packages = fontsource(args.fontsource, Path(fonts.name)) if args.fontsource else {}
    rows = set_rows(held_set) if held_set else matrix() + cascadia_rows()
    pieces = (SETS[held_set][2] if held_set else PIECES) if args.pieces else []
    missing = [f for f in dict.fromkeys(r["font"] for r in rows) if not installed(f)]
    for font in missing:  # xterm would draw another font in its place, and say nothing
        print(f"{font} is not installed (fc-list has no such font): its {sum(r['font'] == font for r in rows)} "
              "rows are skipped; --fontsource, or the module's doc string, says how to get it", flush=True)
    rows = [r for r in rows if r["font"] not in missing]
    which = {"set": held_set} if held_set else {}  # the matrix's rows keep their old form
    pieces = [p for p in pieces if p[0] not in missing]
    print(json.dumps({"xterm": subprocess.run(["xterm", "-version"], capture_output=True, text=True).stdout.strip(),
                      "fonts": {f: subprocess.run(["fc-match", "-f", "%{file}", f], capture_output=True, text=True)
                                .stdout for f in dict.fromkeys(r["font"] for r in rows)},
                      **({"fontsource": packages} if packages else {})}), flush=True)
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "3200x2400x24", "-dpi", "96", "-nolisten", "tcp"])
    index = []
    try:
        time.sleep(1)
        with tempfile.TemporaryDirectory() as home:
            log = Path(home) / "lab3" / "keras3.log"
            log.parent.mkdir()
            shutil.copy(LOG, log)
            for row in rows:
                name = name_of(row)
                if args.only and name not in args.only:
                    continue
                held = "set" in row or row["font"] not in FITTED_FONTS or row["theme"] not in FITTED_THEMES
                (shot,) = xterm_shots(row["font"], row["theme"], row["size"] * row["scale"], False, log)
                shot.save(args.out / f"{name}.png", optimize=True)
                shot.convert("RGB").save(args.out / f"{name}_q{row['quality']}.jpg", quality=row["quality"])
                for fmt, file in (("PNG", f"{name}.png"), (f"JPEG q{row['quality']}", f"{name}_q{row['quality']}.jpg")):
                    index.append({**row, "format": fmt, "file": file, "held_out": held, "pieces": 0})
                print(name, flush=True)
            for font, theme, size in pieces:
                name = f"pieces_{font.replace(' ', '')}_{theme}_{size}pt"
                if args.only and name not in args.only:
                    continue
                folder = args.out / name
                folder.mkdir(exist_ok=True)
                shots = xterm_shots(font, theme, size, True, log)
                for n, shot in enumerate(shots, 1):
                    shot.save(folder / f"shot_{n}.png", optimize=True)
                held = bool(held_set) or font not in FITTED_FONTS or theme not in FITTED_THEMES
                index.append({"font": font, "theme": theme, "size": size, "scale": 1.0, "format": "PNG",
                              "file": name, "held_out": held, "pieces": len(shots), **which})
                print(name, len(shots), flush=True)
    finally:
        xvfb.kill()
        fonts.cleanup()
    write_index(args.out, index)


def write_index(out: Path, index: list[dict]) -> None:
    """index.json: the rows of this run, and those of earlier runs into out that it did not make again."""
    old = json.loads((out / "index.json").read_text()) if (out / "index.json").exists() else []
    files = {r["file"] for r in index}
    (out / "index.json").write_text(json.dumps([r for r in old if r["file"] not in files] + index, indent=1))


if __name__ == "__main__":
    main()
