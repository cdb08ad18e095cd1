"""Numbers OCR read with doubted digits (issue 31): never a PASS on a character the picture does not show
plainly, two doubted numbers never agree, and where the numbers that must be equal (the printed accuracy, the
F1, the matrix's trace, evaluate's bar) disagree only in doubted digits, the reading they agree on is taken
and said. The picture's text is what OCR returned for tests/data/real/screens/held_out/
Inconsolata_powershell_15pt_100_q70.jpg (its '?'s and doubts), varied line by line; the grader runs whole,
only the OCR call replaced, so these run without Tesseract."""

from __future__ import annotations

import pytest
from PIL import Image
from test_real_submissions import grade, reasons, verdicts

from fashion_tools.grading.parse.runs import parse_text
from fashion_tools.grading.readers.ocr.pictures import Shot

BAR = "313/313                      4s 13ms/step - accuracy: 0.9135 - loss: 0.2367"
MATRIX = ["[[840   1  18  12   4   1 117   0   6   1]",
          " [  0 983   0  10   1   0   4   0   2   0]",
          " [ 16   1 891   6  40   0  46   0   0   0]",
          " [  9  10  15 920  25   0  19   0   2   0]",
          " [  1   1  69  21 865   0  43   0   0   0]",
          " [  0   0   0   0   0 976   0  16   0   8]",
          " [ 75   2  63  26  75   0 749   0  10   0]",
          " [  0   0   0   0   0   7   0 972   0  21]",
          " [  4   2   0   5   2   1   3   4 979   0]",
          " [  0   0   0   0   0   5   1  34   0 960]]"]
LOSS, ACCURACY, F1 = "Keras CNN model loss =  ", "Keras CNN model accuracy =  ", "F1 score: "
NUMBERS = ("accuracy", "loss", "evaluation", "confusion_matrix", "f1")


def end_of_run(loss="0.23671013116836548", accuracy="0.9135000109672546", f1="0.9135", bar=BAR,
               matrix=tuple(MATRIX)) -> list[str]:
    """The lines a shot of the run's end shows, from its last epoch on."""
    return ["Epoch 10/10", "300/300                      39s 111ms/step - accuracy: 0.9363 - loss: 0.1736",
            *([bar] if bar else []), LOSS + loss, ACCURACY + accuracy,
            "313/313                      3s 10ms/step", "== CONFUSION MATRIX ==", *matrix,
            *([F1 + f1] if f1 else []), "1/1                      0s 88ms/step", "Prediction after learning: pullover"]


def doubts_of(lines: list[str]) -> dict[int, str]:
    """OCR's doubt of each line with a '?', as the reader words it."""
    return {i: f"a number of {len(token.strip('?'))} characters read as {token.strip('?')!r}"
            for i, line in enumerate(lines) for token in line.split()[::-1] if "?" in token}


@pytest.fixture
def graded(tmp_path, monkeypatch):
    """Grade hand-ins whose one picture OCR reads as the given lines: {name: lines} -> {name: submission}."""
    shown: dict[bytes, list[str]] = {}

    def read_shot(data: bytes, name: str) -> Shot:
        lines = shown[data]
        return Shot(name, list(lines), doubts_of(lines))

    # each reader that reads pictures; the Word and PDF readers first, so that importing them binds the real one
    for module in ("word", "pdf", "ocr.pictures"):
        monkeypatch.setattr(f"fashion_tools.grading.readers.{module}.read_shot", read_shot)

    def run(**cases: list[str]) -> dict[str, dict]:
        paths = []
        for i, (name, lines) in enumerate(cases.items()):
            path = tmp_path / name / "end.png"
            path.parent.mkdir()
            Image.new("L", (64 + i, 64), 0).save(path)  # each its own bytes
            shown[path.read_bytes()] = lines
            paths.append(path.parent)
        _, subs = grade(tmp_path, *paths)
        return dict(zip(cases, subs, strict=True))

    return run


