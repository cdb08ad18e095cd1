"""A client of the scheduler at --scheduler: connected, the environments compared, this checkout's code
shipped; and the tasks run a few per worker thread at a time, each result handed over as it arrives.

A worker that dies takes its tasks with it and the scheduler runs them again elsewhere; the client
uses each result once, when it arrives. Ctrl-C or an error on the client cancels the tasks left.
"""

from __future__ import annotations

import contextlib
import signal
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fashion_tools.errors import ToolError, first_line
from fashion_tools.measure.cluster.code import loaded_from, ship
from fashion_tools.measure.cluster.versions import check_versions

CONNECT_SECONDS = 4  # a scheduler that cannot be reached: one line within 10 s, Dask's import included
DEFAULT_PORT = 8786  # `dask scheduler`'s
TASKS_PER_THREAD = 2  # in flight: the workers never wait, and the client holds few files' bytes at once


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
        with warnings.catch_warnings():  # Dask's table of mismatched versions: check_versions says it in a line
            warnings.simplefilter("ignore")
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
        prepare(client, address)
        yield client
    finally:
        signal.signal(signal.SIGINT, previous)
        with contextlib.suppress(Exception):
            client.close(timeout=CONNECT_SECONDS)


def prepare(client, address: str) -> None:
    """The environments compared and the code shipped, before any task: a difference is one line, exit 2."""
    check_versions(client, address)
    digest = ship(client)
    where = {f"worker {worker}": folder for worker, folder in client.run(loaded_from).items()}
    where[f"the scheduler at {address}"] = client.run_on_scheduler(loaded_from)
    for machine, folder in sorted(where.items()):
        if not (folder or "").endswith(digest):
            raise ToolError(f"{machine} imports this project's code from {folder}, not the code this client sent "
                            f"({digest}): start it again as docs/cluster.md shows, without PYTHONPATH")


def describe(client, address: str) -> str:
    """'the Dask cluster at tcp://...: 2 workers, 2 threads'."""
    threads = client.nthreads()
    if not threads:
        return f"the Dask cluster at {address} (no worker yet: the tasks wait for the first)"
    return (f"the Dask cluster at {address}: {len(threads)} worker{'s' * (len(threads) != 1)}, "
            f"{sum(threads.values())} threads")


def in_flight(client) -> int:
    """How many tasks to keep submitted at once: a few per worker thread, at least 2."""
    return max(TASKS_PER_THREAD * sum(client.nthreads().values()), 2)


def run_tasks(client, calls: Iterable[tuple[Any, str, Callable, tuple]]) -> Iterator[tuple[Any, Any]]:
    """Submit (item, name, function, args) calls, a few per worker thread at a time, and yield
    (item, result) as each finishes; whatever is left is cancelled on the way out (an error, Ctrl-C)."""
    from distributed import as_completed
    from distributed.client import CancelledError
    from distributed.scheduler import KilledWorker

    calls = iter(calls)
    window = in_flight(client)
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


