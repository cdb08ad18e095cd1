"""Atomic writes: a temporary file in the same folder, then a rename.

A crash, a Ctrl-C or a full disk during a write leaves the previous file as it was.
"""

from __future__ import annotations

import errno
import os
import stat
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
    refuse_special(path, "output")
    suffix = path.suffix if len(os.fsencode(path.suffix)) <= 16 else ""
    try:  # the temporary name's prefix cut to fit: a 250-byte name must not make a 270-byte temporary one
        fd, tmp = tempfile.mkstemp(prefix=f".{short(path.name, 200)}.", suffix=f".tmp{suffix}", dir=path.parent or ".")
    except OSError as exc:
        raise write_error(path, exc) from None
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
        if isinstance(exc, OSError):
            raise write_error(path, exc) from None
        raise


def write_error(path: Path, exc: OSError) -> ToolError:
    """Any failed write as one line: what, why, and that nothing earlier was damaged."""
    if exc.errno == errno.ENOSPC:
        return ToolError(f"no space left on the device while writing {path}; "
                         f"free some space and run again (the previous {path.name} is untouched)", 1)
    why = exc.strerror or type(exc).__name__
    return ToolError(f"cannot write {path} ({why}); the files written before it are intact, and so is any "
                     "previous file of that name", 1)


def short(name: str, limit: int) -> str:
    """name cut to at most limit bytes of UTF-8, at a character's boundary."""
    return os.fsencode(name)[:limit].decode("utf-8", "ignore") if len(os.fsencode(name)) > limit else name


def refuse_special(path: Path, what: str) -> None:
    """A folder, a device, a pipe or a socket where a file is to be written (or a link to one) is never
    replaced: os.replace would put a regular file in its place (as root, even /dev/null's)."""
    try:
        st = os.stat(path)  # follows a link: what it points to decides
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ToolError(f"{what} {path}: cannot be looked at ({exc.strerror}); choose another path") from None
    if stat.S_ISDIR(st.st_mode):
        raise ToolError(f"{what} {path}: is a folder, and a file is written there; name a file in it instead")
    if not stat.S_ISREG(st.st_mode):
        kind = "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else \
            "a pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a file"
        link = " (through a link)" if path.is_symlink() else ""
        raise ToolError(f"{what} {path}: is {kind}{link}, not a regular file, and is never replaced; "
                        "choose a file path")


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


def check_output_file(path: str | os.PathLike, what: str) -> None:
    """Fail early, before any work, when path cannot become a file written here: a folder, a device or a
    link to one, a name the file system cannot take, a folder missing or not writable."""
    text = os.fspath(path)
    if not text or text.endswith(os.sep):
        raise ToolError(f"{what} {text!r}: names a folder, and a file is written there; name a file")
    name = Path(path).name
    try:
        longest = os.pathconf(Path(path).parent if Path(path).parent != Path("") else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        longest = 255
    if len(os.fsencode(name)) > longest:
        raise ToolError(f"{what} {path}: a file name of {len(os.fsencode(name))} bytes, over the {longest} this "
                        "file system takes; choose a shorter name")
    refuse_special(Path(path), what)
    check_writable_folder(path, what)


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
