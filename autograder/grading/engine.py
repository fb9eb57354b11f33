"""Grading submissions in this process: one pytest session with the hidden graders
collected once, one sandbox, submissions graded one after another.

`Engine.run` is what a batch worker calls with its stream of submissions; `grade` is
the one-submission convenience for ``autograder grade``.
"""

import contextlib
import os
import tempfile
from typing import Callable, Iterable

import pytest

from autograder.course import paths, reference
from autograder.course import units as course_units
from autograder.grading.controller import Controller, ItemMeta
from autograder.grading.result import Result
from autograder.host.runner import InProcessSandbox, Limits, Sandbox
from autograder.grading.student import FirstRequests, StudentSession
from autograder.intake.loader import LoadedSubmission

GRADERS_INI = paths.GRADERS / "graders.ini"
_PLANNING = "\0planning"  # the name of the reference's submission that records the plan


def _reference_submission() -> LoadedSubmission:
    """The NumPy units' reference, as a submission to grade in this process."""
    return LoadedSubmission(_PLANNING, {}, {unit.name: None for unit in course_units.NUMPY_UNITS})


# Settings a user's environment could hand pytest: not part of grading.
_PYTEST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": None, "PYTEST_PLUGINS": None}


@contextlib.contextmanager
def _own_plugins_only():
    """Run pytest with the graders' own settings only, whatever the environment.

    The plugins other installed packages register (``pytest11``) are not loaded (they
    are not part of grading, and cost start-up time on every ``autograder grade``), nor
    ``PYTEST_ADDOPTS`` or ``PYTEST_PLUGINS``.
    """
    before = {key: os.environ.get(key) for key in _PYTEST_ENV}
    for key, value in _PYTEST_ENV.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_pytest(args: list[str], plugins: list) -> int | pytest.ExitCode:
    """``pytest.main(args, plugins=plugins)`` with only our own plugins loaded."""
    with _own_plugins_only():
        return pytest.main(args, plugins=plugins)


class GraderFault(RuntimeError):
    """The graders could not run at all (a collection error, pytest stopped): no result
    can be given.

    A grader that raises while grading one submission is not this: its items are
    ``error`` items of that submission's result, and the fault's traceback travels with
    the result, in `autograder.grading.result.Result.grader_faults` (an internal error,
    never the student's). Only the in-kernel ``grade()`` of a notebook, which has no
    result to carry it, raises this for it
    (`autograder.authoring.in_kernel.grade`).
    """


