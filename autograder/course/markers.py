"""nbgrader's solution markers, what a stub puts in their place, and the exercises they
declare.

The same text goes into the stub files and into nbgrader's ``ClearSolutions``
configuration (``nbgrader_config.py`` at the course root), so a stub and a release notebook look
alike to a student.

The solution regions of a unit's reference module are the one declaration of its
exercises (`declared_exercises`): a top-level function whose body holds a region is an
exercise of that name, and a region at module level declares the one name it assigns
(``HAND_SOBEL_ANSWER = …``). Everything outside the regions is given code.
"""

import ast

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "### END HIDDEN TESTS"

CODE_STUB = "# 請在這裡寫你的程式 — YOUR CODE HERE\nraise NotImplementedError()"
ANSWER_STUB = "None  # 請填入你的答案 — fill in your answer"


class MarkerError(ValueError):
    """Unbalanced or misplaced solution markers; the message names the line."""


def solution_regions(lines: list[str]):
    """Yield ``(begin, end)`` line indices of every solution region.

    Parameters
    ----------
    lines : list of str
        Source lines without line endings.

    Raises
    ------
    MarkerError
        A region that is nested, not closed, or closed without being opened.
    """
    begin = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == BEGIN_SOLUTION:
            if begin is not None:
                raise MarkerError(f"line {i + 1}: {BEGIN_SOLUTION} inside another region")
            begin = i
        elif stripped == END_SOLUTION:
            if begin is None:
                raise MarkerError(f"line {i + 1}: {END_SOLUTION} without {BEGIN_SOLUTION}")
            yield begin, i
            begin = None
    if begin is not None:
        raise MarkerError(f"line {begin + 1}: {BEGIN_SOLUTION} is never closed")


def assigned_names(source: str) -> list[str]:
    """The names a piece of module-level code assigns (``NAME = …``, ``NAME: T = …``), in order."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def region_owners(source: str, filename: str = "<solution>") -> list[tuple[int, int, str]]:
    """``(begin, end, exercise)`` for each solution region of ``source``, in file order.

    A region inside a top-level function (or class) belongs to that function; a region
    at module level to the one name it assigns.

    Raises
    ------
    MarkerError
        Unbalanced markers; a module-level region that assigns no name or several; an
        indented region outside every top-level function (its body would be handed out
        as given code).
    """
    lines = source.splitlines()
    regions = list(solution_regions(lines))
    if not regions:
        return []
    tree = ast.parse(source, filename)
    defs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    owners = []
    for begin, end in regions:
        if not lines[begin].startswith((" ", "\t")):
            names = assigned_names("\n".join(lines[begin + 1 : end]))
            if len(names) != 1:
                raise MarkerError(f"{filename}: line {begin + 1}: a module-level solution region must assign "
                                  f"exactly one answer, this one assigns {names or 'none'}")
            owners.append((begin, end, names[0]))
            continue
        owner = next((node.name for node in defs if node.lineno - 1 < begin < node.end_lineno), None)
        if owner is None:
            raise MarkerError(f"{filename}: line {begin + 1}: a solution region in no top-level function "
                              f"(its body would become given code)")
        owners.append((begin, end, owner))
    return owners


def declared_exercises(source: str, filename: str = "<solution>") -> tuple[str, ...]:
    """The exercises a reference module declares, in the order of the file (see the module
    docstring and `region_owners`)."""
    seen = []
    for _begin, _end, name in region_owners(source, filename):
        if name not in seen:
            seen.append(name)
    return tuple(seen)
