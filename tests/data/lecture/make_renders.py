"""How the rendered hand-ins in tests/data/real/ were made (issue 21): the real runs beside them
(keras3.log, jupyterlab.html, notebook_matrix_result.html, made by make_submissions.py) turned into
what students hand in: a browser's PDF, a Word report, screenshots, output pasted into the script.

Nothing here runs in the tests; it is the record of how each file came to be, and it makes them again:

    apt-get install chromium chromium-driver poppler-utils tmux qpdf libreoffice-writer-nogui xvfb xterm xdotool
    pip install python-docx==1.2.0 selenium==4.51.0      # Pillow is already the project's
    python tests/data/lecture/make_renders.py OUT_DIR [NAME ...]

Every step is the program a student uses, run on the real files: Chromium prints (its own header and
footer: date, title, URL, page numbers), tmux stands for the terminal the output is copied from,
python-docx writes what Word's paste writes, Chromium (driven by Selenium) takes the screenshots,
Pillow saves them as one PDF, LibreOffice exports the Word report. The Python files are text
assembly, as a student's paste into an editor is. The versions of each program are printed first.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = HERE.parent / "real"
sys.path.insert(0, str(HERE))
from make_submissions import student_script  # noqa: E402

LIMIT = 2_000_000  # bytes: a committed fixture stays under it
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STUDENT = "Mira Lindqvist"
TERMINAL_COLUMNS = 120


def versions() -> dict[str, str]:
    def first_line(cmd: list[str]) -> str:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()
        return out[0] if out else ""
    return {"chromium": first_line(["chromium", "--version"]),
            "chromedriver": first_line(["chromedriver", "--version"]),
            "tmux": first_line(["tmux", "-V"]), "qpdf": first_line(["qpdf", "--version"]),
            "libreoffice": first_line(["libreoffice", "--version"]), "xterm": first_line(["xterm", "-version"]),
            "xdotool": first_line(["xdotool", "version"]), "pdftotext": subprocess.run(
                ["pdftotext", "-v"], capture_output=True, text=True).stderr.splitlines()[0],
            **{p: version(p) for p in ("python-docx", "selenium", "pillow", "nbconvert", "nbclient", "pandas")}}


def student_copy(src: Path, home: Path, folder: str, name: str | None = None) -> Path:
    """The file where a student keeps it (the URL in Chromium's footer shows this path)."""
    dest = home / folder / (name or src.name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    return dest


def print_pdf(src: Path, out_pdf: Path) -> None:
    """File > Print > Save as PDF in Chromium, its defaults: Letter, the header (date, title) and the
    footer (URL, page/pages). Where Chromium's file is over LIMIT (the notebook export's progress bars
    run to 170 pages of text), qpdf repacks it losslessly (object streams, the same pages and text)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([*CHROMIUM, f"--user-data-dir={profile}", f"--print-to-pdf={out_pdf}", src.as_uri()],
                       check=True, capture_output=True)
    if out_pdf.stat().st_size > LIMIT:
        raw = out_pdf.with_suffix(".chromium.pdf")
        out_pdf.rename(raw)
        subprocess.run(["qpdf", "--object-streams=generate", "--recompress-flate", "--compression-level=9",
                        str(raw), str(out_pdf)], check=True)
        same = [subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, check=True).stdout
                for f in (raw, out_pdf)]
        assert same[0] == same[1], out_pdf
        print(json.dumps({"repacked": out_pdf.name, "chromium_bytes": raw.stat().st_size,
                          "bytes": out_pdf.stat().st_size}), flush=True)
        raw.unlink()


def terminal_copy(log: Path, home: Path) -> str:
    """What a terminal window shows of the run (`cat keras3.log`, as the console showed it), selected
    and copied: tmux, 120 columns, interprets the carriage returns, backspaces and colour codes;
    capture-pane -J joins the lines the window wrapped; each line's trailing blanks are dropped, as a
    terminal's copy drops them."""
    conf = home / "tmux.conf"
    conf.write_text("set -g history-limit 100000\n")
    sock = home / f"tmux-{time.monotonic_ns()}.sock"  # a tmux server of its own each time
    tmux = ["tmux", "-S", str(sock), "-f", str(conf)]
    subprocess.run([*tmux, "new-session", "-d", "-s", "lab", "-x", str(TERMINAL_COLUMNS), "-y", "40",
                    f"cat {log}; sleep 600"], check=True)
    try:
        for _ in range(60):
            time.sleep(1)
            text = subprocess.run([*tmux, "capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "lab"],
                                  capture_output=True, text=True, check=True).stdout
            if "Prediction after learning" in text:
                break
    finally:
        subprocess.run([*tmux, "kill-server"], check=True)
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines()) + "\n"


def results(log_text: str) -> dict[str, str]:
    """The test loss and accuracy as the log prints them: what the student copies into the table."""
    return {"Test loss": re.search(r"Keras CNN model loss =\s+(\S+)", log_text).group(1),
            "Test accuracy": re.search(r"Keras CNN model accuracy =\s+(\S+)", log_text).group(1)}


INTRO = ("In this lab we trained the convolutional neural network from the lecture on the Fashion-MNIST "
         "data set (60,000 training and 10,000 test images of 28x28 pixels in 10 classes) with Keras, "
         "10 epochs with batch size 200. Below is the complete output of my run of the script.")
DISCUSSION = ("The network reaches about 91 % accuracy on the test set after 10 epochs, a little below its "
              "accuracy on the training data, so it overfits only slightly. The confusion matrix shows where "
              "the errors are: shirts are most often confused with t-shirts, pullovers and coats, while "
              "trousers, sandals, bags and ankle boots are almost always recognised. The sample image "
              "(a pullover) is predicted correctly after training.")


def report(out: Path, home: Path, linebreaks: bool) -> None:
    """A student's Word report: title, name, intro, the output pasted as plain text, the results table,
    a discussion. Word's "Keep Text Only" paste makes one paragraph per line (the student then sets
    Consolas); linebreaks=True is the paste as one paragraph with a line break (Shift+Enter) per line."""
    from docx import Document
    from docx.shared import Pt

    log = (REAL / "keras3.log").read_text(encoding="utf-8")
    lines = terminal_copy(student_copy(REAL / "keras3.log", home, "lab3"), home).splitlines()
    doc = Document()
    doc.core_properties.author = STUDENT
    doc.add_heading("Lab 3: CNN on Fashion-MNIST", 0)
    doc.add_paragraph(f"Student: {STUDENT}")
    doc.add_paragraph(INTRO)
    doc.add_heading("Program output", 1)

    def mono(run) -> None:
        run.font.name = "Consolas"
        run.font.size = Pt(9)

    if linebreaks:
        run = doc.add_paragraph().add_run()
        mono(run)
        for i, line in enumerate(lines):
            run.add_text(line)
            if i < len(lines) - 1:
                run.add_break()
    else:
        for line in lines:
            mono(doc.add_paragraph().add_run(line))
    doc.add_heading("Results", 1)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Metric", "Value"
    for metric, value in results(log).items():
        row = table.add_row().cells
        row[0].text, row[1].text = metric, value
    doc.add_heading("Discussion", 1)
    doc.add_paragraph(DISCUSSION)
    doc.save(out / ("report_linebreaks.docx" if linebreaks else "report.docx"))


SHOTS = [("model-summary.png", "the model.summary() cell"), ("results.png", "the evaluation and the confusion matrix")]


def screenshots(out: Path, home: Path) -> list[Path]:
    """Two screenshots of the run as a student takes them: notebook_matrix_result.html open in
    Chromium (1280x900), scrolled to the model summary cell, then to the evaluation cell; Selenium
    (with Debian's chromedriver) scrolls and saves the window's pixels."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    html = student_copy(REAL / "notebook_matrix_result.html", home, "Downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]:
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
    paths = []
    try:
        driver.get(html.as_uri())
        cells = driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell")
        for (name, _), needle in zip(SHOTS, ["model.summary()", "model.evaluate("], strict=True):
            cell = next(c for c in cells if needle in c.find_element(By.CSS_SELECTOR, ".jp-InputArea").text)
            driver.execute_script("arguments[0].scrollIntoView(true); window.scrollBy(0, -10);", cell)
            time.sleep(1)
            paths.append(home / "Pictures" / name)
            paths[-1].parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(paths[-1]))
    finally:
        driver.quit()
    return paths


def report_screenshots(out: Path, home: Path) -> None:
    """A Word report of screenshots only: title, name, the two pictures (Insert > Pictures), captions."""
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    doc.core_properties.author = STUDENT
    doc.add_heading("Lab 3: CNN on Fashion-MNIST", 0)
    doc.add_paragraph(f"Student: {STUDENT}")
    for i, (path, (_, what)) in enumerate(zip(screenshots(out, home), SHOTS, strict=True), 1):
        doc.add_picture(str(path), width=Inches(6.0))
        doc.add_paragraph(f"Figure {i}: {what}.")
    doc.save(out / "report_screenshots.docx")


def screenshots_pdf(out: Path, home: Path) -> None:
    """The screenshots, pictures only, saved as one PDF by Pillow (a page each, no text layer), as
    "Microsoft Print to PDF" of a folder of screenshots gives."""
    from PIL import Image

    paths = [home / "Pictures" / name for name, _ in SHOTS]
    if not all(p.exists() for p in paths):
        paths = screenshots(out, home)
    images = [Image.open(p).convert("RGB") for p in paths]
    images[0].save(out / "screenshots.pdf", save_all=True, append_images=images[1:], resolution=96)


def report_docx_pdf(out: Path, home: Path) -> None:
    """report.docx exported to PDF by LibreOffice Writer (File > Export as PDF); Consolas is not
    installed here, LibreOffice substitutes a monospace font as a machine without it does."""
    if not (out / "report.docx").exists():
        report(out, home, linebreaks=False)
    src = student_copy(out / "report.docx", home, "Documents")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["libreoffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(src.parent), str(src)], check=True,
                       capture_output=True)
    shutil.copy(src.with_suffix(".pdf"), out / "report_docx.pdf")


def pasted(out: Path, home: Path, comments: bool) -> None:
    """The Keras 3 student script with the run's output pasted at its end, copied from the terminal:
    inside a triple-quoted string, or as comment lines (VS Code's Toggle Line Comment, Ctrl+/: "# "
    before each line, blank lines left blank)."""
    script = student_script("keras3").rstrip("\n") + "\n\n"
    output = terminal_copy(student_copy(REAL / "keras3.log", home, "lab3"), home)
    assert '"""' not in output and "\\" not in output
    if comments:
        text = script + "".join(f"# {line}\n" if line else "\n" for line in output.splitlines())
    else:
        text = script + '"""\n' + output + '"""\n'
    name = "pasted_comments.py" if comments else "pasted_docstring.py"
    (out / name).write_text(text, encoding="utf-8")
    compile(text, name, "exec")


THEMES = {"dark": ["-bg", "#1e1e1e", "-fg", "#d4d4d4"], "light": ["-bg", "white", "-fg", "black"]}
SCREENS = REAL / "screens"


def terminal_shots(theme: str, points: int, home: Path, log: Path = REAL / "keras3.log",
                   font: str = "DejaVu Sans Mono") -> list:
    """What a student's screenshots of the run are: `cat keras3.log` (or log) in xterm (120x40, DejaVu Sans Mono at
    `points`, a dark or a light theme) under Xvfb (96 dpi), the window captured by Pillow's ImageGrab; then
    Shift+PageUp (xterm scrolls back half a screen) and another capture, up to the top. Returns the
    pictures top to bottom (each half the one before), the last the end of the run as the window shows it."""
    from PIL import ImageGrab

    if log.suffix == ".gz":  # tests/data/real/mistakes/ keeps its logs compressed
        (home / "lab3").mkdir(parents=True, exist_ok=True)
        (home / "lab3" / log.stem).write_bytes(gzip.decompress(log.read_bytes()))
        log = home / "lab3" / log.stem
    else:
        log = student_copy(log, home, "lab3")
    display = ":91"
    env = {**__import__("os").environ, "DISPLAY": display}
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1400x24", "-dpi", "96", "-nolisten", "tcp"])
    try:
        time.sleep(1)
        term = subprocess.Popen(["xterm", "-geometry", "120x40+0+0", "-fa", font, "-fs", str(points),
                                 *THEMES[theme], "-sl", "2000", "-e", "sh", "-c", f"cat {log}; sleep 600"], env=env)
        time.sleep(3)
        window = subprocess.run(["xdotool", "search", "--sync", "--class", "xterm"], env=env, capture_output=True,
                                text=True, check=True).stdout.split()[0]
        geometry = dict(kv.split("=") for kv in subprocess.run(["xdotool", "getwindowgeometry", "--shell", window],
                                                               env=env, capture_output=True, text=True).stdout.split())
        x, y, w, h = (int(geometry[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        shots = [ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=display)]
        while True:
            subprocess.run(["xdotool", "mousemove", str(x + 100), str(y + 100), "key", "shift+Prior"], env=env)
            time.sleep(0.5)
            shot = ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=display)
            if shot.tobytes() == shots[-1].tobytes():
                break
            shots.append(shot)
        term.kill()
    finally:
        xvfb.kill()
    return shots[::-1]


def screens(out: Path, home: Path, theme: str, points: int, pieces: bool) -> None:
    """screens/<theme>_<points>/shot_N.png (the whole run, overlapping) or screens/end_<theme>_<points>.png."""
    if not pieces:
        return screens_one(out, home, REAL / "keras3.log", theme, points, -1, f"end_{theme}_{points}")
    folder = out / "screens" / f"{theme}_{points}"
    folder.mkdir(parents=True, exist_ok=True)
    for n, shot in enumerate(terminal_shots(theme, points, home), 1):
        shot.save(folder / f"shot_{n}.png", optimize=True)
    return None


def screens_one(out: Path, home: Path, log: Path, theme: str, points: int, shot: int, name: str,
                font: str = "DejaVu Sans Mono") -> None:
    """One screenshot, as a student hands in the one shot that shows what matters: screens/<name>.png, the
    shot-th from the top (-1: the end of the run)."""
    (out / "screens").mkdir(parents=True, exist_ok=True)
    terminal_shots(theme, points, home, log, font)[shot].save(out / "screens" / f"{name}.png", optimize=True)


def screens_jpeg(out: Path, home: Path) -> None:
    """The dark end shot saved as a JPEG at quality 70 (a phone's or a chat app's recompression)."""
    from PIL import Image

    Image.open(out / "screens" / "dark_11" / sorted((out / "screens" / "dark_11").iterdir())[-1].name).convert(
        "RGB").save(out / "screens" / "end_dark_11_q70.jpg", quality=70)


def screens_report(out: Path, home: Path) -> None:
    """A Word report of the dark terminal's screenshots, pasted one after the other (Insert > Pictures)."""
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    doc.core_properties.author = STUDENT
    doc.add_heading("Lab 3: CNN on Fashion-MNIST", 0)
    doc.add_paragraph(f"Student: {STUDENT}")
    for path in sorted((out / "screens" / "dark_11").iterdir()):
        doc.add_picture(str(path), width=Inches(6.5))
    doc.save(out / "screens" / "report_terminal.docx")


def screens_pdf(out: Path, home: Path) -> None:
    """The light terminal's screenshots as one PDF of pictures (Pillow, a page each), as "Microsoft Print
    to PDF" of a folder of screenshots gives."""
    from PIL import Image

    images = [Image.open(p).convert("RGB") for p in sorted((out / "screens" / "light_14").iterdir())]
    images[0].save(out / "screens" / "terminal_light.pdf", save_all=True, append_images=images[1:], resolution=96)


CASES = {
    "jupyterlab_pdf": lambda out, home: print_pdf(student_copy(REAL / "jupyterlab.html", home, "Downloads"),
                                                  out / "jupyterlab.pdf"),
    "notebook_matrix_result_pdf": lambda out, home: print_pdf(
        student_copy(REAL / "notebook_matrix_result.html", home, "Downloads"), out / "notebook_matrix_result.pdf"),
    # the log opened in the browser as a text file (Chromium shows a .log file as text/plain)
    "keras3_log_pdf": lambda out, home: print_pdf(student_copy(REAL / "keras3.log", home, "lab3"),
                                                  out / "keras3_log.pdf"),
    "report": lambda out, home: report(out, home, linebreaks=False),
    "report_linebreaks": lambda out, home: report(out, home, linebreaks=True),
    "report_screenshots": report_screenshots,
    "screenshots_pdf": screenshots_pdf,
    "report_docx_pdf": report_docx_pdf,
    "pasted_docstring": lambda out, home: pasted(out, home, comments=False),
    "pasted_comments": lambda out, home: pasted(out, home, comments=True),
    "screens_dark_11": lambda out, home: screens(out, home, "dark", 11, pieces=True),
    "screens_light_14": lambda out, home: screens(out, home, "light", 14, pieces=True),
    "screens_end_light_11": lambda out, home: screens(out, home, "light", 11, pieces=False),
    "screens_end_dark_14": lambda out, home: screens(out, home, "dark", 14, pieces=False),
    "screens_jpeg": screens_jpeg,
    "screens_report": screens_report,
    "screens_pdf": screens_pdf,
    # the summary of a run with a 3x3 first convolution (its table, counts adding up to its total)
    "screens_wrong_architecture": lambda out, home: screens_one(out, home, REAL / "wrong_architecture.log",
                                                                "dark", 11, 4, "wrong_architecture_summary"),
    # the end of a 5-epoch run: 'Epoch N/5' in every header
    "screens_epochs5": lambda out, home: screens_one(out, home, REAL / "mistakes" / "epochs5.log.gz", "light",
                                                     14, -1, "epochs5_end"),
    # other terminal fonts: Liberation Mono (Courier New's metrics, a zero with no dot), Noto Mono
    "screens_end_liberation": lambda out, home: screens_one(out, home, REAL / "keras3.log", "dark", 12, -1,
                                                            "end_liberation_dark_12", "Liberation Mono"),
    "screens_end_noto": lambda out, home: screens_one(out, home, REAL / "keras3.log", "light", 12, -1,
                                                      "end_noto_light_12", "Noto Mono"),
}


def main() -> None:
    out = Path(sys.argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(versions()), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "student"  # the student's folders: Downloads, lab3, Pictures, Documents
        for name in sys.argv[2:] or list(CASES):
            started = time.perf_counter()
            CASES[name](out, home)
            print(json.dumps({"case": name, "seconds": round(time.perf_counter() - started, 1)}), flush=True)


if __name__ == "__main__":
    main()
