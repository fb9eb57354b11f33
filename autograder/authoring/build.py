"""Write (or check) every generated file: the stubs now, the notebooks too once built.

`write_all` never overwrites a stub that holds a student's work (an exercise written,
an answer filled in) unless forced: the course's ``exercises/`` is generated from
``solutions/``; students work in the ``autograder release`` bundle.
"""

import ast
import os
from collections.abc import Iterable
from pathlib import Path

from autograder.course import stubs


def expected_files() -> dict[Path, str]:
    """``{path: text}`` of every file `autograder build` owns."""
    files = dict(stubs.expected_stubs())
    try:
        from autograder.authoring import notebooks
    except ImportError:  # the notebook builder needs jupytext (the nbgrader extra)
        return files
    files.update(notebooks.expected_notebooks())
    return files


def stale_files() -> list[Path]:
    """Paths whose committed text differs from what `autograder build` would write."""
    return [
        path
        for path, text in expected_files().items()
        if not Path(path).exists() or Path(path).read_text(encoding="utf-8") != text
    ]


def _placeholders(source):
    """``(functions, answers)``: names still ``raise NotImplementedError()``, names still ``= None``.

    ``None`` when ``source`` does not parse.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    functions, answers = set(), set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            body = [n for n in node.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
            if len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in ast.unparse(body[0]):
                functions.add(node.name)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is None:
            answers.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return functions, answers


def hand_edited(path: str | os.PathLike, text: str) -> bool:
    """Whether the stub at ``path`` holds work that writing ``text`` would throw away.

    True when an exercise that ``text`` leaves as ``raise NotImplementedError()`` (or an
    answer it leaves ``= None``) is written in the file, or the file does not parse.
    """
    path = Path(path)
    if path.suffix != ".py" or not path.exists():
        return False
    old = _placeholders(path.read_text(encoding="utf-8"))
    new = _placeholders(text)
    if new is None:
        return False
    if old is None:
        return True
    written = (new[0] - old[0]) | (new[1] - old[1])
    return any(_defines(path, name) for name in written)


def _defines(path, name):
    source = path.read_text(encoding="utf-8")
    return any(isinstance(n, (ast.FunctionDef, ast.Assign)) and (
        getattr(n, "name", None) == name or any(getattr(t, "id", None) == name for t in getattr(n, "targets", [])))
        for n in ast.parse(source).body)


class HandEdited(Exception):
    """Generated files in which a student's (or a maintainer's) work was written."""

    def __init__(self, paths: Iterable[Path]):
        super().__init__(", ".join(map(str, paths)))
        self.paths = list(paths)


def write_all(force: bool = False) -> list[Path]:
    """Write every generated file that changed; return the paths written.

    Raises
    ------
    HandEdited
        A stub holds a student's work (see `hand_edited`) and ``force`` is false;
        nothing is written.
    """
    expected = {Path(p): t for p, t in expected_files().items()}
    edited = [p for p, t in expected.items() if p.exists() and p.read_text(encoding="utf-8") != t and hand_edited(p, t)]
    if edited and not force:
        raise HandEdited(edited)
    written = []
    for path, text in expected.items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
