"""``autograder build``: everything generated from ``solutions/`` (stubs, notebooks)."""
