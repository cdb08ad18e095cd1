"""Canvas: how its "Download Submissions" names a student's files (what the grader reads); its gradebook
import CSV is written by gradebooks.py.

From Canvas' own code (lib/content_zipper.rb): flat files '<name>[_LATE]_<user id>_<file id>_<file name>', the
name being the sortable name lowercased and stripped of punctuation ('anon_<id>' replaces name and user id
under anonymous grading); a text entry is '..._text.html', a link '..._link.html'.
"""

from __future__ import annotations

import re

NAME = "canvas"
FILE = re.compile(r"(?:(?P<name>.+?)_)??(?P<late>LATE_)?(?P<id>\d+|anon_[A-Za-z0-9]+)_"
                  r"(?:(?P<fid>\d+)_(?P<file>.+)|(?P<kind>text|link)\.html)")


def owner(parts: list[str]) -> tuple[str, str, str | None, bool, str] | None:
    """(key, name, identifier, late, file name) of the student an entry of the download belongs to, or None
    when its name is not Canvas' (Canvas' download has no folders)."""
    m = None if len(parts) > 1 else FILE.fullmatch(parts[0])
    return (m["id"], m["name"] or m["id"], m["id"], bool(m["late"]), m["file"] or f"{m['kind']}.html") if m else None
