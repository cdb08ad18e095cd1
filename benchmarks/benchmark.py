#!/usr/bin/env python3
"""Benchmark: the lecture's script as printed against this tool's default run and its fast mode.

    python benchmarks/benchmark.py                      # 10 epochs, 3 repetitions, ~20 minutes on 2 cores
    python benchmarks/benchmark.py --epochs 3 --repeat 1 --variants baseline,default --json bench.json

Each variant runs as its own process, once per repetition (a fresh process: start-up, memory and
TensorFlow's state are measured honestly and never shared), with the same seed on the same data:

- baseline: the lecture's script as printed, with only the np_utils fix, written below (`lecture_baseline`):
  float64 arrays from X / 255.0, the same Sequential model, `model.fit(verbose=1)`, then
  `model.evaluate` and `model.predict` over the test set. Its per-batch progress bar goes to
  /dev/null: Keras draws it exactly as on a terminal (it always redraws in place on Linux),
  only the terminal's own drawing is not counted. It does not show the sample with plt.show().
- baseline-quiet: the same with verbose=0 everywhere, to price the progress bar (not run by default).
- default: `python fashion_items.py --no-figures` (float32 from the start, one pass over the test set,
  oneDNN on for AVX2 CPUs: fashion_tools/machine.py).
- default-tf: the same with oneDNN as TensorFlow itself chooses for this CPU (asked of TensorFlow in a
  process of its own, then given to the tool as TF_ENABLE_ONEDNN_OPTS): the gain of the tool's choice.
- fast: the same as default with `--precision mixed_bfloat16`.

The hardware bound is computed from this machine's CPU (fashion_tools/machine.py: cores x clock x
32 or 64 float32 FLOP a cycle); --peak-gflops overrides it.

Repetitions are interleaved (baseline, default, fast, then again), so a change in the machine's load
touches every variant alike. The table quotes the median over repetitions with [min-max].
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fashion_tools import data as fashion_data  # noqa: E402
from fashion_tools.atomic import atomic_write_text, check_writable_folder  # noqa: E402
from fashion_tools.cli import HelpFormatter, add_data_dir, positive_int, report_errors, seed_value  # noqa: E402
from fashion_tools.errors import ToolError  # noqa: E402
from fashion_tools.machine import ONEDNN_VARIABLE, SET_BY_TOOL, cpu_record, onednn_enabled, this_cpu  # noqa: E402

TOOL = ROOT / "fashion_items.py"
PROG = "benchmark.py"
RESULT_MARK = "BENCHMARK-RESULT "
# The tool's one line per epoch when its output is not a terminal (fashion_tools/progress.py).
EPOCH_LINE = re.compile(r"^Epoch (\d+)/(\d+) - loss: \S+ - accuracy: \S+ - ([\d.]+)s$", re.MULTILINE)

# The hardware bound of issue 7. Multiply-adds of one forward pass through the lecture's CNN:
FORWARD_MACS = (28 * 28 * 32 * (2 * 2 * 1)  # Conv2D(32, 2x2) on 28x28x1
                + 14 * 14 * 64 * (2 * 2 * 32)  # Conv2D(64, 2x2) on 14x14x32
                + 7 * 7 * 64 * 128  # Dense(128) on the flattened 7x7x64
                + 128 * 10)  # Dense(10)
TRAIN_FLOP_PER_SAMPLE = 3 * 2 * FORWARD_MACS  # the backward pass costs two forward passes: ~12.7 MFLOP


@dataclass(frozen=True)
class Variant:
    name: str
    summary: str
    precision: str  # what it asks for; the tool may fall back to float32 (read from results.json)


VARIANTS = {v.name: v for v in (
    Variant("baseline", "the lecture's script as printed (np_utils fix only), verbose=1", "float32"),
    Variant("baseline-quiet", "the same with verbose=0: the price of the progress bar", "float32"),
    Variant("default", "python fashion_items.py --no-figures", "float32"),
    Variant("default-tf", "the same, oneDNN as TensorFlow chooses for this CPU", "float32"),
    Variant("fast", "python fashion_items.py --no-figures --precision mixed_bfloat16", "mixed_bfloat16"),
)}
DEFAULT_VARIANTS = "baseline,default,default-tf,fast"

# What the table shows per variant: (key, heading, format of one number).
COLUMNS = (
    ("train_samples_per_s", "train img/s", "{:,.0f}"),
    ("s_per_epoch", "s/epoch", "{:.2f}"),
    ("eval_s", "eval s", "{:.2f}"),
    ("wall_s", "wall s", "{:.1f}"),
    ("cpu_s", "CPU s", "{:.1f}"),
    ("peak_rss_mb", "peak RSS MB", "{:,.0f}"),
    ("test_accuracy", "test acc", "{:.4f}"),
)
ONEDNN_PROBE = "from tensorflow.python.util import _pywrap_util_port as p; print(int(p.IsMklEnabled()))"
SUMMARISED = ("train_samples_per_s", "s_per_epoch", "first_epoch_s", "training_s", "eval_s", "wall_s",
              "cpu_s", "peak_rss_mb", "test_accuracy", "test_loss")


# ---- the baseline: the lecture's script, run in its own process ----

def lecture_baseline(data_dir: str, epochs: int, seed: int, verbose: int) -> dict[str, Any]:
    """Parts 1/12 to 12/12 as printed; returns its timings. Progress bars go to /dev/null."""
    started = time.perf_counter()
    # 1/12, with the one fix: np_utils.to_categorical is keras.utils.to_categorical today
    import keras
    import numpy as np
    from keras.layers import Conv2D, Dense, Flatten, InputLayer, MaxPool2D
    from keras.models import Sequential
    from keras.utils import to_categorical
    from sklearn.metrics import confusion_matrix, f1_score

    imported = time.perf_counter()
    keras.utils.set_random_seed(seed)  # the lecture has no seed; every variant gets the same one
    TOTAL_CLASS, MY_SAMPLE, MY_EPOCH, MY_BATCH = 10, 5, epochs, 200  # 2/12, as printed

    # 3/12: fashion_mnist.load_data() reads the same four gzipped IDX files from Keras's cache
    (X_train, Y_train), (X_test, Y_test) = read_fashion_mnist(data_dir)
    loaded = time.perf_counter()
    print('\n== DB SHAPING INFO ==')
    print("X train shape:", X_train.shape)
    print("Y train shape:", Y_train.shape)
    print("X test shape:", X_test.shape)
    print("Y test shape:", Y_test.shape)

    labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
              'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot']
    print('\n== SAMPLE DATA (RAW) ==')  # 4/12, without plt.show(), which waits for a window
    sample = Y_train[MY_SAMPLE]
    print("This is a", labels[sample], sample)
    print(X_train[MY_SAMPLE])

    X_train = X_train / 255.0  # 5/12: float64
    X_test = X_test / 255.0
    X_train = X_train.reshape(X_train.shape[0], 28, 28, 1)  # 6/12
    X_test = X_test.reshape(X_test.shape[0], 28, 28, 1)
    Y_train = to_categorical(Y_train, TOTAL_CLASS)
    Y_test = to_categorical(Y_test, TOTAL_CLASS)

    model = Sequential()  # 7/12 and 8/12
    model.add(InputLayer(input_shape=(28, 28, 1)))
    model.add(Conv2D(32, kernel_size=(2, 2), padding='same', activation='relu'))
    model.add(MaxPool2D(padding='same', pool_size=(2, 2)))
    model.add(Conv2D(64, kernel_size=(2, 2), padding='same', activation='relu'))
    model.add(MaxPool2D(padding='same', pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dense(128, activation='relu'))
    model.add(Dense(TOTAL_CLASS, activation='softmax'))
    model.summary()

    from fashion_tools.progress import EpochTimer

    timer = EpochTimer()
    progress = open(os.devnull, "w")  # the lecture's bars, drawn as on a terminal but not shown
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])  # 9/12
    trained = time.perf_counter()
    with contextlib.redirect_stdout(progress):
        model.fit(X_train, Y_train, epochs=MY_EPOCH, batch_size=MY_BATCH, verbose=verbose, callbacks=[timer])
    trained = time.perf_counter() - trained
    model.save('after.h5')

    evaluated = time.perf_counter()
    with contextlib.redirect_stdout(progress):
        score = model.evaluate(X_test, Y_test, verbose=verbose)  # 10/12
    print('\nKeras CNN model loss = ', score[0])
    print('Keras CNN model accuracy = ', score[1])
    answer = np.argmax(Y_test, axis=1)  # 11/12: the test set goes through the model a second time
    with contextlib.redirect_stdout(progress):
        pred = model.predict(X_test, verbose="auto" if verbose else 0)
    pred = np.argmax(pred, axis=1)
    print('\n== CONFUSION MATRIX ==')
    print(confusion_matrix(answer, pred))
    f1 = f1_score(answer, pred, average='micro')  # 12/12
    print("\nF1 score:", f1)
    evaluated = time.perf_counter() - evaluated
    sample = X_train[MY_SAMPLE].reshape(1, 28, 28, 1)
    with contextlib.redirect_stdout(progress):
        pred = model.predict(sample, verbose="auto" if verbose else 0)
    print("\nPrediction after learning:", labels[np.argmax(pred)], "\n")
    return {"n_train": int(X_train.shape[0]), "epoch_s": timer.seconds, "import_s": imported - started,
            "load_data_s": loaded - imported, "training_s": trained, "eval_s": evaluated,
            "test_loss": float(score[0]), "test_accuracy": float(score[1]), "f1_micro": float(f1),
            "prediction": labels[int(np.argmax(pred))], "precision": "float32",
            "onednn": onednn_enabled(), "total_s": time.perf_counter() - started}


def read_fashion_mnist(data_dir: str):
    """The four arrays of keras.datasets.fashion_mnist.load_data(), read by the project's IDX reader."""
    files = fashion_data.find_files(Path(data_dir))
    if files is None:
        raise ToolError(f"{data_dir}: no Fashion-MNIST files there")
    d = fashion_data.load(files)
    return (d.x_train, d.y_train), (d.x_test, d.y_test)


