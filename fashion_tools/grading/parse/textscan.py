"""Finding lines in a long untrusted text in linear time: the helpers every section parser uses.

Patterns start with a fixed literal so the engine skips ahead to each occurrence, and every
scan is bounded (MAX_TRIES matches, SPAN characters after a heading).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

SPAN = 256 << 10  # how far after a heading its matrix or table may reach, in characters
LINE_REACH = 1000  # characters of a line read on either side of a position (a real line is under 500)
MAX_TRIES = 10_000  # lines of one kind read before giving up: a log has one or two of each, ten epochs
# what never follows a number: a letter or a symbol glued to it is a digit OCR misread ('0§.2498' is no 0,
# '0.9l35' no 0.9)
GLUED = r"(?![^\W\d_]|[§©®@$&#~^*|\\])"


def starting_line(head: str, rest: str, flags: int = 0) -> re.Pattern:
    """A pattern for a line that starts (after any indent) with head, a fixed-width literal.

    It begins with head itself, so the engine skips ahead to each occurrence of it instead of
    trying every character; the look-behind just after head then asks that head follows a
    newline or a space (or the start of the text).
    """
    return re.compile(f"{head}(?<![^\\n ]{head}){rest}", flags)


def iter_lines(text: str, pos: int) -> Iterator[str]:
    """The lines that follow the line holding pos, one at a time (within SPAN characters): a caller that
    stops early pays only for the lines it read."""
    start = text.find("\n", pos)
    if start < 0:
        return
    limit = min(len(text), start + 1 + SPAN)
    while start < limit:
        end = text.find("\n", start + 1, limit)
        end = limit if end < 0 else end
        yield text[start + 1:end]
        start = end


def lines_after(text: str, pos: int, count: int) -> list[str]:
    """Up to count lines that follow the line holding pos (within SPAN characters)."""
    return list(itertools.islice(iter_lines(text, pos), count))


def line_at(text: str, pos: int, reach: int = LINE_REACH) -> str:
    """The line holding pos, at most reach characters on either side: a hostile text may be one line."""
    low = max(0, pos - reach)
    start, end = text.rfind("\n", low, pos) + 1 or low, text.find("\n", pos, pos + reach)
    return text[max(start, low):min(len(text), pos + reach) if end < 0 else end]


def lines_holding(text: str, needle: str) -> Iterator[int]:
    """The position of needle in each line that holds it, each line once."""
    at = text.find(needle)
    while at >= 0:
        yield at
        end = text.find("\n", at)
        if end < 0:
            return
        at = text.find(needle, end)


def ascii_int(text: str) -> int | None:
    """'411,242' -> 411242; None for anything else (str.isdigit also accepts '²', int() does not)."""
    text = text.replace(",", "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def matches(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """The pattern's first MAX_TRIES matches: a hostile log may hold millions."""
    return itertools.islice(pattern.finditer(text), MAX_TRIES)
