"""Pictures read by OCR: screenshots handed in as files or inside a Word report or a PDF.

  pictures    a hand-in's pictures read (each in a bounded child) and joined at their overlaps
  screen_ocr  one picture's text, by Tesseract on the picture's character grid
"""

WORD_DOUBT = "Tesseract is unsure of the word"  # a word's doubt, not a number's
NUMBER_DOUBT = "a number of"  # a number's: 'a number of 6 characters read as ...'
# (here, not in the reader: parse and check know a doubt's wording without loading OCR's engine and SciPy)
