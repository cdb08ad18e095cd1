"""This checkout's code, shipped with the work: a scheduler and workers started with nothing but
`dask scheduler` and `dask worker ADDRESS` (the pinned requirements installed, no checkout, no
PYTHONPATH) run the client's very code.

The client packs fashion_items.py and fashion_tools/ into a zip, named by its SHA-256, and registers
two plugins: one for the scheduler (it unpickles the task graph, so it must import what the tasks
name) and one for the workers (Dask gives it to every worker, those that join later and those a nanny
restarts included). Each unpacks the zip into its own folder once, puts that folder first on
sys.path, and forgets the modules an earlier client's code had loaded, so a worker never runs code of
another commit. The plugins themselves travel by value (cloudpickle), as this module imports nothing
of the project: the far side needs only Dask.

Why not `client.upload_file`: it imports from the zip itself, where a file read beside its module
(grading/signatures.json, the HTML page's template) is no file, and a seed's process runs
fashion_items.py as a script; and it keeps every client's upload on the scheduler for good. Why not a
package installed on every machine: that is the environment to arrange by hand, and the commit on a
worker would drift from the client's.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import io
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from distributed.diagnostics.plugin import SchedulerPlugin, WorkerPlugin

ROOT = Path(__file__).resolve().parents[3]  # the checkout: fashion_items.py beside fashion_tools/
SCRIPT = "fashion_items.py"
PACKAGE = "fashion_tools"
PLUGIN = "fashion-items-code"  # one per cluster: a later client's code replaces an earlier one's
PREFIX = "fashion-items-"  # the unpacked code's folder: fashion-items-DIGEST


def code_files(root: Path = ROOT) -> list[tuple[str, bytes]]:
    """(path in the checkout, bytes) of the script and every file of the package, in a fixed order."""
    files = [root / SCRIPT, *(p for p in (root / PACKAGE).rglob("*")
                              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")]
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in files)


def digest_of(files: list[tuple[str, bytes]]) -> str:
    """The code's SHA-256 (first 16 hex digits): the same files give the same digest on any machine."""
    total = hashlib.sha256()
    for name, content in files:
        total.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return total.hexdigest()[:16]


def packed(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def install(base: str, digest: str, data: bytes) -> str:
    """On the far side: the code unpacked into base/fashion-items-DIGEST (once; a rename makes it whole
    or absent), that folder first on sys.path, and any module of other code forgotten. Returns the folder."""
    folder = os.path.join(base, PREFIX + digest)
    if not os.path.isfile(os.path.join(folder, SCRIPT)):
        os.makedirs(base, exist_ok=True)
        scratch = tempfile.mkdtemp(prefix="." + PREFIX, dir=base)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(scratch)
        try:
            os.rename(scratch, folder)
        except OSError:  # another process put it there first
            shutil.rmtree(scratch, ignore_errors=True)
    sys.path[:] = [folder] + [p for p in sys.path if not os.path.basename(p).startswith(PREFIX)]
    for name, module in list(sys.modules.items()):
        if (name == SCRIPT[:-3] or name == PACKAGE or name.startswith(PACKAGE + ".")) \
                and not str(getattr(module, "__file__", None) or "").startswith(folder + os.sep):
            del sys.modules[name]
    importlib.invalidate_caches()
    return folder


def loaded_from() -> str | None:
    """The folder this process imports the project from (None: it cannot)."""
    spec = importlib.util.find_spec(PACKAGE)
    return os.path.dirname(os.path.dirname(spec.origin)) if spec and spec.origin else None


class _Code:
    def __init__(self, digest: str, data: bytes) -> None:
        self.digest, self.data = digest, data
        self.name = PLUGIN


class CodeForWorkers(_Code, WorkerPlugin):
    def setup(self, worker) -> None:
        install(worker.local_directory, self.digest, self.data)


class CodeForScheduler(_Code, SchedulerPlugin):
    async def start(self, scheduler) -> None:
        install(scheduler.local_directory, self.digest, self.data)


def ship(client) -> str:
    """Send this checkout's code to the scheduler and the workers; its digest."""
    import cloudpickle

    files = code_files()
    digest, data = digest_of(files), packed(files)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the far side has no copy of this module
    try:
        client.register_plugin(CodeForScheduler(digest, data), name=PLUGIN)
        client.register_plugin(CodeForWorkers(digest, data), name=PLUGIN)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    return digest
