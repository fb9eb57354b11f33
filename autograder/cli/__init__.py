"""The command line: ``autograder build | grade | batch | demo | release | gradescope-bundle |
selfcheck`` (`commands`), and the instructor-facing refusals of bad input (`refusals`)."""

from autograder.cli.commands import main

__all__ = ["main"]
