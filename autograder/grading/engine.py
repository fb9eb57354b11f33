"""Grading submissions in this process: one pytest session with the hidden graders
collected once, one sandbox, submissions graded one after another.

`Engine.run` is what a batch worker calls with its stream of submissions; `grade` is
the one-submission convenience for ``autograder grade``.
"""

import contextlib
import os
import tempfile

import pytest

from autograder.course import paths
from autograder.grading.controller import Controller
from autograder.host.runner import InProcessSandbox, Limits, Sandbox
from autograder.grading.student import StudentSession

GRADERS_INI = paths.GRADERS / "graders.ini"


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


def run_pytest(args, plugins):
    """``pytest.main(args, plugins=plugins)`` with only our own plugins loaded."""
    with _own_plugins_only():
        return pytest.main(args, plugins=plugins)


class GraderFault(RuntimeError):
    """The graders themselves failed (collection error or an exception in a grader)."""


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

    def __init__(self, units=None, isolation="auto", limits=None, workdir=None, exercises=None, modules=None):
        self.units = list(units) if units else None
        self.exercises = list(exercises) if exercises else None
        self.modules = modules
        self.isolation = isolation
        self.limits = limits or Limits()
        self.workdir = workdir
        self.faults = []

    def run(self, submissions, on_result):
        """Grade each submission of the iterable ``submissions``; call ``on_result(result)``.

        Raises
        ------
        GraderFault
            The graders could not be collected, or a grader raised an unexpected error
            (the affected items are still reported, as ``error`` items).
        """
        with tempfile.TemporaryDirectory(prefix="autograder-", dir=self.workdir) as tmp:
            if self.isolation == "none":
                sandbox = InProcessSandbox(tmp, modules=self.modules)
            else:
                sandbox = Sandbox(tmp, mode=self.isolation, processes=self.limits.processes)
            # What the children actually run under (Gradescope's results.json states it).
            plan = getattr(sandbox, "plan", None)
            self.isolation_used = plan.describe() if plan is not None else "none: student code ran in this process"
            try:
                def jobs():
                    for submission in submissions:
                        yield submission, lambda s: self._session(sandbox, s)

                controller = Controller(jobs(), on_result, units=self.units, exercises=self.exercises)
                code = run_pytest(self._pytest_args(self._grader_files()), [controller])
            finally:
                sandbox.close()
        self.faults = controller.faults
        if controller.collect_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            raise GraderFault(f"the graders did not run (pytest exit code {code}): {controller.collect_errors}")
        if controller.faults:
            raise GraderFault("a grader failed:\n" + "\n".join(controller.faults))

    def _session(self, sandbox, submission):
        sandbox.stage(submission.files)
        return StudentSession(sandbox, submission.units, self.limits, files=submission.files)

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


def collect_items():
    """The `autograder.grading.controller.ItemMeta` of every grader item, without running any."""
    collector = _Collector()
    args = Engine._pytest_args() + ["--collect-only"]
    code = run_pytest(args, [collector])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise GraderFault(f"collecting the graders failed (pytest exit code {code})")
    return collector.metas


def grade(submission, **engine_options):
    """Grade one `autograder.intake.loader.LoadedSubmission` and return its `Result`."""
    results = []
    engine = Engine(**engine_options)
    try:
        engine.run([submission], results.append)
    except GraderFault:
        if not results:
            raise
        results[0].grader_faults = engine.faults
    results[0].isolation = getattr(engine, "isolation_used", None)
    return results[0]
