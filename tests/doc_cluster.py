"""A Dask scheduler and workers on 127.0.0.1, started with exactly the commands docs/cluster.md shows.

The commands are read from the page's "By hand" section (the one fenced line with `dask scheduler`,
the one with `dask worker`); only the example address and port are replaced (127.0.0.1, a free port).
They run in a folder holding nothing but a link to this checkout's .venv, without PYTHONPATH: the
project's code reaches the scheduler and the workers only as the client ships it. Used by
tests/test_cluster.py and benchmarks/cluster.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cluster.md"
EXAMPLE_HOST, EXAMPLE_PORT = "10.0.0.5", "8786"


def doc_commands(doc: Path = DOC) -> dict[str, str]:
    """{'scheduler': line, 'worker': line}: the commands in the fenced blocks of the section '## By hand'."""
    section = doc.read_text().split("\n## By hand", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for block in re.findall(r"```\n(.*?)```", section, re.S) for line in block.splitlines()]
    found = {kind: [line for line in lines if f"dask {kind} " in line or line.endswith(f"dask {kind}")]
             for kind in ("scheduler", "worker")}
    assert all(len(v) == 1 for v in found.values()), f"docs/cluster.md should show one command of each: {found}"
    return {kind: found[kind][0] for kind in found}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: str, folder: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A documented command, as a user types it in bash, in folder; in a process group of its own."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.Popen(["bash", "-c", command], cwd=folder, start_new_session=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**clean, "DASK_TEMPORARY_DIRECTORY": str(folder), **(env or {})})


def stop(proc: subprocess.Popen) -> None:
    """The command and everything it started (bash, dask's nanny and its worker)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def venv_folder(folder: Path) -> Path:
    """folder, holding only a link to the .venv this Python runs from (the tests': the checkout's)."""
    folder.mkdir(parents=True, exist_ok=True)
    venv = Path(sys.prefix)
    if not (folder / ".venv").exists():
        (folder / ".venv").symlink_to(venv)
    return folder


@contextlib.contextmanager
def cluster_from_docs(folder: Path, workers: int = 2) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """The scheduler and workers as docs/cluster.md starts them; the scheduler's address and the worker
    commands' processes, all stopped at the end."""
    from distributed import Client

    commands = doc_commands()
    port = str(free_port())
    address = f"tcp://127.0.0.1:{port}"
    here = venv_folder(folder)
    procs = [start(commands["scheduler"].replace(EXAMPLE_PORT, port), here)]
    try:
        worker = commands["worker"].replace(EXAMPLE_HOST, "127.0.0.1").replace(EXAMPLE_PORT, port)
        procs += [start(worker, here) for _ in range(workers)]
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, procs
    finally:
        for proc in reversed(procs):  # workers first: the nannies close their workers
            stop(proc)
