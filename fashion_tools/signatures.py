"""`python fashion_items.py mistakes`: each common mistake's measured signature, for grade's diagnosis.

For each mistake (fashion_tools/mistakes.py) this trains the lecture's model with that one mistake over
several seeds, as `reference --mistake NAME --out OUT/NAME` does (the same seed runner and options;
--resume goes on from the seeds already finished), then writes OUT/signatures.json: per mistake, what a
log prints of it (steps per epoch, epochs, epoch 1's loss and accuracy, the last epoch's training
accuracy, the test accuracy and loss, each layer's parameters), next to the lecture's own (a reference.json
of the lecture, --lecture). Each mistake's tells are the numbers whose range cannot be the lecture's:
grading/check/diagnosis.py names a mistake only from those.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
from pathlib import Path
from typing import Any

from fashion_tools import mistakes, reference
from fashion_tools.atomic import atomic_write_text, make_folder
from fashion_tools.errors import ToolError
from fashion_tools.grading.check.diagnosis import MIN_MARGIN, tells

TAKES_TRAINING_OPTIONS = True
SCHEMA_VERSION = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="MISTAKE",
                        help=f"the mistakes to measure (default: all): {', '.join(mistakes.MISTAKES)}")
    parser.add_argument("--lecture", metavar="REFERENCE_JSON", required=True,
                        help="the lecture's own range: a reference.json of `reference` "
                             "(e.g. tests/data/reference.json)")
    reference.add_arguments(parser)  # each mistake is a reference of its own, in OUT/NAME/
    parser.set_defaults(seeds=3, out="mistakes")


def run(args: argparse.Namespace) -> int:
    unknown = [name for name in args.names if name not in mistakes.MISTAKES]
    if unknown:
        raise ToolError(f"unknown mistake {unknown[0]!r}; the mistakes are {', '.join(mistakes.MISTAKES)}", 2)
    lecture = read_reference(args.lecture)
    out = make_folder(args.out, "--out", "signatures.json")
    path = out / "signatures.json"
    signatures = {}
    for name in args.names or list(mistakes.MISTAKES):
        print(f"\n== {name}: {mistakes.MISTAKES[name].title} ==", flush=True)
        one = copy.copy(args)
        one.mistake, one.out, one.no_figures = name, str(out / name), True
        reference.run(one)
        signatures[name] = read_reference(out / name / "reference.json")
    built = build_signatures(lecture, signatures, str(args.lecture))
    if path.exists():  # the mistakes measured before stay, in the catalogue's order
        kept = {**json.loads(path.read_text())["mistakes"], **built["mistakes"]}
        built["mistakes"] = {name: kept[name] for name in mistakes.MISTAKES if name in kept}
    atomic_write_text(path, json.dumps(built, indent=1) + "\n")
    print("\n" + signature_table(built))
    print(f"\nSaved signatures: {path}  (python fashion_items.py grade --signatures {path} ...)")
    return 0


def read_reference(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text())
        data["spread"]["training"]["loss"][0]  # noqa: B018  (a reference of at least one epoch)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ToolError(f"{path}: not a reference.json of `python fashion_items.py reference` ({exc})") from None
    return data


# ---- a signature from a reference.json ----

def stats(values: list[float]) -> dict[str, Any]:
    return reference.summary([float(v) for v in values])


def features(ref: dict[str, Any]) -> dict[str, Any]:
    """What a log of such a run prints, as measured over the reference's seeds."""
    spread, training = ref["spread"], ref["training"]
    per_epoch = spread["training"]
    return {
        "steps_per_epoch": math.ceil(ref["shapes"]["x_train"][0] / training["batch_size"]),
        "batch_size": training["batch_size"],
        "epochs": training["epochs"],
        "epoch1_loss": stats(per_epoch["loss"][0]["values"]),
        "epoch1_accuracy": stats(per_epoch["accuracy"][0]["values"]),
        "last_training_accuracy": stats(per_epoch["accuracy"][-1]["values"]),
        "test_accuracy": stats(spread["test_accuracy"]["values"]),
        "test_loss": stats(spread["test_loss"]["values"]),
        "layers": [{"kind": layer["kind"], "output_shape": layer["output_shape"], "params": layer["params"]}
                   for layer in ref["model"]["layers"]],
        "total_params": ref["model"]["total_params"],
    }


def build_signatures(lecture: dict[str, Any], measured: dict[str, dict[str, Any]], lecture_path: str) -> dict:
    lecture_features = features(lecture)
    return {
        "schema_version": SCHEMA_VERSION,
        "margins": {"rule": "a measured range widened by 2 standard deviations of its seeds, at least this much, "
                            "on a log scale (of a loss, of an accuracy's error rate)", **MIN_MARGIN},
        "lecture": {"reference": lecture_path, "seeds": lecture["spread"]["seeds"],
                    "machine": lecture["spread"].get("machine"), "versions": lecture["spread"].get("versions"),
                    "features": lecture_features},
        "mistakes": {name: {
            "title": mistakes.MISTAKES[name].title, "part": mistakes.MISTAKES[name].part,
            "changes": mistakes.changes(name), "seeds": ref["spread"]["seeds"],
            "machine": ref["spread"].get("machine"), "versions": ref["spread"].get("versions"),
            "features": features(ref), "tells": tells(features(ref), lecture_features),
        } for name, ref in measured.items()},
    }


def span(summary: dict[str, Any]) -> str:
    return f"{summary['min']:.4f}-{summary['max']:.4f}" if summary["min"] != summary["max"] else f"{summary['min']:.4f}"


def signature_table(signatures: dict[str, Any]) -> str:
    """The signatures as a Markdown table: the lecture's row first, each measured range min-max over its seeds,
    and the tells the diagnosis names a mistake by."""
    head = ["", "seeds", "steps/epoch", "epochs", "epoch 1 loss", "epoch 1 accuracy", "last training accuracy",
            "test accuracy", "test loss", "parameters", "tells"]
    rows = [("the lecture", signatures["lecture"]), *((m["title"], m) for m in signatures["mistakes"].values())]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for title, entry in rows:
        f = entry["features"]
        lines.append("| " + " | ".join([
            title, str(len(entry["seeds"])), f"{f['steps_per_epoch']:,}", str(f["epochs"]),
            *(span(f[key]) for key in ("epoch1_loss", "epoch1_accuracy", "last_training_accuracy", "test_accuracy",
                                       "test_loss")),
            f"{f['total_params']:,}", ", ".join(entry.get("tells", [])) or ("-" if "tells" in entry else "")]) + " |")
    return "\n".join(lines)
