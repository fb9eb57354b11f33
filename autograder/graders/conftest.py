"""Fixtures of the hidden graders.

- ``student``: the current submission's module of this grader's unit
  (`autograder.student.RemoteModule`); calls run in the sandboxed child.
- ``ref``: the reference solution's module of the unit (runs here, trusted).
- ``rng``: a ``numpy.random.Generator`` seeded from the item's id, so the same item
  always makes the same inputs.
- ``check``: `Check`, the comparisons of `autograder.compare` with the latest call's
  description filled in.
"""

import numpy as np
import pytest

from autograder import compare, reference
from autograder.plugin import CONTROLLER


class Check:
    """`autograder.compare` with ``call`` defaulting to the student's latest call."""

    def __init__(self, student):
        self.student = student

    def _call(self, call):
        if call is not None:
            return call
        return self.student.last.description if self.student.last is not None else "?"

    def close(self, got, expected, call=None, **options):
        compare.close(got, expected, self._call(call), **options)

    def integer(self, got, expected, call=None):
        compare.integer(got, expected, self._call(call))

    def index_arrays(self, got, expected, call=None):
        compare.index_arrays(got, expected, self._call(call))

    def dict_close(self, got, expected, call=None, **options):
        compare.dict_close(got, expected, self._call(call), **options)

    def tuple_of(self, got, length, call=None):
        return compare.tuple_of(got, length, self._call(call))

    def dict_with(self, got, keys, call=None):
        return compare.dict_with(got, keys, self._call(call))

    def dtype(self, got, name, call=None):
        compare.dtype(got, name, self._call(call))

    def unmodified(self, record=None):
        compare.unmodified(record or self.student.last)

    def no_warning(self, record=None, category="RuntimeWarning"):
        compare.no_warning(record or self.student.last, category)


def _meta(request):
    controller = request.config.stash[CONTROLLER]
    return controller, controller.metas[request.node.nodeid]


@pytest.fixture
def student(request):
    from autograder.student import RemoteModule

    controller, meta = _meta(request)
    return RemoteModule(controller.session, meta.unit, lambda: reference.load(meta.unit), timeout=meta.timeout)


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
