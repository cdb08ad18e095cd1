"""Values read by meaning (issue 30), on the real keras3.log with its prints changed as students change them:
each way of printing is credited with a reason that says how; what competes or is not the test set's goes
to a person; what is plainly wrong still fails. The checks and the parser are called directly (no
subprocess): each case is a few lines of text."""

from __future__ import annotations

from pathlib import Path

import pytest

from fashion_tools.grading.check import check_log
from fashion_tools.grading.check.expected import load_expected
from fashion_tools.grading.parse.runs import parse_text
from fashion_tools.grading.parse.table import PART_OF, PROGRESS, SECTION_STARTS, TABLE

DATA = Path(__file__).parent / "data"
LOG = (DATA / "real" / "keras3.log").read_text(encoding="utf-8")
EXPECTED = load_expected(str(DATA / "expected.json"))
ACCURACY = "Keras CNN model accuracy =  0.9135000109672546"
LOSS = "Keras CNN model loss =  0.23671013116836548"
F1 = "F1 score: 0.9135"


def verdicts(text: str, lecture_lines: bool = False) -> dict[str, tuple[str, str]]:
    return {r.check: (r.verdict, r.reason)
            for r in check_log(parse_text(text), EXPECTED, 0.02, 0.05, lecture_lines)}


def changed(*pairs: tuple[str, str]) -> str:
    text = LOG
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_the_lecture_log_passes_every_check_with_the_lectures_wording():
    got = verdicts(LOG)
    assert {v for v, _ in got.values()} == {"PASS"}, got
    assert not any("printed as" in reason for _, reason in got.values())


@pytest.mark.parametrize("accuracy, loss, how", [
    ("Test accuracy: 0.9135", "Test loss: 0.2367", "Test accuracy: 0.9135"),
    ("ACCURACY = 91.350%", "LOSS = 0.2367", "ACCURACY = 91.350%"),
    ("Testing Accuracy 91.35%", "Testing Loss 0.2367", "Testing Accuracy 91.35%"),
    ("테스트 정확도: 0.9135", "테스트 손실: 0.2367", "정확도"),
    ("Exactitud en test: 0.9135", "Pérdida en test: 0.2367", "Exactitud"),
    ("Test accuracy: tf.Tensor(0.9135, shape=(), dtype=float32)", "Test score: 0.2367", "tf.Tensor"),
])
def test_test_numbers_under_another_label_are_credited_and_said(accuracy, loss, how):
    got = verdicts(changed((ACCURACY, accuracy), (LOSS, loss)))
    for check in ("accuracy", "loss", "evaluation", "confusion_matrix", "f1"):
        assert got[check][0] == "PASS", (check, got[check])
    assert how in got["accuracy"][1] and "Keras CNN model accuracy" in got["accuracy"][1]


def test_a_wrong_value_printed_another_way_still_fails():
    got = verdicts(changed((ACCURACY, "Test accuracy: 0.7512"), (LOSS, "Test loss: 0.6900")))
    assert got["accuracy"][0] == "FAIL" and "0.7512" in got["accuracy"][1]
    assert got["loss"][0] == "FAIL"
    assert got["confusion_matrix"][0] == "FAIL" and got["f1"][0] == "FAIL"  # typed-in numbers still caught


def test_a_validation_or_training_accuracy_is_never_the_test_accuracy():
    """No evaluate() after training, only the training's and a validation accuracy: the validation data may
    have been the test set, so a person looks; the training accuracy is never credited."""
    trained = LOG.split("WARNING:absl:You are saving")[0]
    got = verdicts(trained + "Train accuracy: 0.9363\nval_accuracy: 0.9135\n")
    assert got["accuracy"][0] == "REVIEW" and "validation" in got["accuracy"][1]
    got = verdicts(trained + "Train accuracy: 0.9363\n")
    assert got["accuracy"][0] == "FAIL" and "no test accuracy" in got["accuracy"][1]


