"""Grading one submission: the pytest session of the hidden graders, the remote student, comparison, Keras checks, item outcomes, misconceptions, messages and results."""
