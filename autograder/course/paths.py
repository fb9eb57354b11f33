"""Where the course's folders are.

The course — the reference solutions, the stubs and public tests, the nbgrader
source, the lessons — is found, in this order:

1. ``AUTOGRADER_COURSE_ROOT`` (``autograder --course DIR`` sets it), a course folder
   such as a checkout of the course repository;
2. the checkout this package runs from (an editable install: the folders sit beside
   the ``autograder`` package);
3. the copy an installed wheel carries as package data (``autograder/_course``).

A checkout and an installed package therefore grade with the same files.
"""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
ENV = "AUTOGRADER_COURSE_ROOT"
# What makes a folder a course: the graders' oracle and the students' stubs.
REQUIRED = ("solutions", "exercises")


def is_course(folder: str | os.PathLike) -> bool:
    """Whether ``folder`` holds a course (``solutions/`` and ``exercises/``)."""
    folder = Path(folder)
    return all((folder / name).is_dir() for name in REQUIRED)


def find_course_root() -> Path:
    """The course folder (see the module docstring); the given one even if it is not a course."""
    given = os.environ.get(ENV)
    if given:
        return Path(given).expanduser().resolve()
    if is_course(PACKAGE.parent) and (PACKAGE.parent / "pyproject.toml").is_file():
        return PACKAGE.parent
    return PACKAGE / "_course"


COURSE_ROOT = find_course_root()
SOLUTIONS = COURSE_ROOT / "solutions"
EXERCISES = COURSE_ROOT / "exercises"
SOURCE = COURSE_ROOT / "source"
LESSONS = COURSE_ROOT / "lessons"
GRADERS = PACKAGE / "graders"
SANDBOX = PACKAGE / "sandbox"
