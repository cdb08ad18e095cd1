"""A reader of an untrusted document run in a child process with a time and a memory limit.

PDF and Word files are parsed by large libraries (PDFium is C++): a hostile or broken file may make
them loop, allocate without end or crash. In a child, none of that reaches the grader: it gets the
result, or one reason for this one submission. On Linux the child is forked (milliseconds; its
memory limit is what it already maps plus MEMORY), elsewhere spawned.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any

SECONDS = 60.0
MEMORY = 1 << 30


class Refused(Exception):
    """The document could not be read within the limits; the message is the reason, for the report."""


def mapped_bytes() -> int:
    """The virtual memory this process maps now (what a forked child starts with)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child(conn, func: Callable, args: tuple, memory: int) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # a C library's complaints about a damaged file are not the instructor's to read
        faulthandler.disable()  # nor a crash dump of the parent's (pytest's) fault handler
        limit = mapped_bytes() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", func(*args)))
    except Refused as exc:
        conn.send(("refused", str(exc)))
    except MemoryError:
        conn.send(("refused", f"reading it needs more than {memory >> 20} MB"))
    except BaseException as exc:  # the library's own error on a damaged file: one line for the report
        first = str(exc).splitlines()[0][:160] if str(exc) else ""
        conn.send(("refused", f"{type(exc).__name__}: {first}".rstrip(": ")))
    finally:
        conn.close()


def run_bounded(func: Callable[..., Any], *args: Any, seconds: float = SECONDS, memory: int = MEMORY) -> Any:
    """func(*args) in a child process; its result, or Refused with the reason (too slow, too large,
    crashed, or the reader's own refusal). func and its result must be picklable."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, func, args, memory), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise Refused(f"reading it took more than {seconds:g} s")
        try:
            status, value = receive.recv()
        except EOFError:  # the child died without a word: a crash in the library, or killed for memory
            raise Refused("the reader crashed on it (a damaged or hostile file)") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "refused":
        raise Refused(value)
    return value
