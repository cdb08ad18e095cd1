"""A learning platform's download of submissions (a .zip, or the folder it unpacks to), read into students.

Each platform's naming rules are its module's (platforms/moodle.py, platforms/canvas.py); anything else: each
top-level file or folder is one student. A download is found wherever it sits: under wrapping folders, as a
zip inside the zip or the folder given (assign, zipped_download).

Unpacking trusts nothing in the archive (see safezip): files go, under names chosen there, into a fresh
private folder inside the caller's work folder. A bad entry fails only its student (Student.problem); a
bundle that breaks a bundle-wide limit (entries, total size, not a zip, truncated) raises ToolError.
open_bundle() leaves its files in workdir, which the caller removes; opened_bundle() does both.
"""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from fashion_tools.errors import ToolError, first_line
from fashion_tools.grading.intake import safezip
from fashion_tools.grading.intake.safezip import Budget, Entry, OverBudget, extract, kind_problem, shown, zip_entries
from fashion_tools.grading.platforms import DOWNLOADS

MAX_DEPTH = 3  # folders and zips looked through for a download: a wrapping folder, a zip of it, a folder around it


@dataclass
class Student:
    name: str                   # Moodle's full name, the Canvas name field, or the entry's name
    identifier: str | None      # Moodle participant number, Canvas user id; None for a plain entry
    late: bool                  # Canvas marks LATE in the file name
    paths: list[Path]           # this student's files, in the private work folder or the given folder
    platform: str               # "moodle", "canvas" or "plain"
    problem: str | None = None  # why some of this student's files could not be read
    names: dict[Path, str] = field(default_factory=dict)  # each unpacked file -> its name in the download


@dataclass
class _Owner:
    name: str
    identifier: str | None
    platform: str
    late: bool = False
    paths: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    folder: Path | None = None
    names: dict[Path, str] = field(default_factory=dict)


def owner_of(parts: list[str], platform: str) -> tuple[str, str, str | None, bool, str] | None:
    """(key, name, identifier, late, file name) of the student an entry belongs to, under platform's rules."""
    if platform in DOWNLOADS:
        return DOWNLOADS[platform](parts)
    return parts[0], parts[0], None, False, parts[-1]


def platform_of(entries: list[Entry]) -> str:
    """The platform whose naming most top-level names follow, if at least half do (a stray file, such as a
    worksheet saved beside an unpacked download, stays a plain student of its own); else plain."""
    tops = {(e.parts[0], len(e.parts) > 1): e.parts for e in entries if not e.escapes}
    for platform in DOWNLOADS:
        matching = sum(owner_of(parts, platform) is not None for parts in tops.values())
        if matching and 2 * matching >= len(tops):
            return platform
    return "plain"


def folder_platform(root: Path) -> str:
    """platform_of() from a folder's top-level names alone: cheap, whatever lies below them."""
    tops = []
    try:
        for child in itertools.islice(root.iterdir(), safezip.MAX_ENTRIES):
            nested = child.is_dir() and not child.is_symlink()
            tops.append(Entry(child.name, [child.name, *(["-"] if nested else [])], None, False, child))
    except OSError:
        return "plain"
    return platform_of(tops)


def folder_holds_download(root: Path, depth: int = 0) -> bool:
    """Whether a folder is a platform's download, or holds one: in a folder inside it (up to MAX_DEPTH down),
    or as a zip (the download's zip kept in a folder). Only names are read, and a zip's directory."""
    if folder_platform(root) != "plain":
        return True
    try:
        children = list(itertools.islice(root.iterdir(), 200))
    except OSError:
        return False
    for child in children:
        if child.is_symlink():
            continue
        if child.is_dir() and depth < MAX_DEPTH and folder_holds_download(child, depth + 1):
            return True
        if child.is_file() and zipped_download(child) is not None:
            return True
    return False


def folder_entries(root: Path) -> list[Entry]:
    """The folder's files, walked without following links; one that cannot be read is a problem entry."""
    entries: list[Entry] = []

    def add(path: Path, problem: str | None) -> None:
        if len(entries) >= safezip.MAX_ENTRIES:
            raise ToolError(f"{root}: more than {safezip.MAX_ENTRIES:,} files; pass a smaller folder")
        entries.append(Entry(str(path.relative_to(root)), list(path.relative_to(root).parts), problem, False, path))

    def unreadable(exc: OSError) -> None:
        add(Path(exc.filename), f"cannot be read ({exc.strerror})")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        for name in sorted(dirnames) + sorted(filenames):
            path = Path(dirpath, name)
            try:
                mode = path.lstat().st_mode
            except OSError as exc:
                add(path, f"cannot be read ({exc.strerror})")
                continue
            if not stat.S_ISDIR(mode):
                add(path, kind_problem(mode))
    return entries


