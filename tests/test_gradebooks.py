"""Points per check, the grades and feedback written back to Moodle, Canvas and Gradescope, and runs that
printed identical numbers."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from fashion_tools.errors import ToolError
from fashion_tools.grading.check.copies import groups_of_identical, same_runs
from fashion_tools.grading.check.result import CHECKS, CheckResult
from fashion_tools.grading.check.rubric import load_rubric, parse_points, points_for, score
from fashion_tools.grading.intake.bundles import Student, open_bundle
from fashion_tools.grading.platforms.gradebooks import defuse, read_worksheet, write_canvas_csv, write_worksheet
from fashion_tools.grading.platforms.gradescope import gradescope_results, write_results
from fashion_tools.grading.reports.feedback import feedback_text, write_feedback

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"


def result(check: str, passed: bool, reason: str = "ok") -> CheckResult:
    return CheckResult(check, passed, "expected", "found", reason)


def error_line(call, *args) -> str:
    with pytest.raises(ToolError) as caught:
        call(*args)
    assert "\n" not in str(caught.value)
    return str(caught.value)


# Points per check

def test_parse_points():
    assert parse_points("model=3, accuracy = 2.5") == {"model": 3.0, "accuracy": 2.5}
    assert parse_points("") == {}
    assert "unknown check 'modle'" in error_line(parse_points, "modle=3")
    assert "shapes, sample" in error_line(parse_points, "modle=3")  # the message lists the checks
    for bad, why in [("model=-1", "0 or more"), ("model=nan", "finite"), ("model=inf", "finite"),
                     ("model=abc", "not a number"), ("model", "CHECK=POINTS"), ("model=1,model=2", "twice")]:
        assert why in error_line(parse_points, bad), bad


def test_load_rubric_toml_and_json(tmp_path):
    toml = tmp_path / "rubric.toml"
    toml.write_text("# lab 3\n[points]\nmodel = 3\naccuracy = 2.5\n")
    assert load_rubric(toml) == {"model": 3.0, "accuracy": 2.5}
    js = tmp_path / "rubric.json"
    js.write_text(json.dumps({"points": {"f1": 0, "loss": 4}}))
    assert load_rubric(js) == {"f1": 0.0, "loss": 4.0}
    cases = [("a.toml", "[points]\nmodle = 1\n", "unknown check 'modle'"),
             ("b.toml", "[points]\nmodel = -2\n", "0 or more"),
             ("c.toml", "[points]\nmodel = nan\n", "finite"),
             ("d.toml", "[points]\nmodel = true\n", "not a number"),
             ("e.toml", "[pionts]\nmodel = 1\n", "no points table"),
             ("f.toml", "[points]\nmodel = 1\n[extra]\n", "unknown key 'extra'"),
             ("g.toml", "[points\n", "not valid TOML"),
             ("h.json", '{"points": {"model": "3"', "not valid JSON"),
             ("i.json", '{"points": {"model": 1e999}}', "finite")]
    for name, text, why in cases:
        (tmp_path / name).write_text(text)
        assert why in error_line(load_rubric, tmp_path / name), name
    assert "cannot be read" in error_line(load_rubric, tmp_path / "missing.toml")


def test_points_for_and_score():
    points = points_for(CHECKS[:3], {"sample": 2.5})
    assert points == {"shapes": 1.0, "sample": 2.5, "architecture": 1.0}
    results = [result("shapes", True), result("sample", True), result("architecture", False)]
    assert score(results, points) == (3.5, 4.5)
    assert score([result("model", True)], points) == (1.0, 1.0)  # a check without points is worth 1
    assert score([], points) == (0.0, 0.0)


# Spreadsheet cells

def test_defuse_formula_cells():
    for cell in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", "=HYPERLINK(\"http://x\")"]:
        assert defuse(cell) == "'" + cell
    for cell in ["", "-", "-5", "+3.5", "7,25", "Zoë O'Brien", "73.50", "a=b"]:
        assert defuse(cell) == cell


# Moodle's grading worksheet

WORKSHEET = (
    "\ufeffIdentifier,\"Full name\",\"Email address\",Status,Grade,\"Maximum Grade\",\"Grade can be changed\","
    "\"Last modified (submission)\",\"Online text\",\"Last modified (grade)\",\"Feedback comments\"\n"
    "\"Participant 123456\",\"Zoë O'Brien\",zoe@example.edu,\"Submitted for grading - Not graded\",,100.00,Yes,"
    "\"Friday, 6 March 2026, 10:12 AM\",,-,\n"
    "\"Participant 654321\",\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",pic@example.edu,"
    "\"Submitted for grading - Graded\",88.00,100.00,Yes,\"Friday, 6 March 2026, 9:00 AM\",\"-1+1\","
    "\"Friday, 6 March 2026, 11:00 AM\",\"- earlier feedback, kept as it was\"\n"
    "\"Participant 111\",\"Åsa Ödman\",asa@example.edu,\"No submission - Not graded\",,100.00,No,-,,-,\n"
)


def test_moodle_worksheet_round_trip(tmp_path):
    path = tmp_path / "Grades-C1-Lab 3-42.csv"
    path.write_bytes(WORKSHEET.encode("utf-8"))
    sheet = read_worksheet(path)
    assert sheet.header[0] == "Identifier" and len(sheet.rows) == 3
    out = tmp_path / "filled.csv"
    warnings = write_worksheet(out, sheet, {"123456": (0.735, "Accuracy: 0.91\n<b>well done</b>"),
                                            "Participant 111": (1.0, "x"), "999": (0.5, "y"), "nobody": (1, "")})
    assert warnings == ["'nobody': not a participant number",
                        "participant 111: Moodle says its grade cannot be changed (locked or final)",
                        "participant 999: not in the worksheet"]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Moodle's own byte-order mark
    again = read_worksheet(out)
    assert again.header == sheet.header
    zoe, picard, asa = again.rows
    at = again.header.index
    assert zoe[at("Grade")] == "73.50"
    assert zoe[at("Feedback comments")] == "Accuracy: 0.91<br>&lt;b&gt;well done&lt;/b&gt;"
    assert zoe[at("Last modified (grade)")] == "-"
    assert picard[at("Full name")].startswith("'=HYPERLINK")  # a student's name defused
    assert picard[at("Grade")] == "88.00"  # not graded here: as Moodle wrote it
    assert picard[at("Feedback comments")] == "- earlier feedback, kept as it was"  # Moodle reads it back
    assert picard[at("Online text")] == "'-1+1"
    assert asa[at("Grade")] == "" and asa[at("Feedback comments")] == ""


def test_moodle_worksheet_keeps_its_decimal_mark_and_clamps(tmp_path):
    text = WORKSHEET.replace("100.00", '"10,00"').replace("\ufeff", "")  # a copy saved by a European Excel
    text = text.replace("Maximum Grade", "Maximum grade")  # as other Moodle versions write it
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    write_worksheet(out, read_worksheet(path), {"123456": (1.7, "too much"), "654321": (0.5, "half")})
    rows = read_worksheet(out).rows
    assert rows[0][4] == "10,00" and rows[1][4] == "5,00"


def test_moodle_worksheet_errors(tmp_path):
    cases = [("a.csv", "Identifier,Full name,Grade\n", "no column 'Maximum Grade'"),
             ("b.csv", "Identifier,Grade,Scale,Last modified (grade)\n", "graded with a scale"),
             ("c.csv", "Identifier,Grade,Maximum Grade,Last modified (grade)\nAlice,1,10,-\n", "student row 1"),
             ("e.csv", "Identifier,Grade\n\"" + "x" * 200_000 + "\",1\n", "not a CSV file"),
             ("d.csv", "", "empty")]
    for name, text, why in cases:
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert why in error_line(read_worksheet, tmp_path / name), name


# Canvas's gradebook import

def test_canvas_csv_layout(tmp_path):
    path = tmp_path / "canvas.csv"
    write_canvas_csv(path, "Lab 3 (4242)", 10.0, [("Zoë O'Brien", "123", 7.5), ("=cmd|' /C calc'!A0", "456", 10.0),
                                                  ("Sam Lee", "789", None)])
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 3 (4242)"],
                    ["Points Possible", "", "", "", "", "10"],
                    ["Zoë O'Brien", "123", "", "", "", "7.5"],
                    ["'=cmd|' /C calc'!A0", "456", "", "", "", "10"],
                    ["Sam Lee", "789", "", "", "", ""]]
    assert "not a Canvas user id" in error_line(write_canvas_csv, path, "Lab", 10, [("x", "anon_Ab12", 1.0)])
    assert "0 or more" in error_line(write_canvas_csv, path, "Lab", 10, [("x", "1", -1.0)])
    assert "empty" in error_line(write_canvas_csv, path, " ", 10, [])


# Gradescope

GRADESCOPE_SCHEMA = {  # from Gradescope's Autograder Specifications, the fields written here
    "type": "object", "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number"}, "output": {"type": "string"},
        "visibility": {"enum": ["visible", "hidden", "after_due_date", "after_published"]},
        "stdout_visibility": {"enum": ["visible", "hidden", "after_due_date", "after_published"]},
        "tests": {"type": "array", "items": {
            "type": "object", "required": ["name", "score", "max_score", "output", "visibility"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "score": {"type": "number"}, "max_score": {"type": "number"},
                           "status": {"enum": ["passed", "failed"]}, "output": {"type": "string"},
                           "visibility": {"enum": ["visible", "hidden", "after_due_date", "after_published"]}}}},
    },
}


def test_gradescope_results_schema(tmp_path):
    checks = [result("shapes", True, "all four shapes equal the expected"),
              result("accuracy", False, "test accuracy 0.80 is below 0.8865"), result("model", True)]
    results = gradescope_results(checks, {"accuracy": 2, "model": 3}, visibility="after_published")
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 4.0
    shapes, accuracy, _ = results["tests"]
    assert (shapes["score"], shapes["max_score"], shapes["status"]) == (1.0, 1.0, "passed")
    assert (accuracy["score"], accuracy["max_score"], accuracy["status"]) == (0.0, 2.0, "failed")
    assert accuracy["output"].startswith("test accuracy 0.80") and "What to do:" in accuracy["output"]
    assert results["tests"][2]["output"] == "ok" and results["tests"][2]["visibility"] == "after_published"
    assert "use one of" in error_line(gradescope_results, checks, {}, "public")
    write_results(tmp_path / "results.json", results)
    assert json.loads((tmp_path / "results.json").read_text()) == results


def test_gradescope_run_autograder_example_grades_a_log(tmp_path):
    """docs/gradescope_run_autograder.sh itself, run with Gradescope's folders under tmp_path."""
    source, submission = tmp_path / "source", tmp_path / "submission"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "docs", "benchmarks"))
    submission.mkdir()
    (source / "expected.json").write_bytes((DATA / "expected.json").read_bytes())
    (source / "rubric.toml").write_text("[points]\naccuracy = 4\n")
    (submission / "console.txt").write_bytes((DATA / "submissions" / "keras2_tf_keras.txt").read_bytes())
    env = {**os.environ, "AUTOGRADER": str(tmp_path), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(ROOT / "docs" / "gradescope_run_autograder.sh")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    output = json.loads((tmp_path / "results" / "results.json").read_text())
    jsonschema.validate(output, GRADESCOPE_SCHEMA)
    assert [t["name"] for t in output["tests"]] == CHECKS[:-1]
    assert next(t for t in output["tests"] if t["name"] == "accuracy")["max_score"] == 4.0
    assert output["score"] == 13.0  # every check passes: 9 worth 1, accuracy 4


# Feedback for students

def failing_results() -> list[CheckResult]:
    return [result("shapes", True), result("accuracy", False, "test accuracy 0.80 is below 0.8865 | \x1b[31m"),
            result("f1", False, "not reached: the run stopped with NameError before the F1 score"),
            result("prediction", False, "not reached: the run stopped with NameError before the F1 score")]


def test_feedback_text_plain_and_markdown():
    plain = feedback_text("Zoë O'Brien", failing_results(), {"accuracy": 2})
    assert plain.startswith("Feedback for Zoë O'Brien: 1 of 5 points (20%)")
    assert re.search(r"^accuracy +FAIL +0/2$", plain, re.MULTILINE)
    assert "- f1, prediction: not reached" in plain  # one reason said once
    assert "What to do: your run stopped with an error" in plain
    assert "What to do: train the lecture's model" in plain
    assert "\x1b" not in plain
    markdown = feedback_text("Zoë *O'Brien*", failing_results(), {"accuracy": 2}, markdown=True)
    assert markdown.startswith("# Feedback for Zoë \\*O'Brien\\*")
    assert "| accuracy | FAIL | 0/2 |" in markdown
    assert "0.8865 \\| " in markdown  # a student's text cannot break the table or the list
    perfect = feedback_text("Sam", [result("shapes", True)], {})
    assert "1 of 1 points (100%)" in perfect and "Every check passed" in perfect


def test_feedback_files_for_moodle_come_back_as_the_download_named_them(tmp_path):
    students = [Student("Zoë O'Brien", "123456", False, [], "moodle"),
                Student("Ann_Lee", "222", False, [], "moodle"),  # '_' would shift Moodle's number out of place
                Student("alice.txt", None, False, [], "plain")]
    written = write_feedback(tmp_path / "out", [(s, f"feedback for {s.name}\n") for s in students], moodle=True)
    with zipfile.ZipFile(tmp_path / "out" / "feedback.zip") as z:
        assert sorted(z.namelist()) == ["Ann Lee_222_assignsubmission_file_/feedback.txt",
                                        "Zoë O'Brien_123456_assignsubmission_file_/feedback.txt"]
        for name in z.namelist():  # as importziplib.php reads it: explode('_', part, 5)
            info = name.split("/")[0].split("_", 4)
            assert info[1].isdigit() and info[2:4] == ["assignsubmission", "file"]
    assert written[-1] == tmp_path / "out" / "feedback.zip"
    assert (tmp_path / "out" / "alice.txt_feedback.txt").read_text() == "feedback for alice.txt\n"
    back = {s.identifier: s for s in open_bundle(tmp_path / "out" / "feedback.zip", tmp_path / "work")}
    assert back["123456"].name == "Zoë O'Brien" and back["222"].name == "Ann Lee"
    assert back["123456"].paths[0].read_text() == "feedback for Zoë O'Brien\n"


def test_feedback_files_for_canvas(tmp_path):
    student = Student("obrienzoë", "123", True, [], "canvas")
    [path] = write_feedback(tmp_path, [(student, "text")], moodle=False)
    assert path == tmp_path / "obrienzoë_123_feedback.txt" and path.read_text() == "text"


# Identical runs

def test_groups_of_identical():
    groups = groups_of_identical({"a": (1, 2), "b": (1, 2), "c": (3,), "d": None, "e": None, "f": (1, 2)})
    assert groups == {"a": ["b", "f"], "b": ["a", "f"], "c": [], "d": [], "e": [], "f": ["a", "b"]}
    assert groups_of_identical({}) == {}


def test_same_runs_compare_test_numbers_and_history():
    def log(loss, accuracy, f1=0.9, history=(0.5, 0.4)):
        return SimpleNamespace(loss=loss, accuracy=accuracy, f1=f1, history=history)

    logs = {"zoe": log(0.25, 0.91), "sam": log(0.25, 0.91), "ann": log(0.25, 0.91, history=(0.6, 0.4)),
            "bob": log(0.3, 0.90), "eve": log(None, None), "max": log(None, None)}
    assert same_runs(logs)["zoe"] == ["ann", "sam"]  # without a history, the test numbers decide
    by_history = same_runs(logs, history=lambda entry: entry.history)
    assert by_history == {"zoe": ["sam"], "sam": ["zoe"], "ann": [], "bob": [], "eve": [], "max": []}