def run_baseline_child(args: argparse.Namespace) -> int:
    """Entry point of the baseline's own process: the lecture's output, then one JSON line of timings."""
    timings = lecture_baseline(args.data_dir, args.epochs, args.seed, args.child_verbose)
    print(RESULT_MARK + json.dumps(timings), flush=True)
    return 0


# ---- running one variant and measuring it ----

@dataclass
class Measured:
    """What the parent sees of one child process."""
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def child_env(seed: int) -> dict[str, str]:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow", "PYTHONHASHSEED": str(seed)}


def tensorflows_onednn_choice(env: dict[str, str]) -> str:
    """'1' or '0': whether TensorFlow turns oneDNN on for this CPU when nobody sets the variable
    (asked of TensorFlow itself, in a process of its own)."""
    bare = {k: v for k, v in env.items() if k not in (ONEDNN_VARIABLE, SET_BY_TOOL)}
    probe = subprocess.run([sys.executable, "-c", ONEDNN_PROBE], env=bare, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, check=False)
    answer = probe.stdout.strip()
    if probe.returncode != 0 or answer not in ("0", "1"):
        raise ToolError(f"could not ask TensorFlow for its oneDNN default: {probe.stderr.strip()[-300:]}", 1)
    return answer


def child_failed(name: str, returncode: int, stderr: str) -> ToolError:
    """A variant's process failed: its exit status and the last line it wrote to stderr."""
    last = (stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]
    return ToolError(f"variant {name} failed (exit status {returncode}): {last}", 1)


