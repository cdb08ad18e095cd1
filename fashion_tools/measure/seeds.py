"""One seed of `reference`: the default run for that seed in a process of its own, its outputs in seeds/.

The local runner (train_all) and a cluster's worker (measure/cluster/seeds.py) start the very same
command with the same environment, so a seed prints the same numbers wherever it ran.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fashion_tools.errors import ToolError

# Options a finished seed must share with this run to be resumed (results.json's run.options).
SAME_OPTIONS = ("epochs", "batch_size", "sample", "precision", "mistake")


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
