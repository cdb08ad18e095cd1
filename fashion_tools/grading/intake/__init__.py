"""A platform's download, a folder or a file into students and their files (layout.md's intake):

  safezip      a zip whose author may be hostile, read entry by entry within limits
  bundles      a download (Moodle, Canvas, a plain zip or folder) into students, at any depth
  submissions  a student's files into the one that is graded, read by readers/
"""