class Engine:
    """Grades submissions with the graders of ``units`` (all units by default).

    Parameters
    ----------
    units : list of str, optional
    isolation : {"auto", "namespaces", "limits", "none"}
        ``"none"`` runs student code in this process: for measuring isolation's cost only.
    limits : Limits, optional
    workdir : path, optional
        Where the sandbox's staging folders go (a fresh temporary folder by default).
    exercises : list of str, optional
        Grade only these exercises' items.
    modules : dict, optional
        ``{unit: module}`` already in memory (a notebook's namespace, graded in its own
        kernel by ``grade()``); only with ``isolation="none"``.
    """

    def __init__(self, units: Iterable[str] | None = None, isolation: str = "auto", limits: Limits | None = None,
                 workdir: str | os.PathLike | None = None, exercises: Iterable[str] | None = None,
                 modules: dict | None = None):
        self.units = list(units) if units else None
        self.exercises = list(exercises) if exercises else None
        self.modules = modules
        self.isolation = isolation
        self.limits = limits or Limits()
        self.workdir = workdir
        self.isolation_used: str | None = None  # what the last run's children ran under

    def run(self, submissions: Iterable[LoadedSubmission], on_result: Callable[[Result], object]) -> None:
        """Grade each submission of the iterable ``submissions``; call ``on_result(result)``.

        A grader that raises on a submission makes its items ``error`` items of that
        result, and the result's ``grader_faults`` say what happened.

        Raises
        ------
        GraderFault
            The graders could not be collected or run.
        """
        with tempfile.TemporaryDirectory(prefix="autograder-", dir=self.workdir) as tmp:
            if self.isolation == "none":
                sandbox = InProcessSandbox(tmp, modules=self.modules)
            else:
                sandbox = Sandbox(tmp, mode=self.isolation, processes=self.limits.processes)
            # What the children actually run under (Gradescope's results.json states it).
            isolation = getattr(sandbox, "plan", None)  # InProcessSandbox has none
            self.isolation_used = (isolation.describe() if isolation is not None
                                   else "none: student code ran in this process")
            first = None if self.modules else FirstRequests()  # a notebook's kernel grades as it goes
            try:
                def jobs():
                    if first is not None:  # graded first, its result dropped: it records them
                        yield _reference_submission(), lambda s: self._planning_session(tmp, first)
                        first.done()
                    for submission in submissions:
                        yield submission, lambda s: self._session(sandbox, s, first)

                def results(result):
                    if result.submission != _PLANNING:
                        on_result(result)

                controller = Controller(jobs(), results, units=self.units, exercises=self.exercises)
                code = run_pytest(self._pytest_args(self._grader_files()), [controller])
            finally:
                sandbox.close()
        if controller.collect_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            raise GraderFault(f"the graders did not run (pytest exit code {code}): {controller.collect_errors}")

    def _session(self, sandbox, submission, first):
        sandbox.stage(submission.files)
        return StudentSession(sandbox, submission.units, self.limits, files=submission.files, plan=first)

    def _planning_session(self, tmp, first):
        """The reference's modules, graded in this process, to record ``first`` (a unit
        whose reference does not load is not planned: its graders' faults are reported
        where the submissions are graded)."""
        modules = {}
        for unit in course_units.NUMPY_UNITS:
            if self.units is None or unit.name in self.units:
                try:
                    modules[unit.name] = reference.load(unit.name)
                except Exception:  # noqa: BLE001 - the same fault is each submission's grader fault
                    continue
        sandbox = InProcessSandbox(os.path.join(tmp, "plan"), modules=modules)
        return StudentSession(sandbox, {name: None for name in modules}, self.limits, plan=first)

    def _grader_files(self):
        """Only the selected units' grader modules (all of them by default)."""
        if not self.units:
            return [paths.GRADERS]
        return [paths.GRADERS / f"test_{u}.py" for u in self.units if (paths.GRADERS / f"test_{u}.py").exists()]

    @staticmethod
    def _pytest_args(targets=(paths.GRADERS,)):
        return [
            *map(str, targets),
            "-c", str(GRADERS_INI),
            "--rootdir", str(paths.GRADERS),
            # Only the graders' own conftest.py, whatever the working folder holds.
            "--confcutdir", str(paths.GRADERS),
            "--import-mode=importlib",
            # The graders raise their own problems rather than assert: no rewriting needed.
            "--assert=plain",
            "-p", "no:cacheprovider",
            "-p", "no:terminal",
            "-p", "no:stepwise",
            "-p", "no:warnings",
            "-p", "no:unraisableexception",
            "-p", "no:threadexception",
            "-p", "no:junitxml",
            "-p", "no:doctest",
            "-p", "no:pastebin",
            "-p", "no:nose",
            "-s",
        ]


class _Collector:
    """A pytest plugin that only collects the graders' items."""

    def __init__(self):
        self.metas = []

    def pytest_collection_modifyitems(self, session, config, items):
        from autograder.grading.controller import item_meta

        self.metas = [item_meta(item) for item in items]

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "grade(exercise, points, public=False, timeout=None, needs_module=True)")
        config.addinivalue_line("markers", "needs(*requirements)")


def collect_items() -> list[ItemMeta]:
    """The `autograder.grading.controller.ItemMeta` of every grader item, without running any."""
    collector = _Collector()
    args = Engine._pytest_args() + ["--collect-only"]
    code = run_pytest(args, [collector])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise GraderFault(f"collecting the graders failed (pytest exit code {code})")
    return collector.metas


def unit_points(items: Iterable[ItemMeta] | None = None) -> dict[str, float]:
    """``{unit: points}``: what the graders' items of each unit are worth (`collect_items`
    by default), in course order."""
    items = collect_items() if items is None else items
    totals = {u.name: 0.0 for u in course_units.UNITS}
    for meta in items:
        totals[meta.unit] = totals.get(meta.unit, 0.0) + meta.points
    return {unit: total for unit, total in totals.items() if total}


def numpy_only_exercises(unit: str, items: Iterable[ItemMeta] | None = None) -> tuple[str, ...]:
    """The exercises of ``unit`` graded with NumPy alone, in lesson order: those none of
    whose items needs TensorFlow (``@pytest.mark.needs("tensorflow")``).

    This is where a TensorFlow unit's NumPy-only exercises are declared: by their items,
    which are graded on a machine without TensorFlow. (For a NumPy unit, all of them.)
    """
    items = collect_items() if items is None else items
    graded = [m for m in items if m.unit == unit]
    keras = {m.exercise for m in graded if "tensorflow" in m.needs}
    return tuple(e for e in course_units.get(unit).exercises if e not in keras and any(m.exercise == e for m in graded))


def grade(submission: LoadedSubmission, **engine_options) -> Result:
    """Grade one `autograder.intake.loader.LoadedSubmission` and return its `Result`
    (its ``isolation`` says what the student's code ran under).

    Raises
    ------
    GraderFault
        The graders could not run (see `Engine.run`).
    """
    results = []
    engine = Engine(**engine_options)
    engine.run([submission], results.append)
    results[0].isolation = engine.isolation_used
    return results[0]
