"""Finding and reading the Fashion-MNIST files (the IDX format of LeCun's MNIST).

Every check happens before a large allocation: a header that declares more data than the
file holds is refused from its size alone, so a hostile file cannot make us reserve gigabytes.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fashion_tools.errors import ToolError, first_line
from fashion_tools.network import TOTAL_CLASS

# The four files, in the lecture's order of use: train images/labels, test images/labels.
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
STANDARD_COUNTS = {"train": 60000, "test": 10000}
IMAGE_MAGIC, LABEL_MAGIC = 0x00000803, 0x00000801
SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")  # Debian's dataset-fashion-mnist
HOW_TO_GET_DATA = (
    "get the data set one of three ways: connect to the internet once (Keras downloads it to its cache), "
    "pass --data-dir DIR with the four files, or install Debian's package "
    "(apt-get install dataset-fashion-mnist)"
)


def keras_cache_dir() -> Path:
    """Where keras.datasets.fashion_mnist keeps its download."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "fashion-mnist"


@dataclass
class Dataset:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    files: dict[str, str] = field(default_factory=dict)  # name -> path
    sha256: dict[str, str] = field(default_factory=dict)  # name -> hex digest


def find_file(folder: Path, name: str) -> Path | None:
    """The gzipped or the raw file, whichever the folder has (gzipped first)."""
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def find_files(folder: Path) -> dict[str, Path] | None:
    """All four files in folder, or None when the folder has none of them."""
    found = {key: find_file(folder, name) for key, name in FILES.items()}
    if all(p is None for p in found.values()):
        return None
    missing = [FILES[k] for k, p in found.items() if p is None]
    if missing:
        raise ToolError(f"data folder {folder} lacks {', '.join(missing)} (.gz or raw); "
                        "it needs all four Fashion-MNIST files")
    return found  # type: ignore[return-value]


def locate(data_dir: str | None) -> dict[str, Path] | None:
    """The four files from --data-dir, else Debian's folder, else the Keras cache; None: download."""
    if data_dir is not None:
        folder = Path(data_dir)
        if not folder.is_dir():
            raise ToolError(f"--data-dir {data_dir}: no such folder; {HOW_TO_GET_DATA}")
        found = find_files(folder)
        if found is None:
            raise ToolError(f"--data-dir {data_dir}: no Fashion-MNIST files there "
                            f"({FILES['train_images']}[.gz] and the other three); {HOW_TO_GET_DATA}")
        return found
    for folder in (SYSTEM_DIR, keras_cache_dir()):
        if folder.is_dir():
            found = find_files(folder)
            if found is not None:
                return found
    return None


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _read_exactly(f, n: int, path: Path, what: str) -> bytes:
    """n bytes from f, refusing a file that is shorter; a broken gzip stream is reported as such."""
    try:
        data = f.read(n)
    except (EOFError, OSError, zlib.error) as exc:
        raise ToolError(f"{path}: corrupt or truncated gzip data ({exc}); download the file again") from None
    if len(data) < n:
        raise ToolError(f"{path}: truncated: {what} needs {n} bytes, the file has {len(data)}; "
                        "download the file again")
    return data


def read_header(path: Path) -> tuple[int, tuple[int, ...]]:
    """The magic number and the dimensions declared by an IDX file's header."""
    try:
        with _open(path) as f:
            head = _read_exactly(f, 4, path, "the header")
            magic = struct.unpack(">I", head)[0]
            if magic not in (IMAGE_MAGIC, LABEL_MAGIC):
                raise ToolError(f"{path}: not an IDX file of unsigned bytes (magic number 0x{magic:08x}, "
                                f"expected 0x{IMAGE_MAGIC:08x} for images or 0x{LABEL_MAGIC:08x} for labels)")
            ndim = magic & 0xFF
            dims = struct.unpack(f">{ndim}I", _read_exactly(f, 4 * ndim, path, "the header"))
    except PermissionError:
        raise ToolError(f"{path}: permission denied; make the file readable") from None
    except OSError as exc:
        raise ToolError(f"{path}: cannot read ({exc.strerror or exc}); check the file") from None
    return magic, dims


