"""CSV that a spreadsheet opens as data: every file we write as CSV goes through here.

A student chooses their folder name, and that name lands in ``gradebook.csv`` and
``nbgrader_grades.csv``. Opened in Excel, LibreOffice or Google Sheets, a cell that
starts with ``=``, ``+``, ``-`` or ``@`` (``=HYPERLINK(…)``, ``+1+2``, ``@SUM(…)``),
or with a tab or carriage return, is read as a formula. OWASP's rule: such a text
cell gets a leading single quote, which the spreadsheet shows as text and does not
evaluate. Numbers (``int``, ``float``) are written as they are.

A carriage return inside a cell also becomes a line feed: ``csv.writer`` quotes a
field only for the characters of its line terminator (``"\\n"`` here), so a bare CR
would reach the file unquoted and start a new row in most readers.

Use `writer` wherever ``csv.writer`` would be used, or `cell` on each value.

Examples
--------
>>> cell("=HYPERLINK(\\"http://x\\")"), cell("alice"), cell(-2.5)
('\\'=HYPERLINK("http://x")', 'alice', -2.5)
"""

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

__all__ = ["FORMULA_STARTS", "cell", "row", "writer", "dict_writer", "SafeWriter", "SafeDictWriter"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """``value`` made safe for one CSV cell.

    A ``str`` (or any object other than a number, ``None`` or a bool, taken as its
    ``str``) that starts with one of `FORMULA_STARTS` gets a ``'`` in front; numbers and
    ``None`` (an empty cell) are returned unchanged. Carriage returns become line
    feeds (which the writer quotes).
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def row(values: Iterable[Any]) -> list:
    """`cell` of each value in ``values``, as a list."""
    return [cell(v) for v in values]


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through `cell` first."""

    def __init__(self, f, **kwargs):
        self._writer = csv.writer(f, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


def writer(f: TextIO, **kwargs: Any) -> SafeWriter:
    """`SafeWriter` over the text stream ``f``; ``kwargs`` as for ``csv.writer``
    (``lineterminator="\\n"`` is the default here, as in every CSV this package writes)."""
    kwargs.setdefault("lineterminator", "\n")
    return SafeWriter(f, **kwargs)


class SafeDictWriter(csv.DictWriter):
    """A ``csv.DictWriter`` whose every cell (the header's too) goes through `cell`."""

    def __init__(self, f, fieldnames, **kwargs):
        super().__init__(f, fieldnames, **kwargs)
        self.writer = SafeWriter(f, **{k: v for k, v in kwargs.items()
                                        if k not in ("restval", "extrasaction")})


def dict_writer(f: TextIO, fieldnames: Sequence[str], **kwargs: Any) -> SafeDictWriter:
    """`SafeDictWriter` over ``f``; ``kwargs`` as for ``csv.DictWriter``
    (``lineterminator="\\n"`` by default)."""
    kwargs.setdefault("lineterminator", "\n")
    return SafeDictWriter(f, fieldnames, **kwargs)
