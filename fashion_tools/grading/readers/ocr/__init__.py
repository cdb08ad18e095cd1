"""Pictures read by OCR: screenshots handed in as files or inside a Word report or a PDF.

  pictures    a hand-in's pictures read (each in a bounded child) and joined at their overlaps
  screen_ocr  one picture's text, by Tesseract on the picture's character grid
"""
