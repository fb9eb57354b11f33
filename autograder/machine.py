"""What the grading machine has: the optional parts some grader items need.

A grader item that needs one says so with ``@pytest.mark.needs("tensorflow")``; on a
machine without it the item is ``not_graded`` (`autograder.problems.NotGraded`) before
any fixture or student code runs — the machine's lack, never the student's fault.
"""

import functools
import importlib.util

from autograder import messages

# requirement → (modules that must be importable, message catalog key, how to install it)
REQUIREMENTS = {
    "tensorflow": (("tensorflow", "keras"), "tensorflow_unavailable", 'pip install ".[cnn]"'),
}


@functools.cache
def has(requirement):
    """Whether this machine can import what ``requirement`` (a key of `REQUIREMENTS`) needs.

    Looks the modules up without importing them (TensorFlow takes seconds to import).
    """
    modules, _key, _install = REQUIREMENTS[requirement]
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


def missing(requirements=tuple(REQUIREMENTS)):
    """The requirements of ``requirements`` this machine lacks, in order."""
    return [r for r in requirements if not has(r)]


def install_hint(requirement):
    """The command that installs ``requirement`` into a course checkout's environment."""
    return REQUIREMENTS[requirement][2]


def require(*requirements):
    """Raise `autograder.problems.NotGraded` for the first of ``requirements`` this machine lacks."""
    from autograder.problems import NotGraded

    for requirement in requirements:
        if requirement not in REQUIREMENTS:
            raise ValueError(f"unknown requirement {requirement!r}; known: {', '.join(REQUIREMENTS)}")
        if not has(requirement):
            _modules, key, install = REQUIREMENTS[requirement]
            raise NotGraded(messages.text(key, install=install))
