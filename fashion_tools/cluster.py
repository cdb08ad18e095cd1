"""`--scheduler ADDRESS`: `reference`'s seeds and `grade`'s model checks as tasks on a Dask cluster.

Imported only when --scheduler is given, so without it nothing of Dask is imported. The client reads
and checks everything as it does locally; the workers need this project's code and requirements, not
the data set and no shared file system: the four data files travel as one task's result (computed on
one worker, fetched from it by the others, recomputed if its worker dies), and each worker checks
them by SHA-256 against the client's digests before writing them to its own folder once. A seed is
the default run in a process of its own on a worker; its results, log and model come back and the
client writes them atomically, so --resume sees the same files as after a local run. A model check
loads TensorFlow and the test set once per worker process.

A worker that dies takes its tasks with it and the scheduler runs them again elsewhere; the client
writes each result once, when it arrives. Ctrl-C or an error on the client cancels the tasks left,
and a cancelled seed's training process is ended on its worker.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fashion_tools import data as fashion_data
from fashion_tools.atomic import atomic_write_bytes, atomic_write_text
from fashion_tools.errors import ToolError, first_line

CONNECT_SECONDS = 4  # a scheduler that cannot be reached: one line within 10 s, Dask's import included
DEFAULT_PORT = 8786  # `dask scheduler`'s
TASKS_PER_THREAD = 2  # in flight: the workers never wait, and the client holds few models' bytes at once
TOOL = Path(__file__).resolve().parent.parent / "fashion_items.py"  # this checkout's, on a worker


@dataclass(frozen=True)
class Blob:
    """A file that travels with the work: its name as the client found it, its bytes, and their SHA-256 as
    the client read them, which the worker checks before using it."""

    name: str
    content: bytes
    sha256: str

    @classmethod
    def read(cls, path: Path) -> Blob:
        content = path.read_bytes()
        return cls(path.name, content, hashlib.sha256(content).hexdigest())

    def checked(self) -> bytes:
        found = hashlib.sha256(self.content).hexdigest()
        if found != self.sha256:
            raise ToolError(f"{self.name} arrived on worker {socket.gethostname()} with SHA-256 {found[:12]}..., "
                            f"the client read {self.sha256[:12]}...; run again", 1)
        return self.content


# ---- the client's side ----

def connect(address: str):
    """A Dask client of the scheduler at address, or one line when it cannot be reached."""
    try:
        from distributed import Client
        from distributed.comm.addressing import parse_address, parse_host_port
    except ImportError:
        raise ToolError("--scheduler needs Dask's distributed scheduler: pip install -r requirements-cluster.txt") \
            from None
    try:  # checked before Client(), whose half-made object hangs 10 s at exit on a malformed address
        scheme, location = parse_address(address)
        if scheme != "inproc":
            parse_host_port(location, DEFAULT_PORT)
    except ValueError as exc:
        raise ToolError(f"--scheduler {address}: not a scheduler's address ({first_line(exc)}); "
                        "give one as tcp://HOST:PORT") from None
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ToolError(f"--scheduler {address}: cannot reach the Dask scheduler ({first_line(exc)}); "
                        "start it with `dask scheduler` and check the address (docs/cluster.md)") from None


@contextlib.contextmanager
def session(address: str) -> Iterator[Any]:
    """A connected client, closed at the end; while it works, Ctrl-C raises KeyboardInterrupt (instead of
    ending the process at once) so that the tasks are cancelled on the way out."""
    client = connect(address)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield client
    finally:
        signal.signal(signal.SIGINT, previous)
        with contextlib.suppress(Exception):
            client.close(timeout=CONNECT_SECONDS)


def describe(client, address: str) -> str:
    """'the Dask cluster at tcp://...: 2 workers, 2 threads'."""
    threads = client.nthreads()
    if not threads:
        return f"the Dask cluster at {address} (no worker yet: the tasks wait for the first)"
    return (f"the Dask cluster at {address}: {len(threads)} worker{'s' * (len(threads) != 1)}, "
            f"{sum(threads.values())} threads")


def share_files(client, files: dict[str, Path]) -> Any:
    """The four data files as one task's result that every task depends on: sent to the scheduler once,
    fetched by each worker once, recomputed from the scheduler's copy if the worker holding it dies."""
    try:
        data = {key: Blob.read(Path(path)) for key, path in files.items()}
    except OSError as exc:
        raise ToolError(f"{exc.filename}: cannot read ({exc.strerror or exc}); check the file") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Dask's "large graph" warning: this is the one large thing it sends
        return client.submit(_same, data, key=f"fashion-data-{data_key(data)}", pure=False)


def _same(value):
    return value


def data_key(data: dict[str, Blob]) -> str:
    return hashlib.sha256("".join(data[key].sha256 for key in sorted(data)).encode()).hexdigest()[:16]


