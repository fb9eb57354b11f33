"""A unit's reference module split into notebook cells: the given code, and one answer
cell per exercise (its body between the solution markers).

The build makes the notebooks' setup and answer cells from this split; turning a
submitted notebook back into a module (`autograder.intake.notebook`) uses the same
split, so the given code always comes from the course and only answer cells from the
student.
"""

import ast
import functools
from dataclasses import dataclass

from autograder.course import stubs, units
from autograder.course.markers import ANSWER_STUB, BEGIN_SOLUTION, END_SOLUTION, MarkerError, region_owners


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


def answer_id(exercise: str) -> str:
    return f"answer_{exercise}"


def test_id(exercise: str) -> str:
    return f"test_{exercise}"


def _comment_block_start(lines, index):
    """The first line of the comment block directly above line ``index`` (0-based)."""
    while index > 0 and lines[index - 1].lstrip().startswith("#") and lines[index - 1].strip() not in (
            BEGIN_SOLUTION, END_SOLUTION):
        index -= 1
    return index


@functools.cache
def module_cells(unit_name: str) -> tuple[ModuleCell, ...]:
    """The reference module of ``unit_name`` split into given code and answer cells.

    Returns
    -------
    tuple of ModuleCell
        The first is all the given code (``grade_id`` None); then one answer cell per
        exercise, in the order of the solution file.
    """
    unit = units.get(unit_name)
    return split_module(unit_name, unit.solution.read_text(encoding="utf-8"))


def split_module(unit_name: str, source: str) -> tuple[ModuleCell, ...]:
    """``source`` (a module laid out like the unit's solution) split as in `module_cells`.

    An answer is a top-level function that is an exercise of the unit or holds a
    solution region, or the name a module-level region assigns (`markers.region_owners`).
    Everything else is given code, so no reference body can end up in the setup cell.

    Raises
    ------
    LessonError
        Misplaced markers, or an exercise of the unit with no code in ``source``.
    """
    unit = units.get(unit_name)
    lines = source.splitlines()
    tree = ast.parse(source)
    try:
        regions = region_owners(source, unit.filename)
    except MarkerError as exc:
        raise LessonError(str(exc)) from None
    # The unit's exercises, and any function a region of this source makes one.
    exercises = set(unit.code_exercises) | {name for _b, _e, name in regions}
    owner = [None] * len(lines)  # exercise of each line, None for given code
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        last = node.end_lineno - 1
        # Indented comments after the last statement (### END SOLUTION) belong to the body.
        while last + 1 < len(lines) and lines[last + 1].startswith((" ", "\t")) and lines[last + 1].lstrip().startswith("#"):
            last += 1
        name = getattr(node, "name", None)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and name in exercises:
            for i in range(_comment_block_start(lines, first), last + 1):
                owner[i] = name
    for begin, end, name in regions:
        if not lines[begin].startswith((" ", "\t")):  # a module-level answer
            for i in range(_comment_block_start(lines, begin), end + 1):
                owner[i] = name
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
    missing = [e for e in unit.code_exercises if e not in seen]
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