def open_nested(owner: _Owner, zip_path: Path, budget: Budget) -> None:
    """A student's own .zip, opened one level deep: its files become the student's (a zip in it stays a file).
    What cannot be unpacked (encrypted, a link, over its share of the budget) is the student's problem: the
    zip then stays among the student's files, unpacked no further, for a person to look at."""
    def refuse(where: str, why: str) -> None:
        owner.problems.append(f"{shown(zip_path.name)}{where}: {why}")

    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        refuse("", f"cannot be opened as a zip ({first_line(exc)})")
        return
    unpacked: list[tuple[Path, str]] = []
    with archive:
        entries = zip_entries(archive, shown(zip_path.name))
        if isinstance(entries, str):
            owner.problems.append(entries)
            return
        share = budget.nested(zip_path)
        if sum(e.source.file_size for e in entries if not e.junk) > share.limit:  # its headers' word: enough to refuse
            refuse("", share.refusal())
            return
        try:
            for entry in entries:
                if entry.junk:
                    continue
                path, problem = (None, entry.problem) if entry.problem else \
                    extract(archive, entry.source, owner.folder, entry.parts[-1], share)
                if problem:
                    refuse(f", {shown(entry.raw)}", problem)
                else:
                    unpacked.append((path, entry.raw))
        except OverBudget as exc:
            refuse("", str(exc))
            for path, _ in unpacked:
                path.unlink(missing_ok=True)
            return
    for path, raw in unpacked:
        owner.paths.append(path)
        owner.names[path] = f"{owner.names.get(zip_path, zip_path.name)}/{raw}"
    owner.paths.remove(zip_path)
    if zip_path.is_relative_to(owner.folder):
        zip_path.unlink()


def holds_download(entries: list[Entry], depth: int = 0) -> bool:
    """Whether entries are a platform's download, or hold one in their folders (a wrapping folder, the
    download's folder inside another), up to MAX_DEPTH folders down."""
    if platform_of(entries) != "plain":
        return True
    if depth >= MAX_DEPTH:
        return False
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if len(entry.parts) > 1 and not entry.escapes:
            groups.setdefault(entry.parts[0], []).append(replace(entry, parts=entry.parts[1:]))
    return any(holds_download(inner, depth + 1) for inner in groups.values())


Owner = tuple[str, str, str | None, bool, str]  # key, name, identifier, late, file name


def assign(entries: list[Entry], depth: int = 0) -> list[tuple[Entry, Owner, str]]:
    """Each entry with its owner and platform: by the platform's naming where the names follow one; a
    top-level folder that holds a download (a wrapping folder, a folder kept around the download's) is
    looked into, so that a folder of several students is never one student; any other top-level entry is a
    plain student of its own."""
    platform = platform_of(entries)
    out: list[tuple[Entry, Owner, str]] = []
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.escapes:  # climbing out of the bundle: no student's own, a student of its own
            out.append((entry, ("\0" + entry.raw, entry.raw, None, False, ""), "plain"))
        elif platform != "plain" and (found := owner_of(entry.parts, platform)) is not None:
            out.append((entry, (f"{platform}\0{found[0]}", *found[1:]), platform))
        else:
            groups.setdefault(entry.parts[0], []).append(entry)
    for top, group in groups.items():
        inner = [replace(e, parts=e.parts[1:]) for e in group if len(e.parts) > 1]
        if depth < MAX_DEPTH and len(inner) == len(group) and holds_download(inner, depth + 1):
            out += assign(inner, depth + 1)
        else:  # outside the platform's naming: plain
            out += [(e, (f"\1{depth}\1{top}", top, None, False, e.parts[-1]), "plain") for e in group]
    return out


