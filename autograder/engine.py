"""Grading submissions in this process: one pytest session with the hidden graders
collected once, one sandbox, submissions graded one after another.

`Engine.run` is what a batch worker calls with its stream of submissions; `grade` is
the one-submission convenience for ``autograder grade``.
"""

import tempfile

import pytest

from autograder import paths
from autograder.plugin import Controller
from autograder.runner import InProcessSandbox, Limits, Sandbox
from autograder.student import StudentSession

GRADERS_INI = paths.GRADERS / "graders.ini"


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
    """

    def __init__(self, units=None, isolation="auto", limits=None, workdir=None):
        self.units = list(units) if units else None
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
            sandbox_class = InProcessSandbox if self.isolation == "none" else Sandbox
            sandbox = sandbox_class(tmp, mode=self.isolation, processes=self.limits.processes)
            try:
                def jobs():
                    for submission in submissions:
                        yield submission, lambda s: self._session(sandbox, s)

                controller = Controller(jobs(), on_result, units=self.units)
                code = pytest.main(self._pytest_args(), plugins=[controller])
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

    @staticmethod
    def _pytest_args():
        return [
            str(paths.GRADERS),
            "-c", str(GRADERS_INI),
            "--rootdir", str(paths.GRADERS),
            "--import-mode=importlib",
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


def grade(submission, **engine_options):
    """Grade one `autograder.loader.LoadedSubmission` and return its `Result`."""
    results = []
    engine = Engine(**engine_options)
    try:
        engine.run([submission], results.append)
    except GraderFault:
        if not results:
            raise
        results[0].grader_faults = engine.faults
    return results[0]
