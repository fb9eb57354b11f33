"""Grading a class: discovery, the driver and its executors (local processes, Dask), the SQLite gradebook, nbgrader's gradebook."""
