"""A picture handed in (a screenshot of the terminal or of Jupyter, a photo of the screen): recognised
by its first bytes and sent to a person, who reads it; it is never graded as unreadable text."""

from __future__ import annotations

from pathlib import Path

from fashion_tools.grading.readers import Reading

MAGIC = [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
         (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF")]
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic")


def picture_kind(head: bytes) -> str | None:
    """'PNG', 'JPEG', ... from a file's first bytes; None for anything else."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in MAGIC if head.startswith(magic)), None)


def read_picture(path: Path, head: bytes) -> Reading:
    kind = picture_kind(head) or path.suffix.lstrip(".").upper()
    return Reading(None, "picture", review=True,
                   problem=f"a picture ({kind}), not text: the grader does not read screenshots, look at it")
