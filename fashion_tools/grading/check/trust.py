"""OCR trust and what the grader cannot read: a check on numbers read from a picture says so, and a
misread is never a FAIL; a section the text cannot show safely goes to a person.
"""

from __future__ import annotations

import dataclasses

from fashion_tools.grading.check.expected import KERAS_LAYERS, normal_kind
from fashion_tools.grading.check.result import CheckResult, reviewing
from fashion_tools.grading.parse.values import BAR_ONLY, ParsedLog, same_name
from fashion_tools.grading.readers.ocr import WORD_DOUBT


def unsure(result: CheckResult, log: ParsedLog) -> CheckResult:
    """A check that did not pass on what the grader could not read with confidence goes to a person:
    a section printed in a form it cannot read safely, or not found in a hand-in that also holds
    pictures (which may show it), or in a file that hides text from a person."""
    if result.passed:
        return result
    if result.check in log.uncertain:
        return reviewing(result.check, result.expected, result.found, log.uncertain[result.check])
    if log.hidden:  # what the file hides may be what was asked for, or meant to mislead: a person reads it
        return reviewing(result.check, result.expected, result.found,
                         f"{result.reason}; the file also hides {log.hidden}: look at it")
    if log.unread and result.reason.startswith("section not found"):
        return reviewing(result.check, result.expected, result.found,
                         f"{result.reason[len('section not found: '):]} is not in the text; {log.unread}, "
                         "which may show it: look at them")
    return result


# Numbers read from a picture (readers/ocr/pictures.py): said so, and a misread never a FAIL

def plainly_failed(result: CheckResult, log: ParsedLog) -> bool:
    """Whether a check that failed on numbers read from a picture failed on what the picture shows plainly,
    not on a misread: words rather than digits (a class name, a traceback), the declared epochs in every
    header with the epochs counted up to them, or a layer table whose counts add up to its total. Other
    digits are never enough: a glyph misread is misread alike everywhere, so two numbers agreeing proves
    nothing."""
    doubt = log.doubts.get(result.check)
    if doubt and not (result.check == "architecture" and WORD_DOUBT in doubt):  # a layer's name, not its counts
        return False
    if result.reason.startswith("not reached"):
        return True
    if result.check == "training":  # 'Epoch 5/15' ... 'Epoch 15/15': the epochs it counts run on to it
        seen = epoch_run(log)  # ('Epoch 10/10' read 'Epoch 18/18' leaves 10 to 17 out: a misread)
        return (result.reason.startswith("it trained") and len(seen) >= 2
                and seen[-1] == log.epochs_declared)
    if result.check == "architecture":  # counts that add up, of layers of kinds Keras has (not a misread word)
        counts = [layer.params for layer in log.layers or []]
        kinds = all(normal_kind(layer.kind) in KERAS_LAYERS for layer in log.layers or [])
        return kinds and None not in counts and log.total_params is not None and sum(counts) == log.total_params
    if result.check == "prediction":
        from fashion_tools.network import LABELS

        return "is predicted as" in result.reason and any(same_name(log.prediction or "", label) for label in LABELS)
    return False  # digits: the same glyph misread alike everywhere would confirm itself


def pictured(result: CheckResult, log: ParsedLog) -> CheckResult:
    """A check on a section read from a picture: its reason names the picture; when it did not pass and
    the picture does not show the failure plainly, a person looks (a misread digit gives the same)."""
    where = log.pictures.get(result.check)
    if result.review:
        return result
    if result.passed and log.read_by_ocr:
        unsure_of = doubted_pass(result, log)
        if unsure_of:
            shown = f"read from {where}: " if where else "read from the pictures: "
            own = number_doubt(log, result.check)
            if own and result.found == "-":  # no number of its own read ('no evaluate line'): shown, not read
                return reviewing(result.check, result.expected, result.found,
                                 f"{shown}{own} could not be read with confidence: look at it")
            return reviewing(result.check, result.expected, result.found,
                             f"{shown}{result.reason}; {unsure_of}: look at it")
    if where is None:
        if log.read_by_ocr and result.passed and result.check in log.printed:  # a label read by OCR, not the lecture's
            return reviewing(result.check, result.expected, result.found, f"read from the pictures: {result.reason}; a "
                             "digit misread in the picture would give the same: look at it")
        if not log.read_by_ocr or result.passed or plainly_failed(result, log):
            return result
        if result.reason.startswith("section not found"):
            return reviewing(result.check, result.expected, result.found,
                             f"{result.reason[len('section not found: '):]} is not in the text read from the "
                             "pictures; they may show it where OCR could not read it: look at them")
        # a section whose start the picture's edge cut off ('the layer table is not printed'): never a FAIL
        return reviewing(result.check, result.expected, result.found,
                         f"read from the pictures: {result.reason}; a picture may show more than OCR read: look "
                         "at them")
    reason = f"read from {where}: {result.reason}"
    if result.passed or plainly_failed(result, log):
        return dataclasses.replace(result, reason=reason)
    doubt = log.doubts.get(result.check)
    if doubt and result.reason.startswith("section not found"):  # shown, but not read: no 'not printed'
        return reviewing(result.check, result.expected, result.found,
                         f"read from {where}: {doubt} could not be read with confidence: look at it")
    why = f"{doubt} could not be read with confidence" if doubt else \
        cut_off(result, log) or "a digit misread in the picture would give the same"
    return reviewing(result.check, result.expected, result.found, f"{reason}; {why}: look at it")


