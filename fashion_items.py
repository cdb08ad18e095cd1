#!/usr/bin/env python3
"""FASHION-ITEMS.PY: the lecture "Deep Learning with Keras: CNN on Fashion-MNIST" as a tool.

`python fashion_items.py` runs the lecture's script, parts 1/12 to 12/12 in order, on
today's TensorFlow/Keras: load Fashion-MNIST, show a sample, scale and one-hot encode,
build a small CNN, train it with Adam, save after.h5, then print the test loss and
accuracy, the confusion matrix, the F1 score and a prediction. The subcommands
(`examples`, `grade`, `predict`, `reference`) live in fashion_tools/ beside this file.

TensorFlow is imported only inside the functions that need it, so `--help` and
argument errors answer at once.
"""

from __future__ import annotations

# 1/12: import packages (TensorFlow is imported by the parts that need it, not here)
import argparse
import datetime
import importlib
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fashion_tools import data as fashion_data
from fashion_tools import mistakes
from fashion_tools.atomic import atomic_write, check_writable_folder, make_folder
from fashion_tools.cli import (
    INTERRUPTED,
    HelpFormatter,
    add_data_dir,
    exit_at_once_on_ctrl_c,
    leave,
    non_negative_int,
    positive_int,
    report_errors,
    seed_value,
)
from fashion_tools.keras_setup import keras_import, set_seed
from fashion_tools.network import IMAGE_SHAPE, LABELS, TOTAL_CLASS, build_model, evaluate, preprocess, scale_images
from fashion_tools.precision import PRECISIONS

# 2/12: global constants and hyper-parameters (the lecture's; TOTAL_CLASS and the labels are the
# network's, in fashion_tools/network.py, because prediction and grading must use the same ones)
MY_SAMPLE = 5
MY_EPOCH = 10
MY_BATCH = 200
MY_SEED = 1234  # any fixed value: it makes two runs print the same numbers

# Subcommands beyond the lecture: each module has add_arguments(parser) and run(args).
SUBCOMMANDS = {
    "examples": ("fashion_tools.examples", "the lecture's worked examples, computed by the model's own Keras layers"),
    "grade": ("fashion_tools.grading.command", "grade student submissions against a run's results.json or a "
                                               "reference's range"),
    "mistakes": ("fashion_tools.measure.signatures", "train the lecture's model with each common mistake over "
                                                     "seeds: the signatures by which grade names a mistake"),
    "predict": ("fashion_tools.predict", "classify images or test-set items with a trained model"),
    "reference": ("fashion_tools.measure.reference", "train the lecture's model with several seeds: the range "
                                                     "of its numbers, as an expected file for grade"),
}


@dataclass
class LectureRun:
    """What one run of the lecture produced: the numbers it printed and what the outputs need."""

    started_at: datetime.datetime
    precision: str
    machine: dict  # what trained it: the CPU or GPU and oneDNN (fashion_tools/machine.py)
    data: fashion_data.Dataset
    model: object  # the trained keras.Model
    history: dict[str, list[float]]
    loss: float
    accuracy: float
    pred: np.ndarray  # the predicted label of each test image
    matrix: np.ndarray
    f1: float
    sample_probs: np.ndarray
    seconds: dict[str, float]  # load_data, training, evaluation


# The lecture's parts, each a small function; lecture() below calls them in order.

def load_data(files: dict[str, Path] | None) -> fashion_data.Dataset:
    """Fashion-MNIST as four uint8 arrays: 28x28 grayscale images and their label numbers."""
    return fashion_data.load(files)


def print_shapes(d: fashion_data.Dataset) -> None:
    print("\n== DB SHAPING INFO ==")
    print("X train shape:", d.x_train.shape)
    print("Y train shape:", d.y_train.shape)
    print("X test shape:", d.x_test.shape)
    print("Y test shape:", d.y_test.shape)


