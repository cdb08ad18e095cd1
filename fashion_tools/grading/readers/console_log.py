"""Reading a submitted file into text: a size limit, a lenient decoding, and the text cleaned as a
terminal finally showed it.

The file is untrusted. Nothing in it is executed or imported; at most MAX_LOG_BYTES + 1 bytes
are read, and every pattern here is linear in the text's length.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

MAX_LOG_BYTES = 20 << 20  # a real log of the lecture is about 10 kB
EMPTY = "empty file"
MAX_UNDECODABLE = 0.10  # a larger share of bytes that are not UTF-8 means it is no text log

# Terminal escape sequences: CSI (colours, cursor moves), OSC (titles), then any lone ESC.
# The character classes do not overlap, so each match is a single forward scan.
ANSI = re.compile(r"\x1b\[[0-?]*+[ -/]*+[@-~]|\x1b\][^\x07\x1b]*+\x07?|\x1b[@-_]?")
SPACES = ("\u00a0", "\u202f", "\u2007", "\t")  # a browser copy's no-break spaces, and tabs
# Carriage returns that end a line (CRLF, a progress bar's last one). The pattern begins with a
# literal, so the engine skips to each \r; the look-behind lets only a run's first \r start a match.
LINE_END_CR = re.compile(r"\r(?<!\r\r)\r*+(?=\n|\Z)")
OVERWRITTEN = re.compile(r"^(?:[^\n\r]*+\r)++", re.MULTILINE)  # a line up to its last \r: written over


def read_text(path: str | Path, limit: int = MAX_LOG_BYTES) -> tuple[str | None, str | None]:
    """(text, None) for a log, (None, why) for anything that is not one. Reads at most limit + 1 bytes."""
    path = Path(path)
    try:
        if not path.is_file():
            return None, "not a regular file"
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or type(exc).__name__})"
    if len(data) > limit:
        return None, f"larger than {limit >> 20} MB, too large for a console log"
    return decode(data)


def decode(data: bytes) -> tuple[str | None, str | None]:
    """UTF-8 (or UTF-16 with its byte-order mark, as Windows PowerShell redirects; or Windows'
    "ANSI" code page 1252, as a cp1252 console or Notepad's "Save as ANSI" writes), leniently."""
    if not data.strip():
        return None, EMPTY
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\0" in data:
        return None, "a binary file of a format the grader does not read (it holds NUL bytes): look at it"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("utf-8-sig", errors="replace")
    if text.count("\ufffd") > MAX_UNDECODABLE * len(text):
        return None, "a binary file of a format the grader does not read (mostly bytes that are not text): look at it"
    return text, None


def clean_text(text: str) -> str:
    """The log as a terminal finally showed it: no colours, each progress bar at its last state."""
    text = ANSI.sub("", text).replace("\b", "")  # a bar's backspaces move the cursor; the text stays
    for space in SPACES:
        text = text.replace(space, " ")
    text = LINE_END_CR.sub("", text)
    if "\r" in text:
        text = OVERWRITTEN.sub("", text)  # a carriage return starts the line over, as Keras' bar does
    return text
