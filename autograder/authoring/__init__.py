"""What instructors build from the solutions: stubs and notebooks, the student release, the Gradescope bundle, and the check()/grade() a notebook calls."""
