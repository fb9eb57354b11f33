"""A unit's module built from a submitted notebook.

Only the notebook's answer cells (nbgrader ``solution`` cells, found by ``grade_id``)
are taken from the student's copy; the given code between them (imports, constants)
and the order of cells come from the course's own notebook, so nothing the student
adds or changes outside an answer cell runs, and no test cell runs at all.
"""

import json
import re

# Notebook cells may call get_ipython() or display(); in the grader nothing of the
# notebook's kernel exists, so these do nothing (and a cell that tries to rewire the
# kernel — input transformers and the like — changes nothing either).
PRELUDE = """\
class _NotebookShell:
    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self


def get_ipython():
    return _NotebookShell()


def display(*objects, **kwargs):
    pass
"""
_MAGIC = re.compile(r"^(\s*)([%!].*)$", re.MULTILINE)


def without_magics(source):
    """IPython magics and shell escapes (``%matplotlib``, ``!pip``) commented out."""
    return _MAGIC.sub(r"\1# (notebook only) \2", source)


class NotebookProblem(ValueError):
    """The notebook cannot be turned into a module; the message says why."""


def read_cells(data):
    """``[(grade_id or None, cell_type, source, nbgrader metadata)]`` of a notebook's bytes."""
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotebookProblem(f"not a notebook file (invalid JSON: {exc})") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise NotebookProblem("not a notebook file (no list of cells)")
    out = []
    for cell in cells:
        if not isinstance(cell, dict):
            raise NotebookProblem("a cell is not a JSON object")
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            raise NotebookProblem("a cell's source is not text")
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if not isinstance(meta, dict):
            meta = {}
        out.append((meta.get("grade_id"), cell.get("cell_type"), source, meta))
    return out


def _unanswered_constant(cell, source):
    """nbgrader leaves ``raise NotImplementedError()`` where a value is to be typed in;
    at module level that would stop the whole module. Such a line becomes "the answer
    as it stands (or None)", so only that exercise counts as not done."""
    keep = f"{cell.exercise} = globals().get({cell.exercise!r})  # (not answered in the notebook)"
    return "\n".join(keep if line.strip() == "raise NotImplementedError()" and not line.startswith((" ", "\t"))
                     else line for line in source.splitlines())


def module_source(unit, data):
    """The Python source of ``unit``'s module from the notebook bytes ``data``.

    Raises
    ------
    NotebookProblem
        The notebook is malformed or has none of the unit's answer cells.
    """
    from autograder.build import notebooks

    student = {gid: without_magics(source) for gid, kind, source, meta in read_cells(data)
               if gid and meta.get("solution")}
    parts = [PRELUDE]
    answered = 0
    for cell in notebooks.module_cells(unit):
        if cell.grade_id is None:
            parts.append(cell.source)
        elif cell.grade_id in student:
            text = student[cell.grade_id]
            parts.append(_unanswered_constant(cell, text) if cell.constant else text)
            answered += 1
        else:
            parts.append(cell.stub)
    if answered == 0:
        raise NotebookProblem(f"none of the answer cells of {unit} were found (was the notebook replaced?)")
    return "\n\n".join(parts) + "\n"
