"""Atomic writes: a temporary file in the same folder, then a rename.

A crash, a Ctrl-C or a full disk during a write leaves the previous file as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from fashion_tools.errors import ToolError

_in_progress: set[str] = set()  # temporary files being written, for discard_temporaries()


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """Call write(tmp_path) on a temporary file beside path, then rename it onto path.

    The temporary name keeps path's suffix, because Keras picks the file format by it.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent or ".")
    os.close(fd)
    _in_progress.add(tmp)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make the result private
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _in_progress.discard(tmp)
    except BaseException as exc:
        _in_progress.discard(tmp)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise ToolError(f"no space left on the device while writing {path}; "
                            f"free some space and run again (the previous {path.name} is untouched)", 1) from None
        raise


def discard_temporaries() -> None:
    """Remove the temporary files of writes in progress (the process is about to end)."""
    for tmp in list(_in_progress):
        try:
            os.unlink(tmp)
        except OSError:
            pass
    _in_progress.clear()


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write text to path atomically."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)

    atomic_write(path, write)


def atomic_write_bytes(path: str | os.PathLike, content: bytes) -> None:
    """Write bytes to path atomically."""
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(content))


def check_writable_folder(path: str | os.PathLike, what: str) -> None:
    """Fail early, before any work, when path's folder is missing or cannot take a new file."""
    folder = Path(path).parent if Path(path).parent != Path("") else Path(".")
    if not folder.is_dir():
        raise ToolError(f"{what} {path}: folder {folder} does not exist; create it or choose another path")
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ToolError(f"{what} {path}: cannot write in folder {folder} ({exc.strerror}); "
                        "choose a folder you can write to") from None


def make_folder(folder: str | os.PathLike, what: str, example: str) -> Path:
    """Create an output folder now, before any work, so a bad path fails at once with one line;
    example names a file it will hold, for the message when the folder cannot take one."""
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ToolError(f"{what} {folder}: exists and is not a folder; choose another path") from None
    except OSError as exc:
        raise ToolError(f"{what} {folder}: cannot create the folder ({exc.strerror or exc}); "
                        "choose a folder you can write to") from None
    check_writable_folder(path / example, what)
    return path
