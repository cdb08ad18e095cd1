"""Hostile hand-ins (tests/data/make_hostile.py) through the real command: each case's verdict, its time and
the memory of all its processes together, no process left behind, no temporary file left, and outputs
that cannot be written refused before grading. Budgets are small here so the module stays quick.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, TOOL, assert_clean_error, load_script

from fashion_tools.grading.readers import bounded

make = load_script(ROOT / "tests" / "data" / "make_hostile.py")
EXPECTED = ROOT / "tests" / "data" / "expected.json"
PEAK = 600 << 20  # the resident memory of the grader and all its processes together, summed (shared pages twice)


def tesseract() -> bool:
    from fashion_tools.grading.readers.ocr.screen_ocr import tesseract_ready

    return tesseract_ready() is None


def marked(token: str) -> list[int]:
    """The processes started with this token in their environment (the grader and all it started)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/environ", "rb") as f:
                    if token.encode() in f.read():
                        found.append(int(name))
            except OSError:
                continue
    return found


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


class Graded:
    """One run of the grade command, watched: its status, output, seconds, peak memory of all its processes."""

    def __init__(self, *args: str, cwd: Path, strike: int | None = None, tmp: Path | None = None,
                 timeout: float = 120):
        self.token = uuid.uuid4().hex
        env = {**os.environ, "FASHION_HOSTILE_TEST": self.token, **({"TMPDIR": str(tmp)} if tmp else {})}
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, str(TOOL), "grade", "--expected", str(EXPECTED), *args], cwd=cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                stdin=subprocess.DEVNULL)
        self.peak, self.most, done = 0, 0, threading.Event()

        def watch() -> None:
            while not done.is_set():
                pids = marked(self.token)
                self.peak = max(self.peak, sum(rss(pid) for pid in pids))
                done.wait(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        if strike:  # once a reader runs (Tesseract runs in it): the grader and its bounded child are alive
            until, pids = time.monotonic() + 60, []
            while time.monotonic() < until and len(pids) < 2:
                time.sleep(0.02)
                pids = marked(self.token)
            proc.send_signal(strike)
            self.most = len(pids)
        try:
            self.out, self.err = proc.communicate(timeout=timeout)
        finally:
            proc.kill()
            done.set()
            watcher.join()
        self.status, self.seconds = proc.returncode, time.monotonic() - start
        time.sleep(0.3)  # a process killed by its parent's death goes within milliseconds
        self.left = marked(self.token)
        for pid in self.left:  # never leave them to slow the rest of the suite
            os.kill(pid, signal.SIGKILL)

    returncode = property(lambda self: self.status)  # read as conftest's Result
    stdout = property(lambda self: self.out)
    stderr = property(lambda self: self.err)

    def ok(self, status: int, seconds: float) -> None:
        assert "Traceback" not in self.err, self.err
        assert self.status == status, (self.status, self.out[-3000:], self.err[-2000:])
        assert self.seconds < seconds, self.seconds
        assert self.peak < PEAK, self.peak >> 20
        assert not self.left, f"processes left running: {self.left}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    make.main(str(out))
    return out


def verdicts(graded: Graded) -> dict[str, dict]:
    return {Path(s["submission"]).name: s for s in json.loads(graded.out)["submissions"]}


# --- Word content Word shows: read, never "an empty Word document" -----------------------------

WORD = ["plain", "terminal_look", "tracked", "content_control", "text_box", "field", "alt_chunk"]
NOT_READ = {  # each case: the words its reason must hold
    "alt_chunk_rtf.docx": ["altChunk", "log.rtf"],
    "vanish.docx": ["hidden in it", "w:vanish", "oneDNN"],
    "white.docx": ["white on white", "oneDNN"],
    "hidden.html": ["display:none", "oneDNN"],
    "invisible.pdf": ["invisible text", "render mode 3", "oneDNN"],
    "attachment.pdf": ["attached to it not read", "log.txt"],
    "screenshot.svg": ["SVG picture"],
    "linked": ["link in it not followed", "console.txt"],
}


def test_word_content_is_read_as_word_shows_it(corpus, tmp_path):
    """Tracked insertions, content controls, text boxes, fields, altChunk: PASS as the plain report
    (python-docx read them as "an empty Word document": FAIL, 0 points); white text on a black paragraph
    is seen, not hidden. One command for all: quick."""
    graded = Graded("--json", *(str(corpus / f"{name}.docx") for name in WORD), cwd=tmp_path)
    graded.ok(0, 10 + 3 * len(WORD))
    for name, sub in verdicts(graded).items():
        assert sub["passed"] == sub["total"] == 10, (name, sub["checks"])
        assert sub["runs"]["count"] == 1, f"{name}: a text box read twice would be two runs"


def test_what_is_not_read_or_hidden_is_said_and_review(corpus, tmp_path):
    graded = Graded("--json", *(str(corpus / name) for name in NOT_READ), cwd=tmp_path)
    graded.ok(3, 10 + 3 * len(NOT_READ))
    for name, sub in verdicts(graded).items():
        found = {c["verdict"] for c in sub["checks"]}
        assert "FAIL" not in found and "REVIEW" in found, (name, sub["checks"])
        said = json.dumps(sub, ensure_ascii=False)
        assert all(word in said for word in NOT_READ[name]), (name, NOT_READ[name], said[:3000])


def test_a_padded_log_refused_as_a_zip_bomb_is_review_not_zero(corpus, tmp_path):
    graded = Graded("--json", str(corpus / "padded.zip"), cwd=tmp_path)
    graded.ok(3, 30)
    subs = {s["submission"]: s for s in json.loads(graded.out)["submissions"]}
    assert {c["verdict"] for c in subs["Pat Padded"]["checks"]} == {"REVIEW"}
    assert "zip bomb" in subs["Pat Padded"]["needs_a_look"]
    assert subs["Hon Est"]["passed"] == 10


# --- time: one budget per hand-in and per class; every process dies with its reader --------------

@pytest.mark.skipif(not tesseract(), reason="needs Tesseract")
@pytest.mark.parametrize("name", ["pictures.docx", "screens", "picture_pages.pdf"])
def test_pictures_beyond_the_hand_in_budget_are_review_in_time(corpus, name, tmp_path):
    graded = Graded("--json", "--hand-in-seconds", "3", str(corpus / name), cwd=tmp_path)
    graded.ok(3, 3 + 12)
    [sub] = verdicts(graded).values()
    assert "reading budget of 3 s" in sub["over_budget"], sub
    assert "FAIL" not in {c["verdict"] for c in sub["checks"]}


@pytest.mark.skipif(not tesseract(), reason="needs Tesseract")
def test_the_class_budget_spans_hand_ins_and_the_report_names_them(corpus, tmp_path):
    graded = Graded("--class-seconds", "3", "--report", str(tmp_path / "r.csv"), str(corpus / "pictures.docx"),
                    str(corpus / "screens"), cwd=tmp_path)
    graded.ok(3, 3 + 12)
    summary = next(line for line in graded.out.splitlines() if line.startswith("graded 2 submissions"))
    assert "2 reached their reading budget: " in summary and summary.split("budget: ")[1].count("/") >= 2, summary
    rows = list(csv.DictReader(open(tmp_path / "r.csv", encoding="utf-8")))
    assert all("class's reading budget of 3 s" in row["notes"] for row in rows), rows


@pytest.mark.skipif(not tesseract(), reason="needs Tesseract")
@pytest.mark.parametrize("strike", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_process_and_no_unpacked_file_outlives_the_grader(corpus, tmp_path, strike):
    """Struck while Tesseract reads: every process it started ends with it; on SIGTERM and Ctrl-C the
    temporary unpacks go too (nothing can run after SIGKILL: its folder is the system's to clean)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    graded = Graded("--hand-in-seconds", "60", str(corpus / "padded.zip"), str(corpus / "pictures.docx"),
                    cwd=tmp_path, strike=strike, tmp=scratch)
    assert graded.most >= 2, "struck before a reader ran: the grader and its reader"
    assert not graded.left, f"processes left running: {graded.left}"
    assert graded.status == (-strike if strike == signal.SIGKILL else 128 + strike), (graded.status, graded.err)
    if strike != signal.SIGKILL:
        assert "Traceback" not in graded.err and graded.err.strip().endswith("no earlier one was damaged")
        assert not list(scratch.iterdir()), list(scratch.iterdir())


def test_a_child_and_its_programs_die_at_the_limit(tmp_path):
    marker = f"{uuid.uuid4().hex}"
    with pytest.raises(bounded.Refused, match="took more than 1 s"):
        bounded.run_bounded(start_and_wait, marker, seconds=1)
    time.sleep(0.2)
    assert not marked(marker)


def start_and_wait(marker: str) -> None:
    subprocess.Popen(["sleep", "60"], env={"MARK": marker})
    time.sleep(60)


def test_the_memory_of_a_readers_programs_counts_together():
    """Two programs of 120 MB each, each under a cap of 200 MB alone: refused together."""
    with pytest.raises(bounded.Refused, match="processes together"):
        bounded.run_bounded(two_programs, seconds=30, memory=200 << 20)
    assert bounded.peak_memory > 200 << 20


def two_programs() -> None:
    fill = "import time; x = bytearray(120 << 20); x[::4096] = b'1' * len(x[::4096]); time.sleep(20)"
    procs = [subprocess.Popen([sys.executable, "-c", fill]) for _ in range(2)]
    for proc in procs:
        proc.wait()


def test_a_budget_spent_refuses_at_once():
    with bounded.budget(0.5, "hand-in") as spent:
        with pytest.raises(bounded.Refused, match="ran out"):
            bounded.run_bounded(time.sleep, 5)
        start = time.monotonic()
        with pytest.raises(bounded.Refused, match="was spent"):
            bounded.run_bounded(time.sleep, 5)
        assert time.monotonic() - start < 0.1
    assert len(spent.spent) == 2


# --- outputs ---------------------------------------------------------------------------------

def test_outputs_that_cannot_be_files_are_refused_before_grading(corpus, tmp_path):
    log = str(ROOT / "tests" / "data" / "real" / "keras3.log")
    (tmp_path / "folder").mkdir()
    (tmp_path / "null").symlink_to("/dev/null")
    os.mkfifo(tmp_path / "pipe")
    cases = {("--report", str(tmp_path / "folder")): "is a folder",
             ("--html", str(tmp_path / "null")): "is a device (through a link)",
             ("--report", "/dev/null"): "is a device",
             ("--canvas", str(tmp_path / "pipe")): "is a pipe",
             ("--report", str(tmp_path / ("x" * 300 + ".csv"))): "over the 255",
             ("--report", str(tmp_path / "missing" / "r.csv")): "does not exist",
             ("--html", str(tmp_path) + "/"): "names a folder",
             ("--rubric", "/dev/zero"): "not a regular file"}  # an input read without end
    for option, words in cases.items():
        result = Graded(*option, log, cwd=tmp_path)
        assert_clean_error(result, 2, words)
        assert len(result.err.strip().splitlines()) == 1 and not result.out, result.err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and (tmp_path / "null").is_symlink()


def test_a_write_error_is_one_line_and_earlier_outputs_stay(tmp_path):
    """The HTML page over the file size limit (EFBIG): one line; the CSV written before it is complete."""
    import resource

    log = str(ROOT / "tests" / "data" / "real" / "keras3.log")
    limit = 16 << 10  # the CSV is 2 kB, the page 60 kB

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, str(TOOL), "grade", "--expected", str(EXPECTED), "--report",
                           str(tmp_path / "r.csv"), "--html", str(tmp_path / "page.html"), log], cwd=tmp_path,
                          capture_output=True, text=True, preexec_fn=small_files, timeout=120,
                          env={**os.environ, "GIT_DIR": str(tmp_path / "no-git")})  # the page's `git describe`
    # would otherwise write the checkout's index.lock under the same limit and leave it there
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "page.html" in proc.stderr and "File too large" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert len(list(csv.reader(open(tmp_path / "r.csv")))) == 2
    assert not (tmp_path / "page.html").exists() and not list(tmp_path.glob(".page*"))


def test_names_that_are_no_file_names_get_safe_unique_files(corpus, tmp_path):
    graded = Graded("--feedback", str(tmp_path / "fb"), "--report", str(tmp_path / "r.csv"),
                    str(corpus / "colliding.zip"), str(corpus / "long_names.zip"), cwd=tmp_path)
    graded.ok(0, 30)
    files = sorted(p for p in (tmp_path / "fb").rglob("*") if p.is_file() and p.suffix == ".txt")
    assert len(files) == 6, files  # one per student, none overwritten
    assert all(len(os.fsencode(part)) <= 255 for p in files for part in p.parts)
    texts = [p.read_text(encoding="utf-8") for p in files]
    for student in ("Jo Smith", "Jo_Smith", "jo smith", "CON", "Ж" * 100 + " " + "Щ" * 100):
        assert sum(text.startswith(f"Feedback for {student}:") for text in texts) == 1, student
    assert not [p for p in files if p.name.split("_")[0].split(".")[0].upper() == "CON"]
    with zipfile.ZipFile(tmp_path / "fb" / "feedback.zip") as z:
        assert len(z.namelist()) == 2 and all("_assignsubmission_file_/feedback.txt" in n for n in z.namelist())
    raw = (tmp_path / "r.csv").read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\r" not in raw.replace("\r\n", "\n"), repr(raw[:500])
    assert "Eve [31m Red" in raw


def test_a_budget_travels_with_a_read_sent_elsewhere():
    """A hand-in read on a cluster's worker keeps to what its budget had left on the client, and what the
    worker left unread counts against the client's budgets as a read here would (measure/cluster/readers)."""
    limits = bounded.Limits(hand_in_seconds=30, class_seconds=100, memory=256 << 20)
    with bounded.class_limits(limits), bounded.hand_in_budget() as hand_in:
        carried, seconds, what = bounded.in_force()
        assert carried == limits and 29 < seconds <= 30 and what == "hand-in"

        def on_worker() -> list[str]:  # a worker's process knows none of the client's budgets
            with bounded.kept(carried, 0.0, what) as worker:  # what the client's budget had left: nothing
                with pytest.raises(bounded.Refused, match="budget"):
                    bounded.run_bounded(time.sleep, 0)
            return worker.spent

        import contextvars

        spent = contextvars.Context().run(on_worker)
        assert spent and not hand_in.spent
        bounded.spent_elsewhere(spent)
        assert hand_in.spent == spent
