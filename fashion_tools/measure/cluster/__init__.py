"""`--scheduler ADDRESS`: `reference`'s seeds and `grade`'s model checks and heavy reading as tasks on a
Dask cluster (docs/cluster.md). Imported only when --scheduler is given, so without it nothing of Dask is.

  code      this checkout's code, shipped to the scheduler and every worker (plugins pickled by value)
  versions  the pinned packages and Python, compared between this client, the scheduler and the workers
  connect   a client of the scheduler: connected, checked, the code shipped; tasks run a few at a time
  files     files that travel with the work (the data set, a model, a hand-in), checked by SHA-256
  seeds     reference's seeds as tasks
  models    grade's model checks as tasks
  readers   grade's heavy reading (pictures, PDFs, Word reports) as tasks
"""