def numbers(sub: dict) -> dict[str, str]:
    return {k: v for k, v in verdicts(sub).items() if k in NUMBERS}


def test_doubted_digits_are_read_as_the_numbers_that_must_equal_them_agree(graded):
    """The picture's own reading: the printed accuracy, loss and F1 each with doubted digits; the matrix
    and evaluate's bar plain. Each doubted number is read as the one they agree on, and the reason says so."""
    subs = graded(read=end_of_run(loss="?0.2?67101?1168?6548", accuracy="?0.91?5000109672546", f1="?0.91?5"))
    got, why = numbers(subs["read"]), reasons(subs["read"])
    assert got == dict.fromkeys(NUMBERS, "PASS"), why
    assert "'?0.91?5000109672546'" in why["accuracy"] and "read as 0.9135000109672546" in why["accuracy"]
    assert "the confusion matrix's trace/total 0.9135 and Keras' evaluate line 0.9135 agree" in why["accuracy"]
    # the loss's later doubted digits lie past the bar's 4 decimals: every reading of them passes
    assert "0.23671010116806548 to 0.23671019116896548" in why["loss"], why["loss"]
    assert "Keras' evaluate line 0.2367 agrees" in why["loss"]
    assert "read as 0.9135," in why["f1"]
    assert "evaluate() bar" not in why["accuracy"]  # the student printed the lecture's line: it is credited


def test_a_doubted_point_and_doubted_digits_past_those_that_matter(graded):
    """A Chromium page's accuracy line: its point and three digits doubted, two of them so far down that no
    reading of them changes an agreement; completed from the matrix and evaluate's bar, every reading passes."""
    accuracy = "?0?913500010?672?46"  # 0.9135000109672546 as OCR read it
    sub = graded(point=end_of_run(accuracy=accuracy))["point"]
    got, why = numbers(sub), reasons(sub)
    assert got == dict.fromkeys(NUMBERS, "PASS"), why
    assert f"{accuracy!r}: read as 0.9135000100672046 to 0.9135000109672946" in why["accuracy"], why["accuracy"]


def test_a_completed_number_is_shown_as_the_reading_nearest_what_agrees_with_it(graded):
    """Classic Jupyter as a JPEG: '?0.9134?998388?904' for 0.913499983882904. Its readings that agree with the
    evaluate line's 0.9135 (the matrix and F1 out of the picture) run from 0.91344... to 0.91349...; all pass,
    and the number shown is the one nearest it (0.9135, as the picture rounds), not the lowest's 0.9134."""
    sub = graded(jpeg=end_of_run(accuracy="?0.9134?998388?904", matrix=(), f1=""))["jpeg"]
    found = {c["check"]: c.get("found") for c in sub["checks"]}
    assert {k: numbers(sub)[k] for k in ("accuracy", "evaluation")} == dict.fromkeys(("accuracy", "evaluation"),
                                                                                     "PASS"), reasons(sub)
    assert "0.913449983880904 to 0.913499983889904" in reasons(sub)["accuracy"], reasons(sub)["accuracy"]
    assert found["accuracy"] == "0.9135" and "accuracy 0.9135," in found["evaluation"], found


