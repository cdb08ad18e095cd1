"""The IDX reader and data locating: valid files in both forms, and each way a file can be wrong."""

from __future__ import annotations

import gzip
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, assert_clean_error, run_tool
from synthetic import idx_bytes, make_dataset, write_idx

from fashion_tools import data
from fashion_tools.errors import ToolError


@pytest.mark.parametrize("gz", [True, False])
def test_reads_gzipped_and_raw(tmp_path, gz):
    folder = make_dataset(tmp_path, n_train=50, n_test=20, gz=gz)
    d = data.load(data.locate(str(folder)))
    assert d.x_train.shape == (50, 28, 28) and d.x_train.dtype == np.uint8
    assert d.y_train.shape == (50,) and d.x_test.shape == (20, 28, 28) and d.y_test.shape == (20,)
    assert d.y_train[5] == 2 and set(d.y_test) == set(range(10))
    assert set(d.sha256) == set(data.FILES) and all(len(h) == 64 for h in d.sha256.values())


def test_gz_and_raw_give_the_same_arrays(tmp_path):
    a = data.load(data.locate(str(make_dataset(tmp_path / "a", 30, 10, gz=True))))
    b = data.load(data.locate(str(make_dataset(tmp_path / "b", 30, 10, gz=False))))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)


def error_of(folder) -> str:
    with pytest.raises(ToolError) as info:
        data.load(data.locate(str(folder)))
    return str(info.value)


def test_wrong_magic_number(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=False)
    raw = bytearray((folder / "train-images-idx3-ubyte").read_bytes())
    raw[:4] = b"\x00\x00\x09\x99"
    (folder / "train-images-idx3-ubyte").write_bytes(bytes(raw))
    assert "magic number" in error_of(folder) and "train-images" in error_of(folder)


def test_labels_where_images_belong(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=False)
    (folder / "train-images-idx3-ubyte").write_bytes((folder / "train-labels-idx1-ubyte").read_bytes())
    assert "expected images" in error_of(folder)


def test_wrong_image_size(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=False)
    write_idx(folder / "t10k-images-idx3-ubyte", np.zeros((10, 32, 32), np.uint8), gz=False)
    assert "32x32" in error_of(folder)


def test_truncated_raw_file(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=False)
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    message = error_of(folder)
    assert "truncated" in message and str(path) in message


def test_truncated_gzip(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=True)
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    message = error_of(folder)
    assert "gzip" in message or "truncated" in message
    assert str(path) in message


def test_corrupt_gzip(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=True)
    path = folder / "train-labels-idx1-ubyte.gz"
    raw = bytearray(path.read_bytes())
    raw[20:40] = b"\xff" * 20
    path.write_bytes(bytes(raw))
    assert "train-labels" in error_of(folder)


def test_gzip_with_more_data_than_declared(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=True)
    with gzip.open(folder / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(idx_bytes(np.zeros(10, np.uint8)) + b"\x00" * 5)
    assert "more data than the header" in error_of(folder)


def test_image_and_label_counts_disagree(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=True)
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros(29, np.uint8), gz=True)
    message = error_of(folder)
    assert "30 images" in message and "29 labels" in message


def test_label_out_of_range(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=True)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.full(10, 12, np.uint8), gz=True)
    assert "label 12 is outside 0..9" in error_of(folder)


def test_missing_file(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=True)
    (folder / "t10k-images-idx3-ubyte.gz").unlink()
    assert "lacks t10k-images-idx3-ubyte" in error_of(folder)


def test_huge_declared_count_is_refused_by_size_before_reading(tmp_path):
    folder = make_dataset(tmp_path, 30, 10, gz=False)
    header = struct.pack(">IIII", data.IMAGE_MAGIC, 2**31, 28, 28)
    (folder / "train-images-idx3-ubyte").write_bytes(header + b"\x00" * 784)
    assert "2147483648 images" in error_of(folder)


def test_empty_folder_says_how_to_get_the_data(tmp_path):
    message = error_of(tmp_path)
    assert "apt-get install dataset-fashion-mnist" in message and "--data-dir" in message


def test_failed_download_says_how_to_get_the_data(monkeypatch, tmp_path):
    import keras

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data",
                        lambda: (_ for _ in ()).throw(OSError("network unreachable")))
    with pytest.raises(ToolError) as info:
        data.load(None)
    assert "download failed (network unreachable)" in str(info.value)
    assert "apt-get install dataset-fashion-mnist" in str(info.value)


def test_bad_data_file_through_the_command(tmp_path):
    folder = make_dataset(tmp_path / "data", 30, 10, gz=False)
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:1000])
    result = run_tool("--data-dir", str(folder), "--epochs", "1", cwd=tmp_path)
    assert_clean_error(result, 2, "train-images-idx3-ubyte", "truncated")
    assert not (tmp_path / "after.h5").exists()


BAD_FILES = {
    "huge count": lambda f: (f / "train-images-idx3-ubyte").write_bytes(
        struct.pack(">IIII", data.IMAGE_MAGIC, 2**31, 28, 28) + b"\x00" * 784),
    "truncated test labels": lambda f: (f / "t10k-labels-idx1-ubyte").write_bytes(
        (f / "t10k-labels-idx1-ubyte").read_bytes()[:-3]),
    "counts disagree": lambda f: write_idx(f / "t10k-labels-idx1-ubyte", np.zeros(9, np.uint8)),
    "label out of range": lambda f: write_idx(f / "train-labels-idx1-ubyte", np.full(30, 12, np.uint8)),
}


@pytest.mark.parametrize("damage", BAD_FILES)
def test_every_data_error_answers_before_tensorflow_starts(tmp_path, damage):
    """All four files are checked before TensorFlow is imported (its import takes seconds and
    hundreds of MB): the command answers with the one line and TensorFlow never loaded."""
    folder = make_dataset(tmp_path / "data", 30, 10, gz=False)
    BAD_FILES[damage](folder)
    probe = ("import sys, fashion_items; status = fashion_items.main(sys.argv[1:]); "
             "print('tensorflow loaded' if 'tensorflow' in sys.modules else 'tensorflow not loaded'); "
             "sys.exit(status)")
    result = subprocess.run([sys.executable, "-c", probe, "--data-dir", str(folder), "--epochs", "1"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2, result.stderr
    assert result.stdout.strip().endswith("tensorflow not loaded"), result.stdout
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr


def test_gzip_trailer_that_disagrees_with_the_header(tmp_path):
    """A gzipped file is checked by its trailer (the unpacked size), without unpacking it."""
    folder = make_dataset(tmp_path, 30, 10, gz=True)
    path = folder / "train-images-idx3-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">IIII", data.IMAGE_MAGIC, 40, 28, 28) + b"\x00" * (30 * 784))
    with pytest.raises(ToolError, match="declares 40 images .* unpacks to 23536 bytes; it is truncated"):
        data.check(data.find_files(folder))


def test_file_digests_are_the_ones_load_records(synthetic_dir):
    files = data.find_files(synthetic_dir)
    assert data.file_digests(files) == data.load(files).sha256
