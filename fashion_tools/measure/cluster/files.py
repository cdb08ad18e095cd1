"""Files that travel with the work, checked by SHA-256 where they arrive: the data set (as one task's
result every task depends on), a model, a hand-in. On a worker they go into its own folder.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fashion_tools.atomic import atomic_write_bytes
from fashion_tools.errors import ToolError


@dataclass(frozen=True)
class Blob:
    """A file that travels with the work: its name as the client found it, its bytes, and their SHA-256 as
    the client read them, which the worker checks before using it."""

    name: str
    content: bytes
    sha256: str

    @classmethod
    def read(cls, path: Path) -> Blob:
        content = path.read_bytes()
        return cls(path.name, content, hashlib.sha256(content).hexdigest())

    def checked(self) -> bytes:
        found = hashlib.sha256(self.content).hexdigest()
        if found != self.sha256:
            raise ToolError(f"{self.name} arrived on worker {socket.gethostname()} with SHA-256 {found[:12]}..., "
                            f"the client read {self.sha256[:12]}...; run again", 1)
        return self.content


def share_files(client, files: dict[str, Path]) -> Any:
    """The four data files as one task's result that every task depends on: sent to the scheduler once,
    fetched by each worker once, recomputed from the scheduler's copy if the worker holding it dies."""
    try:
        data = {key: Blob.read(Path(path)) for key, path in files.items()}
    except OSError as exc:
        raise ToolError(f"{exc.filename}: cannot read ({exc.strerror or exc}); check the file") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Dask's "large graph" warning: this is the one large thing it sends
        return client.submit(_same, data, key=f"fashion-data-{data_key(data)}", pure=False)


def _same(value):
    return value


def data_key(data: dict[str, Blob]) -> str:
    return hashlib.sha256("".join(data[key].sha256 for key in sorted(data)).encode()).hexdigest()[:16]


# ---- on a worker: its folder and the data ----

worker_lock = threading.Lock()  # a worker's threads share its data folder and its test set


def worker_folder() -> Path:
    from distributed import get_worker

    folder = Path(get_worker().local_directory) / "fashion-items"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def worker_data(data: dict[str, Blob]) -> Path:
    """The four files in this worker's folder: each checked and written once, read by every task after."""
    folder = worker_folder() / f"data-{data_key(data)}"
    with worker_lock:
        folder.mkdir(exist_ok=True)
        for blob in data.values():
            if not (folder / blob.name).is_file():
                atomic_write_bytes(folder / blob.name, blob.checked())
    return folder