def number_doubt(log: ParsedLog, check: str) -> str | None:
    """The doubt OCR has of a number in a check's section (not of a word's letters), or None."""
    doubt = log.doubts.get(check)
    return doubt if doubt and WORD_DOUBT not in doubt else None


def agrees_with(check: str, log: ParsedLog) -> tuple[str, ...]:
    """The checks whose numbers a check's pass rests on besides its own: evaluate's bar on the printed test
    accuracy and loss; the matrix's trace and the F1 on the first other reading of the test accuracy the run
    shows, as numbers.accuracies orders them (the one they were compared with, or would have been but for a
    doubted digit)."""
    if check == "evaluation":
        return ("accuracy", "loss")
    if check not in ("confusion_matrix", "f1"):
        return ()
    shown = (("accuracy", log.accuracy), ("confusion_matrix", log.confusion_matrix), ("f1", log.f1),
             ("evaluation", log.evaluate_line))
    return next(((name,) for name, value in shown  # shown, though maybe not read for a doubted digit
                  if name != check and (value is not None or number_doubt(log, name))), ())


def doubted_pass(result: CheckResult, log: ParsedLog) -> str | None:
    """Why a check that passed on text read by OCR is not sure: a number in its section, or in a number it
    agrees with, read with a doubted digit (two doubted numbers never agree), or a pass on the absence of
    an evaluate line, which a misread bar gives too. None when the pass stands."""
    bar = ("evaluation",) if log.printed.get(result.check, "").startswith(BAR_ONLY) else ()  # its number's line
    numbers = [doubt for check in (result.check, *agrees_with(result.check, log), *bar)
               if (doubt := number_doubt(log, check))]
    if numbers:
        return f"{numbers[0]} could not be read with confidence, and a misread digit would pass the same"
    impossible = [f"{what} {value:.4f}" for check in (result.check, *agrees_with(result.check, log))
                  for what, value in shown_values(check, log) if not possible(what, value)]
    if impossible:  # Colab's slashed zero read '8' alike everywhere: 'accuracy 8.9119' and 'F1 8.9119' agree
        return f"it reads {impossible[0]}, which no run prints: a digit was misread, alike wherever it is shown"
    if result.check == "evaluation" and log.evaluate_line is None:
        return "no evaluate line was read from the pictures, which a misread progress bar gives too"
    if result.check == "evaluation" and None in log.evaluate_line:  # Keras shows both: one was misread
        return "one of the evaluate line's two numbers was not read from the picture, and is not compared"
    return None


def shown_values(check: str, log: ParsedLog) -> list[tuple[str, float]]:
    """The test numbers a check's section was read as: (what, value)."""
    bar = log.evaluate_line or (None, None)
    values = {"accuracy": [("accuracy", log.accuracy)], "loss": [("loss", log.loss)], "f1": [("F1", log.f1)],
              "evaluation": [("accuracy", bar[0]), ("loss", bar[1])]}.get(check, [])
    return [(what, value) for what, value in values if value is not None]


def possible(what: str, value: float) -> bool:
    """An accuracy or F1 lies between 0 and 1, a cross-entropy loss is 0 or more."""
    return 0 <= value and (what == "loss" or value <= 1)


def epoch_run(log: ParsedLog) -> list[int]:
    """The epochs counted, when they run one after the other with none missing between; else []."""
    seen = sorted(set(log.epochs or []))
    return seen if seen and seen == list(range(seen[0], seen[-1] + 1)) else []


def cut_off(result: CheckResult, log: ParsedLog) -> str | None:
    """Why a run read from pictures lacks epochs, when the pictures begin or end in the middle of it."""
    seen = epoch_run(log)
    if result.check != "training" or not seen:
        return None
    if seen[0] > 1:
        return f"the pictures show the run from epoch {seen[0]} on: epochs 1 to {seen[0] - 1} may be above their top"
    if log.epochs_declared and seen[-1] < log.epochs_declared and not log.stopped:
        return f"the pictures show the run up to epoch {seen[-1]}: the later epochs may be below their bottom"
    return None


