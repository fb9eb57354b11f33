"""The public tests' table of misconceptions (``exercises/misconceptions.json``): what each
misconception of the NumPy units returns at each public ``close`` call where that differs
from the reference, so that students' own ``pytest exercises`` can name it.

``python -m autograder.authoring.public_diagnoses`` rewrites it (`autograder build` too).
"""

import contextlib
import io
import json

import numpy as np

from autograder.course import paths, reference
from autograder.grading import compare
from autograder.grading.diagnoses import CATALOG, message, variant

PUBLIC_TABLE = "misconceptions.json"


class _Observe:
    """Pytest plugin: what each public ``close(got, …)`` of a session was given."""

    def __init__(self):
        self.observed = []

    def pytest_sessionfinish(self, session):
        for plugin in session.config.pluginmanager.get_plugins():
            if hasattr(plugin, "_OBSERVED") and str(getattr(plugin, "__file__", "")).endswith("conftest.py"):
                self.observed = list(plugin._OBSERVED)


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.astype(np.float64).tolist() if value.dtype.kind in "biuf" else None
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, (int, float)):
        return value
    try:
        return np.asarray(value, dtype=np.float64).tolist()
    except (TypeError, ValueError):
        return None


def _public_values(unit, module):
    import pytest

    from autograder.authoring import in_kernel as notebook

    observe = _Observe()
    with contextlib.redirect_stdout(io.StringIO()):
        notebook._run_public_tests(pytest, unit, notebook._GivenModules({unit: module}, None), extra=[observe])
    return {key: _jsonable(got) for key, got in observe.observed}


def public_table() -> dict:
    """What each misconception of the NumPy units returns at each public ``close`` call
    where that differs from the reference: ``{"texts": {id: {zh-TW, en}}, "calls": {key:
    {id: value}}}``. The public tests' own fixed inputs only, so it holds wrong answers,
    never a way to compute the right ones. The CNN unit (TensorFlow) is left out."""
    calls = {}
    by_unit = {}
    for mis in CATALOG.values():
        if mis.patch is not None and not _needs_tensorflow(mis.unit):
            by_unit.setdefault(mis.unit, []).append(mis)
    for unit, found in by_unit.items():
        right = _public_values(unit, reference.load(unit))
        for mis in found:
            for key, value in _public_values(unit, variant(mis.id)).items():
                if value is not None and key in right and not compare.same(np.asarray(value), right[key]):
                    calls.setdefault(key, {})[mis.id] = value
    used = sorted({mis_id for entry in calls.values() for mis_id in entry})
    texts = {mis_id: {k: v for k, v in message(mis_id).items() if k != "id"} for mis_id in used}
    return {"texts": texts, "calls": dict(sorted(calls.items()))}


def _needs_tensorflow(unit):
    from autograder.course import units

    return units.get(unit).needs_tensorflow


def public_table_text() -> str:
    return json.dumps(public_table(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    (paths.EXERCISES / PUBLIC_TABLE).write_text(public_table_text(), encoding="utf-8")
