"""The message catalog is the one place of the project's wording, in both languages.

Every entry has a zh-TW and an English text with the same placeholders; every entry is
used; the reports, the command line and the notebook reader keep no wording of their
own (their labels are catalog entries).
"""

import ast
import re
import string

import pytest

from autograder.course import messages, paths
from autograder.grading.result import STATUSES
from autograder.reports import labels

#: Entries whose key is built from a prefix and a name: the name is written in the code.
PREFIXES = ("status_", "head_", "refusal_", "intake_type_", "intake_want_")
CHINESE = re.compile(r"[\u3400-\u9fff]")
COURSE = "影像視覺"  # the course's name, in every language
#: What shows or says something to a student or an instructor, and reads its words from the catalog.
WORDLESS = ["reports", "cli", "intake", "authoring/in_kernel.py"]


def _placeholders(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _sources():
    files = [p for p in sorted(paths.PACKAGE.rglob("*"))
             if p.suffix in (".py", ".j2") and "__pycache__" not in p.parts and p.name != "messages.py"]
    return {p: p.read_text(encoding="utf-8") for p in files}


@pytest.mark.parametrize("key", sorted(messages.CATALOG))
def test_every_entry_has_both_languages_with_the_same_placeholders(key):
    zh, en = messages.CATALOG[key]
    assert zh and en, key
    assert _placeholders(zh) == _placeholders(en), key


def test_every_entry_is_used():
    code = "\n".join(_sources().values())
    quoted = set(re.findall(r"""["']([\w.]+)["']""", code))
    unused = []
    for key in messages.CATALOG:
        if key.startswith("diagnosis."):  # made from DIAGNOSES, whose use tests/test_diagnoses.py checks
            continue
        prefix = next((p for p in PREFIXES if key.startswith(p)), "")
        if key.removeprefix(prefix) not in quoted:
            unused.append(key)
    assert unused == [], f"catalog entries nothing uses: {unused}"


def test_every_status_has_its_words_and_its_colour():
    for status in STATUSES:
        for lang in messages.LANGS:
            assert labels.status_text(status, lang)
    assert set(labels.STATUS_STYLE) == set(STATUSES)


def _texts(path):
    """The string constants of a module but its docstrings, or a template's text."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return [re.sub(r"\{#.*?#\}", "", source, flags=re.S)]
    tree = ast.parse(source)
    scopes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, scopes) and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_reports_and_commands_keep_no_words_of_their_own():
    own = []
    for place in WORDLESS:
        root = paths.PACKAGE / place
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.suffix in (".py", ".j2") and "__pycache__" not in path.parts:
                own += [f"{path.relative_to(paths.PACKAGE)}: {text!r}" for text in _texts(path)
                        if CHINESE.search(text.replace(COURSE, ""))]
    listed = "\n".join(own)
    assert own == [], f"zh-TW text outside the catalog (make it an entry of course/messages.py):\n{listed}"


def test_text_in_and_the_other_language():
    assert messages.text_in("page_title", "en", name="x") == messages.text("page_title", name="x")["en"]
    assert [messages.other(lang) for lang in messages.LANGS] == ["en", "zh-TW"]
    with pytest.raises(ValueError, match="unknown language"):
        messages.check_lang("fr")
