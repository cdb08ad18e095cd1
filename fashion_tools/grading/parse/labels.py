"""The test numbers read by meaning: a test accuracy, loss or F1 printed under another label than the
lecture's ('Test accuracy: 0.9113', 'ACCURACY = 90.33%', 'F1 점수: 0.886'), evaluate()'s [loss, accuracy]
list as a notebook cell's result, and classification_report's rows.

A label's metric word says what the number is; the words around it say whose it is: the test set's
('Test', 'Testing', 'eval', another language's), the training's or validation's (never the test number),
or nobody's ('Accuracy:'). One test reading wins; several that disagree are a person's to read.
Lines of Keras' progress bars are not labels (their metrics are the epochs' own); every scan is
bounded, linear in the text.
"""

from __future__ import annotations

import bisect
import collections
import itertools
import re
from dataclasses import dataclass

from fashion_tools.grading.parse.textscan import GLUED, LINE_REACH, MAX_TRIES, line_at

WORDS = {
    "accuracy": r"accuracy|acc|exactitud|exactitude|precisi[óÓ]n|acur[áa]cia|akurasi|genauigkeit|doğruluk|"
                r"정확도|准确率|準確率|正解率|正確率|точность",
    "loss": r"loss|score|p[ée]rdida|perte|verlust|perda|kay[ıi]p|손실|损失|損失|потери",
    "f1": r"f1(?:[ _-]?score)?|f-score",
}
METRIC = re.compile("|".join(f"(?P<{name}>{words})" for name, words in WORDS.items()), re.IGNORECASE)
# What is not a label of its own word: part of a longer word or name ('val_accuracy' is read as a qualifier)
WORD_START = re.compile(r"(?:(?<![^\W_])|(?<=_))", re.UNICODE)
TEST = re.compile(r"test|eval|테스트|시험|prueba|teste|测试|測試|テスト|тест|micro", re.IGNORECASE)
NOT_TEST = re.compile(r"(?<![a-z])(?:val|train|fit|epoch|batch)|훈련|학습|검증|entrenamiento|validaci|macro|weighted|"
                      r"avg|precision|recall", re.IGNORECASE)
# Between a label's word and its number: a few words, a colon or '=', maybe a tensor's or numpy's name
# (a '?' is a digit OCR doubted: '?0.?367' is no number, and never its prefix 0.)
VALUE = re.compile(r"[^\d\n\[\]{}()'\"=:?]{0,24}?[:=]?[ \t]*+(?:[\w.]{1,20}\()?[ \t]*+"
                   r"((?>[-+]?(?:\d+\.\d*|\.\d+|\d+(?![ ]\d))(?:[eE][-+]?\d+)?))(?![?\w]|,\d)" + GLUED + r"([ \t]*%)?"
                   r"(?![\d.]*[ \t]*[:=])")  # ('0,2498', '0 9135': a point OCR read as a comma or lost)
BAR = re.compile(r"^[ ]*\d{1,9}/\d{1,9}\b|━|\[=|ETA:|/step|Epoch \d|^[ ]*- \d+m?s - ")
LIST = re.compile(r"^[ ]*\[[ ]*([-+]?\d+\.\d+(?:[eE][-+]?\d+)?)[ ]*,[ ]*([-+]?\d+\.\d+(?:[eE][-+]?\d+)?)[ ]*\][ ]*$",
                  re.MULTILINE)
REPORT_HEADER = re.compile(r"^[ ]*precision[ ]+recall[ ]+f1-score[ ]+support[ ]*$", re.MULTILINE)
REPORT_ROW = re.compile(r"^[ ]*(accuracy|micro avg|macro avg|weighted avg)((?:[ ]+[\d.]+){1,4})[ ]*$")
VALIDATION = re.compile(r"\bval(?:idation)?[ _](?:acc|accuracy):[ ]*+([-+]?\d+\.\d+)", re.IGNORECASE)
LAST_DIGIT = re.compile(r"\d(?=\D*$)")
REPORT_ANY_ROW = re.compile(r"^[ ]*+[^:=\n]{1,40}?(?:[ ]++\d*\.?\d+){2,4}[ ]*+$")  # 'Bag  0.97 0.99 0.98 1000'
REPORT_LINES = 40  # a report of 10 classes is about 16 lines


@dataclass(frozen=True)
class Shown:
    """A number printed another way than the lecture's line, and how."""

    value: float
    rounding: float  # half a unit of its last printed digit: how far it may be from the true number
    how: str  # 'printed as ...' for the reason
    test: bool  # its label names the test set (or is classification_report's / evaluate()'s)
    at: int = 0  # where in the text it is printed


def decimals_rounding(token: str, percent: bool) -> float:
    """Half a unit of a printed number's last digit: '0.91' 0.005, '91.3%' 0.0005, '2.5e-01' 0.005."""
    mantissa, _, exponent = token.lower().partition("e")
    digits = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10 ** -(digits + (2 if percent else 0) - int(exponent or 0))


def as_value(token: str, percent: bool, name: str) -> float | None:
    """The number a label shows, a percentage as a fraction; None where it cannot be that quantity."""
    value = float(token)
    if percent:
        value /= 100
    elif name != "loss" and 1 < value <= 100 and "." in token:
        value, percent = value / 100, True  # 'Accuracy: 90.65': a percentage without its sign
    if name != "loss" and not 0 <= value <= 1:
        return None
    return value


