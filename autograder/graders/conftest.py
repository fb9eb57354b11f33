"""Fixtures of the hidden graders.

- ``student``: the current submission's module of this grader's unit
  (`autograder.grading.student.RemoteModule`); calls run in the sandboxed child.
- ``ref``: the reference solution's module of the unit (runs here, trusted).
- ``rng``: a ``numpy.random.Generator`` seeded from the item's id, so the same item
  always makes the same inputs.
- ``check``: `Check`, the comparisons of `autograder.grading.compare` with the latest call's
  description filled in. It notes what each comparison looked at, so that a failed
  item can be explained by `autograder.grading.diagnoses` (see ``pytest_runtest_call``).
"""

import numpy as np
import pytest

from autograder.course import reference
from autograder.grading import compare, diagnoses
from autograder.grading.controller import CONTROLLER
from autograder.grading.problems import Mismatch
from autograder.grading.student import RemoteModule


class RecordingModule(RemoteModule):
    """`RemoteModule` that keeps each call's inputs (`diagnoses.Call`) for replaying."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = []

    def _keep(self, kind, name, args, kwargs, run):
        kept = diagnoses.kept_inputs(args, kwargs)
        call = diagnoses.Call(kind, name, *(kept or (None, None)), None)
        try:
            return run()
        finally:
            call.record = self.last
            self.calls.append(call)

    def call(self, name, *args, **kwargs):
        return self._keep("call", name, args, kwargs, lambda: super(RecordingModule, self).call(name, *args, **kwargs))

    def driver(self, name, *args, description=None, **kwargs):
        return self._keep("driver", name, args, kwargs,
                          lambda: super(RecordingModule, self).driver(name, *args, description=description, **kwargs))

    def answer(self, name):
        return self._keep("answer", name, (), {}, lambda: super(RecordingModule, self).answer(name))

    def _step(self, name, args, kwargs, take):
        return self._keep("call", name, args, kwargs, take)

    def call_of(self, record):
        return next((c for c in reversed(self.calls) if c.record is record), None)


def _path(root, value, depth=3):
    """The path of indices/keys at which ``value`` itself sits inside ``root``."""
    if root is value:
        return ()
    if depth == 0:
        return None
    items = root.items() if isinstance(root, dict) else enumerate(root) if isinstance(root, (list, tuple)) else ()
    for key, inner in items:
        found = _path(inner, value, depth - 1)
        if found is not None:
            return (key, *found)
    return None


class Check:
    """`autograder.grading.compare` with ``call`` defaulting to the student's latest call.

    ``lenient``: a failed value or side-condition check is noted on its call and the
    item goes on (used to replay a failed item to its end for `autograder.grading.diagnoses`).
    """

    def __init__(self, student, lenient=False):
        self.student = student
        self.lenient = lenient

    def _call(self, call):
        if call is not None:
            return call
        return self.student.last.description if self.student.last is not None else "?"

    def _compared(self, got, compare_it, **options):
        """Run ``compare_it()``; note on the latest call which part of its value it judged."""
        call = self.student.call_of(self.student.last) if isinstance(self.student, RecordingModule) else None
        path = _path(call.record.value, got) if call is not None and call.record is not None else None
        if path is not None:
            call.parts.append((path, options))
        try:
            return compare_it()
        except Mismatch:
            if path is not None:
                call.failed = True
            if not self.lenient:
                raise
            if path is None:
                self.unexplained = True
            return None

    def _side(self, record, flag, compare_it):
        call = self.student.call_of(record) if isinstance(self.student, RecordingModule) else None
        if call is not None:
            setattr(call, flag, True)
        try:
            compare_it()
        except Mismatch:
            if call is not None:
                call.failed = True
            if not self.lenient:
                raise

    def close(self, got, expected, call=None, **options):
        tolerance = {k: options[k] for k in ("rtol", "atol") if k in options}
        self._compared(got, lambda: compare.close(got, expected, self._call(call), **options), **tolerance)

    def integer(self, got, expected, call=None):
        self._compared(got, lambda: compare.integer(got, expected, self._call(call)), integer=True)

    def index_arrays(self, got, expected, call=None):
        self._compared(got, lambda: compare.index_arrays(got, expected, self._call(call)))

    def dict_close(self, got, expected, call=None, **options):
        tolerance = {k: options[k] for k in ("rtol", "atol") if k in options}
        self._compared(got, lambda: compare.dict_close(got, expected, self._call(call), **options), **tolerance)

    def tuple_of(self, got, length, call=None):
        return compare.tuple_of(got, length, self._call(call))

    def dict_with(self, got, keys, call=None):
        return compare.dict_with(got, keys, self._call(call))

    def dtype(self, got, name, call=None):
        compare.dtype(got, name, self._call(call))

    def unmodified(self, record=None):
        record = record or self.student.last
        self._side(record, "mutation_checked", lambda: compare.unmodified(record))

    def no_warning(self, record=None, category="RuntimeWarning"):
        record = record or self.student.last
        self._side(record, "warnings_checked", lambda: compare.no_warning(record, category))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """A failed item's diagnosis: the known misconception its recorded calls show, if any."""
    outcome = yield
    excinfo = outcome.excinfo
    if excinfo is None or not isinstance(excinfo[1], Mismatch):
        return
    student = item.funcargs.get("student")
    if not isinstance(student, RecordingModule):
        return
    controller, meta = _meta_of(item)
    calls = _replayed(item, controller, meta)
    found = diagnoses.diagnose(meta.exercise, meta.unit, calls if calls is not None else student.calls)
    if found is None:
        found = _model_diagnosis(student, meta)
    if found is not None:
        excinfo[1].diagnosis = diagnoses.message(found)


