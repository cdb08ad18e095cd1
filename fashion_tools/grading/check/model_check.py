"""The model check: a submitted model loaded safely and measured on the test set here.

The only part of grading that imports TensorFlow, and only when a submission holds a model.
"""

from __future__ import annotations

from pathlib import Path

from fashion_tools import data as fashion_data
from fashion_tools.errors import ToolError, first_line
from fashion_tools.grading.check.exact import layer_problems
from fashion_tools.grading.check.expected import Expected
from fashion_tools.grading.check.result import EPS, MODEL_AGREEMENT, CheckResult, failing, passing, reviewing
from fashion_tools.grading.parse.values import ParsedLog


class ReferenceTestSet:
    """The test images and one-hot labels, prepared as training prepares them."""

    def __init__(self, data_dir: str | None, expected_count: int) -> None:
        from fashion_tools.network import preprocess

        data = fashion_data.load(fashion_data.locate(data_dir))
        if len(data.y_test) != expected_count:
            raise ToolError(f"the test set found ({data.source}) has {len(data.y_test):,} images, the expected "
                            f"results were measured on {expected_count:,}; pass the --data-dir they used")
        self.x, self.y = preprocess(data.x_test, data.y_test)


def check_model(path: Path, log: ParsedLog, exp: Expected, test_set: ReferenceTestSet) -> CheckResult:
    from fashion_tools.models import VersionMismatch, describe_layers, load_model_safely
    from fashion_tools.network import evaluate

    want = f"safe, {len(exp.layers)} layers, accuracy = log's"
    try:
        model = load_model_safely(path)
    except VersionMismatch as exc:  # the grader's Keras, not the student's work: a person looks
        return reviewing("model", want, f"{path.name}: not loaded here", f"{exc}: look at it with that Keras")
    except ToolError as exc:
        return failing("model", want, f"{path.name}: not loaded", str(exc))
    layers = [(layer["kind"], layer["params"]) for layer in describe_layers(model) if layer["kind"] != "InputLayer"]
    problems = layer_problems(layers, exp.layers)
    if problems:
        return failing("model", want, f"{path.name}: {len(layers)} layers", "; ".join(problems))
    try:
        _, accuracy, _ = evaluate(model, test_set.x, test_set.y)
    except Exception as exc:  # a model that loads can still fail to run; that is the student's fail, not ours
        return failing("model", want, f"{path.name}: does not run",
                       f"predicting the test set failed: {first_line(exc)}"[:300])
    found = f"{path.name}: accuracy {accuracy:.4f}"
    if log.accuracy is None:
        return failing("model", want, found, "the log prints no test accuracy, under any label, to compare the "
                                             "model with")
    if abs(accuracy - log.accuracy) > MODEL_AGREEMENT + EPS:
        return failing("model", want, found, f"the model scores {accuracy:.4f} on the test set, the log claims "
                                             f"{log.accuracy:.4f}: the printed numbers do not come from this model")
    return passing("model", want, found, f"loads safely, expected layers, its accuracy {accuracy:.4f} "
                                         f"agrees with the log's {log.accuracy:.4f}")
