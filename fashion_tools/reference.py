"""`python fashion_items.py reference`: the lecture's numbers as a measured range over seeds.

The lecture sets no seed, so what a student's run prints is one draw from a distribution. This
trains the lecture's model once per seed (SEED, SEED+1, ...), each as the default run in a process
of its own, and writes the expected file `grade` reads: the first seed's results.json plus a
`spread` section (per-seed values, min, max, mean and standard deviation).

Each finished seed is written at once (the run writes its results.json atomically), so an
interrupted or killed reference keeps what it finished and `--resume` goes on from there.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fashion_tools import data as fashion_data
from fashion_tools import mistakes
from fashion_tools.atomic import atomic_write_text, make_folder
from fashion_tools.cli import add_scheduler, bounded, positive_int
from fashion_tools.errors import ToolError
from fashion_tools.machine import device_name, usable_cores

TAKES_TRAINING_OPTIONS = True  # fashion_items.py adds --epochs, --seed, --data-dir, ... to this subcommand
MAX_SEEDS = 1000
MAX_SEED = 2**32 - 1
# Options a finished seed must share with this run to be resumed (results.json's run.options).
SAME_OPTIONS = ("epochs", "batch_size", "sample", "precision", "mistake")
# How many seeds train side by side by default: one per core. Measured on a 2-core AMD EPYC (AVX2),
# 2 seeds of 2 epochs on the real data: 101 s one after the other, 82 s side by side (docs/reference.md).
CORES = usable_cores()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=lambda t: bounded(t, int, 1, MAX_SEEDS), default=5,
                        help="how many seeds to train: --seed, --seed + 1, ...")
    parser.add_argument("--jobs", type=positive_int, default=None,
                        help=f"seeds trained side by side, the cores shared between them "
                             f"(default: one per core, at most --seeds; this machine: {CORES} cores)")
    parser.add_argument("--out", metavar="DIR", default="reference",
                        help="folder for reference.json (the expected file for grade), the seeds' own results, "
                             "models and logs (seeds/), and figures/spread.png")
    parser.add_argument("--resume", action="store_true",
                        help="keep the seeds a previous (interrupted) reference in --out finished; train the rest")
    add_scheduler(parser, "each seed as a task (each worker trains as many seeds at once as it has threads)")


@dataclass
class Seed:
    seed: int
    folder: Path

    @property
    def results(self) -> Path:
        return self.folder / f"seed-{self.seed}.json"

    @property
    def model(self) -> Path:
        return self.folder / f"seed-{self.seed}.h5"

    @property
    def log(self) -> Path:
        return self.folder / f"seed-{self.seed}.log"


def run(args: argparse.Namespace) -> int:
    args.epochs, args.batch_size = mistakes.apply_to_options(args.mistake, args.epochs, args.batch_size)
    seeds = seed_list(args.seed, args.seeds)
    files = data_files(args.data_dir, args.sample)
    data_dir = str(Path(files["train_images"]).resolve().parent)
    out = make_folder(args.out, "--out", "reference.json")
    seeds_dir = make_folder(out / "seeds", "--out", f"seed-{seeds[0]}.json")
    figures = None if args.no_figures else make_folder(out / "figures", "--out", "spread.png")
    runs = [Seed(s, seeds_dir) for s in seeds]
    finished = {r.seed: read_seed(r.results) for r in runs if r.results.exists()}
    if finished and not args.resume:
        raise ToolError(f"--out {out} already holds finished seeds ({', '.join(map(str, sorted(finished)))}); "
                        "pass --resume to keep them and train the rest, or choose another --out")
    digests = fashion_data.file_digests(files) if finished else {}
    for seed, results in finished.items():
        check_same_options(seed, results, args)
        check_same_data(seed, results, digests)
    todo = [r for r in runs if r.seed not in finished]
    if args.scheduler and args.jobs:
        raise ToolError("--jobs is for this machine; on a cluster each worker trains as many seeds at once as it "
                        "has threads (dask worker --nthreads)")
    if finished:
        print(f"Resuming: {len(finished)} of {len(runs)} seeds already finished "
              f"({', '.join(map(str, sorted(finished)))})")
    if args.scheduler and todo:
        from fashion_tools.cluster import train_seeds

        train_seeds(args.scheduler, todo, args, files, done=len(finished), total=len(runs))
    else:
        jobs = min(args.jobs or CORES, max(len(todo), 1))
        print(f"Training {len(todo)} seed(s) of {len(runs)}, {jobs} at a time, {args.epochs} epochs each; "
              f"one line per finished seed (logs in {seeds_dir})", flush=True)
        train_all(todo, args, data_dir, jobs, done=len(finished), total=len(runs))
    results = [read_seed(r.results) for r in runs]
    reference = build_reference(results, seeds)
    path = out / "reference.json"
    atomic_write_text(path, json.dumps(reference, indent=1) + "\n")
    print()
    print(spread_table(reference["spread"]))
    print(f"\nSaved expected results: {path}  (python fashion_items.py grade --expected {path} LOG ...)")
    if figures is not None:
        from fashion_tools.figures import draw_spread

        print(f"Saved figure: {draw_spread(figures, reference['spread'])}")
    return 0


def seed_list(first: int, count: int) -> list[int]:
    if first + count - 1 > MAX_SEED:
        raise ToolError(f"--seed {first} with --seeds {count} goes past the largest seed, {MAX_SEED}; "
                        "choose a smaller --seed")
    return [first + i for i in range(count)]


def data_files(data_dir: str | None, sample: int) -> dict[str, Path]:
    """The four files every seed reads, checked once here; downloaded once if need be."""
    files = fashion_data.locate(data_dir)
    if files is None:
        files = fashion_data.download()
    count = fashion_data.check(files)["train"]
    if not 0 <= sample < count:
        raise ToolError(f"argument --sample: {sample} is outside the training set (0 to {count - 1})")
    return files


def read_seed(path: Path) -> dict[str, Any]:
    """A finished seed's results.json (written atomically: it is whole or absent)."""
    try:
        results = json.loads(path.read_text())
        whole = all(isinstance(results.get(key), dict) for key in ("run", "test", "training", "timings"))
    except (OSError, ValueError, AttributeError):
        whole = False
    if not whole or not isinstance(results["run"].get("options"), dict):
        raise ToolError(f"{path}: not a finished seed's results.json; delete it and run with --resume again")
    return results