def show_sample(d: fashion_data.Dataset, index: int) -> None:
    """The raw pixels as numpy prints them; the picture goes to a figure file."""
    print("\n== SAMPLE DATA (RAW) ==")
    sample = d.y_train[index]
    print("This is a", LABELS[sample], sample)
    print(d.x_train[index])


def train(model, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int, seed: int,
          recipe: mistakes.Recipe = mistakes.LECTURE):
    """Adam on categorical cross-entropy (a mistake's recipe may say otherwise); a live bar on a terminal,
    one line per epoch in a log."""
    from fashion_tools.batches import training_batches

    model.compile(optimizer=recipe.optimizer, loss=recipe.loss, metrics=["accuracy"])
    if sys.stdout.isatty():
        verbose, callbacks = 1, []
    else:
        from fashion_tools.progress import EpochLines

        verbose, callbacks = 0, [EpochLines(epochs)]
    # The batches come reshuffled each epoch, as fit(x, y) makes them, only faster (fashion_tools/batches.py).
    return model.fit(training_batches(x, y, batch_size, seed), epochs=epochs, shuffle=False,
                     verbose=verbose, callbacks=callbacks)


def save_model(model, path: str) -> None:
    """HDF5 as the lecture's after.h5, written beside it and renamed, so no half-written model."""
    import warnings

    def write(tmp: str) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras calls HDF5 "legacy"; the lecture asks for it
            model.save(tmp)

    atomic_write(path, write)


def report(answer: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, float]:
    """The confusion matrix and micro F1 of the true labels against the predicted ones (the lecture
    takes argmax of the one-hot answers and of the probabilities to get these)."""
    from sklearn.metrics import confusion_matrix, f1_score

    matrix = confusion_matrix(answer, pred, labels=range(TOTAL_CLASS))
    print("\n== CONFUSION MATRIX ==")
    print(matrix)
    f1 = float(f1_score(answer, pred, average="micro"))
    print("\nF1 score:", f1)
    return matrix, f1


def predict_sample(model, image: np.ndarray, scale: bool = True) -> np.ndarray:
    """The ten class probabilities of one 28x28 image, scaled as in training (not at all with the mistake
    of unscaled pixels)."""
    x = scale_images(image) if scale else image.astype(np.float32).reshape(1, *IMAGE_SHAPE)
    return model.predict(x, verbose=0)[0]


def lecture(args: argparse.Namespace, files: dict[str, Path] | None) -> LectureRun:
    """The lecture's script, parts 3/12 to 12/12, in order."""
    from fashion_tools import keras_setup, machine
    from fashion_tools import precision as precisions
    from fashion_tools.results import now

    started_at, seconds = now(), {}

    # 3/12: load DB and split into train vs. test (before TensorFlow starts: a bad file answers at once)
    clock = time.perf_counter()
    d = load_data(files)
    seconds["load_data"] = time.perf_counter() - clock
    if not fashion_data.is_standard(d):
        print(f"note: this data set has {len(d.x_train)} training and {len(d.x_test)} test images, not "
              "Fashion-MNIST's 60,000 and 10,000; its numbers will not be the lecture's", file=sys.stderr)
    print_shapes(d)

    # 4/12: display a sample image and its label
    show_sample(d, args.sample)

    # TensorFlow starts only now, the data known good: oneDNN decided first, then seeded, precision chosen
    keras_import()
    set_seed(args.seed)
    precision, note = precisions.choose(args.precision)
    if note:
        print(f"note: {note}", file=sys.stderr)
    precisions.apply(precision)
    hardware = machine.describe(keras_setup.onednn_decided_by)
    recipe = mistakes.recipe(args.mistake)  # the lecture's, unless a student's mistake is being measured

    # 5/12 and 6/12: scale into [0, 1], reshape channel-last, one-hot encode the labels
    x_train, y_train = preprocess(d.x_train, d.y_train, recipe.scale, recipe.one_hot)
    x_test, y_test = preprocess(d.x_test, d.y_test, recipe.scale)  # one-hot: the test loss is the same number

    # 7/12 and 8/12: build a Keras sequential model of our CNN (its layers: fashion_tools/network.py)
    model = build_model(recipe.kernel, recipe.dense, recipe.softmax)
    model.summary()

    # 9/12: model training and saving
    print(machine.device_line(precision, hardware))  # what decides the speed, and the last digits
    clock = time.perf_counter()
    history = train(model, x_train, y_train, args.epochs, args.batch_size, args.seed, recipe).history
    seconds["training"] = time.perf_counter() - clock
    save_model(model, args.model)

    # 10/12: model evaluation
    clock = time.perf_counter()
    loss, accuracy, probs = evaluate(model, x_test, y_test)
    print("\nKeras CNN model loss = ", loss)
    print("Keras CNN model accuracy = ", accuracy)

    # 11/12: confusion matrix, and the F1 score
    pred = np.argmax(probs, axis=1)
    matrix, f1 = report(d.y_test, pred)
    seconds["evaluation"] = time.perf_counter() - clock

    # 12/12: testing the model after learning with a sample (scaled as the model was trained)
    sample_probs = predict_sample(model, d.x_train[args.sample], recipe.scale)
    print("\nPrediction after learning:", LABELS[int(np.argmax(sample_probs))], "\n")
    return LectureRun(started_at, precision, hardware, d, model, history, loss, accuracy, pred, matrix, f1,
                      sample_probs, seconds)


