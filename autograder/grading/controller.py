"""The pytest plugin that runs the hidden graders once per submission.

The graders (``autograder/graders/test_<unit>.py``) are collected once per worker.
`Controller.pytest_runtestloop` then takes submissions one after another and runs every
collected item against each, the way pytest-xdist's workers run items on command: the
``student`` fixture stands for the current submission, and each item's report becomes
an `autograder.grading.result.ItemResult`.

A grader marks each test with ``@pytest.mark.grade(exercise, points, public=False,
timeout=None)``; its unit is its module's name without ``test_``.
"""

import hashlib
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest

from autograder.course import machine, messages
from autograder.course import units as course_units
from autograder.grading.problems import ItemProblem, NotGraded
from autograder.grading.result import ItemResult, Result
from autograder.grading.student import StudentSession
from autograder.intake.loader import LoadedSubmission

CONTROLLER = pytest.StashKey()


@dataclass(frozen=True)
class ItemMeta:
    """What the result of a collected grader item needs: its id, unit, exercise, points;
    and what the grading machine must have for it (``needs``: the ``needs`` marker's
    requirements, such as ``("tensorflow",)``)."""

    id: str
    unit: str
    exercise: str
    points: float
    visibility: str
    timeout: object
    seed: int
    needs_module: bool = True
    needs: tuple = ()


def item_meta(item: pytest.Item) -> ItemMeta:
    """The `ItemMeta` of a collected grader test (from its ``grade`` and ``needs`` markers)."""
    marker = item.get_closest_marker("grade")
    if marker is None:
        raise pytest.UsageError(f"{item.nodeid}: a grader test needs @pytest.mark.grade(exercise, points)")
    exercise = marker.kwargs.get("exercise", marker.args[0] if marker.args else None)
    points = marker.kwargs.get("points", marker.args[1] if len(marker.args) > 1 else None)
    if exercise is None or points is None:
        raise pytest.UsageError(f"{item.nodeid}: grade() needs an exercise and points")
    unit = item.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    name = item.name.removeprefix("test_")
    item_id = f"{unit}.{name}"
    seed = int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:4], "big")
    needs_marker = item.get_closest_marker("needs")
    needs = tuple(needs_marker.args) if needs_marker is not None else ()
    return ItemMeta(item_id, unit, exercise, float(points),
                    "public" if marker.kwargs.get("public") else "hidden", marker.kwargs.get("timeout"), seed,
                    marker.kwargs.get("needs_module", True), needs)


def problem_result(meta: ItemMeta, problem: ItemProblem) -> ItemResult:
    """The item's result when ``problem`` (an `ItemProblem`) stopped it."""
    if problem.status == "not_graded":  # the machine's lack: counts in neither score nor maximum
        return ItemResult(meta.id, meta.unit, meta.exercise, 0.0, 0.0, problem.status, meta.visibility,
                          problem.message, problem.details)
    score = min(getattr(problem, "score", 0.0), meta.points)
    return ItemResult(meta.id, meta.unit, meta.exercise, score, meta.points, problem.status, meta.visibility,
                      problem.message, problem.details, diagnosis=getattr(problem, "diagnosis", None))


