"""A whole class, end to end: a platform's download in (Moodle's and Canvas' zips, named as the
platforms name them, holding real logs and a real notebook's text), the gradebook and each
student's feedback out, copied runs listed, and nothing written outside the temporary folder."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

import fashion_items
from fashion_tools.grading.platforms.gradebooks import read_worksheet

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
EXPECTED = DATA / "expected.json"
WORKSHEET = (
    "\ufeffIdentifier,\"Full name\",\"Email address\",Status,Grade,\"Maximum Grade\",\"Grade can be changed\","
    "\"Last modified (submission)\",\"Last modified (grade)\",\"Feedback comments\"\n"
    "\"Participant 123456\",\"Zoë O'Brien\",zoe@example.edu,\"Submitted for grading - Not graded\",,10.00,Yes,"
    "\"Friday, 6 March 2026, 10:12 AM\",-,\n"
    "\"Participant 234567\",\"Jean-Luc Picard\",jl@example.edu,\"Submitted for grading - Not graded\",,10.00,Yes,"
    "\"Friday, 6 March 2026, 10:13 AM\",-,\n"
    "\"Participant 345678\",\"Åsa Ödman\",asa@example.edu,\"Submitted for grading - Not graded\",,10.00,Yes,"
    "\"Friday, 6 March 2026, 10:14 AM\",-,\n"
)


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def grade(*args: str) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = fashion_items.main(["grade", "--expected", str(EXPECTED), *args])
    return status, out.getvalue(), err.getvalue()


def moodle_zip(tmp_path: Path) -> Path:
    """Zoë ran the lab once; Jean-Luc's run stopped at the confusion matrix; Åsa handed in Zoë's log."""
    return make_zip(tmp_path / "C1-Lab 3-42.zip", {
        "Zoë O'Brien_123456_assignsubmission_file_/output.txt": (REAL / "keras3.log").read_bytes(),
        "Jean-Luc Picard_234567_assignsubmission_file_/lab3 log.txt": (REAL / "typo_confusion_matrix.log").read_bytes(),
        "Jean-Luc Picard_234567_assignsubmission_file_/lab3.py": (DATA / "lecture" / "as_printed.py.txt").read_bytes(),
        "Åsa Ödman_345678_assignsubmission_file_/console.txt": (REAL / "keras3.log").read_bytes(),
    })


def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_moodle_download_and_worksheet_to_graded_worksheet_and_feedback_zip(tmp_path):
    bundle = moodle_zip(tmp_path)
    worksheet = tmp_path / "Grades-C1-Lab 3-42.csv"
    worksheet.write_bytes(WORKSHEET.encode())
    before_tmp = set(Path(tempfile.gettempdir()).iterdir())
    status, out, err = grade("--json", "--moodle-worksheet", str(worksheet), "--feedback", str(tmp_path / "fb"),
                             "--points", "accuracy=2", str(bundle))
    assert status == 1 and err == ""
    report = {s["submission"]: s for s in json.loads(out)["submissions"]}
    assert sorted(report) == ["Jean-Luc Picard", "Zoë O'Brien", "Åsa Ödman"]
    assert report["Zoë O'Brien"]["identifier"] == "123456"
    assert (report["Zoë O'Brien"]["points"], report["Zoë O'Brien"]["max_points"]) == (11, 11)
    assert report["Jean-Luc Picard"]["points"] == 8  # confusion matrix, F1 and prediction not reached
    assert report["Zoë O'Brien"]["same_as"] == ["Åsa Ödman"] and report["Åsa Ödman"]["same_as"] == ["Zoë O'Brien"]
    assert report["Jean-Luc Picard"]["same_as"] == []

    graded = read_worksheet(tmp_path / "Grades-C1-Lab 3-42-graded.csv")
    at = graded.header.index
    rows = {row[at("Identifier")]: row for row in graded.rows}
    assert rows["Participant 123456"][at("Grade")] == "10.00"
    assert rows["Participant 234567"][at("Grade")] == "7.27"  # 8 of 11 points, on Moodle's 10
    assert "not reached: the run stopped with NameError" in rows["Participant 234567"][at("Feedback comments")]
    assert worksheet.read_bytes() == WORKSHEET.encode()  # the download itself is never changed

    with zipfile.ZipFile(tmp_path / "fb" / "feedback.zip") as z:
        names = sorted(z.namelist())
        picard = z.read("Jean-Luc Picard_234567_assignsubmission_file_/feedback.txt").decode()
    assert names == ["Jean-Luc Picard_234567_assignsubmission_file_/feedback.txt",
                     "Zoë O'Brien_123456_assignsubmission_file_/feedback.txt",
                     "Åsa Ödman_345678_assignsubmission_file_/feedback.txt"]
    assert "confusion_matrix" in picard and "NameError" in picard
    assert set(Path(tempfile.gettempdir()).iterdir()) == before_tmp  # the unpacked files are gone


def test_canvas_download_to_gradebook_csv(tmp_path):
    notebook_text = (REAL / "tool_utf-8.log").read_bytes()
    bundle = make_zip(tmp_path / "submissions.zip", {
        "obrienzoe_1001_5001_output.txt": (REAL / "keras3.log").read_bytes(),
        "picardjeanluc_LATE_1002_5002_Lab3-1.txt": (REAL / "typo_sample.log").read_bytes(),
        "picardjeanluc_LATE_1002_5003_notes.txt": b"I could not finish, sorry\n",
        "odmanasa_1003_5004_run.log": notebook_text,
    })
    status, out, err = grade("--canvas", str(tmp_path / "canvas.csv"), "--assignment", "Lab 3 (77)",
                             "--report", str(tmp_path / "grades.csv"), str(bundle))
    assert status == 1, err
    assert "Canvas gradebook CSV: " in out
    with open(tmp_path / "canvas.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 3 (77)"]
    assert rows[1][0] == "Points Possible" and rows[1][5] == "10"
    scores = {row[1]: row[5] for row in rows[2:]}
    assert scores == {"1001": "10", "1002": "1", "1003": "10"}
    with open(tmp_path / "grades.csv", newline="") as f:
        late = {row["identifier"]: row["late"] for row in csv.DictReader(f)}
    assert late == {"1001": "", "1002": "yes", "1003": ""}


def test_one_folder_to_gradescope_results(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "output.txt").write_bytes((REAL / "typo_confusion_matrix.log").read_bytes())
    status, out, err = grade("--gradescope", str(tmp_path / "results.json"), str(folder))
    results = json.loads((tmp_path / "results.json").read_text())
    assert status == 1 and err == ""
    assert results["score"] == 7 and len(results["tests"]) == 10
    failed = [t for t in results["tests"] if t["score"] == 0]
    assert [t["name"] for t in failed] == ["confusion_matrix", "f1", "prediction"]
    assert all(t["max_score"] == 1 and t["visibility"] and t["output"] for t in results["tests"])


def test_copies_listing_can_be_turned_off_and_a_bad_bundle_is_one_line(tmp_path):
    bundle = moodle_zip(tmp_path)
    status, out, err = grade("--no-copies", "--json", str(bundle))
    assert all(s["same_as"] == [] for s in json.loads(out)["submissions"])
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    before = listing(tmp_path)
    status, out, err = grade(str(broken))
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "broken.zip" in err and "download it again" in err
    assert listing(tmp_path) == before


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_line_on_a_terminal_and_none_in_a_log(monkeypatch, capsys):
    logs = [str(REAL / "keras3.log"), str(REAL / "typo_sample.log")]
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    fashion_items.main(["grade", "--expected", str(EXPECTED), *logs])
    assert terminal.getvalue() == "\rgrading 1/2\rgrading 2/2\n"
    monkeypatch.undo()
    fashion_items.main(["grade", "--expected", str(EXPECTED), *logs])
    assert "grading" not in capsys.readouterr().err
