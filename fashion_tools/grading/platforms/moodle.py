"""Moodle: how its "Download all submissions" names a student's files (what the grader reads); its grading
worksheet is written by gradebooks.py.

From Moodle's own code (mod/assign/classes/downloader.php since 4.1, download_submissions() in
mod/assign/locallib.php before): a student's prefix is the full name with '_' turned into ' ', then
'_<participant id>'. With "Download submissions in folders" (the default since 3.1) each submission plugin's
files lie under '<prefix>_assignsubmission_<plugin>' (with a trailing '_' before 4.1), online text as
onlinetext.html; without folders they are flat files '<prefix>_assignsubmission_<plugin>_<file>'.
"""

from __future__ import annotations

import re

NAME = "moodle"
FOLDER = re.compile(r"(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[A-Za-z0-9]+)_?")
FLAT = re.compile(r"(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[A-Za-z0-9]+)_(?P<file>.+)")


def owner(parts: list[str]) -> tuple[str, str, str | None, bool, str] | None:
    """(key, name, identifier, late, file name) of the student an entry of the download belongs to, or None
    when its name is not Moodle's."""
    nested = len(parts) > 1
    m = (FOLDER if nested else FLAT).fullmatch(parts[0])
    return (m["id"], m["name"], m["id"], False, parts[-1] if nested else m["file"]) if m else None
