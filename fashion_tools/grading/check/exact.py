"""The checks of what does not depend on chance: shapes, the sample, the architecture, the epochs
trained, the prediction. Each must match the expected exactly; how a value was printed (another
label, another case) is said in its reason, never a reason to fail.
"""

from __future__ import annotations

import numpy as np

from fashion_tools.grading.check.expected import SHAPE_NAMES, Expected, normal_kind, same_kind
from fashion_tools.grading.check.result import CheckResult, failing, not_found, passing, reviewing
from fashion_tools.grading.parse.training import Fit
from fashion_tools.grading.parse.values import ParsedLog, same_name

# Small formatting helpers

def dims(shape: tuple[int, ...] | None) -> str:
    return "?" if shape is None else "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def compact(shape: tuple[int, ...] | None) -> str:
    return "?" if shape is None else "x".join(map(str, shape))


def fmt_params(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def check_shapes(log: ParsedLog, exp: Expected) -> CheckResult:
    want = ", ".join(compact(exp.shapes[k]) for k in SHAPE_NAMES)
    if not log.shapes and log.bare_shapes:  # a notebook's x_train.shape results: the code names them, not the text
        found = ", ".join(map(compact, log.bare_shapes))
        if all(log.bare_shapes.count(shape) >= [exp.shapes[k] for k in SHAPE_NAMES].count(shape)
               for shape in exp.shapes.values()):
            return passing("shapes", want, found, "the four shapes equal the expected (printed as bare tuples, "
                                                  "x_train.shape's result, without the lecture's 'X train shape:' "
                                                  "labels; matched by value)")
        return failing("shapes", want, found, f"the expected four shapes are not all shown: only bare tuples "
                                              f"without names ({found}) are printed")
    if not log.shapes:
        return not_found("shapes", want, "no 'x_train shape: (...)' lines, in any case", log)
    found = ", ".join(compact(log.shapes.get(k)) for k in SHAPE_NAMES)
    wrong = [f"{name} shape is {dims(log.shapes[k]) if k in log.shapes else 'not printed'}, "
             f"expected {dims(exp.shapes[k])}" for k, name in SHAPE_NAMES.items() if log.shapes.get(k) != exp.shapes[k]]
    if wrong:
        return failing("shapes", want, found, "; ".join(wrong))
    return passing("shapes", want, found, "all four shapes equal the expected")


def pixel_problem(pixels: np.ndarray | None, want: np.ndarray) -> str | None:
    if pixels is None:
        return "the pixel matrix is not printed after the label line"
    if pixels.shape != want.shape:
        return f"the pixel matrix is {'x'.join(map(str, pixels.shape))}, expected {'x'.join(map(str, want.shape))}"
    wrong = np.argwhere(pixels != want)
    if len(wrong) == 0:
        return None
    r, c = (int(i) for i in wrong[0])
    hint = " (scaled to [0, 1]? the raw pixels are 0 to 255)" if pixels.max() <= 1 < want.max() else ""
    return (f"{len(wrong)} of {want.size} pixels differ, the first at row {r}, column {c}: "
            f"printed {pixels[r, c]:g}, expected {want[r, c]}{hint}")


def check_sample(log: ParsedLog, exp: Expected) -> CheckResult:
    h, w = exp.sample_pixels.shape
    want = f"{exp.sample_name} {exp.sample_label}, {h}x{w} pixels"
    if log.sample_label is None:
        return not_found("sample", want, "SAMPLE DATA (no 'This is a <name> <number>' line)", log)
    shape = "no" if log.sample_pixels is None else "x".join(map(str, log.sample_pixels.shape))
    found = f"{log.sample_name} {log.sample_label}, {shape} pixels"
    problems = []
    if log.sample_label != exp.sample_label:
        problems.append(f"label {log.sample_label}, expected {exp.sample_label}")
    if not same_name(log.sample_name or "", exp.sample_name):
        problems.append(f"name {log.sample_name!r}, expected {exp.sample_name!r}")
    pixels = pixel_problem(log.sample_pixels, exp.sample_pixels)
    if pixels:
        problems.append(pixels)
    if problems:
        return failing("sample", want, found, "; ".join(problems))
    return passing("sample", want, found, "label, name and every pixel equal the expected")


def layer_problems(found: list[tuple[str, int | None]], want: list[tuple[str, int]]) -> list[str]:
    """How a list of (kind, parameters) differs from the expected one; empty when it does not."""
    kinds, want_kinds = [normal_kind(k) for k, _ in found], [k for k, _ in want]
    if len(kinds) != len(want_kinds) or not all(map(same_kind, kinds, want_kinds)):
        return [f"layers are {', '.join(kinds) or 'none'}; expected {', '.join(want_kinds)}"]
    return [f"layer {i} ({kind}) has {fmt_params(n)} parameters, expected {fmt_params(m)}"
            for i, ((kind, n), (_, m)) in enumerate(zip(found, want, strict=True), 1) if n != m]


def check_architecture(log: ParsedLog, exp: Expected) -> CheckResult:
    want = f"{len(exp.layers)} layers, {exp.total_params:,} params"
    if log.layers is None and log.total_params is None:
        return not_found("architecture", want, "model.summary() (no 'Layer (type)' table, no 'Total params:')",
                         log)
    layers = [(layer.kind, layer.params) for layer in log.layers or [] if layer.kind != "InputLayer"]
    found = f"{len(layers)} layers, {fmt_params(log.total_params)} params"
    cut = bool(layers) and all(n is None for _, n in layers)  # a printed page cut the parameter column off
    if cut:
        layers = [(kind, m) for (kind, _), (_, m) in zip(layers, exp.layers, strict=False)] + layers[len(exp.layers):]
    problems = layer_problems(layers, exp.layers) if log.layers is not None else ["the layer table is not printed"]
    if log.total_params != exp.total_params:
        problems.append(f"total {fmt_params(log.total_params)} parameters, expected {exp.total_params:,}")
    if problems:
        return failing("architecture", want, found, "; ".join(problems))
    if cut:
        return passing("architecture", want, found, "layer kinds and the total parameters equal the expected (the "
                                                    "table's parameter column is cut off, so per-layer counts "
                                                    "were not compared)")
    return passing("architecture", want, found, "layer kinds, per-layer and total parameters equal the expected")


def check_training(log: ParsedLog, exp: Expected) -> CheckResult:
    """The epochs as they ran: one fit() call that printed each of 1 to the expected number, declared as
    that number, with no early stop. Every reason says what ran."""
    want = f"{exp.epochs} epochs"
    if not log.epochs:
        return not_found("training", want, "no 'Epoch N/M' lines", log)
    expected = list(range(1, exp.epochs + 1))
    fits = log.fits or [Fit(log.epochs_declared or 0, sorted(set(log.epochs)))]
    if len(fits) > 1:
        calls, total = "; ".join(f.describe() for f in fits), sum(len(f.epochs) for f in fits)
        found = f"{total} epochs in {len(fits)} fit() calls"
        run = [epoch for f in fits for epoch in f.epochs]
        if len(run) == exp.epochs and all(f.epochs == list(range(1, len(f.epochs) + 1)) for f in fits):
            if all(f.continues(before) for before, f in zip(fits, fits[1:], strict=False)):
                return passing("training", want, found, f"{exp.epochs} epochs in {len(fits)} fit() calls ({calls}); "
                                                        "each call goes on from the loss the one before ended at, "
                                                        "so they trained one model")
            return reviewing("training", want, found, f"{exp.epochs} epochs in {len(fits)} fit() calls ({calls}) if "
                                                      "each went on training the model the one before left: a "
                                                      "call's first loss does not show it: look at it")
        if any(f.epochs == expected and f.declared == exp.epochs for f in fits):
            return reviewing("training", want, found, f"{len(fits)} fit() calls ({calls}): one trained the "
                             f"expected {exp.epochs} epochs, the others trained the model further unless it was "
                             "built again between them: look at it")
        return failing("training", want, found, f"{len(fits)} fit() calls ({calls}), {total} epochs in all; none "
                                                f"trained epochs 1 to {exp.epochs}")
    fit = fits[0]
    seen = sorted(set(fit.epochs))
    found = f"{len(seen)} epochs" + (f" of {fit.declared}" if fit.declared != len(seen) else "")
    if log.early_stop is not None:
        return failing("training", want, found, f"stopped early at epoch {log.early_stop} of {fit.declared}: "
                                                f"EarlyStopping ended it after {len(seen)} epochs; the lecture "
                                                f"trains {exp.epochs} epochs without stopping early")
    if seen == expected and fit.declared == exp.epochs:
        return passing("training", want, found, f"epochs 1 to {exp.epochs} all appear")
    ran = f"epoch {seen[0]}" if len(seen) == 1 else f"epochs {seen[0]} to {seen[-1]}" \
        if seen == list(range(seen[0], seen[-1] + 1)) else f"{len(seen)} epochs"
    if seen[-1] < fit.declared and seen == list(range(1, seen[-1] + 1)):
        why = f"the run stopped with {log.stopped.split(':', 1)[0]}" if log.stopped else "the log ends during training"
        return failing("training", want, found, f"the progress stops at epoch {seen[-1]} of {fit.declared}: {why}"
                       + ("" if fit.declared == exp.epochs else f"; expected {exp.epochs} epochs"))
    if fit.declared != exp.epochs and seen == list(range(1, fit.declared + 1)):
        return failing("training", want, found, f"it trained {fit.declared} epochs, expected {exp.epochs}")
    return failing("training", want, found, f"{ran} of {fit.declared} appear ({', '.join(map(str, seen[:12]))}), "
                                            f"expected each of 1 to {exp.epochs} once")


def check_prediction(log: ParsedLog, exp: Expected) -> CheckResult:
    """The prediction names the label of the sample this log printed, and that sample is the expected one."""
    want = exp.sample_name
    if log.prediction is None:
        return not_found("prediction", want, "no prediction printed, in any words", log)
    predicted = log.prediction

    def names(label: int | None, name: str | None) -> bool:
        return same_name(predicted, name or "") or predicted == str(label)

    if log.sample_label is None:  # no sample shown: the expected one is all there is to compare with
        if names(exp.sample_label, exp.sample_name):
            return passing("prediction", want, predicted, f"the log shows no sample; {predicted!r} is the "
                                                          f"expected sample's label, {exp.sample_name}")
        return failing("prediction", want, predicted, f"the log shows no sample; the expected sample, "
                                                      f"{exp.sample_name}, is predicted as {predicted!r}")
    shown = f"{log.sample_name} ({log.sample_label})"
    if log.sample_label != exp.sample_label or not same_name(log.sample_name or "", exp.sample_name):
        return failing("prediction", want, predicted,
                       f"the log shows sample {shown}, not the expected {exp.sample_name} ({exp.sample_label}), "
                       f"and predicts {predicted!r}")
    if names(log.sample_label, log.sample_name):
        return passing("prediction", want, predicted, f"the sample the log shows, {shown}, is predicted as its label")
    return failing("prediction", want, predicted, f"the sample the log shows, {shown}, is predicted as {predicted!r}")


