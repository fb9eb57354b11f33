"""Where the course's folders are.

The tool runs from a checkout of the course (an editable install): the reference
solutions, the stubs and the nbgrader source sit beside the ``autograder`` package.
``AUTOGRADER_COURSE_ROOT`` points elsewhere when the package is installed on its own
(as in the Gradescope bundle).
"""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
COURSE_ROOT = Path(os.environ.get("AUTOGRADER_COURSE_ROOT") or PACKAGE.parent).resolve()
SOLUTIONS = COURSE_ROOT / "solutions"
EXERCISES = COURSE_ROOT / "exercises"
SOURCE = COURSE_ROOT / "source"
LESSONS = COURSE_ROOT / "lessons"
GRADERS = PACKAGE / "graders"
SANDBOX = PACKAGE / "sandbox"
