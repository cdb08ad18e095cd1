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
Cascadia Mono (Windows Terminal's font) is not packaged by Debian 12; no Windows or macOS font is used.
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
DISPLAY = ":93"


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


def name_of(row: dict) -> str:
    return f"{row['font'].replace(' ', '')}_{row['theme']}_{row['size']}pt_{round(row['scale'] * 100)}"


def xterm_shots(font: str, theme: str, pixels_pt: float, pieces: bool, log: Path) -> list:
    """The window's pictures (Pillow's ImageGrab of Xvfb): the end of the run, and with pieces every half
    window back to the top (returned top to bottom)."""
    from PIL import ImageGrab

    env = {**os.environ, "DISPLAY": DISPLAY}
    bg, fg = THEMES[theme]
    term = subprocess.Popen(["xterm", "-geometry", "120x40+0+0", "-fa", font, "-fs", f"{pixels_pt:g}", "-bg", bg,
                             "-fg", fg, "-sl", "2000", "-e", "sh", "-c", f"cat {log}; sleep 600"], env=env)
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
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(json.dumps({"xterm": subprocess.run(["xterm", "-version"], capture_output=True, text=True).stdout.strip(),
                      "fonts": {f: subprocess.run(["fc-match", "-f", "%{file}", f], capture_output=True,
                                                  text=True).stdout for f in FONTS}}), flush=True)
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "3200x2400x24", "-dpi", "96", "-nolisten", "tcp"])
    index = []
    try:
        time.sleep(1)
        with tempfile.TemporaryDirectory() as home:
            log = Path(home) / "lab3" / "keras3.log"
            log.parent.mkdir()
            shutil.copy(LOG, log)
            for row in matrix():
                name = name_of(row)
                if args.only and name not in args.only:
                    continue
                held = row["font"] not in FITTED_FONTS or row["theme"] not in FITTED_THEMES
                (shot,) = xterm_shots(row["font"], row["theme"], row["size"] * row["scale"], False, log)
                shot.save(args.out / f"{name}.png", optimize=True)
                shot.convert("RGB").save(args.out / f"{name}_q{row['quality']}.jpg", quality=row["quality"])
                for fmt, file in (("PNG", f"{name}.png"), (f"JPEG q{row['quality']}", f"{name}_q{row['quality']}.jpg")):
                    index.append({**row, "format": fmt, "file": file, "held_out": held, "pieces": 0})
                print(name, flush=True)
            for font, theme, size in PIECES if args.pieces else []:
                name = f"pieces_{font.replace(' ', '')}_{theme}_{size}pt"
                if args.only and name not in args.only:
                    continue
                folder = args.out / name
                folder.mkdir(exist_ok=True)
                shots = xterm_shots(font, theme, size, True, log)
                for n, shot in enumerate(shots, 1):
                    shot.save(folder / f"shot_{n}.png", optimize=True)
                index.append({"font": font, "theme": theme, "size": size, "scale": 1.0, "format": "PNG",
                              "file": name, "held_out": font not in FITTED_FONTS or theme not in FITTED_THEMES,
                              "pieces": len(shots)})
                print(name, len(shots), flush=True)
    finally:
        xvfb.kill()
    old = json.loads((args.out / "index.json").read_text()) if (args.out / "index.json").exists() else []
    files = {r["file"] for r in index}
    (args.out / "index.json").write_text(json.dumps([r for r in old if r["file"] not in files] + index, indent=1))


if __name__ == "__main__":
    main()
