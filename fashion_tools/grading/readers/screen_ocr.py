"""Moved to readers/ocr/; kept for the importers outside the readers (checks.py, test_real_renders.py) until
they import from there."""

from fashion_tools.grading.readers.ocr.screen_ocr import WORD_DOUBT, tesseract_ready  # noqa: F401