class Controller:
    """Runs the collected graders for each submission that ``jobs`` yields.

    Parameters
    ----------
    jobs : iterable
        Yields ``(submission, session_factory)``: ``submission`` is an
        `autograder.intake.loader.LoadedSubmission`, ``session_factory(submission)`` returns a
        ready `autograder.grading.student.StudentSession` (the engine stages the files).
    on_result : callable
        Called with each `Result`, in order.
    units : collection of str, optional
        Grade only these units' items.
    exercises : collection of str, optional
        Grade only the items of these exercises.
    """

    def __init__(self, jobs: Iterable[tuple[LoadedSubmission, Callable[[LoadedSubmission], StudentSession]]],
                 on_result: Callable[[Result], object], units: Iterable[str] | None = None,
                 exercises: Iterable[str] | None = None):
        self.jobs = jobs
        self.on_result = on_result
        self.units = set(units) if units else None
        self.exercises = set(exercises) if exercises else None
        self.items = []
        self.metas = {}
        self.session = None
        self.current = None
        self._faults = []  # the current submission's grader faults (tracebacks), for its Result
        self.collect_errors = []

    # ------------------------------------------------------------------ pytest hooks
    def pytest_configure(self, config):
        config.stash[CONTROLLER] = self
        config.addinivalue_line("markers", "grade(exercise, points, public=False, timeout=None, needs_module=True): a graded item")
        config.addinivalue_line("markers", "needs(*requirements): what the grading machine must have "
                                           "(autograder.course.machine.REQUIREMENTS), else the item is not_graded")

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {report.longreprtext}")

    def pytest_collection_modifyitems(self, session, config, items):
        selected = []
        for item in items:
            meta = item_meta(item)
            if (self.units is None or meta.unit in self.units) and (
                    self.exercises is None or meta.exercise in self.exercises):
                self.metas[item.nodeid] = meta
                selected.append(item)
        order = {u.name: u.number for u in course_units.UNITS}
        selected.sort(key=lambda item: order.get(self.metas[item.nodeid].unit, 99))  # stable: file order within
        items[:] = selected

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if self.collect_errors:
            raise session.Failed("grader collection failed:\n" + "\n".join(self.collect_errors))
        self.items = list(session.items)
        for submission, make_session in self.jobs:
            self.on_result(self.grade(submission, make_session))
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        # Stop before any fixture when the unit's file is missing or does not import:
        # the CNN graders' TensorFlow fixtures are never set up for nothing.
        meta = self.metas[item.nodeid]
        lacks = machine.lacking(*meta.needs) if meta.needs else None
        if lacks is not None:
            raise NotGraded(lacks)
        if meta.needs_module:
            self.session.ensure(meta.unit)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        # Our report replaces pytest's own, which would spend ~50 ms formatting each
        # failure's traceback for a terminal nobody reads: the result carries the message.
        meta = self.metas[item.nodeid]
        excinfo = call.excinfo
        teardown_fault = call.when == "teardown" and excinfo is not None and not isinstance(excinfo.value, ItemProblem)
        if teardown_fault:
            self.current = self._fault(meta, item, excinfo)
        elif call.when == "call" or (excinfo is not None and self.current is None):
            if excinfo is None:
                self.current = ItemResult(meta.id, meta.unit, meta.exercise, meta.points, meta.points, "passed",
                                          meta.visibility, messages.text("passed"))
            elif isinstance(excinfo.value, ItemProblem):
                self.current = problem_result(meta, excinfo.value)
            elif isinstance(excinfo.value, AssertionError) and call.when == "call":
                self.current = ItemResult(meta.id, meta.unit, meta.exercise, 0.0, meta.points, "failed",
                                          meta.visibility, messages.same(str(excinfo.value)[:1000]))
            else:
                self.current = self._fault(meta, item, excinfo)
        outcome = "passed" if excinfo is None else "failed"
        return pytest.TestReport(item.nodeid, item.location, {}, outcome, None, call.when,
                                 duration=call.duration, start=call.start, stop=call.stop)

    def _fault(self, meta, item, excinfo):
        detail = f"{meta.id}: {excinfo.typename}: {excinfo.value}"
        self._faults.append(f"{item.nodeid}\n{''.join(traceback.format_exception(excinfo.value))}")
        return ItemResult(meta.id, meta.unit, meta.exercise, 0.0, meta.points, "error", meta.visibility,
                          messages.text("grader_fault", detail=detail[:300]))

    # ------------------------------------------------------------------ grading
    def unreadable(self, submission: LoadedSubmission) -> Result:
        """Every item as an error saying why the submission could not be read."""
        message = submission.problem
        items = [ItemResult(m.id, m.unit, m.exercise, 0.0, m.points, "error", m.visibility, message)
                 for m in (self.metas[i.nodeid] for i in self.items)]
        return Result(submission.name, items, gradable=False)

    def grade(self, submission: LoadedSubmission,
              make_session: Callable[[LoadedSubmission], StudentSession]) -> Result:
        """The `Result` of ``submission``: each collected item run against it; a grader
        that raises makes its item an ``error`` and its traceback one of the result's
        ``grader_faults``."""
        if submission.problem is not None:
            return self.unreadable(submission)
        self.session = make_session(submission)
        self._faults = []
        results = []
        try:
            for i, item in enumerate(self.items):
                # The last item hands over to the first (not to None), so session-scoped
                # fixtures survive from one submission to the next.
                n = len(self.items)
                nextitem = self.items[i + 1] if i + 1 < n else (self.items[0] if n > 1 else None)
                self.current = None
                self.session.take_printed()
                self.session.item = item.nodeid
                item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                result = self.current or self._fault(self.metas[item.nodeid], item, _NoReport.info(item))
                printed = self.session.take_printed()
                if printed and result.status != "passed":  # shown where it can help find the problem
                    result.message = messages.join(result.message, messages.text("printed", output=printed))
                results.append(result)
        finally:
            self.session.close()
            self.session = None
        return Result(submission.name, results, grader_faults=self._faults)


class _NoReport(Exception):
    """Raised nowhere: stands for an item whose protocol produced no report."""

    @classmethod
    def info(cls, item):
        try:
            raise cls(f"{item.nodeid} produced no report")
        except cls:
            return pytest.ExceptionInfo.from_current()