def test_competing_test_accuracies_go_to_a_person():
    got = verdicts(changed((ACCURACY, "Test accuracy: 0.9135\nTest accuracy: 0.8701"), (LOSS, "Test loss: 0.2367")))
    assert got["accuracy"][0] == "REVIEW" and "0.8701" in got["accuracy"][1]
    assert got["f1"][0] != "FAIL" and got["confusion_matrix"][0] != "FAIL"


def test_numbers_that_are_not_a_labels_value_are_not_read():
    """'Accuracy of class 3: 0.85' is a class's number, not the test accuracy: not found, the omission failed once."""
    got = verdicts(LOG.split("WARNING:absl:You are saving")[0] + "Accuracy of class 3: 0.85\n")
    assert got["accuracy"][0] == "FAIL" and "no test accuracy" in got["accuracy"][1]


def test_an_evaluate_bar_without_a_printed_number_is_one_omission_at_most():
    """Keras' evaluate bar shows the test numbers itself: they are credited, said to come from the bar, and the
    evaluation check does not fail for the lecture's line being absent."""
    got = verdicts(changed((ACCURACY, ""), (LOSS, "")))
    assert got["accuracy"][0] == "PASS" and "evaluate() bar" in got["accuracy"][1]
    assert got["evaluation"][0] == "PASS"


def test_classification_report_is_the_f1_and_its_rounding_is_allowed():
    report = ("              precision    recall  f1-score   support\n\n"
              "     T-shirt       0.87      0.84      0.85      1000\n"
              "    accuracy                           0.91     10000\n"
              "   macro avg       0.91      0.91      0.91     10000\n")
    got = verdicts(changed((F1, report)))
    assert got["f1"][0] == "PASS" and "classification_report" in got["f1"][1], got["f1"]
    assert got["accuracy"][0] == "PASS" and "printed as" not in got["accuracy"][1]  # the report is no accuracy label


def test_early_stopping_fails_training_saying_what_ran():
    text = LOG.replace("/10\n", "/50\n").replace("Epoch 10/50\n", "Epoch 10/50\nEpoch 10: early stopping\n", 1)
    verdict, reason = verdicts(text)["training"]
    assert verdict == "FAIL" and "stopped early at epoch 10 of 50" in reason and "EarlyStopping" in reason


def test_a_run_cut_short_says_what_ran_not_what_was_declared():
    text = LOG.replace("/10\n", "/15\n").replace("Epoch 10/15\n", "Epoch 10/15\nEpoch 11/15\n", 1)
    verdict, reason = verdicts(text)["training"]
    assert verdict == "FAIL" and "stops at epoch 11 of 15" in reason and "it trained 15" not in reason


def test_two_fit_calls_are_told_apart():
    first, second = LOG.split("Epoch 6/10", 1)
    text = first.replace("/10\n", "/5\n") + "Epoch 1/5" + second.replace("Epoch 7/10", "Epoch 2/5").replace(
        "Epoch 8/10", "Epoch 3/5").replace("Epoch 9/10", "Epoch 4/5").replace("Epoch 10/10", "Epoch 5/5")
    verdict, reason = verdicts(text)["training"]
    assert verdict in ("PASS", "REVIEW") and "2 fit() calls" in reason, reason
    doubled = first.replace("/10\n", "/10\n") + "Epoch 6/10" + second + "\n" + "\n".join(
        f"Epoch {n}/10" for n in range(1, 11))
    verdict, reason = verdicts(doubled)["training"]
    assert verdict == "REVIEW" and "2 fit() calls" in reason and "20" not in reason.split("(")[0]


def test_lecture_lines_asks_for_the_lectures_own_wording():
    text = changed((ACCURACY, "Test accuracy: 0.9135"))
    assert verdicts(text)["accuracy"][0] == "PASS"
    verdict, reason = verdicts(text, lecture_lines=True)["accuracy"]
    assert verdict == "FAIL" and "--lecture-lines" in reason


def test_the_table_is_where_each_section_is_named():
    """Every quantity the checks read has one row, and the run splitter and picture bookkeeping read it."""
    assert [q.name for q in TABLE] == list(PART_OF) == list(SECTION_STARTS)
    assert "Keras CNN model accuracy" in PROGRESS and "X train shape" not in PROGRESS
