"""Exercise and grading package of the 影像視覺 unit of AI 新手村攻略.

This file is deliberately tiny: the sandboxed child process can see it (and the
``autograder.sandbox`` package), never the graders or the reference solutions.
"""

__version__ = "0.1.0"