class HashingReader:
    """A binary file that feeds every byte read from it to SHA-256: one pass reads and hashes."""

    def __init__(self, f) -> None:
        self.f = f
        self.sha256 = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.sha256.update(data)
        return data

    def hexdigest(self) -> str:
        """The whole file's digest, reading what the parser left unread."""
        for _ in iter(lambda: self.read(1 << 20), b""):
            pass
        return self.sha256.hexdigest()


def file_digests(files: dict[str, Path]) -> dict[str, str]:
    """The SHA-256 of each file as stored, as load() records them, without reading the arrays."""
    digests = {}
    for key, path in files.items():
        try:
            with open(path, "rb") as f:
                digests[key] = hashlib.file_digest(f, "sha256").hexdigest()
        except OSError as exc:
            raise ToolError(f"{path}: cannot read ({exc.strerror or exc}); check the file") from None
    return digests


def read_idx(path: Path, magic_expected: int) -> np.ndarray:
    """Read one IDX file (gzipped or raw), checking the header against the body before allocating."""
    return read_idx_hashed(path, magic_expected)[0]


def check_header(path: Path, magic_expected: int) -> tuple[int, ...]:
    """The dimensions an IDX file declares, checked against its kind, 28x28 and the file's size.

    A raw file must be exactly header + body long. A gzipped one is checked by its trailer, which
    stores the uncompressed size modulo 2^32, and by deflate's limit of 1032:1: a header that
    declares more than the file can hold is refused here, before any large read.
    """
    magic, dims = read_header(path)
    kind = "images" if magic_expected == IMAGE_MAGIC else "labels"
    if magic != magic_expected:
        raise ToolError(f"{path}: holds {'images' if magic == IMAGE_MAGIC else 'labels'}, expected {kind}")
    if kind == "images" and tuple(dims[1:]) != (28, 28):
        raise ToolError(f"{path}: images are {'x'.join(map(str, dims[1:]))}, Fashion-MNIST's are 28x28")
    declared = 4 + 4 * len(dims) + int(np.prod(dims, dtype=np.int64))
    size = path.stat().st_size
    if path.suffix != ".gz":
        mismatch(path, dims, kind, declared, size, f"the file has {size} bytes")
        return dims
    if declared > size * 1032:
        mismatch(path, dims, kind, declared, 0, f"a {size}-byte gzip file cannot hold that much")
    with open(path, "rb") as f:
        f.seek(max(size - 4, 0))
        unpacked = struct.unpack("<I", f.read(4).rjust(4, b"\0"))[0]
    mismatch(path, dims, kind, declared % 2**32, unpacked, f"the gzip file unpacks to {unpacked} bytes")
    return dims


def mismatch(path: Path, dims: tuple[int, ...], kind: str, declared: int, held: int, what: str) -> None:
    """Refuse a file that holds fewer or more bytes than its header declares."""
    if held == declared:
        return
    claim = f"{path}: the header declares {dims[0]} {kind} ({declared} bytes), {what}"
    if held > declared:
        raise ToolError(f"{claim}: more data than the header declares; the file is corrupt, download it again")
    raise ToolError(f"{claim}; it is truncated or corrupt, download it again")


def magic_of(key: str) -> int:
    return IMAGE_MAGIC if key.endswith("images") else LABEL_MAGIC


def check(files: dict[str, Path]) -> dict[str, int]:
    """All four headers against their files' sizes and each other, before anything is loaded (and
    before TensorFlow starts): every data error answers in a fraction of a second. Returns the
    number of training and test images."""
    return counts_of(files, checked_dims(files))


def checked_dims(files: dict[str, Path]) -> dict[str, tuple[int, ...]]:
    return {key: check_header(path, magic_of(key)) for key, path in files.items()}


