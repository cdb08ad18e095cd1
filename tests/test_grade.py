"""grade: console logs read robustly, each check's verdict, the table, CSV and JSON, exit status, safety.

The hand-made logs in tests/data/submissions/ are graded against tests/data/expected.json, the
results.json of a default run on the real data set; tests/data/verdicts.json holds what each
one must get and why.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TOOL, assert_clean_error, lambda_model, run_tool

import fashion_items
from fashion_tools.grading.check.result import CHECKS, LOG_CHECKS
from fashion_tools.grading.readers.console_log import MAX_LOG_BYTES
from fashion_tools.grading.reports.grades import csv_cell

DATA = Path(__file__).parent / "data"
SUBMISSIONS = DATA / "submissions"
EXPECTED = DATA / "expected.json"
VERDICTS = json.loads((DATA / "verdicts.json").read_text())
PASSING = [name for name, v in VERDICTS.items() if set(v["verdicts"].values()) == {"PASS"}]


def grade(*args: str, capsys) -> tuple[int, str, str]:
    """Run `grade ARGS` in this process (no TensorFlow needed for logs); (status, stdout, stderr)."""
    status = fashion_items.main(["grade", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def grade_json(*args: str, capsys, expected: Path = EXPECTED) -> tuple[int, dict]:
    status, out, err = grade("--expected", str(expected), "--json", *args, capsys=capsys)
    assert "Traceback" not in err
    return status, json.loads(out)


def verdicts(submission: dict) -> dict[str, str]:
    return {c["check"]: c["verdict"] for c in submission["checks"]}


# The hand-made logs, each with the verdicts it must get

@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_hand_made_log_gets_its_verdicts(name, capsys):
    want = VERDICTS[name]
    status, report = grade_json(str(SUBMISSIONS / name), capsys=capsys)
    (sub,) = report["submissions"]
    assert verdicts(sub) == want["verdicts"], [(c["check"], c["reason"]) for c in sub["checks"]]
    reasons = {c["check"]: c["reason"] for c in sub["checks"]}
    for check, words in want.get("reasons", {}).items():
        assert words.lower() in reasons[check].lower(), (check, reasons[check])
    assert all(c["reason"] for c in sub["checks"])  # every check says why, passes included
    shown = set(want["verdicts"].values())
    assert status == (1 if "FAIL" in shown else 3 if "REVIEW" in shown else 0)


def test_every_hand_made_log_is_listed():
    assert sorted(p.name for p in SUBMISSIONS.iterdir()) == sorted(VERDICTS)


def test_powershell_utf16_log_reads_like_its_utf8_original(tmp_path, capsys):
    text = (SUBMISSIONS / "keras2_tf_keras.txt").read_text(encoding="utf-8")
    utf16 = tmp_path / "powershell.txt"
    utf16.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))  # PowerShell 5's `>` writes this
    status, report = grade_json(str(utf16), capsys=capsys)
    assert status == 0, report
    assert set(verdicts(report["submissions"][0]).values()) == {"PASS"}


# Logs the tool itself wrote pass against their own results.json

def run_in_terminal(args: list[str], cwd: Path) -> bytes:
    """The tool's output as a terminal receives it, so Keras draws its live progress bar."""
    master, slave = os.openpty()
    env = {**os.environ, "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, str(TOOL), *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=600) == 0, b"".join(chunks)[-2000:]
    return b"".join(chunks)


@pytest.fixture(scope="module")
def terminal_run(tmp_path_factory, synthetic_dir) -> Path:
    folder = tmp_path_factory.mktemp("terminal")
    log = run_in_terminal(["--epochs", "2", "--data-dir", str(synthetic_dir), "--no-figures"], folder)
    (folder / "console.log").write_bytes(log)
    return folder


def test_terminal_log_with_progress_bars_passes_against_its_results(terminal_run, capsys):
    raw = (terminal_run / "console.log").read_bytes()
    assert b"\r" in raw and b"\x1b[" in raw and "━".encode() in raw  # a live bar, colours and all
    status, report = grade_json(str(terminal_run / "console.log"), capsys=capsys,
                                expected=terminal_run / "results.json")
    assert status == 0, report
    assert len(report["submissions"][0]["checks"]) == len(LOG_CHECKS)


def test_redirected_log_passes_against_its_results(trained_run, tmp_path, capsys):
    log = tmp_path / "redirected.txt"
    log.write_text(trained_run.result.stdout)
    status, out, err = grade("--expected", str(trained_run.results), str(log), capsys=capsys)
    assert status == 0, out
    assert f"{log}: 10/10 checks passed" in out
    assert "graded 1 submission: 1 passed every check, 0 failed some" in out


# Models handed in: measured here, and never run when they carry code

def test_models_are_measured_and_a_lambda_layer_is_refused_unrun(trained_run, synthetic_dir, tmp_path):
    honest, lying, hostile = (tmp_path / name for name in ("honest", "lying", "hostile"))
    for folder in (honest, lying, hostile):
        folder.mkdir()
        (folder / "console.txt").write_text(trained_run.result.stdout)
        if folder is not hostile:
            (folder / "after.h5").write_bytes(trained_run.model.read_bytes())
    claimed = next(line for line in trained_run.result.stdout.splitlines() if "model accuracy" in line)
    (lying / "console.txt").write_text(trained_run.result.stdout.replace(claimed, "Keras CNN model accuracy =  0.5"))
    marker = tmp_path / "lambda-ran"
    lambda_model(hostile / "after.h5", marker)

    result = run_tool("grade", "--expected", str(trained_run.results), "--data-dir", str(synthetic_dir), "--json",
                      str(honest), str(lying), str(hostile))
    assert result.returncode == 1, result.stderr
    assert not marker.exists()
    report = {Path(s["submission"]).name: s for s in json.loads(result.stdout)["submissions"]}
    model = {name: next(c for c in s["checks"] if c["check"] == "model") for name, s in report.items()}
    assert report["honest"]["score"] == "11/11", report["honest"]
    assert model["lying"]["verdict"] == "FAIL" and "do not come from this model" in model["lying"]["reason"]
    assert model["hostile"]["verdict"] == "FAIL" and "Lambda" in model["hostile"]["reason"]
    assert "refused" in model["hostile"]["reason"]


# Grading logs stays fast and free of TensorFlow

def test_grading_logs_imports_no_tensorflow_and_is_fast():
    logs = [str(SUBMISSIONS / name) for name in sorted(VERDICTS)]
    code = ("import json, sys, time, fashion_items\n"
            "t = time.perf_counter()\n"
            f"status = fashion_items.main(['grade', '--expected', {str(EXPECTED)!r}, *{logs!r}])\n"
            "print(json.dumps({'status': status, 'seconds': time.perf_counter() - t,\n"
            "                  'heavy': sorted(m for m in ('tensorflow', 'keras', 'sklearn') if m in sys.modules)}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=TOOL.parent, capture_output=True, text=True, timeout=120)
    facts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert facts["status"] == 1 and facts["heavy"] == []
    assert facts["seconds"] < 5, facts


# Files that are no logs: unreadable, the others still graded

def test_huge_file_is_refused_without_reading_it_all(tmp_path, capsys):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(8 << 30)  # 8 GB, sparse: reading it all would take minutes
    started = time.perf_counter()
    status, report = grade_json(str(huge), str(SUBMISSIONS / "keras2_tf_keras.txt"), capsys=capsys)
    assert time.perf_counter() - started < 5
    first, second = report["submissions"]
    assert f"larger than {MAX_LOG_BYTES >> 20} MB" in first["unreadable"]
    assert first["passed"] == 0 and second["passed"] == second["total"] == len(LOG_CHECKS)
    assert {c["verdict"] for c in first["checks"]} == {"REVIEW"}  # a person opens it, no zero
    assert status == 3


def test_a_path_that_does_not_exist_is_a_usage_error_not_a_student(tmp_path):
    """An instructor's typo on the command line: one line, exit 2, and no report with a zero in it."""
    report = tmp_path / "grades.csv"
    result = run_tool("grade", "--expected", str(EXPECTED), "--report", str(report), str(tmp_path / "nobody.txt"),
                      str(SUBMISSIONS / "notebook_copy.txt"))
    assert_clean_error(result, 2, "nobody.txt", "no such file or folder")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not report.exists()


def test_an_empty_student_folder_inside_a_class_stays_a_student(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    status, report = grade_json(str(tmp_path / "empty"), str(SUBMISSIONS / "notebook_copy.txt"), capsys=capsys)
    assert "no console log" in report["submissions"][0]["unreadable"]
    assert report["submissions"][1]["score"] == "10/10"
    assert status == 1


def test_folder_submission_takes_its_console_log_and_ignores_links(tmp_path, capsys):
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "README.txt").write_text("My submission for the CNN lab.\n")
    (folder / "output.txt").write_text((SUBMISSIONS / "keras2_tf_keras.txt").read_text())
    (folder / "zz-link.log").symlink_to(SUBMISSIONS / "notebook_copy.txt")
    status, report = grade_json(str(folder), capsys=capsys)
    assert report["submissions"][0]["log"] == str(folder / "output.txt")
    assert status == 0
    (folder / "output.txt").unlink()
    status, report = grade_json(str(folder), capsys=capsys)
    assert report["submissions"][0]["log"] == str(folder / "README.txt")  # the link is never followed
    assert status == 3 and "1 link in it not followed (zz-link.log)" in report["submissions"][0]["notes"]  # but said


def test_folder_without_a_log_is_unreadable(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("nothing here\n")
    status, report = grade_json(str(tmp_path), capsys=capsys)
    assert "no console log" in report["submissions"][0]["unreadable"]
    assert status == 1
    (tmp_path / "alice").mkdir()  # a folder of submissions given as one
    status, report = grade_json(str(tmp_path), capsys=capsys)
    assert f"pass each one: {tmp_path}/*" in report["submissions"][0]["unreadable"]


# The table, the CSV report, JSON

def test_table_has_a_row_per_check_and_a_score_line(capsys):
    log = SUBMISSIONS / "truncated.log"
    status, out, err = grade("--expected", str(EXPECTED), str(log), capsys=capsys)
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("check "))
    assert lines[header].split() == ["check", "verdict", "expected", "found", "reason"]
    rows = lines[header + 1:header + 1 + len(LOG_CHECKS)]
    assert [row.split()[0] for row in rows] == LOG_CHECKS
    assert [row.split()[1] for row in rows] == ["PASS"] * 3 + ["FAIL"] * 3 + ["PASS"] + ["FAIL"] * 3
    assert "section not found" in rows[4] and "no evaluate line printed" in rows[6]
    assert f"{log}: 4/10 checks passed" in out
    assert status == 1 and err == ""


def test_csv_report_has_a_row_per_submission_and_a_column_per_check(tmp_path, capsys):
    report = tmp_path / "grades.csv"
    names = ["keras2_tf_keras.txt", "edited_accuracy.txt", "empty.txt"]
    status, out, err = grade("--expected", str(EXPECTED), "--report", str(report),
                             *(str(SUBMISSIONS / n) for n in names), capsys=capsys)
    assert status == 1
    with open(report, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [Path(r["submission"]).name for r in rows] == names
    assert list(rows[0])[-len(CHECKS) - 5:] == [*CHECKS, "failures", "needs_a_look", "same_as", "notes", "diagnosis"]
    assert [r["score"] for r in rows] == ["10/10", "8/10", "0/10"]
    assert rows[1]["confusion_matrix"] == "FAIL" and rows[1]["f1"] == "FAIL" and rows[1]["accuracy"] == "PASS"
    assert rows[0]["model"] == "" and rows[0]["failures"] == ""
    assert rows[2]["failures"] == "unreadable: empty file"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]  # no temporary file left


def test_csv_cells_a_spreadsheet_would_run_are_defused():
    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("shapes: ok") == "shapes: ok" and csv_cell(7) == 7
    assert csv_cell("-0.0123") == "-0.0123" and csv_cell("-") == "-"  # a number and a lone dash run nothing


def test_json_output_is_only_json(capsys):
    status, out, err = grade("--expected", str(EXPECTED), "--json", str(SUBMISSIONS / "truncated.log"),
                             capsys=capsys)
    report = json.loads(out)
    assert report["all_passed"] is False and report["tolerances"]["accuracy"] == 0.02
    assert [c["check"] for c in report["submissions"][0]["checks"]] == LOG_CHECKS


def test_control_characters_from_a_log_never_reach_the_terminal(tmp_path, capsys):
    text = (SUBMISSIONS / "keras2_tf_keras.txt").read_text()
    log = tmp_path / "sneaky.txt"
    log.write_text(text.replace("Prediction after learning: pullover", "Prediction after learning: \x07\x9b2J"))
    status, out, err = grade("--expected", str(EXPECTED), str(log), capsys=capsys)
    assert "\x07" not in out and "\x9b" not in out
    assert status == 1


def with_line(text: str, prefix: str, value: float) -> str:
    """The log with its 'PREFIX = ...' line printing value instead."""
    line = next(line for line in text.splitlines() if line.startswith(prefix))
    return text.replace(line, f"{prefix} {value!r}")


def test_tolerances_move_the_thresholds(tmp_path, capsys):
    """A log 0.015 below the expected accuracy and 0.03 above its loss: inside the default tolerances
    (0.02 and 0.05), outside tighter ones given on the command line."""
    expected = json.loads(EXPECTED.read_text())["test"]
    text = (SUBMISSIONS / "keras2_tf_keras.txt").read_text()
    log = tmp_path / "near.txt"
    log.write_text(with_line(text, "Keras CNN model loss = ", expected["loss"] + 0.03))
    low = tmp_path / "low.txt"
    low.write_text(with_line(text, "Keras CNN model accuracy = ", expected["accuracy"] - 0.015))

    def verdict(check: str, path: Path, *options: str) -> str:
        _, report = grade_json(*options, str(path), capsys=capsys)
        return verdicts(report["submissions"][0])[check]

    assert verdict("accuracy", low) == "PASS"
    assert verdict("accuracy", low, "--tolerance", "0.01") == "FAIL"
    assert verdict("accuracy", low, "--tolerance", "0.016") == "PASS"
    assert verdict("loss", log) == "PASS"
    assert verdict("loss", log, "--loss-tolerance", "0.02") == "FAIL"
    assert verdict("loss", log, "--loss-tolerance", "0.031") == "PASS"


# Grading that cannot be done: one line, exit status 2

def write_expected(tmp_path: Path, change) -> Path:
    data = json.loads(EXPECTED.read_text())
    change(data)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("make, words", [
    (lambda p: p / "missing.json", "no such file"),
    (lambda p: (p / "r.json").write_text("{not json") and p / "r.json", "not valid JSON"),
    (lambda p: (p / "r.json").write_text("[" * 100000 + "]" * 100000) and p / "r.json", "nested"),
    (lambda p: (p / "r.json").write_text("[" * 40 + "]" * 40) and p / "r.json", "nested more than"),
    (lambda p: (p / "r.json").write_text("[1, 2]") and p / "r.json", "top level is not an object"),
    (lambda p: write_expected(p, lambda d: d.update(schema_version=3)), "schema_version 3"),
    (lambda p: write_expected(p, lambda d: d["test"].pop("accuracy")), "test.accuracy"),
    (lambda p: write_expected(p, lambda d: d["sample"].update(pixels="lots")), "sample.pixels"),
    (lambda p: write_expected(p, lambda d: d["model"].update(layers=[{"kind": 3}])), "model.layers"),
    (lambda p: write_expected(p, lambda d: d["training"].update(epochs=True)), "training.epochs"),
], ids=["missing", "not-json", "too-deep-for-the-decoder", "too-deep", "not-an-object", "schema-version",
        "no-accuracy", "bad-pixels", "bad-layers", "bool-epochs"])
def test_bad_expected_file_is_one_line_and_exit_2(tmp_path, capsys, make, words):
    expected = make(tmp_path)
    status, out, err = grade("--expected", str(expected), str(SUBMISSIONS / "notebook_copy.txt"), capsys=capsys)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words.lower() in err.lower(), err


def test_huge_expected_file_is_refused(tmp_path, capsys):
    huge = tmp_path / "results.json"
    with open(huge, "wb") as f:
        f.truncate((50 << 20) + 1)
    status, out, err = grade("--expected", str(huge), str(SUBMISSIONS / "notebook_copy.txt"), capsys=capsys)
    assert status == 2 and "larger than 50 MB" in err


@pytest.mark.parametrize("args, words", [
    (["grade", "--expected", "x.json"], "SUBMISSION"),
    (["grade", "a.txt"], "--expected"),
    (["grade", "--expected", "x.json", "--tolerance", "-0.1", "a.txt"], "tolerance"),
    (["grade", "--expected", "x.json", "--loss-tolerance", "nan", "a.txt"], "tolerance"),
    (["grade", "--expected", str(EXPECTED), "--report", "/no/such/folder/g.csv", "a.txt"], "--report"),
])
def test_usage_errors_exit_2_without_traceback(args, words):
    assert_clean_error(run_tool(*args), 2, words)


def test_help_lists_the_rules_and_tolerances():
    result = run_tool("grade", "--help")
    assert result.returncode == 0
    for name in CHECKS:
        assert f"\n  {name} " in result.stdout
    assert "default: 0.02" in result.stdout and "default: 0.05" in result.stdout


def test_help_shows_no_empty_or_misleading_default(capsys):
    status = fashion_items.main(["grade", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 0
    assert "(default: )" not in out and "(default: True)" not in out and "(default: False)" not in out
    assert "(default: Fashion-MNIST CNN lab)" in out  # a real default is still shown
    assert "3 no check failed but some need a look (REVIEW)" in out
