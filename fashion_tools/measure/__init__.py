"""The lecture measured: its range over seeds (reference), the common mistakes' signatures, and the
Dask plumbing that runs that work, grade's model checks and its heavy reading on a cluster.

  seeds       one seed's child run (the default run for that seed), started here or on a worker
  spread      the seeds' numbers summed up, and their table
  reference   `python fashion_items.py reference`: seeds -> reference.json
  signatures  `python fashion_items.py mistakes`: each mistake measured as a reference of its own
  cluster/    --scheduler: connect, ship the code, share the data files, and the tasks (seeds, model
              checks, readers)
Imports run one way: reference -> seeds, spread (-> cluster.seeds when --scheduler); cluster's task
modules -> connect -> code, versions; nothing here imports reference back.
"""
