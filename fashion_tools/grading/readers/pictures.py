"""Moved to readers/ocr/pictures.py; kept for the importers outside the readers (submissions.py) until they
import from there."""

from fashion_tools.grading.readers.ocr.pictures import PICTURE_SUFFIXES, picture_kind, read_pictures  # noqa: F401
