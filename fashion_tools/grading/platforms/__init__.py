"""The learning platforms, one module each: what the grader reads of their downloads (the students' files,
named by each platform's rules; intake/bundles.py reads a download with them) and what it writes back
(gradebooks.py: Moodle's worksheet and Canvas' import CSV; gradescope.py: the autograder's results.json;
exports.py writes what the options ask for).

A new platform's download is one module with NAME and owner(parts), and one entry in DOWNLOADS.
"""

from __future__ import annotations

from fashion_tools.grading.platforms import canvas, moodle

DOWNLOADS = {platform.NAME: platform.owner for platform in (moodle, canvas)}  # tried in this order
