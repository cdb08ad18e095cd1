"""Which common mistake a log's numbers show: advice with its evidence, never a verdict.

The signatures (fashion_tools/grading/signatures.json, made by `python fashion_items.py mistakes`) hold,
for the lecture and for each mistake, what a log of such a run prints, measured over seeds. A mistake is
named only when the log shows at least one of its tells (a number whose range cannot be the lecture's:
1875 steps an epoch, 320 parameters in the first convolution, epoch 1's loss far above the lecture's)
inside that mistake's range, and every tell it shows is the mistake's (a layer's count may also be the
lecture's: a student may change one convolution of two). Where a tell is epoch 1's loss or accuracy, both
must lie in the mistake's range. Reads only the parsed log: no TensorFlow.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fashion_tools.errors import ToolError, first_line
from fashion_tools.grading.expected import normal_kind
from fashion_tools.grading.logparse import ParsedLog

SIGNATURES = Path(__file__).with_name("signatures.json")
# How far past its measured range a number may lie and still be that run's kind: two standard deviations of
# the seeds, at least this share of the mean (a few seeds under-state the spread). The lecture's range is
# widened the same way, so a tell is a number whose widened range cannot meet the lecture's.
MIN_MARGIN = {"lecture": 0.05, "mistake": 0.10}
EPOCH_ONE = ("epoch1_loss", "epoch1_accuracy")  # read together: a run must look like the mistake on both
FEATURE_NAMES = {"epoch1_loss": "epoch 1 loss", "epoch1_accuracy": "epoch 1 accuracy"}


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


def band(summary: dict[str, Any], kind: str) -> tuple[float, float]:
    """A measured range widened by its margin: where a run of this kind may print the number."""
    margin = max(2 * summary["std"], MIN_MARGIN[kind] * abs(summary["mean"]))
    return summary["min"] - margin, summary["max"] + margin


# What the log shows of each feature

def epoch_one(log: ParsedLog) -> dict[str, float]:
    first = next((e for e in log.epoch_numbers if e.epoch == 1), None)
    if first is None:
        return {}
    return {key: value for key, value in (("epoch1_loss", first.loss), ("epoch1_accuracy", first.accuracy))
            if value is not None and math.isfinite(value)}


def shown(log: ParsedLog) -> dict[str, Any]:
    """Each number the diagnosis reads, where the log prints it."""
    found: dict[str, Any] = epoch_one(log)
    steps = {e.steps for e in log.epoch_numbers if e.steps is not None}
    if len(steps) == 1:
        found["steps_per_epoch"] = steps.pop()
    if log.epochs_declared is not None:
        found["epochs"] = log.epochs_declared
    if log.layers:
        for i, layer in enumerate(x for x in log.layers if x.kind != "InputLayer"):
            found[f"params:{i}"] = (normal_kind(layer.kind), layer.params)
    return found


# Each tell against the signatures

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


def layer_tell(i: int, value: tuple[str, int | None], mine: dict, lecture: dict) -> tuple[bool, bool, str]:
    """(consistent, the mistake's alone, evidence) for layer i's printed parameter count."""
    kind, params = value
    ours, theirs = mine["layers"][i], lecture["layers"][i]
    if kind != ours["kind"] or params not in (ours["params"], theirs["params"]):
        return False, False, ""
    if params == theirs["params"]:
        return True, False, ""
    return True, True, (f"layer {i + 1} ({kind}) has {params:,} parameters, {formula(mine['layers'], i)}; the "
                        f"lecture's {theirs['params']:,}, {formula(lecture['layers'], i)}")


def exact_tell(key: str, value: int, mine: dict, lecture: dict, title: str) -> tuple[bool, bool, str]:
    if value != mine[key]:
        return False, False, ""
    if key == "steps_per_epoch":
        return True, True, (f"{value:,} training steps an epoch: batches of {mine['batch_size']}; the lecture's "
                            f"{lecture['steps_per_epoch']:,} are batches of {lecture['batch_size']}")
    return True, True, f"it trained {value} epochs; the lecture trains {lecture['epochs']}"


def measured_tell(key: str, value: float, mine: dict, lecture: dict, title: str, seeds: tuple[int, int]
                  ) -> tuple[bool, bool, str]:
    low, high = band(mine[key], "mistake")
    if not low <= value <= high:
        return False, False, ""
    ours, theirs = mine[key], lecture[key]
    return True, True, (f"{FEATURE_NAMES[key]} {value:.4f}: {title} gives {ours['min']:.4f}-{ours['max']:.4f} over "
                        f"{seeds[0]} seed{'s' * (seeds[0] != 1)}, the lecture {theirs['min']:.4f}-{theirs['max']:.4f} "
                        f"over {seeds[1]}")


def match(log_values: dict[str, Any], name: str, signature: dict, lecture: dict) -> list[str] | None:
    """The evidence for this mistake, or None when the log does not show it."""
    mine, title = signature["features"], signature["title"]
    seeds = (len(signature["seeds"]), len(lecture["seeds"]))
    tells = list(signature["tells"])
    if any(key in EPOCH_ONE for key in tells):
        tells += [key for key in EPOCH_ONE if key not in tells]  # a run must look like the mistake on both
    evidence, alone = [], False
    for key in tells:
        if key not in log_values:
            continue
        value = log_values[key]
        if key.startswith("params:"):
            fits, own, said = layer_tell(int(key.split(":")[1]), value, mine, lecture["features"])
        elif key in EPOCH_ONE:
            fits, own, said = measured_tell(key, value, mine, lecture["features"], title, seeds)
            if key not in signature["tells"]:  # only read to rule the mistake out: no evidence of it
                own, said = False, ""
        else:
            fits, own, said = exact_tell(key, value, mine, lecture["features"], title)
        if not fits:
            return None
        alone = alone or own
        evidence += [said] if said else []
    return evidence if alone else None


def diagnose(log: ParsedLog, signatures: dict[str, Any]) -> list[Diagnosis]:
    """The mistakes whose signature the log's numbers match, each with its evidence."""
    from fashion_tools.mistakes import MISTAKES

    if not log.readable:
        return []
    values = shown(log)
    found = []
    for name, signature in signatures["mistakes"].items():
        evidence = match(values, name, signature, signatures["lecture"])
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


def diagnose_grades(grades: list, signatures: dict[str, Any], points: dict[str, float], one_penalty: bool) -> None:
    """Each grade's diagnoses; with one_penalty, the checks they explain beyond the first cost nothing more."""
    from fashion_tools.grading.rubric import score

    for g in grades:
        g.diagnoses = diagnose(g.submission.log, signatures) if signatures else []
        if one_penalty and g.diagnoses:
            g.waived = waived_checks(g.results, g.diagnoses)
            g.points = score(g.results, points, g.waived)
