"""grade's heavy reading as tasks: a screenshot (or a student's screenshots together), a PDF or a Word
report is read on a worker, by the very reader a local grade runs (grading/submissions.read_here), each
in its bounded child there; a text file, a notebook or an HTML export is read here, as it costs less
than its trip. The client goes through the submissions as always, several at a time on threads of its
own (each waits for its reading's task), so the cluster reads as many files at once as it has threads.
What a reading says names the files as the client found them, never as the worker's copies.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from fashion_tools.errors import ToolError, first_line
from fashion_tools.grading.intake.submissions import Submission, find_submissions, read_here
from fashion_tools.grading.readers import MAX_DOCUMENT_BYTES, Reading, bounded, sniff
from fashion_tools.measure.cluster.connect import in_flight, session
from fashion_tools.measure.cluster.files import Blob, worker_folder

HEAVY = ("picture", "pdf", "docx")  # what sniff() calls the formats read by OCR or a large parser


def heavy(path: Path) -> bool:
    """Worth a task: a picture, a PDF or a Word file (by its first bytes, then its name) of a size a
    reader takes; anything larger is refused here at once, as locally."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
        return sniff(head, path.suffix.lower()) in HEAVY and 0 < path.stat().st_size <= MAX_DOCUMENT_BYTES
    except OSError:
        return False


def read_on_worker(files: list[Blob], limits: bounded.Limits, seconds: float,
                   what: str) -> tuple[Reading, list[str], list[str]]:
    """On a worker: the files, each checked and written under its own name, read as read_here reads them
    here, within the limits and the seconds the client's budget had left; the Reading, the folders it was
    read from (for the client to put its own names back) and what the budget left unread."""
    allow_children()
    with tempfile.TemporaryDirectory(prefix="read-", dir=worker_folder()) as tmp:
        paths = []
        for i, blob in enumerate(files):
            folder = Path(tmp) / str(i)  # a folder each: two of a student's files may share a name
            folder.mkdir()
            (folder / blob.name).write_bytes(blob.checked())
            paths.append(folder / blob.name)
        with bounded.kept(limits, seconds, what) as left:
            reading = read_here(paths)
        return reading, [str(p) for p in paths], left.spent


def allow_children() -> None:
    """Let this worker start the readers' bounded children. Dask runs a worker as a daemonic process (its
    `distributed.worker.daemon` setting, on by default), and multiprocessing refuses a daemon's children; the
    flag only asks multiprocessing to end them when the worker exits, which run_bounded does itself."""
    multiprocessing.current_process()._config["daemon"] = False


def as_client_sees(reading: Reading, worker_paths: list[str], paths: list[Path]) -> Reading:
    """The worker's copies' paths, wherever a reason mentions them, replaced by the client's."""
    def mend(text: str | None) -> str | None:
        for theirs, mine in zip(worker_paths, paths, strict=True):
            text = text.replace(theirs, str(mine)) if text else text
        return text

    return replace(reading, problem=mend(reading.problem), unread=mend(reading.unread), note=mend(reading.note))


class ClusterReads:
    """A Read (grading/intake/submissions.py) that sends the heavy files to the cluster and waits for their
    reading; thread-safe, and cancels what is still running when told to."""

    def __init__(self, client) -> None:
        self.client = client
        self.running: set = set()
        self.lock = threading.Lock()

    def __call__(self, paths: list[Path]) -> Reading:
        from distributed.client import CancelledError
        from distributed.scheduler import KilledWorker

        if not all(heavy(p) for p in paths):
            return read_here(paths)
        try:
            files = [Blob.read(p) for p in paths]
        except OSError:
            return read_here(paths)  # which says why it cannot be read, as locally
        future = self.client.submit(read_on_worker, files, *bounded.in_force(),
                                    key=f"fashion-read-{uuid.uuid4().hex[:8]}", pure=False)
        with self.lock:
            self.running.add(future)
        try:
            reading, worker_paths, unread = future.result()
        except KilledWorker as exc:
            raise ToolError(f"{paths[0]}: its worker died on every try of reading it ({first_line(exc)})", 1) \
                from None
        except CancelledError:
            raise ToolError(f"{paths[0]}: its reading was cancelled by the scheduler (did it stop?)", 1) from None
        finally:
            with self.lock:
                self.running.discard(future)
        bounded.spent_elsewhere(unread)
        return as_client_sees(reading, worker_paths, paths)

    def cancel(self) -> None:
        with self.lock:
            left = list(self.running)
        if left:
            self.client.cancel(left, force=True)


def find_on_cluster(address: str, paths: list[str], workdir: Path) -> list[Submission]:
    """grade's submissions, found and read as find_submissions does, their heavy files read on the cluster;
    in the order given."""
    with session(address) as client:
        reads = ClusterReads(client)
        threads = in_flight(client)
        # two pools: a download's students are gone through inside a path's thread, never waiting on their own pool
        paths_pool, students_pool = ThreadPoolExecutor(threads), ThreadPoolExecutor(threads)
        try:
            found = list(paths_pool.map(lambda path: find_submissions(path, workdir, reads, students_pool.map),
                                        paths))
        finally:
            reads.cancel()
            for pool in (paths_pool, students_pool):
                pool.shutdown(wait=False, cancel_futures=True)
    return [sub for subs in found for sub in subs]
