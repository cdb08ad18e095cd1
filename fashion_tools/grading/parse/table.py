"""What the lecture's script shows, one row per quantity: the single place each is named.

Each row says which part of the lecture prints it, the lecture's own wording (what feedback tells a
student), the lines that start its section in the lecture's output, the ParsedLog fields that hold it,
and the other ways students print it, which the parsers read too (parse/labels.py, parse/values.py,
parse/training.py). The parsers, the run splitter (parse/runs.py), the checks (check/) and the picture
bookkeeping (parse/pictured.py) all read this table; none lists the sections again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    name: str  # the check that reads it
    part: str  # the lecture's part, as a student names it ('the evaluation'); rows of one part share it
    lecture: str  # the lecture's own line, as feedback quotes it
    starts: tuple[str, ...]  # what the first line of its section holds in the lecture's output
    fields: tuple[str, ...]  # the ParsedLog fields that hold it
    others: str  # the other ways people print it, all read (for docs and help)
    progress: bool = True  # its line shows a run got past its shapes (runs.py splits runs on that)


TABLE = (
    Quantity("shapes", "the DB shapes", "X train shape: (60000, 28, 28)", ("X train shape", "X_train shape"),
             ("shapes",), "any case, 'x_train shape:', 'x_train.shape:', several on one line, a notebook cell "
             "ending in x_train.shape", progress=False),
    Quantity("sample", "the sample", "This is a Coat 4", ("This is a",), ("sample_label",),
             "the label line and numpy's printed pixel matrix"),
    Quantity("architecture", "the model summary", "model.summary()'s table", ("Layer (type)",),
             ("layers", "total_params"), "Keras 2 or 3's table, in ASCII or box drawing, cut at a page's edge"),
    Quantity("training", "training", "Epoch 1/10 ... Epoch 10/10", ("Epoch ",), ("epochs",),
             "a live bar, a redirected log, a notebook's saved bars; EarlyStopping's 'Epoch N: early stopping'; "
             "several fit() calls"),
    Quantity("loss", "the evaluation", "Keras CNN model loss =  0.2565", ("Keras CNN model loss",), ("loss",),
             "'Test loss: 0.2565', 'Test score:', 'loss = 25.65%', other languages ('손실', 'pérdida'), "
             "evaluate()'s [loss, accuracy] list as a cell's result"),
    Quantity("accuracy", "the evaluation", "Keras CNN model accuracy =  0.9065", ("Keras CNN model accuracy",),
             ("accuracy",), "'Test accuracy: 0.9065', 'ACCURACY = 90.65%', 'Testing Accuracy 90.65%', other "
             "languages ('정확도', 'precisión'), evaluate()'s [loss, accuracy] list as a cell's result"),
    Quantity("evaluation", "the evaluation", "313/313 ... - accuracy: 0.9065 - loss: 0.2565", ("/313",),
             ("evaluate_line",), "Keras 2's or 3's evaluate() bar", progress=False),
    Quantity("confusion_matrix", "the confusion matrix", "== CONFUSION MATRIX ==", ("CONFUSION MATRIX", "array([["),
             ("confusion_matrix",), "another heading or language, a notebook's array([[...]]) result, a pandas "
             "DataFrame of any width, a heatmap picture (a person looks)"),
    Quantity("f1", "the F1 score", "F1 score: 0.9065", ("F1 score",), ("f1",),
             "'F1: 0.9065', 'f1_score =', other languages ('F1 점수'), classification_report's accuracy or micro "
             "avg row"),
    Quantity("prediction", "the prediction", "Prediction after learning: Coat", ("Prediction after learning",),
             ("prediction",), "the label's name or number"),
)

BY_NAME = {q.name: q for q in TABLE}
PARTS = list(dict.fromkeys(q.part for q in TABLE))  # the lecture's parts, in order
PART_OF = {q.name: PARTS.index(q.part) for q in TABLE}
SECTION_STARTS = {q.name: q.starts for q in TABLE}
# Lines that show a run got past its shapes: a raw shape line after one of these starts a new run
PROGRESS = tuple(start for q in TABLE if q.progress for start in q.starts if start != "array([[") + (
    "Total params",)


def part_fields(part: str) -> tuple[str, ...]:
    """The ParsedLog fields of one part of the lecture."""
    return tuple(f for q in TABLE if q.part == part and q.name != "evaluation" for f in q.fields)


def lecture_line(name: str) -> str:
    return BY_NAME[name].lecture
