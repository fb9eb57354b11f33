"""Checks to call from the course's notebooks.

``check("conv2d")``
    The public tests of one exercise (the same ones ``pytest exercises`` runs) against
    the functions defined in the notebook; prints the result table and raises
    `AssertionError` when a test fails. Students run it as often as they like.
``grade("conv2d")``
    The hidden graders of one exercise, comparing with the reference solution, inside
    the notebook's own kernel; raises when any item fails. It is what the hidden test
    cells call under ``nbgrader autograde``. It trusts the kernel — a notebook that
    tampers with its kernel can fool it, as it can fool any nbgrader test cell; the
    grade that counts comes from ``autograder grade``/``batch``, which runs the answer
    cells in an isolated process (see the README's threat model).
"""

import contextlib
import inspect
import io
import os
import sys
import types
import warnings

from autograder.course import messages, paths, units

# nbgrader fails a test cell that writes to stderr, even when every check passed:
# keep TensorFlow's C++ log lines (and Python warnings) out of the cell's output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def _quiet_stderr():
    """Nothing reaches stderr meanwhile, neither from Python nor from C libraries."""
    saved_fd = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved_stream = sys.stderr
    try:
        os.dup2(devnull, 2)
        sys.stderr = io.StringIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        sys.stderr = saved_stream
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        os.close(devnull)


def unit_of(exercise: str) -> str:
    """The unit whose exercise is ``exercise`` (`KeyError` if none)."""
    for unit in units.UNITS:
        if exercise in unit.exercises:
            return unit.name
    raise KeyError(f"{exercise!r} is not an exercise of this course")


def _caller_namespace(depth=2):
    frame = inspect.stack()[depth].frame
    return frame.f_globals


def _module(unit, namespace):
    module = types.ModuleType(unit)
    module.__dict__.update({k: v for k, v in namespace.items() if not k.startswith("__")})
    return module


class _GivenModules:
    """The pytest plugin through which the public tests' conftest receives the notebook."""

    __name__ = "notebook-modules"  # the name pytest registers this plugin under

    def __init__(self, modules, exercise, lang=None):
        self.modules = modules
        self.exercise = exercise
        self.lang = lang


def check(exercise: str, lang: str = "zh-TW", namespace: dict | None = None) -> None:
    """Run the public tests of ``exercise`` against this notebook's functions.

    Raises
    ------
    AssertionError
        Some public test failed (the table above says which and why).
    """
    import pytest

    unit = unit_of(exercise)
    namespace = _caller_namespace() if namespace is None else namespace
    plugin = _GivenModules({unit: _module(unit, namespace)}, exercise, lang)
    with _quiet_stderr():
        code = _run_public_tests(pytest, unit, plugin)
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        said = messages.text("check_no_tests")
        print(f"{exercise}: {said['zh-TW']} / {said['en']}")
        return
    if code != pytest.ExitCode.OK:
        raise AssertionError(f"{exercise}: {messages.text_in('check_tests_failed', lang)}")


def _run_public_tests(pytest, unit, plugin, extra=()):
    return pytest.main(
        [str(paths.EXERCISES / "tests" / f"test_{unit}.py"), "-c", str(paths.EXERCISES / "pytest.ini"),
         "--rootdir", str(paths.EXERCISES), "-p", "no:cacheprovider", "-q", "-s", "--color=no", "--tb=short",
         "--import-mode=importlib"],
        plugins=[plugin, *extra],
    )


def grade(exercise: str, lang: str = "zh-TW", namespace: dict | None = None) -> None:
    """Run the hidden graders of ``exercise`` against this notebook's functions.

    Prints each item's result and raises `AssertionError` unless all of them pass.

    Raises
    ------
    autograder.grading.engine.GraderFault
        A grader itself failed (an internal error, not the student's): its traceback.
    """
    from autograder.grading import engine
    from autograder.intake import loader

    unit = unit_of(exercise)
    namespace = _caller_namespace() if namespace is None else namespace
    submission = loader.LoadedSubmission(name="notebook", units={unit: None}).finish()
    results = []
    with _quiet_stderr():
        engine.Engine(units=[unit], exercises=[exercise], isolation="none",
                      modules={unit: _module(unit, namespace)}).run([submission], results.append)
    result = results[0]
    if result.grader_faults:
        raise engine.GraderFault("a grader failed:\n" + "\n".join(result.grader_faults))
    passed, not_passed = messages.text_in("status_passed", lang), messages.text_in("check_not_passed", lang)
    failed = []
    for item in result.items:
        ok = item.status == "passed"
        print(f"{'✔' if ok else '✘'} {item.id.split('.', 1)[1]:<40} {passed if ok else not_passed:<6} "
              f"{item.score:g}/{item.max_score:g}")
        if not ok:
            failed.append(item)
    print(f"{messages.text_in('check_points', lang)}: {result.score:g}/{result.max_score:g}")
    if failed:
        label = messages.text("diagnosis_label")[lang]
        details = "\n\n".join(f"{i.id}: {i.message[lang]}" + (f"\n{label}: {i.diagnosis[lang]}" if i.diagnosis else "")
                                for i in failed)
        raise AssertionError(f"{exercise}: {len(failed)}/{len(result.items)}\n{details}")
