"""Atomic writes: the new file whole, or the old one untouched; output folders checked before work."""

from __future__ import annotations

import os

import pytest

from fashion_tools import atomic
from fashion_tools.errors import ToolError


def test_a_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("old")
    atomic.atomic_write_text(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "after.h5"
    path.write_bytes(b"old model")

    def half_then_fail(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(b"half a mod")
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        atomic.atomic_write(path, half_then_fail)
    assert path.read_bytes() == b"old model"
    assert [p.name for p in tmp_path.iterdir()] == ["after.h5"]


def test_the_temporary_keeps_the_suffix_and_the_umask_applies(tmp_path):
    seen = []

    def write(tmp: str) -> None:
        seen.append(tmp)
        open(tmp, "w").close()

    old = os.umask(0o022)
    try:
        atomic.atomic_write(tmp_path / "after.h5", write)
    finally:
        os.umask(old)
    assert seen[0].endswith(".h5")  # Keras picks the format by the suffix
    assert (tmp_path / "after.h5").stat().st_mode & 0o777 == 0o644


def test_discard_temporaries_removes_writes_in_progress(tmp_path):
    def interrupted(tmp: str) -> None:
        atomic.discard_temporaries()  # what the Ctrl-C handler does before the process ends
        assert not os.path.exists(tmp)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write(tmp_path / "x.json", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_writable_folder_checks(tmp_path):
    atomic.check_writable_folder(tmp_path / "a.csv", "--report")
    with pytest.raises(ToolError, match="--report .*folder .* does not exist"):
        atomic.check_writable_folder(tmp_path / "nowhere" / "a.csv", "--report")


def test_make_folder_creates_it_or_says_why_not(tmp_path):
    made = atomic.make_folder(tmp_path / "figures" / "run1", "--figures-dir", "sample.png")
    assert made.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ToolError, match="--figures-dir .*exists and is not a folder"):
        atomic.make_folder(tmp_path / "file", "--figures-dir", "sample.png")
    with pytest.raises(ToolError, match="cannot create the folder"):
        atomic.make_folder(tmp_path / "file" / "below", "--figures-dir", "sample.png")