def quote(line: str) -> str:
    line = " ".join(line.split())
    return f"'{line[:70]}{'...' if len(line) > 70 else ''}'"


def report_spans(text: str) -> list[tuple[int, int]]:
    """Where classification_report's tables lie: their lines are rows of a table, not labels."""
    spans = []
    for m in itertools.islice(REPORT_HEADER.finditer(text), MAX_TRIES):
        end = m.end()
        for _ in range(REPORT_LINES):  # to the first line that is neither blank nor a row of the table
            nxt = text.find("\n", end + 1)
            line = text[end + 1:len(text) if nxt < 0 else nxt]
            if line.strip() and not REPORT_ANY_ROW.match(line):
                break
            end = len(text) if nxt < 0 else nxt
            if nxt < 0:
                break
        spans.append((m.start(), end))
    return spans


def report_f1(text: str) -> Shown | None:
    """The micro F1 in classification_report: its accuracy row, or its micro avg row's f1-score."""
    for start, end in report_spans(text):
        for line in text[start:end].split("\n"):
            m = REPORT_ROW.match(line)
            if m is None or m.group(1) not in ("accuracy", "micro avg"):
                continue
            numbers = m.group(2).split()
            token = numbers[0] if m.group(1) == "accuracy" else numbers[2] if len(numbers) >= 3 else None
            if token is None:
                continue
            return Shown(float(token), decimals_rounding(token, False),
                         f"classification_report's {m.group(1)} row {quote(line)}", True)
    return None


def labelled(text: str) -> dict[str, list[Shown]]:
    """Every number printed under a label of a metric word, by quantity, in order."""
    found: dict[str, list[Shown]] = {name: [] for name in WORDS}
    skip = report_spans(text)
    starts = [a for a, _ in skip]
    for m in itertools.islice(METRIC.finditer(text), MAX_TRIES):
        inside = bisect.bisect_right(starts, m.start()) - 1  # the report starting last before it, if any
        if not WORD_START.match(text, m.start()) or inside >= 0 and m.start() < skip[inside][1]:
            continue
        if m.end() < len(text) and text[m.end()].isascii() and text[m.end()].isalnum():
            continue  # 'according', 'lossless', 'f10': another word
        name = m.lastgroup
        line = line_at(text, m.start())
        if BAR.search(line):
            continue
        value = VALUE.match(text, m.end())
        if value is None:
            continue
        number = as_value(value.group(1), bool(value.group(2)), name)
        if number is None:
            continue
        start = previous_value_end(text, m.start())
        context = text[start:value.start(1)]
        if name == "loss" and m.group(0).lower() == "score" and not TEST.search(context):
            continue  # 'score' is a loss only in Keras' examples' 'Test score:'
        if NOT_TEST.search(context):
            continue
        percent = bool(value.group(2)) or (number != float(value.group(1)))
        found[name].append(Shown(number, decimals_rounding(value.group(1), percent),
                                 f"printed as {quote(line)}", bool(TEST.search(context)), m.start()))
    return found


def previous_value_end(text: str, at: int) -> int:
    """Where the number before at on its line ends: 'Test loss: 0.25, accuracy: 0.90' gives accuracy its own
    context, not the loss's."""
    start = max(text.rfind("\n", max(0, at - LINE_REACH), at) + 1, at - LINE_REACH, 0)
    last = LAST_DIGIT.search(text, start, at)
    return last.end() if last else start


def evaluate_list(text: str, after: int | None) -> tuple[Shown, Shown] | None:
    """evaluate()'s [loss, accuracy] list, shown as a cell's result just after its progress bar ends."""
    if after is None:
        return None
    m = LIST.search(text, after, min(len(text), after + 400))
    if m is None or text[after:m.start()].count("\n") > 3:
        return None
    loss, accuracy = m.group(1), m.group(2)
    if not 0 <= float(accuracy) <= 1:
        return None
    how = f"printed as evaluate()'s list {quote(m.group(0))}"
    return (Shown(float(loss), decimals_rounding(loss, False), how, True, m.start()),
            Shown(float(accuracy), decimals_rounding(accuracy, False), how, True, m.start()))


def choose(shown: list[Shown], what: str) -> tuple[Shown | None, str | None]:
    """(the one reading to credit, why none can be credited with confidence). Test-labelled readings win
    over unlabelled ones; readings that disagree beyond their rounding go to a person."""
    test = [s for s in shown if s.test]
    pool = test or shown
    if not pool:
        return None, None
    values = sorted({s.value for s in pool})
    if values[-1] - values[0] > 2 * max(s.rounding for s in pool) + 1e-9:
        listed = ", ".join(f"{v:.4f}" for v in values[:4])
        return None, (f"several {what} values are printed ({listed}: {pool[0].how[len('printed as '):]} and "
                      f"others) and none is the lecture's line: look at which is the test set's")
    return pool[-1], None


def validation_accuracy(text: str) -> str | None:
    """The last validation accuracy printed ('val_accuracy: 0.9065' in the last epoch's bar), as printed."""
    last = collections.deque(itertools.islice(VALIDATION.finditer(text), MAX_TRIES), maxlen=1)
    return last[0].group(0) if last else None
