"""Command-line pieces shared by the lecture's options and the subcommands."""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sys
from collections.abc import Callable
from typing import NoReturn

from fashion_tools.atomic import discard_temporaries
from fashion_tools.errors import ToolError


def bounded(text: str, kind: type[int] | type[float], minimum: float, maximum: float | None = None):
    """An argparse type's check: a whole number (kind int) or a finite number (kind float) from
    minimum to maximum, or argparse's one-line error."""
    what = "a whole number" if kind is int else "a number"
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} is not {what} (it must be finite)")
    if value < minimum:
        raise argparse.ArgumentTypeError(f"{value} is {'negative' if minimum == 0 else f'below {minimum}'}")
    if maximum is not None and value > maximum:
        raise argparse.ArgumentTypeError(f"{value} is above {maximum:,}")
    return value


def whole_number(text: str, minimum: int, maximum: int | None = None) -> int:
    return bounded(text, int, minimum, maximum)


def positive_int(text: str) -> int:
    return whole_number(text, 1)


def non_negative_int(text: str) -> int:
    return whole_number(text, 0)


def seed_value(text: str) -> int:
    """NumPy, and so Keras' set_random_seed, takes seeds from 0 to 2**32 - 1."""
    return whole_number(text, 0, 2**32 - 1)


def non_negative_float(text: str) -> float:
    """A tolerance or a margin: a finite number, 0 or more."""
    return bounded(text, float, 0)


def add_data_dir(parser: argparse.ArgumentParser, purpose: str = "", download: bool = True) -> None:
    """The one --data-dir option: where the four Fashion-MNIST files are, and where they are looked for."""
    from fashion_tools.data import SYSTEM_DIR

    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help=f"folder with the four Fashion-MNIST files (.gz or raw){purpose}; "
                             f"default: {SYSTEM_DIR}, then the Keras cache{', then a download' * download}")


def add_scheduler(parser: argparse.ArgumentParser, work: str) -> None:
    """The one --scheduler option: run work on a Dask cluster (fashion_tools/measure/cluster/)."""
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help=f"run {work} on the Dask cluster whose scheduler is at ADDRESS "
                             "(e.g. tcp://10.0.0.5:8786): the same results as here (docs/cluster.md)")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows '(default: X)' where there is a value to show: not for flags (on or off), unset paths or
    empty texts."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, False, True, "") or action.nargs == 0 \
                or isinstance(action, argparse._SubParsersAction):
            return action.help or ""
        return super()._get_help_string(action)


def print_error(problem: object, prog: str = "fashion_items.py") -> None:
    """The one form every error line takes: 'fashion_items.py: error: what is wrong; what to do'."""
    print(f"{prog}: error: {problem}", file=sys.stderr)


def report_errors(prog: str, call: Callable[[], int], interrupted: str = "interrupted") -> int:
    """Run call(); a ToolError or Ctrl-C becomes one line on stderr and its exit status, never a traceback."""
    try:
        return call()
    except ToolError as exc:
        print_error(exc, prog)
        return exc.exit_status
    except KeyboardInterrupt:
        print(f"{prog}: {interrupted}", file=sys.stderr)
        return 130


INTERRUPTED = "interrupted; no file was left half-written and no earlier one was damaged"


def exit_at_once_on_ctrl_c(prog: str) -> None:
    """Ctrl-C ends the process at once with one line and status 130, wherever Python is.

    A KeyboardInterrupt can land in a weakref callback or a __del__, where Python prints it as
    "Exception ignored" and carries on; a handler that exits itself cannot be swallowed. Writes
    in progress lose only their temporary file: the renames are atomic.
    """

    def handler(signum, frame) -> None:
        discard_temporaries()
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        newline = "\n" if sys.stdout.isatty() else ""  # off the progress bar's line
        os.write(2, f"{newline}{prog}: {INTERRUPTED}\n".encode())
        os._exit(130)

    signal.signal(signal.SIGINT, handler)


def leave(status: int) -> NoReturn:
    """Exit with `status`, without TensorFlow's teardown once it has run.

    After training, the interpreter's own exit spent 1.7 s (2-core AVX2 AMD EPYC) taking TensorFlow's
    thread pools and C++ objects apart, and wrote nothing: by then every file of the tool is closed
    and renamed. So the output is flushed and the process ends at once; without TensorFlow, as usual.
    """
    if "tensorflow" not in sys.modules:
        sys.exit(status)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, as `| head` does: nothing left to say
            pass
    os._exit(status)
