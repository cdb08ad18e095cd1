"""Which of a reading's sections OCR read from pictures, and which line of each it doubts."""

from __future__ import annotations

from fashion_tools.grading.parse.table import SECTION_STARTS
from fashion_tools.grading.readers.ocr.screen_ocr import WORD_DOUBT


def section_spans(text: str) -> dict[str, tuple[int, int]]:
    """Each check's section as (start, end) in the text: from its first line to the next section's."""
    starts = {}
    for check, needles in SECTION_STARTS.items():
        found = [at for at in (text.find(n) for n in needles) if at >= 0]
        if found:
            starts[check] = text.rfind("\n", 0, min(found)) + 1
    order = sorted(set(starts.values())) + [len(text)]
    return {check: (at, next(e for e in order if e > at)) for check, at in starts.items()}


def picture_sources(reading) -> tuple[dict[str, str], dict[str, str]]:
    """(check -> the pictures its section was read from, check -> a line of it OCR is not sure of), for a
    reading (readers.Reading) some of whose text OCR read from pictures."""
    pictures, doubts = {}, {}
    for check, (start, end) in section_spans(reading.text).items():
        if not any(a < end and start < b for a, b in reading.pictures):
            continue
        names = [reading.where(start)] + [name for at, name in reading.parts if start < at < end]
        pictures[check] = ", ".join([n for n in dict.fromkeys(names) if n][:3]) or "a picture"
        inside = [why for at, why in reading.doubts if start <= at < end
                  and (check != "training" or reading.text.startswith("Epoch", at))]  # training counts headers
        doubt = next((why for why in inside if WORD_DOUBT not in why), inside[0] if inside else None)
        if doubt:  # a number's doubt first: it is the one that can make a check fail
            doubts[check] = doubt
    return pictures, doubts