def check_same_options(seed: int, results: dict, args: argparse.Namespace) -> None:
    options = results["run"]["options"]
    for name in SAME_OPTIONS:
        if options.get(name) != getattr(args, name):
            flag = "--" + name.replace("_", "-")
            raise ToolError(f"seed {seed} in --out was trained with {flag} {options.get(name)}, this run asks for "
                            f"{getattr(args, name)}; use another --out, or the same options")


def check_same_data(seed: int, results: dict, digests: dict[str, str]) -> None:
    """A seed resumed must have trained on these very files: a reference of two data sets is no reference."""
    data = results["run"].get("data")
    data = data if isinstance(data, dict) else {}
    if data.get("sha256") != digests:
        raise ToolError(f"seed {seed} in --out was trained on other data files "
                        f"({data.get('source') or 'unknown'}) than this run's; "
                        "use another --out, or the same --data-dir")


def child_command(r: Seed, args: argparse.Namespace, data_dir: str) -> list[str]:
    """The default run for one seed, its outputs in seeds/ (fashion_items.py, passed in as args.tool)."""
    return [sys.executable, str(args.tool), "--seed", str(r.seed), "--epochs", str(args.epochs),
            "--batch-size", str(args.batch_size), "--sample", str(args.sample), "--data-dir", data_dir,
            "--precision", args.precision, "--model", str(r.model), "--results", str(r.results), "--no-figures",
            *(["--mistake", args.mistake] if args.mistake else [])]


def child_env() -> dict[str, str]:
    """Each seed's process runs with TensorFlow's own thread counts, as the default run does: fewer
    threads would change the last bits of some numbers (the sample's probabilities), and sharing the
    cores this way was measured no slower (docs/reference.md)."""
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def die_with_parent() -> None:
    """In the child: end when the reference process ends (Linux), so no seed trains on unseen."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def train_all(todo: list[Seed], args: argparse.Namespace, data_dir: str, jobs: int, done: int, total: int) -> None:
    """Run the seeds, at most jobs at a time; one line as each finishes, a progress line on a terminal."""
    env = child_env()
    waiting = list(todo)
    running: dict[int, tuple[subprocess.Popen, IO, float]] = {}
    progress = Progress(total * args.epochs) if sys.stderr.isatty() else None
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                r = waiting.pop(0)
                log = open(r.log, "w")
                proc = subprocess.Popen(child_command(r, args, data_dir), stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, preexec_fn=die_with_parent)
                running[r.seed] = (proc, log, time.perf_counter())
            time.sleep(0.2)
            for seed, (proc, log, started) in list(running.items()):
                if proc.poll() is None:
                    continue
                log.close()
                del running[seed]
                r = next(x for x in todo if x.seed == seed)
                if proc.returncode != 0:
                    raise seed_failed(r, proc.returncode)
                done += 1
                if progress:
                    progress.clear()
                report_seed(read_seed(r.results), done, total, time.perf_counter() - started)
            if progress:
                progress.show(done * args.epochs + sum(epochs_in(x.log) for x in todo if x.seed in running),
                              done, total)
    finally:
        for proc, log, _ in running.values():
            proc.terminate()
            proc.wait()
            log.close()
        if progress:
            progress.clear()


def seed_failed(r: Seed, status: int, where: str = "") -> ToolError:
    """A seed's process ended badly: its last line and its log; 2 when the seed's input was refused."""
    return ToolError(f"seed {r.seed} failed{where} (exit status {status}): {last_line(r.log)}; its log: {r.log}. "
                     "The finished seeds are kept: --resume goes on", 2 if status == 2 else 1)


def report_seed(results: dict, done: int, total: int, seconds: float) -> None:
    test = results["test"]
    print(f"seed {results['run']['seed']} ({done}/{total}): test accuracy {test['accuracy']:.4f}, "
          f"loss {test['loss']:.4f}, F1 {test['f1_micro']:.4f}, {seconds:.0f} s", flush=True)


def last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return lines[-1][-300:] if lines else "(nothing printed)"


def epochs_in(path: Path) -> int:
    """Epochs a running seed has finished, from its log's 'Epoch N/M - ...' lines."""
    try:
        return path.read_text(errors="replace").count("\nEpoch ")
    except OSError:
        return 0