def run_measured(command: list[str], folder: Path, env: dict[str, str]) -> Measured:
    """Run command in folder, its output to files; wall clock around it, peak RSS and CPU from os.wait4."""
    out_path, err_path = folder / "stdout.txt", folder / "stderr.txt"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    return Measured(proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))


def command_for(variant: Variant, args: argparse.Namespace, data_dir: str, folder: Path) -> list[str]:
    common = ["--epochs", str(args.epochs), "--data-dir", data_dir, "--seed", str(args.seed)]
    if variant.name.startswith("baseline"):
        verbose = "0" if variant.name == "baseline-quiet" else "1"
        return [sys.executable, str(Path(__file__).resolve()), "--child-baseline", *common,
                "--child-verbose", verbose]
    return [sys.executable, str(TOOL), "--no-figures", *common, "--precision", variant.precision,
            "--model", str(folder / "after.h5"), "--results", str(folder / "results.json")]


def parse_epoch_lines(stdout: str) -> list[float]:
    """Seconds per epoch from the tool's 'Epoch 3/10 - loss: ... - accuracy: ... - 8.7s' lines."""
    return [float(m.group(3)) for m in EPOCH_LINE.finditer(stdout)]


def parse_baseline(measured: Measured) -> dict[str, Any]:
    lines = [line for line in measured.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if not lines:
        raise ToolError("the baseline printed no result line; its output:\n" + measured.stderr[-2000:], 1)
    return json.loads(lines[-1][len(RESULT_MARK):])


def parse_tool(measured: Measured, folder: Path) -> dict[str, Any]:
    """The numbers the tool wrote to results.json, and its per-epoch seconds from its log."""
    results = json.loads((folder / "results.json").read_text())
    timings = results["timings"]
    return {"n_train": results["shapes"]["x_train"][0], "epoch_s": parse_epoch_lines(measured.stdout),
            "load_data_s": timings["load_data"], "training_s": timings["training"],
            "eval_s": timings["evaluation"], "total_s": timings["total"],
            "test_loss": results["test"]["loss"], "test_accuracy": results["test"]["accuracy"],
            "f1_micro": results["test"]["f1_micro"], "prediction": results["prediction"]["name"],
            "precision": results["run"]["precision"], "onednn": results["run"]["machine"]["onednn"]}


def epoch_rates(epoch_s: list[float], n_train: int) -> dict[str, float]:
    """Median seconds per epoch and training images per second, over the epochs after the first
    (the first also builds the graph); with a single epoch, that one."""
    steady = epoch_s[1:] or epoch_s
    if not steady:
        raise ToolError("no per-epoch times were found in the run's output", 1)
    s_per_epoch = statistics.median(steady)
    return {"s_per_epoch": s_per_epoch, "train_samples_per_s": n_train / s_per_epoch,
            "first_epoch_s": epoch_s[0] if epoch_s else float("nan")}


def run_variant(variant: Variant, args: argparse.Namespace, data_dir: str, env: dict[str, str]) -> dict[str, Any]:
    """One repetition of one variant in a fresh temporary folder; one flat record of its numbers."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{variant.name}-") as tmp:
        folder = Path(tmp)
        command = command_for(variant, args, data_dir, folder)
        measured = run_measured(command, folder, env)
        if measured.returncode != 0:
            raise child_failed(variant.name, measured.returncode, measured.stderr)
        if variant.name.startswith("baseline"):
            numbers = parse_baseline(measured)
        else:
            numbers = parse_tool(measured, folder)
    return {**numbers, **epoch_rates(numbers["epoch_s"], numbers["n_train"]), "wall_s": measured.wall_s,
            "cpu_s": measured.cpu_s, "peak_rss_mb": measured.peak_rss_mb, "load_average_1min": os.getloadavg()[0]}


def warm_up(env: dict[str, str]) -> None:
    """Import TensorFlow once unmeasured, so the first variant does not pay for a cold disk cache."""
    subprocess.run([sys.executable, "-c", "import keras, sklearn.metrics"], env={**env, "KERAS_BACKEND": "tensorflow"},
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


# ---- summarising ----

def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    return {key: spread([run[key] for run in runs]) for key in SUMMARISED}


def hardware_bound(n_train: int, precision: str, peak_gflops: float) -> float:
    """Seconds per epoch if every core did nothing but the model's arithmetic at peak speed."""
    peak = peak_gflops * (2 if precision == "mixed_bfloat16" else 1)
    return n_train * TRAIN_FLOP_PER_SAMPLE / (peak * 1e9)


def ratios_to(baseline: dict[str, dict[str, float]], summary: dict[str, dict[str, float]]) -> dict[str, float]:
    """This variant against the baseline of the same invocation, from the medians."""
    def med(s: dict, key: str) -> float:
        return s[key]["median"]

    return {"wall": med(summary, "wall_s") / med(baseline, "wall_s"),
            "train_throughput": med(summary, "train_samples_per_s") / med(baseline, "train_samples_per_s"),
            "eval": med(summary, "eval_s") / med(baseline, "eval_s"),
            "cpu": med(summary, "cpu_s") / med(baseline, "cpu_s"),
            "peak_rss": med(summary, "peak_rss_mb") / med(baseline, "peak_rss_mb"),
            "accuracy_diff": med(summary, "test_accuracy") - med(baseline, "test_accuracy")}


# The targets of issues 7 and 15, per kind of CPU (stated for 10 epochs on the real data): the
# default run against the lecture's script (wall time, accuracy) and against the hardware bound.
TARGETS: dict[str, list[tuple[str, Callable[[dict], bool]]]] = {
    "default": [("|accuracy diff| <= 0.005", lambda v: abs(v["vs_baseline"]["accuracy_diff"]) <= 0.005)],
    "fast": [("training throughput ratio >= 1.5", lambda v: v["vs_baseline"]["train_throughput"] >= 1.5),
             ("test accuracy >= 0.89", lambda v: v["stats"]["test_accuracy"]["median"] >= 0.89)],
}
TARGETS_BY_VECTOR = {
    "AVX2": [("end-to-end ratio <= 0.6", lambda v: v["vs_baseline"]["wall"] <= 0.6),
             ("s/epoch <= 2.5x the hardware bound", lambda v: v["times_bound"] <= 2.5)],
    "AVX-512": [("end-to-end ratio <= 0.86", lambda v: v["vs_baseline"]["wall"] <= 0.86)],
}


def check_targets(name: str, variant: dict, vector: str) -> list[dict[str, Any]]:
    targets = TARGETS.get(name, []) + (TARGETS_BY_VECTOR.get(vector, []) if name == "default" else [])
    return [{"target": text, "met": bool(test(variant))} for text, test in targets]


def build_report(args: argparse.Namespace, data_dir: str, runs: dict[str, list[dict]]) -> dict[str, Any]:
    hardware = machine()
    peak_gflops = args.peak_gflops or hardware["peak_gflops_float32"]
    variants: dict[str, Any] = {}
    for name, its_runs in runs.items():
        summary = summarise(its_runs)
        precision = its_runs[-1]["precision"]
        bound = hardware_bound(its_runs[-1]["n_train"], precision, peak_gflops)
        variants[name] = {"summary": VARIANTS[name].summary, "precision": precision,
                          "onednn": its_runs[-1]["onednn"],
                          "bound_s_per_epoch": bound,
                          "times_bound": summary["s_per_epoch"]["median"] / bound,
                          "stats": summary, "runs": its_runs}
    if "baseline" in variants:
        base = variants["baseline"]["stats"]
        for name, v in variants.items():
            if name != "baseline":
                v["vs_baseline"] = ratios_to(base, v["stats"])
                v["targets"] = check_targets(name, v, hardware["vector"])
    return {"machine": hardware, "settings": {"epochs": args.epochs, "repeat": args.repeat, "seed": args.seed,
                                              "data_dir": data_dir, "peak_gflops_float32": peak_gflops,
                                              "peak_gflops_from": "--peak-gflops" if args.peak_gflops else "the CPU",
                                              "train_flop_per_sample": TRAIN_FLOP_PER_SAMPLE},
            "variants": variants}


def machine() -> dict[str, Any]:
    """The CPU (model, flags that matter, cores, clock, its float32 peak), the versions, the load."""
    cpu = this_cpu()
    return {**cpu_record(cpu), "mhz": cpu.mhz,
            "flop_per_cycle": cpu.flop_per_cycle(), "peak_gflops_float32": cpu.peak_gflops(),
            "bfloat16": cpu.has_bf16, "python": platform.python_version(),
            "tensorflow": package_version("tensorflow-cpu", "tensorflow"), "keras": package_version("keras"),
            "load_average": list(os.getloadavg())}


def package_version(*names: str) -> str:
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            return metadata.version(name)
    return "?"


# ---- the table ----

def cell(stat: dict[str, float], fmt: str) -> str:
    """'median [min-max]', or the one number when all repetitions agree (or there was one)."""
    median, low, high = (fmt.format(stat[k]) for k in ("median", "min", "max"))
    return median if low == high else f"{median} [{low}-{high}]"


def aligned(rows: list[list[str]]) -> list[str]:
    """Plain text columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            for row in rows]


def format_report(report: dict[str, Any]) -> str:
    m, s = report["machine"], report["settings"]
    lines = [f"Machine: {m['cpu']} ({m['vendor']}), {m['cores']} cores at {m['mhz']:.0f} MHz, {m['vector']} "
             f"({' '.join(m['flags'])}), bfloat16 {'yes' if m['bfloat16'] else 'no'}; "
             f"TensorFlow {m['tensorflow']}, Keras {m['keras']}; load average at the end "
             + " ".join(f"{x:.1f}" for x in m["load_average"]),
             f"Settings: {s['epochs']} epoch(s), {s['repeat']} repetition(s) (median [min-max]), seed {s['seed']}, "
             f"data {s['data_dir']}", ""]
    head = ["variant", "precision", "oneDNN", *(heading for _, heading, _ in COLUMNS[:2]), "bound s/epoch",
            *(heading for _, heading, _ in COLUMNS[2:])]
    rows = [head]
    for name, v in report["variants"].items():
        cells = [cell(v["stats"][key], fmt) for key, _, fmt in COLUMNS]
        onednn = {True: "on", False: "off"}.get(v["onednn"], "?")
        bound = f"{v['bound_s_per_epoch']:.2f} ({v['times_bound']:.1f}x)"
        rows.append([name, v["precision"], onednn, *cells[:2], bound, *cells[2:]])
    lines += aligned(rows)
    lines += ["", f"bound s/epoch: the model's arithmetic ({s['train_flop_per_sample'] / 1e6:.1f} MFLOP per "
              f"training image) at {s['peak_gflops_float32']:.0f} GFLOP/s in float32 (from {s['peak_gflops_from']}: "
              f"{m['cores']} cores x {m['mhz'] / 1000:.2f} GHz x {m['flop_per_cycle']} FLOP a cycle), twice that "
              "in bfloat16;",
              "(Nx): how many times longer than that bound the variant's epoch took."]
    lines += format_ratios(report)
    return "\n".join(lines) + "\n"


def format_ratios(report: dict[str, Any]) -> list[str]:
    compared = {n: v for n, v in report["variants"].items() if "vs_baseline" in v}
    if not compared:
        return ["", "(no baseline in --variants: no ratios)"]
    rows = [["vs baseline", "end-to-end", "train throughput", "eval time", "CPU time", "peak RSS", "accuracy diff"]]
    for name, v in compared.items():
        r = v["vs_baseline"]
        rows.append([name, *(f"{r[k]:.2f}x" for k in ("wall", "train_throughput", "eval", "cpu", "peak_rss")),
                     f"{r['accuracy_diff']:+.4f}"])
    lines = ["", *aligned(rows), "(ratios of the medians; train throughput: above 1 is better, the others: below 1; "
             "CPU time, the process's user+system seconds, is the ratio least moved by other work on the machine)",
             "",
             f"Targets of issues 7 and 15 for {report['machine']['vector']} CPUs (stated for 10 epochs on the real "
             f"data; this run: {report['settings']['epochs']}):"]
    for name, v in compared.items():
        lines += [f"  {name}: {'met' if t['met'] else 'MISSED'}: {t['target']}" for t in v["targets"]]
    return lines


# ---- the command line ----

def variant_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown variant(s) {', '.join(unknown) or '(none given)'}; "
                                         f"choose from {', '.join(VARIANTS)}")
    return sorted(dict.fromkeys(names), key=list(VARIANTS).index)  # baseline first, each once


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0], formatter_class=HelpFormatter)
    parser.add_argument("--epochs", type=positive_int, default=10, help="training epochs of every variant")
    parser.add_argument("--repeat", type=positive_int, default=3, help="fresh-process repetitions of each variant")
    parser.add_argument("--variants", type=variant_list, default=DEFAULT_VARIANTS,
                        help=f"comma-separated, from: {', '.join(VARIANTS)}")
    add_data_dir(parser, download=False)
    parser.add_argument("--seed", type=seed_value, default=1234, help="the same seed for every variant")
    parser.add_argument("--json", metavar="PATH", default=None, help="also write every number as JSON here")
    parser.add_argument("--peak-gflops", type=float, default=None,
                        help="float32 GFLOP/s of all this machine's cores, for the bound column "
                             "(default: computed from /proc/cpuinfo)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the unmeasured TensorFlow import first")
    parser.add_argument("--child-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-verbose", type=int, choices=(0, 1), default=1, help=argparse.SUPPRESS)
    return parser


def data_files(data_dir: str | None) -> dict[str, Path]:
    """The four files from --data-dir or the usual places (the benchmarks never download)."""
    files = fashion_data.locate(data_dir)
    if files is None:
        raise ToolError("no Fashion-MNIST files found; pass --data-dir DIR with the four files")
    return files


def data_folder(data_dir: str | None) -> str:
    """The folder every variant reads, found once here."""
    return str(Path(data_files(data_dir)["train_images"]).resolve().parent)


def benchmark(args: argparse.Namespace) -> int:
    data_dir = data_folder(args.data_dir)
    if args.json:
        check_writable_folder(args.json, "--json")
    if not args.peak_gflops and this_cpu().peak_gflops() is None:
        raise ToolError("this system does not report the CPU's clock; pass --peak-gflops N")
    env = child_env(args.seed)
    if not args.no_warmup:
        warm_up(env)
    envs = {name: env for name in args.variants}
    if "default-tf" in envs:
        envs["default-tf"] = {**env, ONEDNN_VARIABLE: tensorflows_onednn_choice(env)}
    runs: dict[str, list[dict]] = {name: [] for name in args.variants}
    for rep in range(1, args.repeat + 1):
        for name in args.variants:
            run = run_variant(VARIANTS[name], args, data_dir, envs[name])
            runs[name].append(run)
            print(f"{PROG}: repetition {rep}/{args.repeat} {name}: {run['wall_s']:.1f} s, "
                  f"{run['s_per_epoch']:.2f} s/epoch, test accuracy {run['test_accuracy']:.4f}",
                  file=sys.stderr, flush=True)
    report = build_report(args, data_dir, runs)
    publish(format_report(report), report, args.json)
    return 0


def publish(table: str, report: dict[str, Any], json_path: str | None) -> None:
    """The table on stdout and, asked for, every number as JSON, written whole or not at all."""
    print(table, end="")
    if json_path:
        atomic_write_text(json_path, json.dumps(report, indent=1) + "\n")
        print(f"Saved: {json_path}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return report_errors(PROG, lambda: run_baseline_child(args) if args.child_baseline else benchmark(args))

if __name__ == "__main__":
    sys.exit(main())
