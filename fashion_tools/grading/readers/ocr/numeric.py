"""Which of a line's tokens are numbers, and how a number in doubt is written: a screenshot's numbers are read
cell by cell (glyphs.py), its words as Tesseract reads them."""

from __future__ import annotations

import re

from fashion_tools.grading.readers.ocr import NUMBER_DOUBT
from fashion_tools.grading.readers.ocr.grid import Token

# A token that reads as a number (look-alikes of digits included): brackets, signs, digits, separators
NUMERIC = re.compile(r"[\[\](){}]*[-+]?[\dO©®@Il|SBQ][\dO©®@Il|SBQ.,/%]*[\[\](){}]*,?")
NUMBER_CHARS = "0123456789.,/%[]()-+:es"  # what a number's cells show ('35s', '1e-05'): '?' for any other
# A notebook's prompt as Tesseract reads it, sure or not ('Out[14]:', 'Out{[14]:', 'In [13]:'): drawn off the
# text's grid in another colour, so its cells never fit; no number begins with 'In' or 'Out'
PROMPT = re.compile(r"(In|Out) ?([^\w\s]{0,2}\w{0,4}[^\w\s]{0,2}:)")


def looks_numeric(text: str) -> bool:
    return NUMERIC.fullmatch(text) is not None and any(c.isdigit() for c in text)


def prompt(row: list[Token]) -> list[Token]:
    """The tokens of the line's notebook prompt ('Out[14]:' before a matrix's 'array([[', 'In [13]:' before
    code; [] where it begins with none), their text as Jupyter prints it: the execution count's digits as
    read, which no check reads."""
    for n in (1, 2):
        m = PROMPT.fullmatch(" ".join(t.text for t in row[:n])) if len(row) > n else None
        if m:
            count = "".join(c for c in m.group(2) if c.isdigit())
            if n == 1:
                row[0].text = f"{m.group(1)}[{count}]:"
            else:
                row[0].text, row[1].text = m.group(1), f"[{count}]:"
            return row[:n]
    return []


def numeric_tokens(row: list[Token]) -> list[Token]:
    """The tokens of a line to read again as numbers: those that read as one, or were not read; on a line
    mostly of numbers (a matrix row: most of its tokens, and at most one word), every token but a word (or a
    notebook's prompt)."""
    row = row[len(prompt(row)):]
    numeric = [t for t in row if not t.text or t.numeric or looks_numeric(t.text) or looks_numeric(t.named)]
    # counted with the tokens of look-alikes alone: a matrix row of lone zeros Firefox's Noto Sans Mono shows
    # and Tesseract reads 'Q,' and '@,' ('[  @,   Q,   Q,   Q,   Q, 979,   Q,  14,   Q,   7]') is one
    alike = [t for t in row if t in numeric or NUMERIC.fullmatch(t.text)]
    words = [t for t in row if len(t.text) == t.cells and re.search(r"[^\W\d_]{3}", t.text)]
    if not numeric or len(alike) * 2 <= len(row) or len(words) > 1:  # (a lone 'I' is no row of numbers)
        return numeric  # words with numbers: 'X train shape: (60000, 28, 28)', a summary's row
    return [t for t in row if t not in words]  # 'array([[' stays a word; '117' read as 'LUZ.' does not


def brackets(text: str) -> int:
    """How many opening brackets a token begins with ('[[840' 2): where a doubted number's '?' goes."""
    return len(text) - len(text.lstrip("[("))


def marked(text: str) -> str:
    """A doubted number with a leading '?', so that no parser takes the digits before the doubt for the number
    ('0?2564' is not 0); after a matrix's opening brackets, which are no part of its first number."""
    lead = brackets(text)
    return text if text[lead:].startswith("?") else text[:lead] + "?" + text[lead:]


def read_cells(t: Token) -> str:
    """A doubted number's cells as read, less the leading '?' that marks its doubt."""
    lead = brackets(t.text)
    return t.text[:lead] + t.text[lead + 1:] if len(t.text) == t.cells + 1 else t.text


def number_doubt(t: Token) -> str:
    """The reason a number is doubted: its cells as read, '?' where none is known."""
    return f"{NUMBER_DOUBT} {t.cells} characters read as {read_cells(t)!r}"
