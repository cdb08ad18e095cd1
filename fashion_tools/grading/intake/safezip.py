"""Reading a zip whose author may be hostile: names checked, links refused, sizes counted while copying.

Nothing in the archive is trusted: a name is only ever split into components and checked (no absolute
path, drive letter or '..'), never used as a path; files are written under names chosen here (safe_name)
into a folder the caller made, opened with O_EXCL and O_NOFOLLOW; a link or device entry is refused by
the file type in its external attributes; sizes and ratios are counted while copying in bounded reads,
the header's sizes serving only to refuse early. Python's zipfile documents the same dangers ("Decompression
pitfalls", "never extract archives from untrusted sources without prior inspection").
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fashion_tools.errors import ToolError, first_line

MAX_ENTRIES = 10_000
MAX_ENTRY_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_NESTED_BYTES = 200 * 1024 * 1024  # a student's own zip: a hand-in with a model is a few MB
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # a smaller file cannot hurt, and a page of spaces easily compresses 300 times
CHUNK = 1024 * 1024
JUNK = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}  # what zip tools and file browsers add


@dataclass
class Entry:
    raw: str                            # the name as the archive or folder gives it
    parts: list[str]                    # its components, "" and "." left out
    problem: str | None                 # why it is not read, or None
    escapes: bool                       # its path leaves the bundle: it is no student's own
    source: zipfile.ZipInfo | Path

    @property
    def junk(self) -> bool:
        return bool(self.parts) and (self.parts[0] in JUNK or self.parts[-1] in JUNK)


class OverBudget(Exception):
    """A student's own archive unpacks to more than its share: that student's problem, not the class's."""


class Budget:
    """The bytes written for one bundle, against MAX_TOTAL_BYTES; a student's own archive gets a share of
    its own (nested()), whose overflow refuses that archive alone."""

    def __init__(self, bundle: Path, limit: int | None = None, parent: Budget | None = None) -> None:
        self.bundle, self.total, self.parent = bundle, 0, parent
        self.limit = MAX_TOTAL_BYTES if limit is None else limit

    def refusal(self) -> str:
        return (f"unpacks to more than {max(1, self.limit >> 20)} MB (at most {MAX_RATIO} times its packed size, "
                f"{MAX_NESTED_BYTES >> 20} MB): a zip bomb?")

    def nested(self, archive: Path) -> Budget:
        """The share of a student's own zip: at most MAX_NESTED_BYTES, and MAX_RATIO times its packed size
        as a whole (overlapping entries, each under the ratio, add up to a bomb)."""
        try:
            packed = archive.stat().st_size
        except OSError:
            packed = 0
        return Budget(archive, min(MAX_NESTED_BYTES, max(RATIO_FLOOR, MAX_RATIO * packed)), self)

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limit and self.parent is not None:
            raise OverBudget(self.refusal())
        if self.total > self.limit:
            raise ToolError(f"{self.bundle}: unpacks to more than {MAX_TOTAL_BYTES >> 30} GB; "
                            "split the download (by group) or unpack it yourself and pass the folder")
        if self.parent is not None:
            self.parent.add(n)


def shown(name: str) -> str:
    """A name from an archive, safe to put in a one-line message."""
    text = "".join(c if c.isprintable() else "?" for c in name[:120])
    return repr(text + ("..." if len(name) > 120 else ""))


def split_name(name: str) -> tuple[list[str], str | None, bool]:
    """A stored name's components, why it is unsafe (or None), and whether it escapes the bundle."""
    unified = name.replace("\\", "/")  # some Windows tools store backslashes
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if unified.startswith("/") or re.match(r"[A-Za-z]:", unified):
        return parts, "an absolute path", True
    if ".." in parts:
        return parts, "a path with '..' that climbs out of its folder", parts[0] == ".."
    return parts, (None if parts else "an empty name"), not parts


def kind_problem(mode: int) -> str | None:
    """Why a file of this st_mode is not read (a link, a device), or None for a plain file."""
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        return "a symbolic link (not followed)"
    return None if kind in (0, stat.S_IFREG, stat.S_IFDIR) else "a device or special file"


def safe_name(name: str) -> str:
    """A file name chosen here: letters (any script), digits, '.', '-', '_'; never hidden, never empty."""
    cleaned = re.sub(r"[^\w.\-]+", "_", name).lstrip("._") or "file"
    stem, dot, suffix = cleaned.rpartition(".")
    return cleaned if len(cleaned) <= 120 else (stem[:100] + dot + suffix[:16] if dot else cleaned[:120])


def unique_path(folder: Path, name: str) -> Path:
    """folder/name, or folder/name-2 (before the suffix) and so on when that is taken."""
    path, n = folder / name, 1
    while path.exists():
        n += 1
        path = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
    return path


def create(path: Path) -> BinaryIO:
    """A new file that no link or earlier file can redirect."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb")


def too_big(size: int) -> str:
    if size > MAX_ENTRY_BYTES:
        return f"over {MAX_ENTRY_BYTES >> 20} MB"
    return f"unpacks to more than {MAX_RATIO} times its packed size (a zip bomb?)"


def extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path, name: str,
            budget: Budget) -> tuple[Path | None, str | None]:
    """Copy one entry to a new file named after name in folder, counting the bytes:
    (its path, None), or (None, why not) with nothing left behind."""
    if info.flag_bits & 0x1:
        return None, "encrypted"
    limit = min(MAX_ENTRY_BYTES, max(RATIO_FLOOR, MAX_RATIO * max(info.compress_size, 1)))
    if info.file_size > limit:  # the header's word is enough to refuse, never to accept
        return None, too_big(info.file_size)
    target, written, problem = unique_path(folder, safe_name(name)), 0, None
    try:
        with archive.open(info) as src, create(target) as out:
            while chunk := src.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    problem = too_big(written)
                    break
                budget.add(len(chunk))
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        problem = f"damaged or unsupported ({first_line(exc)})"
    except BaseException:  # over a budget, or interrupted: nothing half-written stays behind
        target.unlink(missing_ok=True)
        raise
    if problem:
        target.unlink(missing_ok=True)
        return None, problem
    return target, None


def zip_entries(archive: zipfile.ZipFile, what: str) -> list[Entry] | str:
    """The archive's entries (safe folders left out: nothing is made for them), or why it is refused whole."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        return f"{what} has {len(infos):,} entries, over the limit of {MAX_ENTRIES:,}"
    entries = []
    for info in infos:
        parts, problem, escapes = split_name(info.filename)
        if not (info.is_dir() and not problem):
            entries.append(Entry(info.filename, parts, problem or kind_problem(info.external_attr >> 16),
                                 escapes, info))
    return entries
