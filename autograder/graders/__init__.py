"""The hidden graders: one pytest module per unit, run by `autograder.grading.engine`."""
