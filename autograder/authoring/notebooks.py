"""The nbgrader notebooks, built from the lessons and the reference solutions.

``lessons/<NN_unit>.md`` holds a unit's lesson in zh-TW (jupytext Markdown): prose,
demonstration code cells, and two kinds of placeholder code cells::

    ```python
    # setup
    ```

    ```python
    # exercise: conv2d
    ```

``# setup`` becomes the read-only cell with the module's given code (imports, the
slides' constants, given helpers) and the check functions. ``# exercise: NAME``
becomes the answer cell — the solution's code for NAME, its body between nbgrader's
solution markers — followed by a test cell worth the hidden graders' points for NAME:
``check(NAME)`` (the public tests, visible to students) and, between nbgrader's hidden
test markers, ``grade(NAME)`` (the hidden graders, comparing with the reference).

The split of a module into given code and answer cells is `autograder.course.cells`,
shared with turning a submitted notebook back into a module.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import paths, units
from autograder.course.cells import LessonError, answer_id, module_cells, test_id
from autograder.course.markers import BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS

if TYPE_CHECKING:
    import nbformat

NBGRADER_SCHEMA = 3
SETUP_IMPORT = "from autograder.authoring.in_kernel import check, grade"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


# ----------------------------------------------------------------------------- notebooks
def exercise_points() -> dict[str, dict[str, float]]:
    """``{exercise: points}`` of the hidden graders, per unit: ``{unit: {exercise: points}}``."""
    from autograder.grading.engine import collect_items

    out = {}
    for meta in collect_items():
        unit = out.setdefault(meta.unit, {})
        unit[meta.exercise] = unit.get(meta.exercise, 0.0) + meta.points
    return out


def _nbgrader(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NBGRADER_SCHEMA,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def test_cell_source(exercise: str) -> str:
    return (
        f"# 檢查 {exercise}：先跑公開測試，正式評分另有隱藏測試 — public checks of {exercise}\n"
        f'check("{exercise}")\n'
        f"{BEGIN_HIDDEN_TESTS}\n"
        f'grade("{exercise}")\n'
        f"{END_HIDDEN_TESTS}"
    )


def build_notebook(unit_name: str, lesson_text: str, points: dict[str, float]) -> "nbformat.NotebookNode":
    """The source notebook (solutions and hidden tests included) of ``unit_name``.

    Parameters
    ----------
    lesson_text : str
        The jupytext Markdown lesson.
    points : dict
        ``{exercise: points}`` from the hidden graders.

    Raises
    ------
    LessonError
        The lesson names an unknown exercise, repeats one, misses one, or lacks the
        ``# setup`` cell before the first exercise.
    """
    import jupytext
    import nbformat

    cells_by_exercise = {c.exercise: c for c in module_cells(unit_name)[1:]}
    setup = module_cells(unit_name)[0]
    lesson = jupytext.reads(lesson_text, fmt="md")
    out, placed, has_setup = [], [], False
    counters = {"markdown": 0, "code": 0}

    def add(cell, cell_id):
        cell["id"] = cell_id
        out.append(cell)

    for cell in lesson.cells:
        text = cell.source.strip()
        if cell.cell_type == "code" and text == "# setup":
            if has_setup:
                raise LessonError(f"{unit_name}: two # setup cells")
            has_setup = True
            source = f"{SETUP_IMPORT}\n\n{setup.source}"
            add(nbformat.v4.new_code_cell(source, metadata=_nbgrader("setup", locked=True)), "setup")
        elif cell.cell_type == "code" and text.startswith("# exercise:"):
            exercise = text.split(":", 1)[1].strip()
            if exercise not in cells_by_exercise:
                raise LessonError(f"{unit_name}: the lesson names {exercise!r}, which is not an exercise with code")
            if exercise in placed:
                raise LessonError(f"{unit_name}: {exercise!r} appears twice")
            if not has_setup:
                raise LessonError(f"{unit_name}: the # setup cell must come before the first exercise")
            placed.append(exercise)
            add(nbformat.v4.new_code_cell(cells_by_exercise[exercise].source,
                                          metadata=_nbgrader(answer_id(exercise), solution=True)), answer_id(exercise))
            add(nbformat.v4.new_code_cell(test_cell_source(exercise),
                                          metadata=_nbgrader(test_id(exercise), grade=True, locked=True,
                                                             points=points[exercise])), test_id(exercise))
        elif cell.cell_type == "code":
            counters["code"] += 1
            add(nbformat.v4.new_code_cell(cell.source), f"demo-{counters['code']}")
        else:
            counters["markdown"] += 1
            add(nbformat.v4.new_markdown_cell(cell.source), f"text-{counters['markdown']}")
    missing = [e for e in cells_by_exercise if e not in placed]
    if missing:
        raise LessonError(f"{unit_name}: the lesson does not place {missing}")
    nb = nbformat.v4.new_notebook(cells=out)
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    nbformat.validate(nb)
    return nb


def lesson_path(unit: units.Unit) -> Path:
    return paths.LESSONS / f"{unit.assignment}.md"


def notebook_path(unit: units.Unit) -> Path:
    return paths.SOURCE / unit.assignment / f"{unit.assignment}.ipynb"


def expected_notebooks() -> dict[Path, str]:
    """``{path: text}`` of every notebook `autograder build` would write."""
    import nbformat

    points = exercise_points()
    out = {}
    for unit in units.UNITS:
        lesson = lesson_path(unit)
        if not lesson.exists():
            continue
        nb = build_notebook(unit.name, lesson.read_text(encoding="utf-8"), points.get(unit.name, {}))
        out[notebook_path(unit)] = nbformat.writes(nb) + "\n"
    return out
