"""reference's seeds as tasks: on a worker a seed is the default run in a process of its own, exactly
as `reference` starts it locally (measure/seeds.py); its results.json, log and model come back and
the client writes them atomically, results.json last, so --resume sees the same files as after a
local run. A cancelled seed's training process is ended on its worker.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from fashion_tools import results as results_file
from fashion_tools.atomic import atomic_write_bytes, atomic_write_text
from fashion_tools.measure.cluster.code import ROOT, SCRIPT
from fashion_tools.measure.cluster.connect import describe, run_tasks, session
from fashion_tools.measure.cluster.files import Blob, share_files, worker_data, worker_folder
from fashion_tools.measure.seeds import (
    SAME_OPTIONS,
    Seed,
    child_command,
    child_env,
    die_with_parent,
    report_seed,
    seed_failed,
)

TOOL = ROOT / SCRIPT  # on a worker: fashion_items.py as the client shipped it


def train_seeds(address: str, todo: list, args: argparse.Namespace, files: dict[str, Path], done: int,
                total: int) -> None:
    """reference's seeds as tasks; each finished seed written here as it arrives, one line for each."""
    options = {name: getattr(args, name) for name in SAME_OPTIONS}
    with session(address) as client:
        print(f"Training {len(todo)} seed(s) of {total} on {describe(client, address)}, {args.epochs} epochs each; "
              f"one line per finished seed (logs in {todo[0].folder})", flush=True)
        data = share_files(client, files)
        calls = ((r, f"fashion-seed-{r.seed}", train_seed, (r.seed, options, data)) for r in todo)
        with contextlib.closing(run_tasks(client, calls)) as finished:
            for r, outcome in finished:
                done += 1
                report_seed(keep_seed(r, outcome), done, total, outcome["seconds"])


def keep_seed(r, outcome: dict) -> dict:
    """Write what a seed's task brought back, results.json last: it is what marks a seed finished."""
    atomic_write_text(r.log, outcome["log"])
    if outcome["status"] != 0:
        raise seed_failed(r, outcome["status"], f" on {outcome['worker']['host']}")
    atomic_write_bytes(r.model, outcome["model"])
    results = json.loads(outcome["results"])
    results["run"]["worker"] = outcome["worker"]
    results_file.write(r.results, results)
    return results


def train_seed(seed: int, options: dict, data: dict[str, Blob]) -> dict:
    """On a worker: the default run for one seed in a process of its own, in a folder of its own."""
    folder = worker_data(data)
    with tempfile.TemporaryDirectory(prefix=f"seed-{seed}-", dir=worker_folder()) as tmp:
        r = Seed(seed, Path(tmp))
        command = child_command(r, argparse.Namespace(**options, tool=TOOL), str(folder))
        started = time.perf_counter()
        with open(r.log, "w") as log:
            proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=seed_environ(), preexec_fn=die_with_parent)
            wait_unless_cancelled(proc)
        finished = proc.returncode == 0
        return {"status": proc.returncode, "seconds": time.perf_counter() - started, "worker": where(),
                "log": r.log.read_text(errors="replace"),
                "results": r.results.read_text() if finished else None,
                "model": r.model.read_bytes() if finished else None}


def seed_environ() -> dict[str, str]:
    """reference's environment for a seed, less the thread limits Dask's nanny sets for its own worker
    process (OMP_NUM_THREADS=1, ...): a seed runs as the default run does."""
    import dask

    env = child_env()
    for name, value in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items():
        if env.get(name) == str(value):
            del env[name]
    return env


def wait_unless_cancelled(proc: subprocess.Popen) -> None:
    """Wait for a seed's process; end it once the scheduler has cancelled the task (Dask cannot stop a
    running task, so the task watches for it)."""
    from distributed import get_worker
    from distributed.worker import thread_state

    worker, key = get_worker(), thread_state.key
    while True:
        try:
            proc.wait(timeout=0.5)
            return
        except subprocess.TimeoutExpired:
            task = worker.state.tasks.get(key)
            if task is None or task.state == "cancelled":
                proc.terminate()
                proc.wait()
                return


def where() -> dict[str, str]:
    """The worker a task ran on: its machine's name and its address."""
    from distributed import get_worker

    return {"host": socket.gethostname(), "address": get_worker().address}


