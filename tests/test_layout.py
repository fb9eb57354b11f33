"""The engine's layout: one concept per folder, and no import cycle between folders.

Folders are ordered from the bottom up; a module may import from its own folder and
from the folders below it, never from one above. The sandbox is the bottom and imports
nothing of the rest (it is all the child sees).
"""

import ast

import pytest

from autograder.course import paths

#: bottom to top
LAYERS = ["sandbox", "course", "intake", "host", "grading", "graders", "reports", "batch", "authoring", "cli"]
TOP_LEVEL = {"__init__", "__main__"}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "autograder":
                for alias in node.names:
                    yield f"autograder.{alias.name}"
            elif node.module.startswith("autograder."):
                yield node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("autograder."):
                    yield alias.name


def _folder(path):
    relative = path.relative_to(paths.PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _modules():
    return sorted(p for p in paths.PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_lives_in_a_folder_of_the_layout():
    loose = [str(p.relative_to(paths.PACKAGE)) for p in _modules() if _folder(p) not in set(LAYERS) | TOP_LEVEL]
    assert loose == [], f"modules outside the layout's folders: {loose}"


def test_no_folder_imports_one_above_it():
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = []
    for module in _modules():
        here = _folder(module)
        if here in TOP_LEVEL:
            continue
        for target in _imports(module):
            parts = target.split(".")
            there = parts[1] if len(parts) > 1 else None
            if there in rank and rank[there] > rank[here]:
                upward.append(f"{module.relative_to(paths.PACKAGE)} imports {target}")
    assert upward == [], "imports against the layout's order:\n" + "\n".join(upward)


@pytest.mark.parametrize("module", sorted(p.name for p in (paths.PACKAGE / "sandbox").glob("*.py")))
def test_the_sandbox_imports_only_itself(module):
    targets = list(_imports(paths.PACKAGE / "sandbox" / module))
    assert all(t.startswith("autograder.sandbox") for t in targets), targets
