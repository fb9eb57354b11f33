"""What the grading machine has: the optional parts some grader items need.

A grader item that needs one says so with ``@pytest.mark.needs("tensorflow")``; on a
machine without it the item is ``not_graded`` (`autograder.grading.problems.NotGraded`) before
any fixture or student code runs — the machine's lack, never the student's fault.
"""

import functools
import importlib.util
import os
from collections.abc import Iterable

from autograder.course import messages

# requirement → (modules that must be importable, message catalog key, how to install it into a
# checkout); `install_hint` gives the command that fits where the package runs.
REQUIREMENTS = {
    "tensorflow": (("tensorflow", "keras"), "tensorflow_unavailable", 'pip install -e ".[cnn]"'),
}
EXTRAS = {"tensorflow": "cnn"}
DISTRIBUTION = "cv-course-autograder"


@functools.cache
def has(requirement: str) -> bool:
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


def missing(requirements: Iterable[str] = tuple(REQUIREMENTS)) -> list[str]:
    """The requirements of ``requirements`` this machine lacks, in order."""
    return [r for r in requirements if not has(r)]


def install_hint(requirement: str) -> str:
    """The command that installs ``requirement``: into a checkout (an editable install)
    or, for an installed package, from the package index."""
    from autograder.course import paths

    if paths.PACKAGE.parent == paths.COURSE_ROOT:
        return REQUIREMENTS[requirement][2]
    return f'pip install "{DISTRIBUTION}[{EXTRAS[requirement]}]"'


def lacking(*requirements: str) -> dict | None:
    """The message (zh-TW and English) for the first of ``requirements`` this machine
    lacks, or `None` when it has them all (the grader then raises ``NotGraded``)."""
    for requirement in requirements:
        if requirement not in REQUIREMENTS:
            raise ValueError(f"unknown requirement {requirement!r}; known: {', '.join(REQUIREMENTS)}")
        if not has(requirement):
            key = REQUIREMENTS[requirement][1]
            return messages.text(key, install=install_hint(requirement))
    return None


# TensorFlow's C++ start-up logging (the oneDNN notice, absl's "All log messages before
# absl::InitializeLog()", CPU-feature notes) is noise while grading. Read once, when
# TensorFlow is first imported, so set before that; a value already set is kept.
# oneDNN's notice is printed whatever the log level while oneDNN is on: it is turned off,
# as in the sandbox's child (results stay deterministic either way).
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "GRPC_VERBOSITY": "ERROR",
                    "GLOG_minloglevel": "3", "ABSL_MIN_LOG_LEVEL": "3"}


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ logging in this process and those it starts (see above)."""
    for key, value in QUIET_TENSORFLOW.items():
        os.environ.setdefault(key, value)
