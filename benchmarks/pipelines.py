#!/usr/bin/env python3
"""Slow epochs and how fit gets its batches: the measurement behind fashion_tools/batches.py.

    python benchmarks/pipelines.py                         # 20,000 images, 7 epochs, 3 runs: ~8 minutes on 2 cores
    python benchmarks/pipelines.py --images 2000 --epochs 3 --repeat 1

Trains the lecture's model (float32, batches of 200) on the first --images training images, each run
in a fresh process, and times every epoch. An epoch after the first is "slow" when its time per step
is over 1.5x the median over all runs of each run's fastest epoch. The variants:

- keras: `model.fit(x, y, batch_size=200)`, as the lecture: Keras builds a tf.data pipeline with
  tf.data's autotuning on;
- tool-autotune-on: this tool's pipeline (fashion_tools/batches.py) with autotuning turned back on;
- tool: this tool's pipeline as the tool runs it, autotuning off;
- ready-batches: no tf.data: a tf.function training step over batches gathered beforehand.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmark import child_env, child_failed, spread  # noqa: E402

from fashion_tools.cli import HelpFormatter, add_data_dir, positive_int, report_errors, seed_value  # noqa: E402

PROG = "pipelines.py"
VARIANTS = ("keras", "tool-autotune-on", "tool", "ready-batches")
BATCH = 200
SLOW = 1.5


def train_child(variant: str, data_dir: str | None, images: int, epochs: int, seed: int) -> list[float]:
    """Seconds per epoch of one training run of the lecture's model, fed the variant's way."""
    from fashion_tools import data as fashion_data
    from fashion_tools.batches import training_batches
    from fashion_tools.keras_setup import keras_import, set_seed
    from fashion_tools.network import build_model, preprocess
    from fashion_tools.progress import EpochTimer

    keras = keras_import()
    import tensorflow as tf

    set_seed(seed)
    d = fashion_data.load(fashion_data.locate(data_dir))
    x, y = preprocess(d.x_train[:images], d.y_train[:images])
    model = build_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    if variant == "ready-batches":
        return ready_batches(model, x, y, epochs, seed, keras, tf)

    timer = EpochTimer()
    if variant == "keras":
        model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[timer])
    else:
        batches = training_batches(x, y, BATCH, seed)
        if variant == "tool-autotune-on":
            options = tf.data.Options()
            options.autotune.enabled = True
            batches = batches.with_options(options)
        model.fit(batches, epochs=epochs, shuffle=False, verbose=0, callbacks=[timer])
    return timer.seconds


def ready_batches(model, x, y, epochs: int, seed: int, keras, tf) -> list[float]:
    """The training step without tf.data: the same loss and optimizer, batches made before the clock starts."""
    loss_fn = keras.losses.CategoricalCrossentropy()

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        model.optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                            model.trainable_variables, strict=True))
        return loss

    import numpy as np

    rng = np.random.default_rng(seed)
    xs, ys = tf.constant(x), tf.constant(y)
    seconds = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        batches = [(tf.gather(xs, order[i:i + BATCH]), tf.gather(ys, order[i:i + BATCH]))
                   for i in range(0, len(x), BATCH)]
        started = time.perf_counter()
        for xb, yb in batches:
            loss = step(xb, yb)
        float(loss)  # wait for the last step
        seconds.append(time.perf_counter() - started)
    return seconds


def run_one(variant: str, args: argparse.Namespace) -> list[float]:
    """ms per step of each epoch after the first, from a fresh process."""
    command = [sys.executable, __file__, "--child", variant, "--images", str(args.images),
               "--epochs", str(args.epochs), "--seed", str(args.seed)]
    if args.data_dir:
        command += ["--data-dir", args.data_dir]
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
                          env=child_env(args.seed))
    if done.returncode != 0:
        raise child_failed(variant, done.returncode, done.stderr)
    steps = -(-args.images // BATCH)
    return [s / steps * 1000 for s in json.loads(done.stdout.strip().splitlines()[-1])[1:]]


def table(runs: dict[str, list[list[float]]]) -> str:
    threshold = SLOW * statistics.median(min(run) for its in runs.values() for run in its if run)
    lines = [f"slow: over {threshold:.1f} ms a step ({SLOW}x the median of the runs' fastest epochs)",
             f"{'variant':<18}{'slow epochs':>12}  {'fast epochs, ms/step':>22}  {'slow epochs, ms/step':>22}"]
    for name, its in runs.items():
        epochs = [ms for run in its for ms in run]
        fast, slow = [ms for ms in epochs if ms <= threshold], [ms for ms in epochs if ms > threshold]
        lines.append(f"{name:<18}{f'{len(slow)} of {len(epochs)}':>12}  {cell(fast):>22}  {cell(slow):>22}")
    return "\n".join(lines) + "\n"


def cell(values: list[float]) -> str:
    return "{median:.1f} [{min:.1f}-{max:.1f}]".format(**spread(values)) if values else "-"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0], formatter_class=HelpFormatter)
    parser.add_argument("--images", type=positive_int, default=20000, help="training images (the first N)")
    parser.add_argument("--epochs", type=positive_int, default=7, help="epochs a run; the first is not counted")
    parser.add_argument("--repeat", type=positive_int, default=3, help="fresh-process runs of each variant")
    add_data_dir(parser, download=False)
    parser.add_argument("--seed", type=seed_value, default=1234, help="the same seed for every run")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.child:
        print(json.dumps(train_child(args.child, args.data_dir, args.images, args.epochs, args.seed)))
        return 0
    if args.epochs < 2:
        build_parser().error("--epochs must be at least 2: the first epoch is not counted")
    runs: dict[str, list[list[float]]] = {name: [] for name in VARIANTS}
    for rep in range(1, args.repeat + 1):
        for name in VARIANTS:  # interleaved, so a change in the machine's load touches every variant alike
            runs[name].append(run_one(name, args))
            print(f"{PROG}: run {rep}/{args.repeat} {name}: " + " ".join(f"{ms:.1f}" for ms in runs[name][-1]),
                  file=sys.stderr, flush=True)
    print(table(runs), end="")
    return 0


if __name__ == "__main__":
    sys.exit(report_errors(PROG, main))
