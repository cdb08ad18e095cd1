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
# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">, <?xml ... encoding="x"?>
CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})"""
                     rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
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


def declared_charset(data: bytes) -> str | None:
    """The codec an HTML page's <meta charset> (or http-equiv Content-Type) or an XML declaration names in
    its first 1024 bytes, as a browser's prescan finds it; None when none is named or Python has no such codec."""
    found = CHARSET.search(data[:1024])
    if not found:
        return None
    try:
        return codecs.lookup((found[1] or found[2]).decode("ascii")).name
    except LookupError:
        return None


def decode(data: bytes) -> tuple[str | None, str | None]:
    """The text, as a browser decodes a page that its server gives no charset for: UTF-16 by its
    byte-order mark (Windows PowerShell's redirect); UTF-8 whenever the bytes are UTF-8 (a page
    without a declared charset, Moodle's onlinetext.html, is read as UTF-8, not as Latin-1); else the
    charset the page declares; else Windows' "ANSI" code page 1252 (a cp1252 console, Notepad's "Save as
    ANSI"); leniently at the end."""
    if not data.strip():
        return None, EMPTY
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\0" in data:
        return None, "a binary file of a format the grader does not read (it holds NUL bytes): look at it"
    else:
        text = None
        for codec in dict.fromkeys(("utf-8-sig", declared_charset(data), "cp1252")):
            try:
                text = data.decode(codec) if codec else None
            except UnicodeDecodeError:
                continue
            if text is not None:
                break
        if text is None:
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