def counts_of(files: dict[str, Path], dims: dict[str, tuple[int, ...]]) -> dict[str, int]:
    """Images and labels of each split must agree, and not be none."""
    counts = {}
    for split in ("train", "test"):
        images, labels = dims[f"{split}_images"][0], dims[f"{split}_labels"][0]
        if images != labels:
            raise ToolError(f"{files[split + '_images']} has {images} images but "
                            f"{files[split + '_labels']} has {labels} labels; they must agree")
        if images == 0:
            raise ToolError(f"{files[split + '_images']} holds no images")
        counts[split] = images
    return counts


def read_idx_hashed(path: Path, magic_expected: int,
                    dims: tuple[int, ...] | None = None) -> tuple[np.ndarray, str]:
    """read_idx, and the SHA-256 of the file as stored, from the same single read (dims: the header
    check_header already checked)."""
    dims = dims or check_header(path, magic_expected)
    kind = "images" if magic_expected == IMAGE_MAGIC else "labels"
    header_size = 4 + 4 * len(dims)
    body = int(np.prod(dims, dtype=np.int64))
    with open(path, "rb") as raw:
        hashing = HashingReader(raw)
        f = gzip.GzipFile(fileobj=hashing, mode="rb") if path.suffix == ".gz" else hashing
        _read_exactly(f, header_size, path, "the header")
        # For gzip the real size is known only by reading: read at most what the header
        # declares, in chunks, so a lying header costs no more memory than the data present.
        chunks, remaining = [], body
        while remaining > 0:
            chunk = _read_exactly(f, min(remaining, 1 << 24), path, f"{dims[0]} {kind}")
            chunks.append(chunk)
            remaining -= len(chunk)
        try:
            extra = f.read(1)
        except (EOFError, OSError, zlib.error) as exc:
            raise ToolError(f"{path}: corrupt gzip data after the {kind} ({exc}); download it again") from None
        if extra:
            raise ToolError(f"{path}: more data than the header declares ({dims[0]} {kind}); "
                            "the file is corrupt, download it again")
        digest = hashing.hexdigest()
    array = np.frombuffer(b"".join(chunks), dtype=np.uint8).reshape(dims)
    if kind == "labels" and array.size and array.max() >= TOTAL_CLASS:
        raise ToolError(f"{path}: label {int(array.max())} is outside 0..{TOTAL_CLASS - 1}")
    return array, digest


def count_train_images(files: dict[str, Path] | None) -> int:
    """The training set's size, every file's header checked first, so options and data errors are
    answered before loading (and before TensorFlow starts)."""
    return STANDARD_COUNTS["train"] if files is None else check(files)["train"]


def download() -> dict[str, Path]:
    """The lecture's way: keras.datasets.fashion_mnist, which fills the Keras cache."""
    from fashion_tools.keras_setup import keras_import

    keras = keras_import()

    try:
        keras.datasets.fashion_mnist.load_data()
    except Exception as exc:  # any network or cache failure ends the same way for the user
        raise ToolError(f"no Fashion-MNIST data found and the download failed ({first_line(exc)}); "
                        f"{HOW_TO_GET_DATA}") from None
    found = find_files(keras_cache_dir())
    if found is None:
        raise ToolError(f"the download left no files in {keras_cache_dir()}; {HOW_TO_GET_DATA}")
    return found


def load(files: dict[str, Path] | None) -> Dataset:
    """Read and validate the four files (downloading them first when files is None)."""
    source = "download" if files is None else str(Path(files["train_images"]).parent)
    if files is None:
        files = download()
    dims = checked_dims(files)
    counts_of(files, dims)
    arrays, digests = {}, {}
    for key, path in files.items():
        arrays[key], digests[key] = read_idx_hashed(path, magic_of(key), dims[key])
    x_train, y_train = arrays["train_images"], arrays["train_labels"]
    x_test, y_test = arrays["test_images"], arrays["test_labels"]
    return Dataset(x_train, y_train, x_test, y_test, source,
                   files={k: str(p) for k, p in files.items()}, sha256=digests)


def is_standard(data: Dataset) -> bool:
    return len(data.x_train) == STANDARD_COUNTS["train"] and len(data.x_test) == STANDARD_COUNTS["test"]