class Progress:
    """One line on a terminal, redrawn in place: a bar over all the seeds' epochs."""

    def __init__(self, total_epochs: int) -> None:
        self.total = max(total_epochs, 1)
        self.started = time.perf_counter()

    def show(self, epochs: int, done: int, seeds: int) -> None:
        width = 30
        filled = min(width, width * epochs // self.total)
        elapsed = time.perf_counter() - self.started
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{seeds} seeds, {epochs}/{self.total} epochs, "
              f"{elapsed:.0f} s", end="", file=sys.stderr, flush=True)

    def clear(self) -> None:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


# ---- the spread ----

def summary(values: list[float]) -> dict[str, Any]:
    return {"values": values, "min": min(values), "max": max(values), "mean": statistics.fmean(values),
            "std": statistics.stdev(values) if len(values) > 1 else 0.0}


def build_reference(results: list[dict], seeds: list[int]) -> dict[str, Any]:
    """The first seed's results.json, with the spread of every seed's numbers added."""
    first = results[0]
    epochs = len(first["training"]["loss"])
    spread = {
        "seeds": seeds,
        "test_accuracy": summary([r["test"]["accuracy"] for r in results]),
        "test_loss": summary([r["test"]["loss"] for r in results]),
        "f1_micro": summary([r["test"]["f1_micro"] for r in results]),
        "training": {key: [summary([r["training"][key][e] for r in results]) for e in range(epochs)]
                     for key in ("loss", "accuracy")},
        "machine": first["run"].get("machine"),
        "machines": [ran_on(r) for r in results],
        "versions": first["run"].get("versions"),
        "seconds_per_seed": summary([r["timings"]["total"] for r in results]),
    }
    return {**first, "spread": spread}


def ran_on(results: dict) -> dict[str, Any]:
    """Where one seed trained: its device line's words, and the cluster worker's host (None: the machine
    that ran reference)."""
    run = results["run"]
    return {"seed": run["seed"], "device": device_name(run.get("machine") or {}),
            "host": (run.get("worker") or {}).get("host")}


TABLE_COLUMNS = (("test_accuracy", "test acc", 8), ("test_loss", "test loss", 9), ("f1_micro", "F1", 6))


def spread_table(spread: dict) -> str:
    """One row per seed, then min / mean / max and the standard deviation."""
    last_epoch = spread["training"]["accuracy"][-1] if spread["training"]["accuracy"] else None

    def row(label: str, pick, tail: str | None = None) -> str:
        cells = [f"{pick(spread[key]):>{width}.4f}" for key, _, width in TABLE_COLUMNS]
        train = f"{pick(last_epoch):>9.4f}" if last_epoch else f"{'-':>9}"
        return "  ".join([f"{label:>12}", *cells, tail or train])

    n = len(spread["seeds"])
    return "\n".join([
        "  ".join([f"{'seed':>12}", *(f"{head:>{width}}" for _, head, width in TABLE_COLUMNS), f"{'train acc':>9}"]),
        *(row(str(seed), lambda stats, i=i: stats["values"][i]) for i, seed in enumerate(spread["seeds"])),
        *(row(stat, lambda stats, stat=stat: stats[stat]) for stat in ("min", "mean", "max")),
        row("std", lambda stats: stats["std"], f"({n} seed{'s' if n != 1 else ''}; train acc: the last epoch)"),
        *machines_note(spread.get("machines") or []),
    ])


def machines_note(machines: list[dict]) -> list[str]:
    """Seeds trained on more than one kind of machine (a cluster's): which on which. Their last digits
    differ, and that is part of the range students get, on their own machines."""
    seeds: dict[str, list[str]] = {}
    for m in machines:
        seeds.setdefault(m["device"], []).append(str(m["seed"]))
    if len(seeds) < 2:
        return []
    return [f"the seeds trained on {len(seeds)} kinds of machine, and the range is theirs together, as students' "
            "machines differ too:",
            *(f"  {device}: seed{'s' * (len(listed) > 1)} {', '.join(listed)}" for device, listed in seeds.items())]