def run_lecture(args: argparse.Namespace, parser: argparse.ArgumentParser, command: list[str]) -> int:
    """Check every option first, then run the lecture and write what it produced."""
    started = time.perf_counter()
    outputs = plan_outputs(args)
    files = fashion_data.locate(args.data_dir)
    n_train = fashion_data.count_train_images(files)
    if not 0 <= args.sample < n_train:
        parser.error(f"argument --sample: {args.sample} is outside the training set (0 to {n_train - 1})")
    args.epochs, args.batch_size = mistakes.apply_to_options(args.mistake, args.epochs, args.batch_size)
    run = lecture(args, files)
    write_outputs(run, args, outputs, command, started)
    return 0


def write_outputs(run: LectureRun, args: argparse.Namespace, outputs: dict, command: list[str],
                  started: float) -> None:
    """Write the figures and results.json (the model is saved in 9/12), then one line for each file."""
    from fashion_tools import figures
    from fashion_tools import results as results_file
    from fashion_tools.models import describe_layers

    d = run.data
    written = {"model": args.model, "results": outputs["results"], "figures": {}}
    if outputs["figures"] is not None:
        label = int(d.y_train[args.sample])
        written["figures"] = figures.draw_all(
            outputs["figures"], show=args.show, image=d.x_train[args.sample],
            sample_title=f"sample {args.sample}: {LABELS[label]} ({label})", history=run.history,
            matrix=run.matrix, accuracy=run.accuracy, labels=list(LABELS), model=run.model, test_images=d.x_test,
            answer=d.y_test, pred=run.pred)
    timings = {**run.seconds, "total": time.perf_counter() - started}
    results_file.write(outputs["results"], results_file.build(
        command=command, options=options_of(args), precision=run.precision, machine=run.machine,
        started=run.started_at, data=d,
        sample_index=args.sample, labels=list(LABELS), layers=describe_layers(run.model), history=run.history,
        loss=run.loss, accuracy=run.accuracy, answer=d.y_test, pred=run.pred, matrix=run.matrix, f1_micro=run.f1,
        sample_probs=run.sample_probs, timings=timings, files=written))

    print(f"Saved model: {args.model}")
    print(f"Saved results: {outputs['results']}")
    for path in written["figures"].values():
        print(f"Saved figure: {path}")
    print(f"Done in {time.perf_counter() - started:.1f}s.")
    if args.show and written["figures"]:
        figures.pyplot(show=True).show()


