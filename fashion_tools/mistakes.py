"""Students' common mistakes, each a small named change to the lecture's default run.

`python fashion_items.py --mistake NAME` (and `reference --mistake NAME`) trains the lecture's model with
one of them, so that each mistake's numbers can be measured over seeds like the lecture's own
(`mistakes` builds the signatures file from such runs; grading/check/diagnosis.py reads it). Each mistake
names the lecture's part it touches, so that advice can send a student back to it. Nothing here
imports TensorFlow: grading reads the catalogue too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    """How a run trains: the lecture's choices by default (parts 2/12 and 5/12 to 9/12)."""

    epochs: int | None = None  # None: the run's --epochs
    batch_size: int | None = None  # None: the run's --batch-size
    scale: bool = True  # 5/12: pixels divided by 255
    one_hot: bool = True  # 6/12: labels one-hot encoded, categorical cross-entropy
    kernel: int = 2  # 7/12: both convolutions' kernel size
    dense: int = 128  # 8/12: the hidden Dense layer's width
    softmax: bool = True  # 8/12: the last layer's activation
    optimizer: str = "adam"  # 9/12

    @property
    def loss(self) -> str:
        return "categorical_crossentropy" if self.one_hot else "sparse_categorical_crossentropy"


LECTURE = Recipe()


@dataclass(frozen=True)
class Mistake:
    name: str
    title: str  # as a teacher names it
    part: str  # the lecture's part to revisit, 'part 5/12 (data scaling into [0, 1])'
    recipe: Recipe
    explains: tuple[str, ...]  # the grading checks its consequences can fail, the mistake's own first


MISTAKES = {m.name: m for m in (
    Mistake("unscaled", "pixels not scaled", "part 5/12 (data scaling into [0, 1]: X / 255.0)",
            Recipe(scale=False), ("accuracy", "loss")),
    Mistake("batch32", "batch size left out of fit (Keras' 32, not 200)",
            "part 9/12 (model.fit(..., batch_size = MY_BATCH))", Recipe(batch_size=32), ("accuracy", "loss")),
    Mistake("epochs5", "5 epochs, not 10", "part 2/12 (MY_EPOCH = 10) and 9/12 (model.fit(..., epochs = MY_EPOCH))",
            Recipe(epochs=5), ("training", "accuracy", "loss")),
    Mistake("kernel3", "3x3 kernels, not 2x2", "part 8/12 (Conv2D(..., kernel_size = (2, 2)))",
            Recipe(kernel=3), ("architecture", "accuracy", "loss")),
    Mistake("sgd", "SGD instead of Adam", "part 9/12 (model.compile(optimizer = 'adam', ...))",
            Recipe(optimizer="sgd"), ("accuracy", "loss")),
    Mistake("dense64", "Dense(64), not Dense(128)", "part 8/12 (Dense(128, activation = 'relu'))",
            Recipe(dense=64), ("architecture", "accuracy", "loss")),
    Mistake("no_softmax", "no softmax on the last layer", "part 8/12 (Dense(TOTAL_CLASS, activation = 'softmax'))",
            Recipe(softmax=False), ("accuracy", "loss")),
    Mistake("sparse_labels", "labels not one-hot encoded (sparse categorical cross-entropy)",
            "part 6/12 (to_categorical(Y_train, TOTAL_CLASS))", Recipe(one_hot=False), ("accuracy", "loss")),
)}


def recipe(name: str | None) -> Recipe:
    """The recipe of a mistake by name; the lecture's for None."""
    return LECTURE if name is None else MISTAKES[name].recipe


def apply_to_options(name: str | None, epochs: int, batch_size: int) -> tuple[int, int]:
    """(epochs, batch size) a run with this mistake trains with: the mistake's where it changes them."""
    r = recipe(name)
    return r.epochs or epochs, r.batch_size or batch_size


def changes(name: str) -> dict[str, object]:
    """What the mistake changes in the lecture's recipe, field by field: for the signature's record."""
    r = recipe(name)
    return {f.name: getattr(r, f.name) for f in dataclasses.fields(Recipe)
            if getattr(r, f.name) != getattr(LECTURE, f.name)}
