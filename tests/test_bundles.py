"""A platform's download read into students: Moodle and Canvas zips named as the platforms name them,
plain zips and folders, and hostile archives (traversal, absolute paths, links, bombs, limits)."""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from pathlib import Path

import pytest

from fashion_tools.errors import ToolError
from fashion_tools.grading.intake import safezip
from fashion_tools.grading.intake.bundles import open_bundle, opened_bundle

LOG = b"Epoch 1/5\nKeras CNN model accuracy: 0.9065\n"


def make_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return path


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def special(name: str, kind: int, data: bytes = b"") -> tuple[zipfile.ZipInfo, bytes]:
    """An entry whose Unix mode says link or device, as `zip --symlinks` stores one."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (kind | 0o777) << 16
    return info, data


def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def by_name(students) -> dict:
    return {s.name: s for s in students}


def names(student) -> list[str]:
    return sorted(p.name for p in student.paths)


def test_moodle_download_folders_merged_per_participant(tmp_path):
    run_zip = zip_bytes([("run/notebook.ipynb", b"{}"), ("run/inner.zip", zip_bytes([("deep.txt", b"x")]))])
    bundle = make_zip(tmp_path / "C1-Lab 3-42.zip", [
        ("Zoë O'Brien_123456_assignsubmission_file_/console log.txt", LOG),
        ("Zoë O'Brien_123456_assignsubmission_file_/after.h5", b"HDF"),
        ("Zoë O'Brien_123456_assignsubmission_onlinetext_/onlinetext.html", b"<p>Epoch 1/5</p>"),
        ("Jean-Luc Picard_654321_assignsubmission_file/run.zip", run_zip),  # Moodle 4.1+: no trailing '_'
        ("Åsa Ödman_111_assignsubmission_onlinetext_/onlinetext.html", b"<p>hi</p>"),
    ])
    students = open_bundle(bundle, tmp_path / "work")
    assert [s.name for s in students] == ["Åsa Ödman", "Jean-Luc Picard", "Zoë O'Brien"]
    zoe, picard, asa = by_name(students)["Zoë O'Brien"], by_name(students)["Jean-Luc Picard"], students[0]
    assert (zoe.identifier, zoe.platform, zoe.late, zoe.problem) == ("123456", "moodle", False, None)
    assert names(zoe) == ["after.h5", "console_log.txt", "onlinetext.html"]
    assert zoe.paths[1].read_bytes() == LOG
    assert picard.identifier == "654321"
    assert names(picard) == ["inner.zip", "notebook.ipynb"]  # its zip opened one level: the inner one stays
    assert asa.identifier == "111" and names(asa) == ["onlinetext.html"]
    work = (tmp_path / "work").resolve()
    assert all(p.resolve().is_relative_to(work) for s in students for p in s.paths)
    private = next((tmp_path / "work").iterdir())
    assert stat.S_IMODE(private.stat().st_mode) == 0o700


def test_moodle_flat_download_without_folders(tmp_path):
    bundle = make_zip(tmp_path / "flat.zip", [
        ("Zoë O'Brien_123456_assignsubmission_file_console_log.txt", LOG),
        ("Zoë O'Brien_123456_assignsubmission_onlinetext_onlinetext.html", b"<p>x</p>"),
    ])
    [zoe] = open_bundle(bundle, tmp_path / "work")
    assert (zoe.name, zoe.identifier, zoe.platform) == ("Zoë O'Brien", "123456", "moodle")
    assert names(zoe) == ["console_log.txt", "onlinetext.html"]


def test_canvas_download_grouped_by_user_with_late_flags(tmp_path):
    bundle = make_zip(tmp_path / "submissions.zip", [
        ("obrienzoë_LATE_123_456_console_log.txt", LOG),
        ("obrienzoë_LATE_123_457_after.h5", b"HDF"),
        ("picardjeanluc_789_1011_my_run_log-1.txt", LOG),  # resubmitted: Canvas added -1
        ("picardjeanluc_789_1012_my_run_log.txt", LOG),
        ("dax_555_text.html", b"<p>Epoch 1/5</p>"),
        ("anon_Xy12Z_2222_log.txt", LOG),
    ])
    students = by_name(open_bundle(bundle, tmp_path / "work"))
    zoe = students["obrienzoë"]
    assert (zoe.identifier, zoe.late, zoe.platform) == ("123", True, "canvas")
    assert names(zoe) == ["after.h5", "console_log.txt"]
    picard = students["picardjeanluc"]
    assert (picard.identifier, picard.late) == ("789", False)
    assert names(picard) == ["my_run_log-1.txt", "my_run_log.txt"]
    assert names(students["dax"]) == ["text.html"]
    assert students["anon_Xy12Z"].identifier == "anon_Xy12Z" and names(students["anon_Xy12Z"]) == ["log.txt"]


def test_plain_zip_one_student_per_top_level_entry(tmp_path):
    bundle = make_zip(tmp_path / "class.zip", [
        ("alice.txt", LOG), ("bob/log.txt", LOG), ("bob/models/after.h5", b"HDF"),
        ("__MACOSX/._alice.txt", b"junk"), ("bob/.DS_Store", b"junk"),
        ("carol.zip", zip_bytes([("carol/log.txt", LOG)])),
    ])
    students = open_bundle(bundle, tmp_path / "work")
    assert [(s.name, s.identifier, s.platform) for s in students] == [
        ("alice.txt", None, "plain"), ("bob", None, "plain"), ("carol.zip", None, "plain")]
    assert [names(s) for s in students] == [["alice.txt"], ["after.h5", "log.txt"], ["log.txt"]]


def test_folder_is_read_in_place_without_following_links(tmp_path):
    root = tmp_path / "download"
    zoe = root / "Zoë O'Brien_123456_assignsubmission_file_"
    zoe.mkdir(parents=True)
    (zoe / "log.txt").write_bytes(LOG)
    (zoe / "secret").symlink_to("/etc/passwd")
    sam = root / "Sam Lee_222_assignsubmission_file_"
    sam.mkdir()
    (sam / "work.zip").write_bytes(zip_bytes([("log.txt", LOG)]))
    (root / "grades.csv").write_text("Identifier\n")  # the teacher's worksheet, saved beside the download
    students = by_name(open_bundle(root, tmp_path / "work"))
    assert students["Zoë O'Brien"].identifier == "123456" and students["Zoë O'Brien"].platform == "moodle"
    assert (students["grades.csv"].identifier, students["grades.csv"].platform) == (None, "plain")
    assert students["Zoë O'Brien"].paths == [zoe / "log.txt"]
    assert "symbolic link" in students["Zoë O'Brien"].problem
    assert names(students["Sam Lee"]) == ["log.txt"]  # its zip unpacked into the work folder
    assert students["Sam Lee"].paths[0].resolve().is_relative_to((tmp_path / "work").resolve())
    assert (sam / "work.zip").exists()  # the teacher's folder is left as it was


def test_hostile_entries_fail_only_their_student_and_nothing_leaves_the_work_folder(tmp_path):
    bomb = b"\0" * (5 * 1024 * 1024)  # deflates about 1000 times
    bundle = make_zip(tmp_path / "hostile.zip", [
        ("alice/log.txt", LOG),
        ("../evil", b"owned"), ("/etc/x", b"owned"), ("C:\\Windows\\evil.txt", b"owned"),
        ("bob/log.txt", LOG), ("bob/../../evil2", b"owned"),
        ("carol/log.txt", LOG), special("carol/link", stat.S_IFLNK, b"/etc/passwd"),
        ("dave/log.txt", LOG), special("dave/tty", stat.S_IFCHR),
        ("erin/log.txt", LOG), ("erin/bomb.txt", bomb),
    ])
    (tmp_path / "work").mkdir()
    before = listing(tmp_path)
    students = by_name(open_bundle(bundle, tmp_path / "work"))
    assert students["alice"].problem is None and names(students["alice"]) == ["log.txt"]
    for name, why in [("bob", "'..'"), ("carol", "symbolic link"), ("dave", "device"), ("erin", "zip bomb")]:
        assert why in students[name].problem and names(students[name]) == ["log.txt"], name
    for raw, why in [("../evil", "'..'"), ("/etc/x", "absolute"), ("C:\\Windows\\evil.txt", "absolute")]:
        assert students[raw].paths == [] and why in students[raw].problem and students[raw].platform == "plain"
    after = listing(tmp_path)
    assert {p for p in after - before if not p.startswith("work" + os.sep)} == set()
    assert not any("evil" in p or "owned" in p for p in after)
    assert not (tmp_path.parent / "evil").exists()


def test_a_students_bad_nested_zip_fails_only_that_student(tmp_path, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_ENTRIES", 4)
    crowded = zip_bytes([(f"f{i}.txt", b"x") for i in range(6)])
    bundle = make_zip(tmp_path / "b.zip", [("alice/log.txt", LOG), ("bob/work.zip", crowded),
                                           ("carol/broken.zip", b"PK\x03\x04 not really")])
    students = by_name(open_bundle(bundle, tmp_path / "work"))
    assert students["alice"].problem is None
    assert "over the limit of 4" in students["bob"].problem and names(students["bob"]) == ["work.zip"]
    assert "cannot be opened as a zip" in students["carol"].problem
    assert names(students["carol"]) == ["broken.zip"]  # kept, so the teacher sees what was handed in


def test_an_entry_over_the_size_limit_is_refused_while_copying(tmp_path, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_ENTRY_BYTES", 1000)
    bundle = make_zip(tmp_path / "b.zip", [("alice/log.txt", LOG), ("alice/big.bin", os.urandom(3000))])
    [alice] = open_bundle(bundle, tmp_path / "work")
    assert "over" in alice.problem and names(alice) == ["log.txt"]


def one_line_error(path: Path, workdir: Path) -> str:
    with pytest.raises(ToolError) as caught:
        open_bundle(path, workdir)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_bundle_wide_violations_are_one_line_errors(tmp_path, monkeypatch):
    good = make_zip(tmp_path / "good.zip", [(f"s{i}/log.txt", LOG) for i in range(5)])
    monkeypatch.setattr(safezip, "MAX_ENTRIES", 3)
    assert "5 entries, over the limit of 3" in one_line_error(good, tmp_path / "w1")
    monkeypatch.setattr(safezip, "MAX_ENTRIES", 10_000)
    monkeypatch.setattr(safezip, "MAX_TOTAL_BYTES", 100)
    assert "unpacks to more than" in one_line_error(good, tmp_path / "w2")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "damaged or truncated zip" in one_line_error(truncated, tmp_path / "w3")
    text = tmp_path / "grades.txt"
    text.write_text("not a zip")
    assert "not a zip file" in one_line_error(text, tmp_path / "w4")
    assert "no such file" in one_line_error(tmp_path / "missing.zip", tmp_path / "w5")


def test_opened_bundle_removes_its_work_folder(tmp_path):
    bundle = make_zip(tmp_path / "b.zip", [("alice/log.txt", LOG)])
    with opened_bundle(bundle, tmp_path) as students:
        path = students[0].paths[0]
        assert path.read_bytes() == LOG
    assert not path.exists()
    assert listing(tmp_path) == {"b.zip"}


MOODLE = [(f"{name}_{number}_assignsubmission_file_/lab3.log", LOG) for name, number in [
    ("Jane Doe", 123456), ("Jean-Luc Picard", 234567), ("Åsa Ödman", 345678), ("Zoë O'Brien", 456789),
    ("Sam Lee", 567890), ("Kim Park", 678901), ("Ravi Rao", 789012)]]
CANVAS = [(f"{name}_{user}_{1000 + user}_log.txt", LOG) for name, user in [("doejane", 11), ("picardjeanluc", 12),
                                                                           ("odmanasa", 13)]]


def moodle_ids(students) -> list[tuple[str | None, str]]:
    return sorted((s.identifier, s.platform) for s in students)


@pytest.mark.parametrize("shape", ["wrapped", "wrapped twice", "zip in zip", "zip in a wrapped zip"])
def test_a_rezipped_moodle_download_is_every_student(tmp_path, shape):
    """A Moodle download unzipped and zipped again (its folder 'moodle/' around the students' folders), or
    its zip kept inside another: seven students, never one."""
    if shape == "wrapped":
        bundle = make_zip(tmp_path / "class.zip", [(f"moodle/{name}", data) for name, data in MOODLE])
    elif shape == "wrapped twice":
        bundle = make_zip(tmp_path / "class.zip", [(f"lab3/moodle/{name}", data) for name, data in MOODLE])
    elif shape == "zip in zip":
        bundle = make_zip(tmp_path / "class.zip", [("C1-Lab 3-42.zip", zip_bytes(MOODLE))])
    else:
        bundle = make_zip(tmp_path / "class.zip", [("downloads/C1-Lab 3-42.zip", zip_bytes(MOODLE)),
                                                   ("__MACOSX/._x", b"junk")])
    students = open_bundle(bundle, tmp_path / "work")
    assert moodle_ids(students) == sorted((str(n), "moodle") for n in (123456, 234567, 345678, 456789, 567890,
                                                                      678901, 789012))
    assert all(s.problem is None and [p.read_bytes() for p in s.paths] == [LOG] for s in students)


def test_a_canvas_download_zipped_in_a_zip_and_a_stray_file(tmp_path):
    bundle = make_zip(tmp_path / "class.zip", [("submissions.zip", zip_bytes(CANVAS)), ("notes.txt", b"mine")])
    students = open_bundle(bundle, tmp_path / "work")
    assert sorted((s.name, s.identifier, s.platform) for s in students) == [
        ("doejane", "11", "canvas"), ("notes.txt", None, "plain"), ("odmanasa", "13", "canvas"),
        ("picardjeanluc", "12", "canvas")]


def test_a_folder_holding_the_downloads_folder_is_the_class(tmp_path):
    """The teacher's folder: the unpacked download inside another folder, beside the worksheet."""
    from fashion_tools.grading.intake.submissions import find_submissions

    root = tmp_path / "Lab 3"
    for name, data in MOODLE:
        (root / "download" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "download" / name).write_bytes(data)
    (root / "worksheet.csv").write_text("Identifier\n")
    subs = find_submissions(str(root), tmp_path / "work")
    assert sorted(s.identifier for s in subs if s.platform == "moodle") == [str(n) for n in (
        123456, 234567, 345678, 456789, 567890, 678901, 789012)]
    assert [s.name for s in subs if s.platform == "plain"] == ["worksheet.csv"]
    one = tmp_path / "zoe"  # one student's own folder with a subfolder stays one submission
    (one / "run").mkdir(parents=True)
    (one / "run" / "lab3.log").write_bytes(LOG)
    (one / "lab3.log").write_bytes(LOG)
    assert [s.name for s in find_submissions(str(one), tmp_path / "work2")] == [str(one)]


def test_a_students_nested_zip_bomb_encrypted_or_link_zip_is_their_review_and_the_class_is_graded(tmp_path):
    """Overlapping 1 MiB entries, each under the ratio limit, add up past the bundle's budget: once the whole
    class was refused (exit 2) after writing 2 GB. Now the student's zip gets its share (200 times its size)."""
    from fashion_tools.grading.intake.submissions import find_submissions

    bomb = zip_bytes([(f"f{i}.txt", b"\0" * (1 << 20)) for i in range(400)])  # 400 MiB from about 400 kB
    encrypted = zip_bytes([("log.txt", LOG)])
    encrypted = encrypted.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00", 1) \
        .replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00", 1)
    entries = [("Ann Bell_1_assignsubmission_file_/work.zip", bomb),
               ("Bo Chen_2_assignsubmission_file_/work.zip", encrypted),
               special("Cy Dunn_3_assignsubmission_file_/work.zip", stat.S_IFLNK, b"/etc/passwd"),
               *MOODLE[3:]]
    started = time.monotonic()
    subs = {s.name: s for s in find_submissions(str(make_zip(tmp_path / "class.zip", entries)), tmp_path / "work")}
    assert time.monotonic() - started < 60 and len(subs) == 7
    for name, why in [("Ann Bell", "a zip bomb?"), ("Bo Chen", "encrypted"), ("Cy Dunn", "symbolic link")]:
        log = subs[name].log
        assert log.review and why in (log.problem or "") + (subs[name].note or ""), (name, log.problem)
    assert all(subs[name].log.readable for name in ("Zoë O'Brien", "Sam Lee", "Kim Park", "Ravi Rao"))
    written = sum(p.stat().st_size for p in (tmp_path / "work").rglob("*") if p.is_file())
    assert written < 5 << 20, written  # nothing of the bomb left behind
