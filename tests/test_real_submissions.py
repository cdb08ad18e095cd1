"""What students really hand in, graded: real runs of the lecture's script and of this tool on the
real data (tests/data/real/, made by tests/data/lecture/make_submissions.py, see its README), as
logs, notebooks and HTML exports, alone or several runs in one log.

Each case names its files and asserts the verdict of every check and the key words of the
reasons. Where a case is two runs in one log, the log is the two real logs one after the other,
as one terminal holds them; where it is a copy in another encoding, it is the real log encoded so.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

import fashion_items
from fashion_tools.grading.check.result import LOG_CHECKS

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
EXPECTED = DATA / "expected.json"  # the tool's default run on this project's machine
ALL_PASS = dict.fromkeys(LOG_CHECKS, "PASS")


def failing(*checks: str, passing: tuple[str, ...] = ()) -> dict[str, str]:
    """Every check fails but those named in passing; checks named first fail for sure."""
    return {c: "PASS" if c in passing else "FAIL" for c in LOG_CHECKS} | dict.fromkeys(checks, "FAIL")


def joined(tmp_path: Path, *names: str) -> Path:
    """Two runs in one terminal: the real logs one after the other."""
    path = tmp_path / "console.log"
    path.write_bytes(b"".join((REAL / n).read_bytes() for n in names))
    return path


def run_grade(*args: str) -> tuple[int, str]:
    """`grade --expected EXPECTED ARGS` in this process: (exit status, what it printed)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = fashion_items.main(["grade", "--expected", str(EXPECTED), *args])
    return status, buffer.getvalue()


def grade(tmp_path: Path, *paths: Path) -> tuple[int, list[dict]]:
    status, out = run_grade("--json", *map(str, paths))
    return status, json.loads(out)["submissions"]


def reasons(sub: dict) -> dict[str, str]:
    return {c["check"]: c["reason"] for c in sub["checks"]}


def verdicts(sub: dict) -> dict[str, str]:
    return {c["check"]: c["verdict"] for c in sub["checks"]}


def notepad_ansi(tmp_path: Path) -> Path:
    """The tool's own UTF-8 log saved by Notepad as "ANSI" (cp1252): each box character becomes '?'."""
    path = tmp_path / "output.txt"
    path.write_bytes((DATA / "real" / "tool_utf-8.log").read_text(encoding="utf-8").encode("cp1252", "replace"))
    return path


def edited_accuracy(tmp_path: Path) -> Path:
    """A complete Keras 3 log whose printed accuracy and F1 a student raised by hand, leaving Keras'
    evaluate line and the confusion matrix as they were."""
    text = (REAL / "keras3.log").read_text(encoding="utf-8")
    accuracy = next(line for line in text.splitlines() if line.startswith("Keras CNN model accuracy"))
    f1 = next(line for line in text.splitlines() if line.startswith("F1 score"))
    path = tmp_path / "console.log"
    path.write_text(text.replace(accuracy, "Keras CNN model accuracy =  0.9435").replace(f1, "F1 score: 0.9435"))
    return path


def cut_then_rerun(tmp_path: Path) -> Path:
    """A first run whose output ends after its confusion matrix (the window was closed), then a full run."""
    first = (REAL / "keras3_second.log").read_bytes()
    path = tmp_path / "console.log"
    path.write_bytes(first[:first.index(b"F1 score")] + (REAL / "keras3.log").read_bytes())
    return path


def colab(tmp_path: Path) -> Path:
    """The JupyterLab notebook as Colab's "Download .ipynb" writes one: Colab's metadata, nbformat 4.0
    without cell ids, each code cell with Colab's id, base_uri and outputId."""
    nb = json.loads((REAL / "jupyterlab.ipynb").read_text())
    nb["nbformat_minor"] = 0
    nb["metadata"] = {"colab": {"provenance": []}, "kernelspec": {"name": "python3", "display_name": "Python 3"},
                      "language_info": {"name": "python"}}
    for i, cell in enumerate(nb["cells"]):
        cell.pop("id", None)
        cell["metadata"] = {"id": f"Xq{i:010d}"}
        if cell["cell_type"] == "code":
            cell["metadata"] |= {"colab": {"base_uri": "https://localhost:8080/"},
                                 "outputId": f"5f1c2d3e-0000-4000-8000-{i:012d}"}
    path = tmp_path / "Lab3.ipynb"
    path.write_text(json.dumps(nb, indent=2))
    return path