def test_no_pass_without_a_plain_reading_to_complete_it(graded):
    """Two doubted numbers never agree; a completion that would fail, or readings that disagree with each
    other, leave the doubt to a person: never a FAIL, never a PASS."""
    plain_matrix_wrong_bar = BAR.replace("0.9135", "0.9125")
    subs = graded(
        both_doubted=end_of_run(accuracy="0.91?5000109672546", f1="0.91?5", bar="", matrix=()),
        sources_disagree=end_of_run(accuracy="0.91?5000109672546", bar=plain_matrix_wrong_bar),
        would_fail=end_of_run(accuracy="0.8?35000109672546", f1="", matrix=(),
                              bar=BAR.replace("0.9135", "0.8135")),
        doubted_point=end_of_run(loss="0?23671013116836548", bar="", f1=""))
    for name in ("both_doubted", "sources_disagree", "would_fail"):
        got, why = numbers(subs[name]), reasons(subs[name])
        assert got["accuracy"] == "REVIEW", (name, why["accuracy"])
        assert "could not be read with confidence" in why["accuracy"], (name, why["accuracy"])
        assert "FAIL" not in got.values(), (name, why)
    assert numbers(subs["both_doubted"])["f1"] == "REVIEW"
    # a doubted point is no number ('0?2367...' was once read as 0, a loss that passes)
    got, why = numbers(subs["doubted_point"]), reasons(subs["doubted_point"])
    assert got["loss"] == "REVIEW" and "0?23671013116836548" in why["loss"], why["loss"]


def test_a_number_shown_but_doubted_everywhere_is_said_shown_never_not_printed(graded):
    """Space Mono's flat-topped threes in a JPEG (set C, quality 72): the printed accuracy, the F1 and evaluate's
    bar each shown with the same digit doubted, so none completes another. Each is a person's look, and the
    reason says the line is there and could not be read, never 'no test accuracy printed' nor 'no evaluate line'
    (the student printed them)."""
    sub = graded(all_doubted=end_of_run(accuracy="?0.91?5000109672546", f1="?0.91?5",
                                        loss="?0.2?67101?1168?6548",
                                        bar=BAR.replace("0.9135", "?0.91?5").replace("0.2367", "?0.2?67"),
                                        matrix=()))["all_doubted"]
    got, why = numbers(sub), reasons(sub)
    for check in ("accuracy", "evaluation", "f1"):
        assert got[check] == "REVIEW", (check, why[check])
        assert "could not be read with confidence" in why[check] and "0.91?5" in why[check], (check, why[check])
        assert "not found" not in why[check] and "printed" not in why[check], (check, why[check])


def test_a_matrix_with_every_test_accuracy_doubted_never_says_none_is_printed(graded):
    """The printed accuracy, the F1 and evaluate's bar each shown with a digit doubted that no plain number settles
    (the matrix's trace agrees with no reading of them): the matrix is compared with nothing, and its reason says
    the accuracy is shown and was not read with confidence, not that the run prints none (it said both)."""
    sub = graded(doubted=end_of_run(accuracy="?0.92?5000109672546", f1="?0.92?5",
                                    bar=BAR.replace("0.9135", "?0.92?5")))["doubted"]
    got, why = numbers(sub), reasons(sub)
    assert got["confusion_matrix"] == "REVIEW", why["confusion_matrix"]
    assert "not read with confidence" in why["confusion_matrix"], why["confusion_matrix"]
    assert "prints no test accuracy" not in why["confusion_matrix"], why["confusion_matrix"]


def test_a_number_agreeing_with_a_doubted_one_is_not_sure(graded):
    """An F1 printed plainly, no accuracy line, and a matrix with doubted entries its row cannot settle: the
    F1 is compared with the matrix's trace, so its pass rests on the doubted digits (it was a PASS)."""
    matrix = list(MATRIX)
    matrix[3] = " [  9  10  15 9?0  25   0  19   0   ?   ?]"  # several readings sum to 1,000: not completed
    lines = [line for line in end_of_run(matrix=tuple(matrix), bar="") if not line.startswith(ACCURACY)]
    subs = graded(f1_on_matrix=lines)
    got, why = numbers(subs["f1_on_matrix"]), reasons(subs["f1_on_matrix"])
    assert got["f1"] == "REVIEW", why["f1"]
    assert "could not be read with confidence" in why["f1"]


