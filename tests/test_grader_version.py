"""The grader version covers every file that can change a result, and nothing that only
renders reports: editing a Keras check or a limit regrades, editing a report does not."""

import shutil

import pytest

from autograder.batch import driver as batch
from autograder.course import paths


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of the package and the solutions that the version is computed from."""
    package = tmp_path / "autograder"
    shutil.copytree(paths.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "_course"))
    solutions = tmp_path / "solutions"
    shutil.copytree(paths.SOLUTIONS, solutions)
    monkeypatch.setattr(paths, "PACKAGE", package)
    monkeypatch.setattr(paths, "SOLUTIONS", solutions)
    return tmp_path


def _engine_files():
    return [p.relative_to(paths.PACKAGE.parent) for p in batch.grader_files()]


def test_every_engine_file_is_covered():
    covered = {str(p) for p in _engine_files()}
    for path in paths.PACKAGE.rglob("*.py"):
        relative = path.relative_to(paths.PACKAGE)
        if "__pycache__" in relative.parts or relative.parts[0] in ("reports", "_course"):
            continue
        assert str(path.relative_to(paths.PACKAGE.parent)) in covered, path


def test_editing_any_file_that_decides_a_grade_changes_the_version(course_copy):
    before = batch.grader_version()
    files = batch.grader_files()
    assert len(files) > 30
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        assert batch.grader_version() != before, path
        path.write_bytes(original)
    assert batch.grader_version() == before


def test_editing_a_report_does_not(course_copy):
    before = batch.grader_version()
    reports = sorted((paths.PACKAGE / "reports").rglob("*.*"))
    assert reports
    for path in reports:
        path.write_bytes(path.read_bytes() + b"\n<!-- edited -->\n")
    assert batch.grader_version() == before


def test_the_units_asked_for_are_part_of_the_version():
    assert batch.grader_version(("convolution",)) != batch.grader_version(("activations",))
