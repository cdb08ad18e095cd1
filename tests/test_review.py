"""REVIEW end to end: a hand-in the grader cannot read goes to a person, never a zero in a gradebook.

Through Moodle's worksheet (the row left as Moodle wrote it), Canvas' CSV (the cell empty), Gradescope's
results.json (the passed checks' points, each REVIEW's reason for the manual grader), the feedback files
(the student told a person looks), stderr (who needs a look) and the exit status (3)."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

from test_class import WORKSHEET, grade, make_zip

from fashion_tools.grading.platforms.gradebooks import read_worksheet

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
SCREENSHOT = DATA / "submissions" / "binary.txt"  # the first 80 bytes of a PNG: a picture that cannot be decoded


def test_moodle_worksheet_leaves_a_review_row_as_moodle_wrote_it(tmp_path):
    bundle = make_zip(tmp_path / "C1-Lab 3-42.zip", {
        "Zoë O'Brien_123456_assignsubmission_file_/output.txt": (REAL / "keras3.log").read_bytes(),
        "Jean-Luc Picard_234567_assignsubmission_file_/screen.png": SCREENSHOT.read_bytes(),
    })
    worksheet = tmp_path / "Grades.csv"
    worksheet.write_bytes(WORKSHEET.encode())
    status, out, err = grade("--json", "--moodle-worksheet", str(worksheet), "--feedback", str(tmp_path / "fb"),
                             str(bundle))
    assert status == 3, err  # nothing failed; one needs a look
    report = {s["submission"]: s for s in json.loads(out)["submissions"]}
    picard = report["Jean-Luc Picard"]
    assert {c["verdict"] for c in picard["checks"]} == {"REVIEW"} and picard["points"] == 0
    assert picard["log"] == "Jean-Luc Picard_234567_assignsubmission_file_/screen.png"  # never the unpacked path
    assert "screen.png: a damaged picture that cannot be decoded" in picard["needs_a_look"]
    assert json.loads(out)["need_a_look"] == ["Jean-Luc Picard"]
    assert err.count("\n") == 1 and "needs a look, Moodle worksheet grade left empty: Jean-Luc Picard (234567)" in err

    original = read_worksheet(worksheet)
    graded = read_worksheet(tmp_path / "Grades-graded.csv")
    at = graded.header.index
    rows = {row[at("Identifier")]: row for row in graded.rows}
    assert rows["Participant 123456"][at("Grade")] == "10.00"
    assert rows["Participant 234567"] == original.rows[1]  # as downloaded: no zero, no comment
    with zipfile.ZipFile(tmp_path / "fb" / "feedback.zip") as z:
        text = z.read("Jean-Luc Picard_234567_assignsubmission_file_/feedback.txt").decode()
    assert "Being looked at by a person" in text and "a damaged picture" in text
    assert "REVIEW" in text and "What went wrong" not in text


def test_canvas_csv_leaves_a_review_cell_empty_and_the_table_says_why_once(tmp_path):
    bundle = make_zip(tmp_path / "submissions.zip", {
        "obrienzoe_1001_5001_output.txt": (REAL / "typo_sample.log").read_bytes(),
        "picardjeanluc_1002_5002_screenshot.png": SCREENSHOT.read_bytes(),
    })
    status, out, err = grade("--canvas", str(tmp_path / "canvas.csv"), "--report", str(tmp_path / "grades.csv"),
                             str(bundle))
    assert status == 1  # a failure outranks a look
    with open(tmp_path / "canvas.csv", newline="") as f:
        scores = {row[1]: row[5] for row in list(csv.reader(f))[2:]}
    assert scores == {"1001": "1", "1002": ""}
    assert "needs a look, Canvas grade left empty: picardjeanluc (1002)" in err
    block = out.split("== picardjeanluc ==")[1].split("\n\n")[0]
    assert block.count("a damaged picture") == 1 and block.count("(see above)") == 10
    assert "1 needs a look" in out
    with open(tmp_path / "grades.csv", newline="") as f:
        rows = {row["identifier"]: row for row in csv.DictReader(f)}
    assert rows["1002"]["failures"] == "" and "a damaged picture" in rows["1002"]["needs_a_look"]
    assert rows["1002"]["log_file"] == "picardjeanluc_1002_5002_screenshot.png"


def test_gradescope_gets_the_passed_points_and_each_review_for_the_manual_grader(tmp_path):
    """A printout numpy abridged: the matrix needs a look, everything else is graded."""
    log = (REAL / "keras3.log").read_text()
    heading = log.index("== CONFUSION MATRIX ==")
    matrix_end = log.index("]]", heading) + 2
    abridged = log[:heading] + "== CONFUSION MATRIX ==\n[[840   1  18 ...   0   6   1]\n ...\n [  0   0 ...  960]]" + \
        log[matrix_end:]
    (tmp_path / "output.txt").write_text(abridged)
    status, out, err = grade("--gradescope", str(tmp_path / "results.json"), str(tmp_path / "output.txt"))
    results = json.loads((tmp_path / "results.json").read_text())
    tests = {t["name"]: t for t in results["tests"]}
    assert status == 3 and err == ""
    assert results["score"] == 9
    assert "status" not in tests["confusion_matrix"] and tests["confusion_matrix"]["score"] == 0
    assert tests["confusion_matrix"]["output"].startswith("Needs a look by a person: the confusion matrix is printed "
                                                          "abridged")
    assert tests["f1"]["status"] == "passed"
    assert results["output"].startswith("1 check needs a look by a person (REVIEW)")
