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

`module_cells` is the same split for turning a submitted notebook back into a module
(`autograder.notebook_source`): the given code always comes from here, only answer
cells from the student.
"""

import ast
import functools
from dataclasses import dataclass

from autograder import paths, units
from autograder.build import stubs
from autograder.build.markers import ANSWER_STUB, BEGIN_HIDDEN_TESTS, BEGIN_SOLUTION, END_HIDDEN_TESTS, END_SOLUTION

NBGRADER_SCHEMA = 3
SETUP_IMPORT = "from autograder.notebook import check, grade"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class LessonError(ValueError):
    """A lesson that does not fit its unit (an unknown or missing exercise …)."""


@dataclass(frozen=True)
class ModuleCell:
    """A piece of a unit's module: given code (``grade_id`` None) or an answer cell.

    Attributes
    ----------
    grade_id : str or None
        ``"answer_<exercise>"`` for an answer cell.
    exercise : str or None
    source : str
        The reference's code (with solution markers for answer cells).
    stub : str
        What a student starts from (the solution regions replaced).
    constant : bool
        The answer is a module-level value (``HAND_SOBEL_ANSWER``), not a function.
    """

    grade_id: object
    exercise: object
    source: str
    stub: str
    constant: bool = False


def answer_id(exercise):
    return f"answer_{exercise}"


def test_id(exercise):
    return f"test_{exercise}"


def _comment_block_start(lines, index):
    """The first line of the comment block directly above line ``index`` (0-based)."""
    while index > 0 and lines[index - 1].lstrip().startswith("#") and lines[index - 1].strip() not in (
            BEGIN_SOLUTION, END_SOLUTION):
        index -= 1
    return index


@functools.cache
def module_cells(unit_name):
    """The reference module of ``unit_name`` split into given code and answer cells.

    Returns
    -------
    tuple of ModuleCell
        The first is all the given code (``grade_id`` None); then one answer cell per
        exercise, in the order of the solution file.
    """
    unit = units.get(unit_name)
    return split_module(unit_name, (paths.SOLUTIONS / unit.filename).read_text(encoding="utf-8"))


def split_module(unit_name, source):
    """``source`` (a module laid out like the unit's solution) split as in `module_cells`."""
    unit = units.get(unit_name)
    lines = source.splitlines()
    tree = ast.parse(source)
    regions = {begin: end for begin, end in stubs.solution_regions(lines) if not lines[begin].startswith(" ")}
    owner = [None] * len(lines)  # exercise of each line, None for given code
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        last = node.end_lineno - 1
        # Indented comments after the last statement (### END SOLUTION) belong to the body.
        while last + 1 < len(lines) and lines[last + 1].startswith((" ", "\t")) and lines[last + 1].lstrip().startswith("#"):
            last += 1
        name = getattr(node, "name", None)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and name in unit.exercises:
            for i in range(_comment_block_start(lines, first), last + 1):
                owner[i] = name
    for begin, end in regions.items():
        names = [t.id for n in ast.parse("\n".join(lines[begin + 1 : end])).body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name)]
        exercise = next((n for n in names if n in unit.exercises), None)
        if exercise is None:
            raise LessonError(f"{unit.filename}: a module-level solution region assigns no exercise ({names})")
        for i in range(_comment_block_start(lines, begin), end + 1):
            owner[i] = exercise
    stray = [i + 1 for i, line in enumerate(lines) if owner[i] is None and line.strip() == BEGIN_SOLUTION]
    if stray:  # its body would be handed out as given code
        raise LessonError(f"{unit.filename}: a solution region on line {stray[0]} is in no exercise of units.py "
                          f"(add the exercise to the unit's exercises)")
    # The module docstring is the lesson's job, not the setup cell's.
    skip = set()
    if tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(getattr(tree.body[0], "value", None), ast.Constant):
        skip = set(range(tree.body[0].lineno - 1, tree.body[0].end_lineno))
    given = [line for i, line in enumerate(lines) if owner[i] is None and i not in skip]
    cells = [ModuleCell(None, None, _tidy("\n".join(given)), _tidy("\n".join(given)))]
    seen = []
    for i, name in enumerate(owner):
        if name is not None and name not in seen:
            seen.append(name)
    for name in seen:
        text = _tidy("\n".join(line for line, o in zip(lines, owner) if o == name))
        constant = any(line == BEGIN_SOLUTION for line in text.splitlines())
        if constant:
            # nbgrader replaces the whole solution region with its code stub, which
            # would hide the name to assign: say it before the region.
            at = text.splitlines().index(BEGIN_SOLUTION)
            parts = text.splitlines()
            text = "\n".join(parts[:at] + [f"{name} = {ANSWER_STUB}"] + parts[at:])
        stub = stubs.make_stub(text).rstrip("\n")
        cells.append(ModuleCell(answer_id(name), name, text, stub, constant))
    missing = [e for e in unit.exercises if e not in seen and not e.endswith(".keras")]
    if missing:
        raise LessonError(f"{unit.filename} has no code for {missing}")
    return tuple(cells)


def _tidy(text):
    """Strip leading/trailing blank lines and squeeze runs of blank lines to two."""
    out, blank = [], 0
    for line in text.strip("\n").splitlines():
        blank = blank + 1 if not line.strip() else 0
        if blank <= 2:
            out.append(line.rstrip())
    return "\n".join(out).strip("\n")


# ----------------------------------------------------------------------------- notebooks
def exercise_points():
    """``{exercise: points}`` of the hidden graders, per unit: ``{unit: {exercise: points}}``."""
    from autograder.engine import collect_items

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


def test_cell_source(exercise):
    return (
        f"# 檢查 {exercise}：先跑公開測試，正式評分另有隱藏測試 — public checks of {exercise}\n"
        f'check("{exercise}")\n'
        f"{BEGIN_HIDDEN_TESTS}\n"
        f'grade("{exercise}")\n'
        f"{END_HIDDEN_TESTS}"
    )


def build_notebook(unit_name, lesson_text, points):
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

    unit = units.get(unit_name)
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


def lesson_path(unit):
    return paths.LESSONS / f"{unit.assignment}.md"


def notebook_path(unit):
    return paths.SOURCE / unit.assignment / f"{unit.assignment}.ipynb"


def expected_notebooks():
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