def run_tasks(client, calls: Iterable[tuple[Any, str, Callable, tuple]]) -> Iterator[tuple[Any, Any]]:
    """Submit (item, name, function, args) calls, a few per worker thread at a time, and yield
    (item, result) as each finishes; whatever is left is cancelled on the way out (an error, Ctrl-C)."""
    from distributed import as_completed
    from distributed.client import CancelledError
    from distributed.scheduler import KilledWorker

    calls = iter(calls)
    window = max(TASKS_PER_THREAD * sum(client.nthreads().values()), 2)
    items: dict[Any, Any] = {}  # future -> its item

    def submit_next():
        for item, name, function, args in calls:
            future = client.submit(function, *args, key=f"{name}-{uuid.uuid4().hex[:8]}", pure=False)
            items[future] = item
            return future
        return None

    try:
        while len(items) < window and submit_next():
            pass
        running = as_completed(list(items), loop=client.loop)
        for future in running:
            item = items.pop(future)
            try:
                result = future.result()
            except KilledWorker as exc:
                raise ToolError(f"{item}: its worker died on every try ({first_line(exc)}); the results so far "
                                "are kept", 1) from None
            except CancelledError:
                raise ToolError(f"{item}: cancelled by the scheduler (did it stop?); the results so far are kept",
                                1) from None
            following = submit_next()
            if following is not None:
                running.add(following)
            yield item, result
    finally:
        if items:
            with contextlib.suppress(Exception):
                client.cancel(list(items), force=True)


# ---- reference: seeds ----

def train_seeds(address: str, todo: list, args: argparse.Namespace, files: dict[str, Path], done: int,
                total: int) -> None:
    """reference's seeds as tasks; each finished seed written here as it arrives, one line for each."""
    from fashion_tools.reference import SAME_OPTIONS, report_seed

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
    from fashion_tools import results as results_file
    from fashion_tools.reference import seed_failed

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
    from fashion_tools.reference import Seed, child_command, die_with_parent

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

    from fashion_tools.reference import child_env

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


# ---- on a worker: its folder and the data ----

_lock = threading.Lock()  # a worker's threads share its data folder and its test set


def worker_folder() -> Path:
    from distributed import get_worker

    folder = Path(get_worker().local_directory) / "fashion-items"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def worker_data(data: dict[str, Blob]) -> Path:
    """The four files in this worker's folder: each checked and written once, read by every task after."""
    folder = worker_folder() / f"data-{data_key(data)}"
    with _lock:
        folder.mkdir(exist_ok=True)
        for blob in data.values():
            if not (folder / blob.name).is_file():
                atomic_write_bytes(folder / blob.name, blob.checked())
    return folder


# ---- a cluster on this machine: for the tests and the benchmark ----

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster_here(folder: Path, workers: int = 2, threads: int = 1) -> Iterator[tuple[str, list]]:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, as docs/cluster.md starts them by hand,
    running this checkout's code; yields the scheduler's address and the processes, stopped at the end."""
    from distributed import Client

    dask = Path(sys.executable).parent / "dask"
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "stdin": subprocess.DEVNULL,
             "env": {**os.environ, "PYTHONPATH": str(TOOL.parent)}}
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              **quiet)]
    try:
        procs += [subprocess.Popen([str(dask), "worker", address, "--host", "127.0.0.1", "--nthreads", str(threads),
                                    "--no-dashboard", "--name", f"w{i}", "--local-directory", str(folder / f"w{i}")],
                                   **quiet) for i in range(workers)]
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, procs
    finally:
        for proc in reversed(procs):  # workers first: the nannies close their workers
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# ---- grade: model checks ----

def check_models(address: str, submissions: list, exp, data_dir: str | None) -> dict[Path, Any]:
    """grade's model checks as tasks: {model path: its CheckResult}, each model checked once."""
    files = fashion_data.locate(data_dir) or fashion_data.download()
    fashion_data.check(files)  # a bad data file is one line here, before any worker loads it
    models = {sub.model_path: sub.log for sub in submissions if sub.model_path is not None}
    with session(address) as client:
        data = share_files(client, files)
        source = str(Path(files["train_images"]).parent)
        calls = ((path, f"fashion-model-{path.name}", measure_model,
                  (data, source, str(path), read_model(path), log, exp)) for path, log in models.items())
        with contextlib.closing(run_tasks(client, calls)) as finished:
            return dict(finished)


def read_model(path: Path) -> Blob:
    """A model to send; one that cannot be read here goes as no bytes, and fails as a missing file."""
    try:
        return Blob.read(path)
    except OSError:
        return Blob(path.name, b"", "")


_test_sets: dict[tuple[str, int], Any] = {}  # this worker process's, loaded once


def measure_model(data: dict[str, Blob], source: str, shown: str, model: Blob, log, exp):
    """On a worker: grade's check of one model, on the test set this worker process loaded once. What it
    says names the files as the client knows them (source: the data's folder, shown: the model), not as
    the worker's copies."""
    from fashion_tools.grading import model_check

    key = (str(worker_data(data)), sum(exp.class_counts))
    with _lock:  # TensorFlow and the test set, loaded by the first thread that asks
        if key not in _test_sets:
            try:
                _test_sets[key] = model_check.ReferenceTestSet(*key)
            except ToolError as exc:
                raise ToolError(str(exc).replace(key[0], source), exc.exit_status) from None
    with tempfile.TemporaryDirectory(prefix="model-", dir=worker_folder()) as tmp:
        path = Path(tmp) / model.name
        if model.sha256:
            path.write_bytes(model.checked())
        result = model_check.check_model(path, log, exp, _test_sets[key])
    return replace(result, found=result.found.replace(str(path), shown), reason=result.reason.replace(str(path), shown))