def notebook_folder(tmp_path: Path) -> Path:
    """A folder handed in with the notebook, a note and the script: the notebook is graded."""
    folder = tmp_path / "zoe"
    folder.mkdir()
    (folder / "notes.txt").write_text("My lab 3. The notebook has the outputs.\n")
    (folder / "lab3.py").write_text((DATA / "lecture" / "as_printed.py.txt").read_text())
    (folder / "lab3.ipynb").write_bytes((REAL / "jupyterlab.ipynb").read_bytes())
    return folder


def teardown_error(tmp_path: Path) -> Path:
    """A complete run, then the error some TensorFlow versions print while Python shuts down."""
    path = tmp_path / "console.log"
    path.write_bytes((REAL / "keras3.log").read_bytes() + (
        b"Exception ignored in: <function AtomicFunction.__del__ at 0x7f3c2c1b0ee0>\n"
        b"Traceback (most recent call last):\n"
        b'  File "/usr/lib/python3/dist-packages/tensorflow/python/eager/polymorphic_function/atomic_function.py", '
        b"line 291, in __del__\nTypeError: 'NoneType' object is not callable\n"))
    return path


def python_source(tmp_path: Path) -> Path:
    path = tmp_path / "lab.py"
    path.write_text((DATA / "lecture" / "as_printed.py.txt").read_text())
    return path


