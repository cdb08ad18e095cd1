"""`python fashion_items.py grade`: students' submissions graded against a reference run's results.json.

One module per job, in the order a submission goes through them:
  expected     the reference results.json, read and checked
  submissions  which files make a submission (a log, or a folder with a log and a model)
  reading      a file's bytes into cleaned text
  logparse     the lecture's sections found in that text (summary: model.summary()'s table;
               textscan: the linear-time line helpers both use)
  checks       one pass/fail check per section, with its reason
  model_check  a submitted model loaded safely and measured here (the only TensorFlow use)
  reports      the table, the summary line, CSV and JSON
  command      the command line that wires them
A new submission format or report format is one more module beside these.
"""