@pytest.mark.parametrize("line, value", [
    ("Keras CNN model loss =  0?2564", None), ("Keras CNN model loss =  0.2?64", None),
    ("Keras CNN model loss =  0.2564.", 0.2564), ("Keras CNN model loss =  0.2564", 0.2564),
    ("Keras CNN model loss =  0,2564", None), ("Test loss: 0,2564", None),
    ("Keras CNN model loss =  0 2564", None), ("Test loss: 0 2564", None),
    ("Keras CNN model loss =  0§.24981531500816345", None), ("Test loss: 0.2l64", None),
    ("Keras CNN model loss =  0.2564)", 0.2564), ("Keras CNN model loss =  0.2564,", 0.2564)])
def test_a_number_is_never_its_prefix_before_a_doubted_character(line, value):
    """Nor before a comma and a digit: OCR read a JPEG's point as a comma ('0,2498' read 0, a PASS on a number
    the picture does not show); Python never prints a comma inside a number. Nor a whole number before a space
    and a digit: a point OCR lost ('F1 score: 0 9135' and the accuracy's '0 9135...' read 0 and agreed). Nor
    before a letter or a symbol glued to it: a digit OCR read as one (set J, Firefox at 80 %, JPEG quality 68:
    '0§.24981531500816345' read 0, and the loss passed on a number the picture does not show)."""
    assert parse_text(f"{line}\n").loss == value


def test_a_bar_whose_points_read_as_commas_is_no_bar_of_zeros():
    text = "313/313   2s 4ms/step - accuracy: 0,9119 - loss: 0,2498\n"
    assert parse_text(text).evaluate_line in (None, (None, None))


def test_an_evaluate_bar_read_with_a_capital_letter_is_still_the_bar():
    """OCR reads some fonts' 'loss' as 'Loss' (Go Mono): the bar's loss is still compared."""
    text = ("Epoch 10/10\n300/300  39s 111ms/step - accuracy: 0.9363 - loss: 0.1736\n"
            "313/313   4s 13ms/step - accuracy: 0.9135 - Loss: 0.2367\n")
    assert parse_text(text).evaluate_line == (0.9135, 0.2367)


@pytest.mark.parametrize("count, evaluate", [("?300/3?0", (0.9135, 0.2367)), ("?3??/3??", None),
                                             ("300/300", (0.9135, 0.2367))])
def test_a_bar_whose_step_count_ocr_doubted_still_ends_the_epochs_bar(count, evaluate):
    """JupyterLab's bold '300/300' in a JPEG read '?300/3?0': that line is still the last epoch's bar, so the next
    bar, whose total it cannot have ('313'), is evaluate()'s (it was taken for the epoch's, and no evaluate line
    was read). Where the doubted total could be the next bar's ('3??'), which bar is which is not known: none."""
    text = (f"Epoch 10/10\n{count}  39s 111ms/step - accuracy: 0.9363 - loss: 0.1736\n"
            "313/313   4s 13ms/step - accuracy: 0.9135 - loss: 0.2367\n")
    assert parse_text(text).evaluate_line == evaluate


def test_the_lecture_lines_read_with_a_capital_letter_are_the_lecture_lines(graded):
    """JetBrains Mono's, Go Mono's and Cascadia Mono's 'l' is read 'L' ('Keras CNN model Loss', 'Prediction after
    Learning'), and a lost point splits a bar's number ('Loss: 0 2367'): the lecture's lines, read from the
    picture, are credited as such; the split number is no loss of 0, nor a pass on the bar's accuracy alone."""
    lines = [line.replace("model loss", "model Loss").replace("after learning", "after Learning")
             .replace("- loss: 0.2367", "- Loss: 0 2367") for line in end_of_run()]
    sub = graded(capital=lines)["capital"]
    got, why = verdicts(sub), reasons(sub)
    for check in ("accuracy", "loss", "confusion_matrix", "f1", "prediction"):
        assert got[check] == "PASS" and why[check].startswith("read from end.png: "), why[check]
    assert "not the lecture's" not in why["loss"] + why["prediction"]
    # the bar's loss is not read: its accuracy agrees, but the loss is not compared, so a person looks
    assert got["evaluation"] == "REVIEW" and "two numbers was not read" in why["evaluation"], why["evaluation"]