# name: (how the submission is made, the verdicts, words each named reason holds, words the notes hold)
CASES = {
    "keras3": (lambda tmp: REAL / "keras3.log", ALL_PASS, {"evaluation": "agrees"}, ""),
    "tool_utf8": (lambda tmp: REAL / "tool_utf-8.log", ALL_PASS, {"evaluation": "no evaluate line printed"}, ""),
    "as_printed": (lambda tmp: REAL / "as_printed.log", failing(),
                   dict.fromkeys(LOG_CHECKS, "not reached: the run stopped with ImportError before the DB shapes"),
                   "stopped with ImportError: cannot import name 'np_utils' from 'keras.utils'"),
    "typo_shapes": (lambda tmp: REAL / "typo_shapes.log", failing(),
                    {"shapes": "not reached: the run stopped with AttributeError at the DB shapes"},
                    "object has no attribute 'shap'"),
    "typo_sample": (lambda tmp: REAL / "typo_sample.log", failing(passing=("shapes",)),
                    {"sample": "not reached: the run stopped with NameError at the sample",
                     "prediction": "not reached"}, "NameError: name 'label' is not defined"),
    "typo_summary": (lambda tmp: REAL / "typo_summary.log", failing(passing=("shapes", "sample")),
                     {"architecture": "not reached: the run stopped with ValueError at the model summary"},
                     "Could not interpret activation function identifier: rellu"),
    "typo_confusion_matrix": (lambda tmp: REAL / "typo_confusion_matrix.log",
                              failing("confusion_matrix", "f1", "prediction", passing=tuple(LOG_CHECKS)),
                              {"confusion_matrix": "not reached: the run stopped with NameError at the "
                                                   "confusion matrix", "f1": "not reached", "accuracy": "0.9072"},
                              "stopped with NameError: name 'confusion_matrx' is not defined"),
    "rerun_after_confusion_matrix_typo": (lambda tmp: joined(tmp, "typo_confusion_matrix.log", "keras3.log"), ALL_PASS,
                                          {"confusion_matrix": "agrees with the printed accuracy 0.9135"},
                                          "run 2 of 2 graded; run 1 stopped at the confusion matrix (NameError"),
    "wrong_architecture": (lambda tmp: REAL / "wrong_architecture.log",
                           failing("architecture", passing=tuple(LOG_CHECKS)),
                           {"architecture": "layer 1 (Conv2D) has 320 parameters, expected 160"}, ""),
    "wrong_architecture_then_fixed": (lambda tmp: joined(tmp, "wrong_architecture.log", "keras3.log"), ALL_PASS,
                                      {"architecture": "equal the expected"}, "run 2 of 2 graded; run 1 complete"),
    "sample_122_debug": (lambda tmp: REAL / "sample_122_debug.log",
                         failing("sample", "prediction", passing=tuple(LOG_CHECKS)),
                         {"sample": "label 9, expected 2",
                          "confusion_matrix": "agrees with the printed accuracy 0.9136",
                          "prediction": "the log shows sample ankle-boot (9), not the expected pullover (2), and "
                                        "predicts 'pullover'"}, ""),
    "jupyterlab_notebook": (lambda tmp: REAL / "jupyterlab.ipynb", ALL_PASS, {}, ""),
    "colab_notebook": (colab, ALL_PASS, {}, ""),
    "notebook_html_export": (lambda tmp: REAL / "jupyterlab.html", ALL_PASS, {}, ""),
    "notebook_in_a_folder": (notebook_folder, ALL_PASS, {}, ""),
    "ctrl_c": (lambda tmp: REAL / "ctrl_c.log", failing(passing=("shapes", "sample", "architecture")),
               {"training": "the progress stops at epoch 3 of 10: the run stopped with KeyboardInterrupt",
                "accuracy": "not reached: the run stopped with KeyboardInterrupt during training"},
               "the run stopped with KeyboardInterrupt during training"),
    "rerun_after_ctrl_c": (lambda tmp: joined(tmp, "ctrl_c.log", "keras3.log"), ALL_PASS, {},
                           "run 2 of 2 graded; run 1 stopped during training (KeyboardInterrupt)"),
    "author_version": (lambda tmp: REAL / "author_version.log", ALL_PASS,
                       {"shapes": "all four shapes equal the expected"}, ""),
    "author_version_twice": (lambda tmp: joined(tmp, "author_version.log", "keras3.log"), ALL_PASS, {},
                             "run 2 of 2 graded; run 1 complete"),
    "teardown_error_after_the_prediction": (teardown_error, ALL_PASS, {}, ""),
    "rerun_after_import_error": (lambda tmp: joined(tmp, "as_printed.log", "keras3.log"), ALL_PASS, {},
                                 "run 2 of 2 graded; run 1 stopped before the DB shapes (ImportError"),
    "rerun_after_shapes_typo": (lambda tmp: joined(tmp, "typo_shapes.log", "keras3.log"), ALL_PASS, {},
                                "run 2 of 2 graded; run 1 stopped at the DB shapes (AttributeError"),
    "rerun_after_sample_typo": (lambda tmp: joined(tmp, "typo_sample.log", "keras3.log"), ALL_PASS, {},
                                "run 2 of 2 graded; run 1 stopped at the sample (NameError"),
    "rerun_after_summary_typo": (lambda tmp: joined(tmp, "typo_summary.log", "keras3.log"), ALL_PASS, {},
                                 "run 2 of 2 graded; run 1 stopped at the model summary (ValueError"),
    "complete_then_crash": (lambda tmp: joined(tmp, "keras3.log", "typo_sample.log"), ALL_PASS, {},
                            "run 1 of 2 graded; run 2 stopped at the sample"),
    "two_complete_runs": (lambda tmp: joined(tmp, "keras3_second.log", "keras3.log"), ALL_PASS,
                          {"accuracy": "0.9135"}, "run 2 of 2 graded; run 1 complete"),
    "cut_then_rerun": (cut_then_rerun, ALL_PASS, {"accuracy": "0.9135"},
                       "run 2 of 2 graded; run 1 ended at the F1 score"),
    "legacy_windows_console": (lambda tmp: REAL / "tool_cp1252.log", ALL_PASS,
                               {"architecture": "layer kinds, per-layer and total parameters equal the expected"}, ""),
    "notepad_ansi": (notepad_ansi, ALL_PASS, {"architecture": "equal the expected"}, ""),
    "edited_accuracy": (edited_accuracy, failing("evaluation", "confusion_matrix", passing=tuple(LOG_CHECKS)),
                        {"evaluation": "shows accuracy 0.9135 but the log prints 0.9435: the two numbers disagree",
                         "confusion_matrix": "its diagonal gives accuracy 0.9135 but the log prints 0.9435"}, ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_submission_gets_its_verdicts(name, tmp_path):
    make, want, words, notes = CASES[name]
    status, (sub,) = grade(tmp_path, make(tmp_path))
    assert verdicts(sub) == want, reasons(sub)
    got = reasons(sub)
    for check, text in words.items():
        assert text in got[check], (check, got[check])
    assert all(got.values())  # every check says why, passes included
    assert notes in sub["notes"], sub["notes"]
    assert sub["runs"]["count"] == (2 if "run 2 of 2" in notes or "run 1 of 2" in notes else 1), sub["runs"]
    assert status == (0 if want == ALL_PASS else 1)


def test_python_source_gets_one_reason(tmp_path):
    status, (sub,) = grade(tmp_path, python_source(tmp_path))
    assert "this is Python source code, not the output of running it" in sub["unreadable"]
    assert {c["reason"] for c in sub["checks"]} == {f"unreadable: {sub['unreadable']}"}
    assert status == 1


def test_a_folder_report_names_the_file_it_graded(tmp_path):
    status, (sub,) = grade(tmp_path, notebook_folder(tmp_path))
    assert sub["log"].endswith("lab3.ipynb") and sub["read_as"] == "notebook"
    status, table = run_grade(str(tmp_path / "zoe"))
    assert f"(log: {tmp_path / 'zoe' / 'lab3.ipynb'} (notebook))" in table.splitlines()[0]


REFERENCE = DATA / "reference.json"  # `python fashion_items.py reference`: 5 seeds on the real data, AVX2 CPU


def test_real_logs_graded_against_the_measured_range():
    """The real 5-seed reference: honest runs of the lecture's script and of the tool pass, and each
    reason names the range (the lecture's runs under Keras 3 land above the tool's, which is no fault)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = fashion_items.main(["grade", "--expected", str(REFERENCE), "--json",
                                     *(str(REAL / n) for n in ("keras3.log", "tool_utf-8.log", "jupyterlab.ipynb",
                                                               "typo_confusion_matrix.log"))])
    graded = json.loads(buffer.getvalue())
    assert status == 1  # the typo stops that run before its matrix
    assert graded["tolerances"]["accuracy"] == 0.007 and graded["tolerances"]["loss"] == 0.015
    keras3, tool, notebook, typo = graded["submissions"]
    for sub in (keras3, tool, notebook):
        assert verdicts(sub) == ALL_PASS, reasons(sub)
    assert reasons(keras3)["accuracy"] == "0.9135 is above the 5-seed range 0.9042-0.9133"
    assert reasons(keras3)["loss"] == "0.2367 is below the 5-seed range 0.2463-0.2645"
    assert reasons(tool)["accuracy"] == "0.9090 is within the 5-seed range 0.9042-0.9133"
    assert reasons(typo)["accuracy"] == "0.9072 is within the 5-seed range 0.9042-0.9133"
    assert verdicts(typo)["confusion_matrix"] == "FAIL"


def test_the_reference_file_is_a_real_five_seed_run():
    """What the README and docs/reference.md quote is this file's."""
    ref = json.loads(REFERENCE.read_text())
    spread = ref["spread"]
    assert spread["seeds"] == [1234, 1235, 1236, 1237, 1238]
    assert (spread["test_accuracy"]["min"], spread["test_accuracy"]["max"]) == (0.9042, 0.9133)
    assert ref["run"]["seed"] == 1234 and ref["test"]["accuracy"] == spread["test_accuracy"]["values"][0]
    assert ref["run"]["machine"]["vector"] == "AVX2" and ref["run"]["machine"]["onednn"] is True
    assert ref["shapes"]["x_train"] == [60000, 28, 28]