def plan_outputs(args: argparse.Namespace) -> dict:
    """Where the results and figures go (beside the model unless told), checked before any work."""
    model_folder = Path(args.model).parent
    check_writable_folder(args.model, "--model")
    results = args.results or str(model_folder / "results.json")
    check_writable_folder(results, "--results")
    figures_dir = None
    if not args.no_figures:
        figures_dir = make_folder(args.figures_dir or model_folder / "figures", "--figures-dir", "sample.png")
    return {"results": results, "figures": figures_dir}


def options_of(args: argparse.Namespace) -> dict:
    return {k: v for k, v in vars(args).items() if k not in ("command", "run", "tool")}


def add_training_options(parser: argparse.ArgumentParser) -> None:
    """The options of a training run, shared by the lecture's run and `reference`."""
    parser.add_argument("--epochs", type=positive_int, default=MY_EPOCH, help="training epochs")
    parser.add_argument("--batch-size", type=positive_int, default=MY_BATCH, help="images per training step")
    parser.add_argument("--sample", type=non_negative_int, default=MY_SAMPLE,
                        help="index of the training image shown and predicted")
    parser.add_argument("--seed", type=seed_value, default=MY_SEED,
                        help="random seed, 0 to 4,294,967,295; the same seed gives the same numbers")
    add_data_dir(parser)
    parser.add_argument("--precision", choices=PRECISIONS, default="float32",
                        help="float32 reproduces the lecture; mixed_bfloat16 is the fast mode for CPUs with "
                             "AVX512-BF16/AMX and for GPUs, mixed_float16 for GPUs (float32 elsewhere)")
    parser.add_argument("--no-figures", action="store_true", help="do not draw the figures")
    parser.add_argument("--mistake", choices=list(mistakes.MISTAKES), default=None,
                        help="train with one student's common mistake instead of the lecture's recipe, to measure "
                             "its numbers (it sets --epochs or --batch-size where it changes them; "
                             "fashion_tools/mistakes.py)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fashion_items.py",
        usage="%(prog)s [options]  |  %(prog)s SUBCOMMAND ...  (--help for both)",
        description="Train the lecture's CNN on Fashion-MNIST and print its numbers "
                    "(no subcommand), or run one of the subcommands below.",
        formatter_class=HelpFormatter)
    add_training_options(parser)
    parser.add_argument("--model", default="after.h5", metavar="PATH", help="where the trained model is saved (HDF5)")
    parser.add_argument("--results", metavar="PATH", default=None,
                        help="where the run's numbers are written as JSON (default: results.json beside the model)")
    parser.add_argument("--figures-dir", metavar="DIR", default=None,
                        help="folder for the PNG figures (default: figures/ beside the model)")
    parser.add_argument("--show", action="store_true", help="also open the figures in windows")
    parser.set_defaults(tool=Path(__file__).resolve())  # subcommands that train run this script per seed
    sub = parser.add_subparsers(dest="command", title="subcommands", metavar="{" + ",".join(SUBCOMMANDS) + "}")
    for name, (module, summary) in SUBCOMMANDS.items():
        mod = importlib.import_module(module)
        sub_parser = sub.add_parser(name, help=summary, description=summary, prog=f"{parser.prog} {name}",
                                    formatter_class=HelpFormatter)
        mod.add_arguments(sub_parser)
        if getattr(mod, "TAKES_TRAINING_OPTIONS", False):
            add_training_options(sub_parser)
        sub_parser.set_defaults(run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the lecture or a subcommand; returns the exit status."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:  # argparse exits for --help and usage errors, and run_lecture's parser.error() too
        args = parser.parse_args(argv)
        if args.command is None:
            return report_errors(parser.prog, lambda: run_lecture(args, parser, [parser.prog, *argv]), INTERRUPTED)
        return report_errors(parser.prog, lambda: args.run(args), INTERRUPTED)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2


if __name__ == "__main__":
    exit_at_once_on_ctrl_c("fashion_items.py")
    status = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # all is written: a Ctrl-C now changes nothing
    leave(status)
