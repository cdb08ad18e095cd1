#!/usr/bin/env python3
"""FASHION-ITEMS.PY: the lecture "Deep Learning with Keras: CNN on Fashion-MNIST" as a tool.

`python fashion_items.py` runs the lecture's script, parts 1/12 to 12/12 in order, on
today's TensorFlow/Keras: load Fashion-MNIST, show a sample, scale and one-hot encode,
build a small CNN, train it with Adam, save after.h5, then print the test loss and
accuracy, the confusion matrix, the F1 score and a prediction. The subcommands
(`examples`, `grade`, `predict`) live in fashion_tools/ beside this file.

TensorFlow is imported only inside the functions that need it, so `--help` and
argument errors answer at once.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

from fashion_tools import data as fashion_data
from fashion_tools.atomic import atomic_write, check_writable_folder
from fashion_tools.cli import (
    INTERRUPTED,
    HelpFormatter,
    exit_at_once_on_ctrl_c,
    non_negative_int,
    positive_int,
    report_errors,
    seed_value,
)
from fashion_tools.errors import ToolError
from fashion_tools.precision import PRECISIONS
from fashion_tools.quiet import TF_STARTUP_CHATTER, quiet_stderr

# 2/12: global constants and hyper-parameters (the lecture's)
TOTAL_CLASS = 10
MY_SAMPLE = 5
MY_EPOCH = 10
MY_BATCH = 200
MY_SEED = 1234  # any fixed value: it makes two runs print the same numbers

# 4/12: the labels, in the order of the data set's label numbers
LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
          "sandal", "shirt", "sneaker", "bag", "ankle-boot"]

# Subcommands beyond the lecture: each module has add_arguments(parser) and run(args).
SUBCOMMANDS = {
    "examples": ("fashion_tools.examples", "the lecture's worked examples, computed by the model's own Keras layers"),
    "grade": ("fashion_tools.grading", "grade student submissions against a reference run's results.json"),
    "predict": ("fashion_tools.predict", "classify images or test-set items with a trained model"),
}


def keras_import():
    """Import Keras on the TensorFlow backend, quietly: its start-up chatter is not the lecture."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # set it to 0 to see TensorFlow's own log
    if "keras" not in sys.modules:
        with quiet_stderr(TF_STARTUP_CHATTER):
            import keras
            import tensorflow  # noqa: F401  (its C++ start-up lines are printed here)
        import logging

        logging.getLogger("absl").setLevel(logging.ERROR)  # "HDF5 is legacy": the lecture asks for it
    import keras

    return keras


# 3/12: load DB and split into train vs. test
def load_data(files) -> fashion_data.Dataset:
    """Fashion-MNIST as four uint8 arrays: 28x28 grayscale images and their label numbers."""
    return fashion_data.load(files)


def print_shapes(d: fashion_data.Dataset) -> None:
    print("\n== DB SHAPING INFO ==")
    print("X train shape:", d.x_train.shape)
    print("Y train shape:", d.y_train.shape)
    print("X test shape:", d.x_test.shape)
    print("Y test shape:", d.y_test.shape)


# 4/12: display a sample image and label
def show_sample(d: fashion_data.Dataset, index: int) -> None:
    """The raw pixels as numpy prints them; the picture goes to a figure file."""
    print("\n== SAMPLE DATA (RAW) ==")
    sample = d.y_train[index]
    print("This is a", LABELS[sample], sample)
    print(d.x_train[index])


