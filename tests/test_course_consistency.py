"""Every exercise of the course is there end to end, declared once in `autograder.course.units`.

For each exercise: the reference solution defines it, the stub defines it, a public
test, a hidden grader item, a lesson cell and a mutant exercise it. Each test names
exactly what is missing, so adding an exercise is a checklist these tests walk
(see CONTRIBUTING.md). Points and counts are computed here, never written down.
"""

import ast
import re

import pytest

from autograder.authoring import samples
from autograder.course import cells, paths, units
from autograder.grading.engine import collect_items

ALL_MUTANTS = samples.MUTANTS + samples.CNN_NUMPY_MUTANTS + samples.CNN_MUTANTS
EXERCISES = [(u.name, e) for u in units.UNITS for e in u.exercises if not e.endswith(".keras")]


def _top_level_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.fixture(scope="module")
def items():
    return collect_items()


def _assert_none(missing):
    assert not missing, "\n".join(missing)


def _missing(kind, found):
    return [f"{unit}.{exercise}: no {kind}" for unit, exercise in EXERCISES if (unit, exercise) not in found]


def test_every_exercise_has_a_reference_and_a_stub():
    missing = []
    for unit in units.UNITS:
        for folder, kind in ((paths.SOLUTIONS, "reference in solutions/"), (paths.EXERCISES, "stub in exercises/")):
            names = _top_level_names(folder / unit.filename)
            missing += [f"{unit.name}.{e}: no {kind}" for e in unit.exercises if not e.endswith(".keras")
                        and e not in names]
    _assert_none(missing)


def test_every_solution_region_belongs_to_an_exercise():
    """A marked solution outside the unit's exercises would become given code in the notebooks."""
    for unit in units.UNITS:
        split = cells.module_cells(unit.name)
        assert "### BEGIN SOLUTION" not in split[0].source, (
            f"solutions/{unit.filename} has a solution region in code that is no exercise of units.py")
        assert [c.exercise for c in split[1:]] == [e for e in unit.exercises if not e.endswith(".keras")], (
            f"solutions/{unit.filename}: its answer cells and units.py's exercises differ")


def test_every_exercise_has_a_public_test():
    found = set()
    for unit in units.UNITS:
        text = (paths.EXERCISES / "tests" / f"test_{unit.name}.py").read_text(encoding="utf-8")
        for exercise in re.findall(r'_exercise\("([^"]+)"', text):
            found.add((unit.name, exercise))
    _assert_none(_missing("public test in exercises/tests/", found))


def test_every_exercise_has_a_hidden_grader(items):
    found = {(m.unit, m.exercise) for m in items}
    _assert_none(_missing("grader item in autograder/graders/", found))


def test_every_exercise_has_a_lesson_cell():
    found = set()
    for unit in units.UNITS:
        text = (paths.LESSONS / f"{unit.assignment}.md").read_text(encoding="utf-8")
        found.update((unit.name, e) for e in re.findall(r"^# exercise: (\S+)", text, re.M))
    _assert_none(_missing("'# exercise:' cell in lessons/", found))


def test_every_exercise_has_a_mutant(items):
    exercise_of = {m.id: (m.unit, m.exercise) for m in items}
    found = {exercise_of[i] for mutant in ALL_MUTANTS for i in mutant.fails if i in exercise_of}
    _assert_none(_missing("mutant in autograder/authoring/samples.py", found))


def test_mutants_name_real_items(items):
    ids = {m.id for m in items}
    unknown = sorted(i for mutant in ALL_MUTANTS for i in mutant.fails if i not in ids)
    assert unknown == []


def test_every_unit_is_worth_100_points(items):
    totals = {}
    for meta in items:
        totals[meta.unit] = totals.get(meta.unit, 0) + meta.points
    assert totals == {u.name: 100 for u in units.UNITS}
