"""Every exercise of the course is there end to end.

A unit's exercises are declared once, by the solution regions of its reference module
(`autograder.course.markers.declared_exercises`). An exercise any piece of the course
names — the reference, a public test, a hidden grader item, a lesson cell — must have
all of them, plus a stub and a mutant: each test names exactly what is missing, so adding
an exercise is a checklist these tests walk (see CONTRIBUTING.md), and a piece written
for an exercise the reference does not declare is named too. Points and counts are
computed here, never written down.
"""

import ast
import re

import pytest

from autograder.authoring import samples
from autograder.course import cells, markers, paths, units
from autograder.grading.engine import collect_items, numpy_only_exercises, unit_points

ALL_MUTANTS = samples.MUTANTS + samples.CNN_NUMPY_MUTANTS + samples.CNN_MUTANTS


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


def _public_tests():
    found = set()
    for unit in units.UNITS:
        text = (paths.EXERCISES / "tests" / f"test_{unit.name}.py").read_text(encoding="utf-8")
        found.update((unit.name, e) for e in re.findall(r'_exercise\("([^"]+)"', text))
    return found


def _lesson_cells():
    found = set()
    for unit in units.UNITS:
        text = (paths.LESSONS / f"{unit.assignment}.md").read_text(encoding="utf-8")
        found.update((unit.name, e) for e in re.findall(r"^# exercise: (\S+)", text, re.M))
    return found


@pytest.fixture(scope="module")
def items():
    return collect_items()


@pytest.fixture(scope="module")
def exercises(items):
    """``[(unit, exercise)]`` of every code exercise any piece of the course names (the
    handed-in files, ``cifar10_cnn.keras``, aside)."""
    named = {(u.name, e) for u in units.UNITS for e in u.code_exercises}
    named |= {(m.unit, m.exercise) for m in items} | _public_tests() | _lesson_cells()
    files = {(u.name, f) for u in units.UNITS for f in u.files}
    return sorted(named - files)


def _assert_none(missing):
    assert not missing, "\n".join(missing)


def _missing(exercises, kind, found):
    return [f"{unit}.{exercise}: no {kind}" for unit, exercise in exercises if (unit, exercise) not in found]


def test_the_exercises_are_declared_by_the_solutions():
    """`Unit.exercises` is what the solution regions declare, in the file's order, then the handed-in files."""
    for unit in units.UNITS:
        declared = markers.declared_exercises(unit.solution.read_text(encoding="utf-8"))
        assert declared, f"solutions/{unit.filename} declares no exercise"
        assert unit.code_exercises == declared and unit.exercises == declared + unit.files


def test_every_exercise_has_a_reference(exercises):
    declared = {(u.name, e) for u in units.UNITS for e in u.code_exercises}
    _assert_none(_missing(exercises, "reference in solutions/ (a function or answer with a ### BEGIN SOLUTION region)",
                          declared))


def test_every_exercise_has_a_stub(exercises):
    found = {(u.name, e) for u in units.UNITS for e in _top_level_names(paths.EXERCISES / u.filename)}
    _assert_none(_missing(exercises, "stub in exercises/ (run `autograder build`)", found))


def test_every_solution_region_belongs_to_an_exercise():
    """A marked solution outside the unit's exercises would become given code in the notebooks."""
    for unit in units.UNITS:
        split = cells.module_cells(unit.name)
        assert markers.BEGIN_SOLUTION not in split[0].source, (
            f"solutions/{unit.filename} has a solution region in its given code")
        assert tuple(c.exercise for c in split[1:]) == unit.code_exercises, (
            f"solutions/{unit.filename}: its answer cells and its declared exercises differ")


def test_every_exercise_has_a_public_test(exercises):
    _assert_none(_missing(exercises, "public test in exercises/tests/", _public_tests()))


def test_every_exercise_has_a_hidden_grader(items, exercises):
    found = {(m.unit, m.exercise) for m in items}
    files = [(u.name, f) for u in units.UNITS for f in u.files]
    _assert_none(_missing(exercises + files, "grader item in autograder/graders/", found))


def test_every_exercise_has_a_lesson_cell(exercises):
    _assert_none(_missing(exercises, "'# exercise:' cell in lessons/", _lesson_cells()))


def test_every_exercise_has_a_mutant(items, exercises):
    exercise_of = {m.id: (m.unit, m.exercise) for m in items}
    found = {exercise_of[i] for mutant in ALL_MUTANTS for i in mutant.fails if i in exercise_of}
    _assert_none(_missing(exercises, "mutant in autograder/authoring/samples.py", found))


def test_mutants_name_real_items(items):
    ids = {m.id for m in items}
    unknown = sorted(i for mutant in ALL_MUTANTS for i in mutant.fails if i not in ids)
    assert unknown == []


def test_every_unit_is_worth_100_points(items):
    assert unit_points(items) == {u.name: 100 for u in units.UNITS}


def test_the_numpy_only_exercises_import_no_keras(items):
    """An exercise of a TensorFlow unit whose items need no TensorFlow is graded with NumPy
    alone: its reference imports neither Keras nor TensorFlow, and nor does the module."""
    found = []
    for unit in (u for u in units.UNITS if u.needs_tensorflow):
        numpy_only = numpy_only_exercises(unit.name, items)
        assert numpy_only, f"{unit.name}: no NumPy-only exercise"
        tree = ast.parse(unit.solution.read_text(encoding="utf-8"))
        scopes = [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.ClassDef))]
        scopes += [node for node in tree.body if getattr(node, "name", None) in numpy_only]
        for scope in scopes:
            for node in ast.walk(scope):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                found += [f"{unit.name}.{getattr(scope, 'name', '<module>')}: imports {n}" for n in names
                          if n.split(".")[0] in ("keras", "tensorflow")]
    _assert_none(found)


def test_a_half_added_exercise_is_named_with_what_it_lacks(tmp_path):
    """A course where one exercise has only its reference and another only its lesson
    cell: these tests name each missing piece of each."""
    import os
    import shutil
    import subprocess
    import sys

    for folder in ("solutions", "exercises", "lessons"):
        shutil.copytree(paths.COURSE_ROOT / folder, tmp_path / folder)
    unit = units.NUMPY_UNITS[-1]
    with (tmp_path / "solutions" / unit.filename).open("a", encoding="utf-8") as f:
        f.write('\n\ndef softsign(x):\n    """x / (1 + |x|)."""\n    ### BEGIN SOLUTION\n'
                "    return x / (1 + abs(x))\n    ### END SOLUTION\n")
    with (tmp_path / "lessons" / f"{unit.assignment}.md").open("a", encoding="utf-8") as f:
        f.write("\n```python\n# exercise: leaky_relu\n```\n")
    env = dict(os.environ, **{paths.ENV: str(tmp_path)})
    proc = subprocess.run([sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:randomly",
                           "-k", "not half_added"], env=env, capture_output=True, text=True, timeout=300,
                          cwd=paths.COURSE_ROOT)
    lacks = set(re.findall(rf"\b{unit.name}\.(softsign|leaky_relu): no (reference|stub|public test|grader item|"
                           r"'# exercise:' cell|mutant)\b", proc.stdout))
    pieces = {"stub", "public test", "grader item", "mutant"}
    assert lacks == {("softsign", p) for p in pieces | {"'# exercise:' cell"}} | {
        ("leaky_relu", p) for p in pieces | {"reference"}}, proc.stdout