# 5/12 and 6/12: scale into [0, 1], reshape channel-last, one-hot encode the labels
def preprocess(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float32 from the start: the lecture's X / 255.0 made float64, which Keras casts again each batch."""
    keras = keras_import()
    return scale_images(x), keras.utils.to_categorical(y, TOTAL_CLASS).astype(np.float32)


def scale_images(images: np.ndarray) -> np.ndarray:
    """uint8 28x28 images as the model takes them: float32 in [0, 1], channel-last (N, 28, 28, 1)."""
    return np.divide(images, np.float32(255.0), dtype=np.float32).reshape(-1, 28, 28, 1)  # one pass, no copy


# 7/12 and 8/12: build a Keras sequential model of our CNN
def build_model():
    """Parameters per layer: (filter_height * filter_width * input_channels + 1) * filters."""
    keras = keras_import()
    from keras.layers import Conv2D, Dense, Flatten, Input, MaxPool2D

    return keras.Sequential([
        Input(shape=(28, 28, 1)),
        Conv2D(32, kernel_size=(2, 2), padding="same", activation="relu"),  # (2*2*1 + 1) * 32 = 160
        MaxPool2D(padding="same", pool_size=(2, 2)),
        Conv2D(64, kernel_size=(2, 2), padding="same", activation="relu"),  # (2*2*32 + 1) * 64 = 8,256
        MaxPool2D(padding="same", pool_size=(2, 2)),
        Flatten(),
        Dense(128, activation="relu"),  # (7*7*64 + 1) * 128 = 401,536
        # float32 probabilities even in mixed precision: softmax and the loss need the range
        Dense(TOTAL_CLASS, activation="softmax", dtype="float32"),  # (128 + 1) * 10 = 1,290
    ])


# 9/12: model training and saving
def train(model, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int, seed: int):
    """Adam on categorical cross-entropy; a live bar on a terminal, one line per epoch in a log."""
    from fashion_tools.batches import training_batches

    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
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


# 10/12: model evaluation
def evaluate(model, x: np.ndarray, y_onehot: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Loss and accuracy from one pass over the test set; its probabilities serve 11/12 too."""
    keras = keras_import()
    probs = model.predict(x, batch_size=1000, verbose=0)
    loss = float(np.mean(keras.losses.categorical_crossentropy(y_onehot, probs)))
    accuracy = float(np.mean(np.argmax(probs, axis=1) == np.argmax(y_onehot, axis=1)))
    return loss, accuracy, probs


# 11/12 and 12/12: confusion matrix, F1 score and a prediction after learning
def report(answer: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, float]:
    """We take argmax of the one-hot answers and of the predictions, as the lecture does."""
    from sklearn.metrics import confusion_matrix, f1_score

    matrix = confusion_matrix(answer, pred, labels=range(TOTAL_CLASS))
    print("\n== CONFUSION MATRIX ==")
    print(matrix)
    f1 = float(f1_score(answer, pred, average="micro"))
    print("\nF1 score:", f1)
    return matrix, f1


def predict_sample(model, image: np.ndarray) -> np.ndarray:
    """The ten class probabilities of one 28x28 image, scaled as in training."""
    return model.predict(scale_images(image), verbose=0)[0]


def set_seed(seed: int) -> None:
    """Same seed, same numbers: seeds Python, NumPy and TensorFlow, and asks for deterministic ops."""
    keras = keras_import()
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def run_lecture(args: argparse.Namespace, parser: argparse.ArgumentParser, command: list[str]) -> int:
    """Check every option first, then run the lecture and keep what it produced."""
    outputs = plan_outputs(args)
    files = fashion_data.locate(args.data_dir)
    n_train = fashion_data.count_train_images(files)
    if not 0 <= args.sample < n_train:
        parser.error(f"argument --sample: {args.sample} is outside the training set (0 to {n_train - 1})")
    run = lecture(args, files)
    keep(run, args, outputs, command)
    return 0


def lecture(args: argparse.Namespace, files) -> argparse.Namespace:
    """The lecture's script, parts 3/12 to 12/12, in order; returns what a report needs."""
    from fashion_tools import precision as precisions
    from fashion_tools.results import now

    run = argparse.Namespace(started_at=now(), started=time.perf_counter())
    keras_import()
    set_seed(args.seed)
    run.precision, note = precisions.choose(args.precision)
    if note:
        print(f"note: {note}", file=sys.stderr)
    precisions.apply(run.precision)

    run.load_data = time.perf_counter()
    d = run.data = load_data(files)
    run.load_data = time.perf_counter() - run.load_data
    if not fashion_data.is_standard(d):
        print(f"note: this data set has {len(d.x_train)} training and {len(d.x_test)} test images, not "
              "Fashion-MNIST's 60,000 and 10,000; its numbers will not be the lecture's", file=sys.stderr)
    print_shapes(d)
    show_sample(d, args.sample)

    x_train, y_train = preprocess(d.x_train, d.y_train)
    x_test, y_test = preprocess(d.x_test, d.y_test)

    model = run.model = build_model()
    model.summary()

    print(f"Training in {run.precision} precision")
    run.training = time.perf_counter()
    run.history = train(model, x_train, y_train, args.epochs, args.batch_size, args.seed).history
    run.training = time.perf_counter() - run.training
    save_model(model, args.model)

    run.evaluation = time.perf_counter()
    run.loss, run.accuracy, probs = evaluate(model, x_test, y_test)
    print("\nKeras CNN model loss = ", run.loss)
    print("Keras CNN model accuracy = ", run.accuracy)

    run.pred = np.argmax(probs, axis=1)
    run.matrix, run.f1 = report(d.y_test, run.pred)
    run.evaluation = time.perf_counter() - run.evaluation
    run.sample_probs = predict_sample(model, d.x_train[args.sample])
    print("\nPrediction after learning:", LABELS[int(np.argmax(run.sample_probs))], "\n")
    return run


def keep(run: argparse.Namespace, args: argparse.Namespace, outputs: dict, command: list[str]) -> None:
    """The figures and results.json, then one line for each file written."""
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
            matrix=run.matrix, accuracy=run.accuracy, labels=LABELS, model=run.model, test_images=d.x_test,
            answer=d.y_test, pred=run.pred)
    timings = {"load_data": run.load_data, "training": run.training, "evaluation": run.evaluation,
               "total": time.perf_counter() - run.started}
    results_file.write(outputs["results"], results_file.build(
        command=command, options=options_of(args), precision=run.precision, started=run.started_at, data=d,
        sample_index=args.sample, labels=LABELS, layers=describe_layers(run.model), history=run.history,
        loss=run.loss, accuracy=run.accuracy, answer=d.y_test, pred=run.pred, matrix=run.matrix, f1_micro=run.f1,
        sample_probs=run.sample_probs, timings=timings, files=written))

    print(f"Saved model: {args.model}")
    print(f"Saved results: {outputs['results']}")
    for path in written["figures"].values():
        print(f"Saved figure: {path}")
    print(f"Done in {time.perf_counter() - run.started:.1f}s.")
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
        figures_dir = Path(args.figures_dir) if args.figures_dir else model_folder / "figures"
        try:
            figures_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ToolError(f"--figures-dir {figures_dir}: cannot create it ({exc.strerror}); "
                            "choose another folder or pass --no-figures") from None
        check_writable_folder(figures_dir / "sample.png", "--figures-dir")
    return {"results": results, "figures": figures_dir}


def options_of(args: argparse.Namespace) -> dict:
    return {k: v for k, v in vars(args).items() if k not in ("command", "run")}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fashion_items.py",
        usage="%(prog)s [options]  |  %(prog)s SUBCOMMAND ...  (--help for both)",
        description="Train the lecture's CNN on Fashion-MNIST and print its numbers "
                    "(no subcommand), or run one of the subcommands below.",
        formatter_class=HelpFormatter)
    parser.add_argument("--epochs", type=positive_int, default=MY_EPOCH, help="training epochs")
    parser.add_argument("--batch-size", type=positive_int, default=MY_BATCH, help="images per training step")
    parser.add_argument("--sample", type=non_negative_int, default=MY_SAMPLE,
                        help="index of the training image shown and predicted")
    parser.add_argument("--seed", type=seed_value, default=MY_SEED,
                        help="random seed, 0 to 4,294,967,295; the same seed gives the same numbers")
    parser.add_argument("--model", default="after.h5", metavar="PATH", help="where the trained model is saved (HDF5)")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="folder with the four Fashion-MNIST files (.gz or raw); default: "
                             f"{fashion_data.SYSTEM_DIR}, then the Keras cache, then a download")
    parser.add_argument("--precision", choices=PRECISIONS, default="float32",
                        help="float32 reproduces the lecture; mixed_bfloat16 is the fast mode for CPUs with "
                             "AVX512-BF16/AMX and for GPUs (float32 elsewhere)")
    parser.add_argument("--results", metavar="PATH", default=None,
                        help="where the run's numbers are written as JSON (default: results.json beside the model)")
    parser.add_argument("--figures-dir", metavar="DIR", default=None,
                        help="folder for the PNG figures (default: figures/ beside the model)")
    parser.add_argument("--no-figures", action="store_true", help="do not draw the figures")
    parser.add_argument("--show", action="store_true", help="also open the figures in windows")
    sub = parser.add_subparsers(dest="command", title="subcommands", metavar="{" + ",".join(SUBCOMMANDS) + "}")
    for name, (module, summary) in SUBCOMMANDS.items():
        mod = importlib.import_module(module)
        sub_parser = sub.add_parser(name, help=summary, description=summary, prog=f"{parser.prog} {name}",
                                    formatter_class=HelpFormatter)
        mod.add_arguments(sub_parser)
        sub_parser.set_defaults(run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the lecture or a subcommand; returns the exit status."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        call = functools.partial(run_lecture, args, parser, [parser.prog, *argv])
    else:
        call = functools.partial(args.run, args)
    try:
        return report_errors(parser.prog, call, INTERRUPTED)
    except SystemExit as exc:  # parser.error() after the data's size is known
        return exc.code if isinstance(exc.code, int) else 2


if __name__ == "__main__":
    exit_at_once_on_ctrl_c("fashion_items.py")
    status = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # all is written: a Ctrl-C in TensorFlow's teardown changes nothing
    sys.exit(status)
