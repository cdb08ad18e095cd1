"""`python fashion_items.py grade`: students' submissions graded against a reference run's results.json.

One module per job, in the order a submission goes through them:
  expected     the reference results.json, read and checked
  intake/      a download, folder or file into students, and which files make each one's submission
  readers/     a handed-in file (log, notebook, HTML, PDF, Word, source) into the text it shows
  runs         that text cut into runs, one chosen (logparse: the lecture's sections in one run;
               summary: model.summary()'s table; textscan: the linear-time line helpers)
  checks       one check per section: PASS, FAIL or REVIEW, with its reason
  model_check  a submitted model loaded safely and measured here (the only TensorFlow use)
  reports/     the table, the summary line, CSV, JSON and feedback files
  platforms/   the platforms' gradebooks and results out (Moodle, Canvas, Gradescope)
  command      the command line that wires them
A new submission format is one module in readers/; a new report or platform, one in reports/ or platforms/.
"""