def notebook_cells(matrix: list[str]) -> list[str]:
    """What a shot of a Jupyter page shows from the evaluation on: the code that prints each line above its
    output (so the lecture's words come first in code), the matrix as the cell's 'Out[14]:' result."""
    rows = [f"       {row.replace('[[', 'array([[').replace(']]', ']])')}" for row in matrix]
    rows[0] = "Out[14]: " + rows[0].lstrip()
    return ["In [13]:  score = model.evaluate(X_test, Y_test, verbose = 1)",
            "          print('\\nKeras CNN model loss = ', score[0])",
            "          print('Keras CNN model accuracy = ', score[1])", f"          {BAR}",
            f"          {LOSS}?0.2?67101?1168?6548", f"          {ACCURACY}0.9135000109672546",
            "In [14]:  cm = confusion_matrix(answer, pred)", "          cm", *rows,
            "In [15]:  print('F1 score:', f1_score(answer, pred, average='micro'))", f"          {F1}0.9135"]


def array_rows(rows: list[list[int]]) -> list[str]:
    return [("[[" if i == 0 else " [") + ", ".join(f"{v:3d}" for v in row) + ("]]" if i == 9 else "],")
            for i, row in enumerate(rows)]


def test_doubted_matrix_entries_are_read_by_their_rows_sums(graded):
    """A notebook's matrix ('Out[14]: array([[...') with doubted entries: a row with one, or two whose only
    reading sums to the class count, is completed and said; a row two readings fit, or one a misread plain
    entry spoils (16 read 46: no reading sums), is a person's (never a FAIL); the loss line's doubt lies in the
    output, not the code above. (A misread small enough for the doubted entry to absorb, 16 read 15 and the
    8 beside it doubted, reads that entry 9: the row's sum is what it shows, and the trace still checks the
    diagonal.)"""
    truth = [[int(v) for v in row.strip(" []").split()] for row in MATRIX]
    shown = array_rows(truth)

    def doubting(*cells: tuple[int, int, str]) -> list[str]:
        rows = [line.split(", ") for line in shown]
        for r, c, text in cells:
            head = rows[r][c][:len(rows[r][c]) - len(rows[r][c].lstrip("[ "))]
            tail = rows[r][c][len(rows[r][c].rstrip("],")):]
            rows[r][c] = head + text.rjust(len(rows[r][c]) - len(head) - len(tail)) + tail
        return notebook_cells([", ".join(row) for row in rows])

    subs = graded(one=doubting((5, 9, "?")), pattern=doubting((9, 9, "9?0"), (9, 7, "3?")),
                  ambiguous=doubting((2, 4, "?"), (2, 6, "?")), spoiled=doubting((5, 9, "?"), (5, 7, "46")))
    why = reasons(subs["one"])
    assert numbers(subs["one"]) == dict.fromkeys(NUMBERS, "PASS"), why
    assert "read row 6's '?' as 8" in why["confusion_matrix"], why["confusion_matrix"]
    assert "each row sums to its class count" in why["confusion_matrix"]
    assert "OCR could not name some characters of the loss" in why["loss"], why["loss"]  # the output's line
    assert numbers(subs["pattern"])["confusion_matrix"] == "PASS", reasons(subs["pattern"])["confusion_matrix"]
    for name in ("ambiguous", "spoiled"):
        got, why = numbers(subs[name]), reasons(subs[name])
        assert got["confusion_matrix"] == "REVIEW", (name, why["confusion_matrix"])
        assert "FAIL" not in got.values(), (name, why)


