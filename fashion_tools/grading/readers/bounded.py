"""A reader of an untrusted document run in a child process with a time and a memory limit, inside
the time left of its hand-in's and its class's budget.

PDF and Word files are parsed by large libraries (PDFium is C++), pictures by Tesseract (a program
the child starts): a hostile or broken file may make them loop, allocate without end or crash. In a
child, none of that reaches the grader: it gets the result, or one reason for this one submission.
On Linux the child is forked (milliseconds), elsewhere spawned.

Every process a reader starts dies with it. The child leads its own process group (setsid), which
the programs it starts (Tesseract) join; at the limit, the budget's end, or any other exit of
run_bounded, the whole group is killed, not only the child. If the grader itself dies (SIGKILL, a
Ctrl-C that exits at once) the kernel kills the child (PR_SET_PDEATHSIG), and each program the child
starts the same way when the child dies.

Memory: RLIMIT_AS is per process (Tesseract would get a cap of its own), so the parent samples the
private memory (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup: what the process added, not
the libraries and copy-on-write pages it shares) of every process in the group, and kills the group
when their sum passes the cap. RLIMIT_AS stays as a backstop for an allocation faster than a sample.
A cgroup would count exactly, but needs a delegated cgroup tree the grader cannot assume.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import faulthandler
import gc
import multiprocessing
import os
import resource
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

SECONDS = 60.0  # one file (a PDF's text, a Word file's parts, one picture's OCR)
MEMORY = 1 << 30  # one reader's processes together
HAND_IN_SECONDS = 300.0  # all of one hand-in's bounded readers together
CLASS_SECONDS = 4 * 3600.0  # all the hand-ins of one grade command together
SAMPLE = 0.1  # seconds between two looks at the group's time and memory
PR_SET_PDEATHSIG = 1

_live_groups: set[int] = set()  # process groups of readers running now, for kill_all()
peak_memory = 0  # the largest sum of a group's private memory seen in the last run_bounded (tests, benchmarks)


class Refused(Exception):
    """The document could not be read within the limits; the message is the reason, for the report."""


@dataclass
class Budget:
    """Time for all the bounded readers of one hand-in (or one class) together."""

    seconds: float
    what: str  # 'hand-in', 'class'
    start: float = field(default_factory=time.monotonic)
    spent: list[str] = field(default_factory=list)  # what was refused because of it (one line each)

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.start)


@dataclass
class Limits:
    """The limits in force: set once per grade command (command-line options), else the defaults."""

    hand_in_seconds: float = HAND_IN_SECONDS
    class_seconds: float = CLASS_SECONDS
    memory: int = MEMORY


_limits: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("limits", default=None)
_budgets: contextvars.ContextVar[tuple[Budget, ...]] = contextvars.ContextVar("budgets", default=())


@contextlib.contextmanager
def budget(seconds: float, what: str) -> Iterator[Budget]:
    """Every run_bounded inside shares these seconds (with any budget around it)."""
    spent = Budget(seconds, what)
    token = _budgets.set((*_budgets.get(), spent))
    try:
        yield spent
    finally:
        _budgets.reset(token)


@contextlib.contextmanager
def class_limits(limits: Limits) -> Iterator[Budget]:
    """The limits of one grade command, its class budget running from now."""
    token = _limits.set(limits)
    try:
        with budget(limits.class_seconds, "class") as whole:
            yield whole
    finally:
        _limits.reset(token)


def hand_in_budget() -> contextlib.AbstractContextManager[Budget]:
    """The budget of one hand-in, as the limits in force say."""
    return budget((_limits.get() or Limits()).hand_in_seconds, "hand-in")


def in_force() -> tuple[Limits, float, str]:
    """What a read elsewhere (a cluster's worker) must keep to: the limits, and the seconds left of the
    tightest budget around this one with its name."""
    allowed, spent = _binding_limit(float("inf"))
    return (_limits.get() or Limits()), allowed, (spent.what if spent else "class")


@contextlib.contextmanager
def kept(limits: Limits, seconds: float, what: str) -> Iterator[Budget]:
    """On a worker: reads inside keep to the limits and the seconds a client's budget had left."""
    token = _limits.set(limits)
    try:
        with budget(seconds, what) as left:
            yield left
    finally:
        _limits.reset(token)


def spent_elsewhere(reasons: list[str]) -> None:
    """What a worker's reads left unread for the budgets in force here: said as if read here."""
    for each in _budgets.get():
        each.spent.extend(reasons)


def mapped_bytes() -> int:
    """The virtual memory this process maps now (what a forked child starts with)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent() -> None:
    """In a new process: the kernel kills it when the process that started it ends."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)


class _DyingPopen(subprocess.Popen):
    """subprocess.Popen in the bounded child: every program started dies with it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("preexec_fn", _die_with_parent)
        super().__init__(*args, **kwargs)


def _child(conn, func: Callable, args: tuple, memory: int, parent: int) -> None:
    try:
        os.setsid()  # a process group of its own, which the programs it starts join: killed as one
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
        subprocess.Popen = _DyingPopen  # this process only: it is forked
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader's Ctrl-C is the grader's to handle
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


def group_members(group: int) -> list[int]:
    """The processes of a process group, from /proc (a reaped child's programs stay in it)."""
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()  # after the command's name, which may hold spaces
        if len(fields) > 2 and int(fields[2]) == group:
            members.append(int(name))
    return members


def private_bytes(pid: int) -> int:
    """The memory a process holds for itself alone (what it allocated, copy-on-write pages it changed)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith((b"Private_Clean:", b"Private_Dirty:", b"Swap:")):
                    total += int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 0
    return total


def group_memory(group: int) -> int:
    return sum(private_bytes(pid) for pid in group_members(group))


def kill_group(group: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(group, signal.SIGKILL)
    _live_groups.discard(group)


def kill_all() -> None:
    """Kill every reader's processes now (the grader is about to end: Ctrl-C, SIGTERM)."""
    for group in list(_live_groups):
        kill_group(group)


def _binding_limit(seconds: float) -> tuple[float, Budget | None]:
    """The seconds this read may take, and the budget that sets them (None: the per-file limit)."""
    tightest: tuple[float, Budget | None] = (seconds, None)
    for spent in _budgets.get():
        if spent.left() < tightest[0]:
            tightest = (spent.left(), spent)
    return tightest


def run_bounded(func: Callable[..., Any], *args: Any, seconds: float = SECONDS, memory: int | None = None) -> Any:
    """func(*args) in a child process; its result, or Refused with the reason (too slow, too large,
    crashed, the budget spent, or the reader's own refusal). func and its result must be picklable."""
    global peak_memory
    memory = (_limits.get() or Limits()).memory if memory is None else memory
    allowed, spent = _binding_limit(seconds)
    if spent is not None and allowed <= 0:
        why = f"not read: the {spent.what}'s reading budget of {spent.seconds:g} s was spent on " + \
            ("its other files" if spent.what == "hand-in" else "the hand-ins before")
        for each in _budgets.get():
            each.spent.append(why)
        raise Refused(why)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, func, args, memory, os.getpid()), daemon=True)
    gc.freeze()  # the child's collections leave the parent's objects' pages shared (not copied)
    try:
        child.start()
    finally:
        gc.unfreeze()
    send.close()
    group = child.pid
    _live_groups.add(group)
    deadline = time.monotonic() + allowed
    peak_memory = 0
    try:
        while not receive.poll(max(0.0, min(SAMPLE, deadline - time.monotonic()))):
            if method == "fork":
                peak_memory = max(peak_memory, group_memory(group))
                if peak_memory > memory:
                    raise Refused(f"reading it needs more than {memory >> 20} MB (its processes together)")
            if time.monotonic() >= deadline:
                if spent is None:
                    raise Refused(f"reading it took more than {seconds:g} s")
                why = f"the {spent.what}'s reading budget of {spent.seconds:g} s ran out while reading it"
                for each in _budgets.get():
                    each.spent.append(why)
                raise Refused(why)
            if not child.is_alive() and not receive.poll(0):
                break
        try:
            status, value = receive.recv()
        except EOFError:  # the child died without a word: a crash in the library, or killed for memory
            raise Refused("the reader crashed on it (a damaged or hostile file)") from None
    finally:
        receive.close()
        kill_group(group)  # the child and every program it started, before the child is reaped
        if child.is_alive():
            child.kill()
        child.join()
    if status == "refused":
        raise Refused(value)
    return value
