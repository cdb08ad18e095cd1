"""Which common mistake a log's numbers show: advice with its evidence, never a verdict.

The signatures (fashion_tools/grading/check/signatures.json, made by `python fashion_items.py mistakes`) hold,
for the lecture and for each mistake, what a log of such a run prints, measured over seeds. A mistake's
tells are the numbers that set it apart from the lecture: an exact one that differs (1875 steps an epoch,
5 epochs, 320 parameters in the first convolution) or a measured one whose band cannot meet the
lecture's (epoch 1's loss, the test loss). A mistake is named only when

- every exact number the log shows is the mistake's (a layer's count may also be the lecture's: a student
  may change one convolution of two), and every tell it shows lies in the mistake's band; a mistake told
  by measured numbers alone (pixels not scaled, SGD) must fit on every measured number the log shows;
- and at least one tell is the mistake's alone: an exact one, or a measured one outside the lecture's band.

A band is the seeds' range widened by two standard deviations, at least MIN_MARGIN, on a log scale (of a
loss, and of an accuracy's error rate): these numbers spread by ratios, and a loss is never negative.
Reads only the parsed log: no TensorFlow.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fashion_tools.errors import ToolError, first_line
from fashion_tools.grading.check.expected import normal_kind, same_kind
from fashion_tools.grading.parse.values import ParsedLog

SIGNATURES = Path(__file__).with_name("signatures.json")
# The least widening of a measured range, on the log scale (0.05: 5 %). A mistake's is wider: its three
# seeds, trained by this tool, under-state how a student's run of the lecture's script spreads (issue 26's
# real run with SGD printed a test accuracy of 0.8373, our seeds 0.8078-0.8142).
MIN_MARGIN = {"lecture": 0.05, "mistake": 0.25}
MEASURED = ("epoch1_loss", "epoch1_accuracy", "test_loss", "test_accuracy", "last_training_accuracy")  # said in order
MAX_EVIDENCE = 3  # the first tells said are enough for a teacher; the rest only confirm
EXACT = ("steps_per_epoch", "epochs")
FEATURE_NAMES = {"epoch1_loss": "epoch 1 loss", "epoch1_accuracy": "epoch 1 accuracy",
                 "last_training_accuracy": "training accuracy at the last epoch", "test_accuracy": "test accuracy",
                 "test_loss": "test loss"}


@dataclass
class Diagnosis:
    mistake: str  # its name in fashion_tools/mistakes.py
    title: str
    part: str  # the lecture's part to revisit
    evidence: list[str]
    explains: tuple[str, ...]  # the checks its consequences can fail, its own first

    @property
    def text(self) -> str:
        return f"{self.title}? {'; '.join(self.evidence)}; see {self.part}"

    def as_dict(self) -> dict[str, Any]:
        return {"mistake": self.mistake, "title": self.title, "part": self.part, "evidence": self.evidence}


def load_signatures(path: str | Path | None = None) -> dict[str, Any] | None:
    """The measured signatures (None: the shipped ones; none where the tool ships none); a problem with a
    file is one line and exit status 2."""
    if path is None:
        if not SIGNATURES.exists():
            return None
        path = SIGNATURES
    try:
        data = json.loads(Path(path).read_text())
        if not isinstance(data.get("mistakes"), dict) or "features" not in data.get("lecture", {}):
            raise ValueError("no lecture and mistakes")
    except (OSError, ValueError, AttributeError) as exc:
        raise ToolError(f"--signatures {path}: not a signatures.json of `python fashion_items.py mistakes` "
                        f"({getattr(exc, 'strerror', None) or first_line(exc)})") from None
    return data


# A measured number's band

def to_scale(key: str, value: float) -> float:
    """A loss on the log scale, an accuracy as the log of its error rate."""
    return math.log(max(1 - value if key.endswith("accuracy") else value, 1e-9))


def from_scale(key: str, value: float) -> float:
    return 1 - math.exp(value) if key.endswith("accuracy") else math.exp(value)


def band(key: str, summary: dict[str, Any], kind: str) -> tuple[float, float]:
    """Where a run of this kind may print the number: the seeds' range widened by two standard deviations,
    at least MIN_MARGIN[kind], on the log scale."""
    scaled = [to_scale(key, v) for v in summary["values"]]
    margin = max(2 * statistics.stdev(scaled) if len(scaled) > 1 else 0.0, MIN_MARGIN[kind])
    ends = sorted(from_scale(key, x) for x in (min(scaled) - margin, max(scaled) + margin))
    return ends[0], ends[1]


def inside(value: float, span: tuple[float, float]) -> bool:
    return span[0] <= value <= span[1]


def tells(mine: dict[str, Any], lecture: dict[str, Any]) -> list[str]:
    """The numbers that set a mistake apart from the lecture: exact ones that differ, each layer whose count
    differs ('params:INDEX'), measured ones whose bands do not meet."""
    found = [key for key in EXACT if mine[key] != lecture[key]]
    found += [f"params:{i}" for i, (a, b) in enumerate(zip(mine["layers"], lecture["layers"], strict=False))
              if a["params"] != b["params"]]
    for key in MEASURED:
        low, high = band(key, mine[key], "mistake")
        lecture_low, lecture_high = band(key, lecture[key], "lecture")
        if high < lecture_low or low > lecture_high:
            found.append(key)
    return found


# What the log shows

def shown(log: ParsedLog) -> dict[str, Any]:
    """Each number the diagnosis reads, where the log prints it."""
    found: dict[str, Any] = {}
    ends = {e.epoch: e for e in log.epoch_numbers}
    last = ends.get(log.epochs_declared or -1)
    for key, value in (("epoch1_loss", ends[1].loss if 1 in ends else None),
                       ("epoch1_accuracy", ends[1].accuracy if 1 in ends else None),
                       ("last_training_accuracy", last.accuracy if last else None),
                       ("test_accuracy", log.accuracy), ("test_loss", log.loss)):
        if value is not None and math.isfinite(value):
            found[key] = value
    steps = {e.steps for e in log.epoch_numbers if e.steps is not None}
    if len(steps) == 1:
        found["steps_per_epoch"] = steps.pop()
    if log.epochs_declared is not None:
        found["epochs"] = log.epochs_declared
    layers = [x for x in log.layers or [] if x.kind != "InputLayer"]
    found["layers"] = [(normal_kind(x.kind), x.params) for x in layers]
    return found


# The evidence

def formula(layers: list[dict], i: int) -> str:
    """The lecture's formula for layer i's parameters, from the layers' output shapes: '(3 x 3 x 1 + 1) x 32'."""
    layer = layers[i]
    inputs = layers[i - 1]["output_shape"][-1] if i else 1
    units = layer["output_shape"][-1]
    if layer["kind"] == "Conv2D" and units and inputs:
        kernel = math.isqrt(max(layer["params"] // units - 1, 0) // inputs)
        return f"({kernel} x {kernel} x {inputs} + 1) x {units}"
    if layer["kind"] == "Dense" and inputs:
        return f"({inputs:,} + 1) x {units}"
    return f"{layer['params']:,}"


def layer_evidence(printed: list[tuple[str, int | None]], mine: list[dict], lecture: list[dict]) -> list[str] | None:
    """Each layer the mistake alone explains; None when a layer is neither the mistake's nor the lecture's."""
    if printed and len(printed) != len(mine):
        return None
    said = []
    for i, ((kind, params), ours, theirs) in enumerate(zip(printed, mine, lecture, strict=False)):
        if not same_kind(kind, ours["kind"]) or params not in (ours["params"], theirs["params"]):
            return None
        if params != theirs["params"]:
            said.append(f"layer {i + 1} ({ours['kind']}) has {params:,} parameters, {formula(mine, i)}; the lecture's "
                        f"{theirs['params']:,}, {formula(lecture, i)}")
    return said


def exact_evidence(key: str, value: int, mine: dict, lecture: dict) -> str:
    if key == "steps_per_epoch":
        return (f"{value:,} training steps an epoch: batches of {mine['batch_size']}; the lecture's "
                f"{lecture['steps_per_epoch']:,} are batches of {lecture['batch_size']}")
    return f"it trained {value} epochs; the lecture trains {lecture['epochs']}"


def measured_evidence(key: str, value: float, title: str, mine: dict, lecture: dict) -> str:
    def span(values: list[float]) -> str:
        return f"{min(values):.4f}" + (f"-{max(values):.4f}" if max(values) != min(values) else "")

    ours, theirs = mine["values"], lecture["values"]
    return (f"{FEATURE_NAMES[key]} {value:.4f}: {title} gives {span(ours)} over {len(ours)} "
            f"seed{'s' * (len(ours) != 1)}, the lecture {span(theirs)} over {len(theirs)}")


def match(values: dict[str, Any], signature: dict, lecture: dict) -> list[str] | None:
    """The evidence for this mistake, or None when the log's numbers do not show it."""
    mine, theirs, title = signature["features"], lecture["features"], signature["title"]
    if any(key in values and values[key] != mine[key] for key in EXACT):
        return None  # another batch size or number of epochs: not (only) this mistake
    evidence = layer_evidence(values["layers"], mine["layers"], theirs["layers"])
    if evidence is None:
        return None
    evidence += [exact_evidence(key, values[key], mine, theirs) for key in EXACT
                 if key in values and key in signature["tells"]]
    # Measured tells alone (no exact one): every measured number shown must fit the mistake, else a run of
    # another mistake whose epoch 1 happens to look alike would be named; an exact tell decides by itself.
    exact = any(tell in EXACT or tell.startswith("params:") for tell in signature["tells"])
    for key in (k for k in MEASURED if k in values and (k in signature["tells"] or not exact)):
        if not inside(values[key], band(key, mine[key], "mistake")):
            return None
        if key in signature["tells"] and not inside(values[key], band(key, theirs[key], "lecture")):
            evidence.append(measured_evidence(key, values[key], title, mine[key], theirs[key]))
    return evidence[:MAX_EVIDENCE] or None


def diagnose(log: ParsedLog, signatures: dict[str, Any]) -> list[Diagnosis]:
    """The mistakes whose signature the log's numbers match, each with its evidence."""
    from fashion_tools.mistakes import MISTAKES

    if not log.readable:
        return []
    values = shown(log)
    found = []
    for name, signature in signatures["mistakes"].items():
        evidence = match(values, signature, signatures["lecture"])
        if evidence and name in MISTAKES:
            m = MISTAKES[name]
            found.append(Diagnosis(name, m.title, m.part, evidence, m.explains))
    return found


def waived_checks(results: list, diagnoses: list[Diagnosis]) -> dict[str, str]:
    """One mistake, one penalty (a rubric's one_penalty): of the failed checks a diagnosis explains, the
    first costs its points and the others nothing more. {check: why it costs nothing}."""
    failed = [r.check for r in results if r.verdict == "FAIL"]
    waived: dict[str, str] = {}
    for d in diagnoses:
        explained = [check for check in d.explains if check in failed]
        waived.update({check: f"explained by {d.title}, which {explained[0]} already counts"
                       for check in explained[1:] if check not in waived})
    return waived


def diagnose_grades(grades: list, signatures: dict[str, Any] | None, points: dict[str, float],
                    one_penalty: bool) -> None:
    """Each grade's diagnoses; with one_penalty, the checks they explain beyond the first cost nothing more."""
    from fashion_tools.grading.check.rubric import score

    for g in grades:
        g.diagnoses = diagnose(g.submission.log, signatures) if signatures else []
        if one_penalty and g.diagnoses:
            g.waived = waived_checks(g.results, g.diagnoses)
            g.points = score(g.results, points, g.waived)