REPLAYABLE = {"student", "ref", "check", "rng"}


def _replayed(item, controller, meta):
    """The calls of ``item`` run again to its end, every failed check noted and passed
    over, so that a diagnosis sees every failing call of the item, not only the first.
    `None` when the item cannot be replayed or stops early."""
    names = set(item._fixtureinfo.argnames)
    if not names <= REPLAYABLE or "student" not in names:
        return None
    student = RecordingModule(controller.session, meta.unit, lambda: reference.load(meta.unit), timeout=meta.timeout)
    check = Check(student, lenient=True)
    given = {"student": student, "ref": reference.load(meta.unit), "check": check,
             "rng": np.random.default_rng(meta.seed)}
    try:
        item.function(**{name: given[name] for name in names})
    except Exception:  # noqa: BLE001 - the replay stopped early: use the first run's calls
        return None
    if getattr(check, "unexplained", False) or not any(c.failed for c in student.calls):
        return None
    return student.calls


def _model_diagnosis(student, meta):
    """The CNN unit: a misconception the rebuilt model's configuration shows."""
    builder = meta.exercise
    if not builder.startswith("build_"):
        return None

    def absent():
        raise LookupError(builder)

    try:
        model = student.memo(("rebuilt", builder, ()), absent)
    except Exception:  # noqa: BLE001 - not rebuilt (or refused): nothing to look at
        return None
    return diagnoses.diagnose_model(meta.id, model)


def _meta_of(item):
    controller = item.config.stash[CONTROLLER]
    return controller, controller.metas[item.nodeid]


def _meta(request):
    return _meta_of(request.node)


@pytest.fixture
def student(request):
    controller, meta = _meta(request)
    return RecordingModule(controller.session, meta.unit, lambda: reference.load(meta.unit), timeout=meta.timeout)


@pytest.fixture
def ref(request):
    _controller, meta = _meta(request)
    return reference.load(meta.unit)


@pytest.fixture
def rng(request):
    _controller, meta = _meta(request)
    return np.random.default_rng(meta.seed)


@pytest.fixture
def check(student):
    return Check(student)