def zipped_download(path: Path) -> list[Entry] | None:
    """The entries of a .zip that is itself a platform's download (a zip of the download, a download's zip
    kept in a folder), or None for any other file (a student's own zip is that student's files)."""
    if path.suffix.lower() != ".zip":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            entries = zip_entries(archive, shown(path.name))
    except (zipfile.BadZipFile, OSError):
        return None
    if isinstance(entries, str):
        return None
    entries = [e for e in entries if not e.junk]
    return entries if holds_download(entries) else None


def gather(entries: list[Entry], archive: zipfile.ZipFile | None, private: Path, budget: Budget,
           depth: int = 0) -> list[Student]:
    """The entries grouped into students (assign), each student's files unpacked into its own folder inside
    private (a folder's files stay where they are), its own zips opened; a zip that is a download itself (a
    zip in the zip, the download's zip in a folder) read as its students."""
    entries = [e for e in entries if not e.junk]
    owners: dict[str, _Owner] = {}

    def folder_of(owner: _Owner) -> Path:
        if owner.folder is None:  # mkdtemp: 0700, and unique however deep the zips nest
            owner.folder = Path(tempfile.mkdtemp(prefix="student-", dir=private))
        return owner.folder

    for entry, (key, name, identifier, late, file_name), platform in assign(entries):
        owner = owners.setdefault(key, _Owner(name, identifier, platform))
        owner.late |= late
        if entry.problem:
            owner.problems.append(f"{shown(entry.raw)}: {entry.problem}")
        elif isinstance(entry.source, Path):
            owner.paths.append(entry.source)
        else:
            path, problem = extract(archive, entry.source, folder_of(owner), file_name, budget)
            if problem:
                owner.problems.append(f"{shown(entry.raw)}: {problem}")
            else:
                owner.paths.append(path)
                owner.names[path] = entry.raw
    students: list[Student] = []
    for key in list(owners):
        owner = owners[key]
        if owner.platform == "plain" and len(owner.paths) == 1 and not owner.problems and depth < MAX_DEPTH \
                and (inner := zipped_download(owner.paths[0])) is not None:
            with zipfile.ZipFile(owner.paths[0]) as nested:
                students += gather(inner, nested, private, budget, depth + 1)
            del owners[key]
            continue
        for zip_path in [p for p in owner.paths if p.suffix.lower() == ".zip"]:
            folder_of(owner)
            open_nested(owner, zip_path, budget)
    students += [Student(o.name, o.identifier, o.late, sorted(o.paths), o.platform,
                         "; ".join(o.problems) or None, o.names) for o in owners.values()]
    return sorted(students, key=lambda s: (sort_key(s.name), s.identifier or ""))


def sort_key(name: str) -> str:
    """Alphabetical as a reader expects it: 'Åsa' with the A's, not after 'Zoë'."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


def open_bundle(path: Path, workdir: Path) -> list[Student]:
    """The students of a platform's download: a .zip (unpacked into a new private folder inside workdir)
    or a folder (read in place; only a student's own .zip is unpacked into workdir). The caller removes
    workdir afterwards, or uses opened_bundle()."""
    path, workdir = Path(path), Path(workdir)
    if not path.exists():
        raise ToolError(f"{path}: no such file or folder; pass the platform's .zip or the folder it unpacks to")
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        private = Path(tempfile.mkdtemp(prefix="bundle-", dir=workdir))  # mkdtemp makes it 0700
        budget = Budget(path)
        if path.is_dir():
            return gather(folder_entries(path), None, private, budget)
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            with open(path, "rb") as f:
                damaged = f.read(4) == b"PK\x03\x04"
            raise ToolError(f"{path}: {'a damaged or truncated zip' if damaged else 'not a zip file'}; "
                            "download it again from the platform, or pass the folder it unpacks to") from None
        with archive:
            entries = zip_entries(archive, str(path))
            if isinstance(entries, str):
                raise ToolError(f"{entries}; pass a smaller download or unpack it yourself")
            return gather(entries, archive, private, budget)
    except OSError as exc:
        raise ToolError(f"{path}: cannot be unpacked into {workdir} ({exc.strerror or first_line(exc)}); "
                        "free some space or choose another work folder", 1) from None


@contextmanager
def opened_bundle(path: Path, parent: Path | None = None) -> Iterator[list[Student]]:
    """open_bundle() in a work folder made here (inside parent, or the system's temporary folder) and
    removed, with every file unpacked, when the block ends."""
    workdir = Path(tempfile.mkdtemp(prefix="fashion-bundle-", dir=parent))
    try:
        yield open_bundle(path, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
