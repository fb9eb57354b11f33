"""A unit's module built from a submitted notebook.

Only the notebook's answer cells (nbgrader ``solution`` cells, found by ``grade_id``)
are taken from the student's copy; the given code between them (imports, constants)
and the order of cells come from the course's own notebook, so nothing the student
adds or changes outside an answer cell runs, and no test cell runs at all.
"""

import json
import re

from autograder.course import messages

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
    """The notebook cannot be turned into a module.

    ``reason`` is a message dict (zh-TW and English) saying why, without the file's
    name (the caller's message names it); ``str()`` is the English text.
    """

    def __init__(self, key, **fields):
        self.reason = messages.text(key, **fields)
        super().__init__(self.reason["en"])


MAX_JSON_DEPTH = 64  # Jupyter's own notebooks nest about 6 deep (outputs' JSON data a few more)

_BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "zip archive"), (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip archive"), (b"\x7fELF", "program"), (b"\xd0\xcf\x11\xe0", "Microsoft Office document"),
    (b"7z\xbc\xaf", "7-Zip archive"), (b"Rar!", "RAR archive"),
)
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_TYPE_NAMES = {dict: "object", list: "list", str: "text", bool: "bool", int: "number", float: "number",
               type(None): "null"}


def _want(kind):
    """What a notebook's field should be (``"object"``, ``"text"``, ``"grade_id"``, ``"bool"``)."""
    return messages.text(f"intake_want_{kind}")


def _type_name(value):
    kind = _TYPE_NAMES.get(type(value))
    return messages.text(f"intake_type_{kind}") if kind else messages.same(type(value).__name__)


def _decode(data):
    """The notebook's text; `NotebookProblem` for a binary or non-UTF-8 file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotebookProblem("intake_not_utf8", byte=f"0x{data[0]:02x}", position=0)
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise NotebookProblem("intake_binary", kind=kind)
    if b"\0" in data[:8192]:
        raise NotebookProblem("intake_binary", kind="NUL bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookProblem("intake_not_utf8", byte=f"0x{data[exc.start]:02x}", position=exc.start) from None


def json_depth(text):
    """How deep ``text``'s brackets nest, strings aside (counted without parsing, so a
    5000-deep document is measured, not decoded)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    if not brackets:
        return 0
    import numpy as np

    steps = np.frombuffer(brackets, dtype=np.uint8)
    return int(np.cumsum(np.where((steps == ord("[")) | (steps == ord("{")), 1, -1)).max())


def _load_json(data):
    text = _decode(data)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise NotebookProblem("intake_too_deep", limit=MAX_JSON_DEPTH)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, huge integers
        raise NotebookProblem("intake_not_json", detail=str(exc)[:200]) from None


def _check(n, field, value, want, types):
    if not isinstance(value, types):
        raise NotebookProblem("intake_bad_cell", n=n, field=field, want=_want(want), got=_type_name(value))


def read_cells(data):
    """``[(grade_id or None, cell_type, source, nbgrader metadata)]`` of a notebook's bytes.

    Raises
    ------
    NotebookProblem
        Not UTF-8 text, a binary file, not JSON, JSON nested over `MAX_JSON_DEPTH`, no
        list of cells, or a cell whose fields have the wrong types (a cell, its
        ``metadata`` and ``metadata.nbgrader`` must be objects, ``source`` text or a
        list of text, ``grade_id`` text, ``solution`` true or false).
    """
    nb = _load_json(data)
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise NotebookProblem("intake_no_cells")
    out = []
    for n, cell in enumerate(cells, 1):
        _check(n, "cell", cell, "object", dict)
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        _check(n, "source", source, "text", str)
        metadata = cell.get("metadata", {})
        _check(n, "metadata", metadata, "object", dict)
        meta = metadata.get("nbgrader", {})
        _check(n, "metadata.nbgrader", meta, "object", dict)
        grade_id = meta.get("grade_id")
        if grade_id is not None:
            _check(n, "grade_id", grade_id, "grade_id", str)
        if "solution" in meta:
            _check(n, "solution", meta["solution"], "bool", bool)
        out.append((grade_id, cell.get("cell_type"), source, meta))
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
    from autograder.course import cells

    student = {gid: without_magics(source) for gid, kind, source, meta in read_cells(data)
               if gid and meta.get("solution") is True}
    parts = [PRELUDE]
    answered = 0
    for cell in cells.module_cells(unit):
        if cell.grade_id is None:
            parts.append(cell.source)
        elif cell.grade_id in student:
            text = student[cell.grade_id]
            parts.append(_unanswered_constant(cell, text) if cell.constant else text)
            answered += 1
        else:
            parts.append(cell.stub)
    if answered == 0:
        raise NotebookProblem("intake_no_answers", unit=unit)
    return "\n\n".join(parts) + "\n"