def test_a_number_shown_only_by_a_doubted_bar_is_not_sure(graded):
    """No accuracy or loss line, only evaluate's bar, and OCR doubted a cell of that bar's line: the accuracy
    and loss it stands in for rest on that line, so a person looks."""
    bar = BAR.replace("4s", "4?s")
    lines = [line for line in end_of_run(bar=bar, f1="") if not line.startswith((ACCURACY, LOSS))]
    sub = graded(bar_only=lines)["bar_only"]
    got, why = numbers(sub), reasons(sub)
    assert got["accuracy"] == got["loss"] == "REVIEW", why
    assert "could not be read with confidence" in why["accuracy"]


def test_a_doubted_digit_in_a_notebooks_code_is_no_doubt_of_a_test_number(graded):
    """A notebook page shows its code cells too, their digits coloured by syntax, which OCR doubts ('axis =
    ?)'). A line of code that names no metric cannot show the test accuracy, loss or F1: their plain lines
    pass. A doubted line that may show one still leaves them to a person: one that names a metric, or a
    bare number (evaluate()'s list, a cell's last expression)."""
    def run(*extra: str) -> list[str]:
        lines = end_of_run()
        at = next(i for i, line in enumerate(lines) if line.startswith(ACCURACY)) + 1
        f1 = next(i for i, line in enumerate(lines) if line.startswith(F1)) + 1
        return lines[:at] + list(extra) + lines[at:f1] + ["sample = sample.reshape(?, 28, 28, 1)"] + lines[f1:]

    subs = graded(code=run("answer = np.argmax(Y_test, axis = ?)"),
                  named=run("print('Test accuracy:', 0.91?5)"),
                  bare=run("[0.2367101?, 0.9135000109672546]"))
    got, why = numbers(subs["code"]), reasons(subs["code"])
    assert got == dict.fromkeys(NUMBERS, "PASS"), why
    for name in ("named", "bare"):
        got, why = numbers(subs[name]), reasons(subs[name])
        assert got["accuracy"] == "REVIEW" and "could not be read with confidence" in why["accuracy"], (name, why)
        assert "FAIL" not in got.values(), (name, why)


def test_numbers_no_run_prints_never_pass_though_they_agree(graded):
    """A zero OCR reads as '8' undoubted, alike wherever it is shown (Colab's Roboto Mono in WebKitGTK, set F
    of make_other_renderers.py): the bar's 'accuracy: 8.9119' and 'F1 score: 8.9119' agree, and the printed
    accuracy's line was not read. No accuracy or F1 exceeds 1: a person looks, nothing PASSes on it."""
    bar = BAR.replace("0.9135", "8.9135").replace("0.2367", "8.2367")
    lines = [line for line in end_of_run(bar=bar, f1="8.9135") if not line.startswith((ACCURACY, LOSS))]
    sub = graded(zero_as_eight=lines)["zero_as_eight"]
    got, why = numbers(sub), reasons(sub)
    assert got["evaluation"] == got["f1"] == "REVIEW", why
    assert "8.9135, which no run prints" in why["f1"], why["f1"]
    assert "PASS" not in got.values(), got


def test_a_whole_part_read_as_the_bar_shows_it_is_no_agreement_with_the_bar(graded):
    """Set H (Colab's page zoomed out to 80 %): Roboto Mono's slashed zero at 11 px was read a sure '8' in
    evaluate's bar ('loss: 8.2498') and the printed loss's first cell doubted ('?.24981531500816345'). Read as
    the bar shows it, the printed loss "agreed" with the bar, and the evaluation passed on a loss of 8.2498,
    which the picture does not show. A whole part only the bar chose is no agreement with the bar: the
    evaluation is a person's, and the loss (8.2367 would fail) is no FAIL either; a doubted decimal the bar
    completes still agrees (the test above)."""
    bar = BAR.replace("loss: 0.2367", "loss: 8.2367")
    sub = graded(zero_as_eight=end_of_run(loss="?.23671013116836548", bar=bar))["zero_as_eight"]
    got, why = numbers(sub), reasons(sub)
    assert got["evaluation"] == "REVIEW" and got["loss"] == "REVIEW", why
    assert "FAIL" not in got.values() and got["accuracy"] == "PASS", why
