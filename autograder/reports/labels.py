"""What every report calls things: a status, a column, a unit.

The words are the message catalog's (`autograder.course.messages`: ``status_<status>``,
``head_<column>``); the units' titles are the course's (`autograder.course.units`). The
terminal tables, the feedback pages, the Markdown and the class summary all take them
from here, so they say the same thing. `STATUS_STYLE` is each status's colour (rich's
names; the pages turn them into page colours).
"""

from autograder.course import messages
from autograder.course import units as course_units

__all__ = ["STATUS_STYLE", "status_text", "heading", "unit_title", "unit_subtitle", "short_id"]

#: The colour a status is shown in (rich's colour names).
STATUS_STYLE = {
    "passed": "green",
    "failed": "red",
    "error": "red",
    "timeout": "magenta",
    "missing": "yellow",
    "not_implemented": "yellow",
    "not_graded": "cyan",
}


def status_text(status: str, lang: str) -> str:
    """A status (``"passed"``, ``"not_implemented"`` …) as a report shows it."""
    return messages.text_in(f"status_{status}", lang)


def heading(column: str, lang: str) -> str:
    """A column's or a section's heading: ``unit``, ``item``, ``exercise``, ``status``,
    ``points``, ``total``, ``problems``, ``submission``."""
    return messages.text_in(f"head_{column}", lang)


def unit_title(unit: str, lang: str) -> str:
    """``"convolution.py — 卷積、濾波、池化"`` for a unit of the course; any other name as it is."""
    if unit in course_units.BY_NAME:
        return f"{unit}.py — {course_units.get(unit).title[lang]}"
    return unit


def unit_subtitle(unit: str, lang: str) -> str:
    """The unit's title alone in ``lang`` (a page's muted second line), or ``""``."""
    if unit in course_units.BY_NAME:
        return course_units.get(unit).title[lang]
    return ""


def short_id(item) -> str:
    """The item's id without its unit prefix, as the tables show it."""
    return item.id.split(".", 1)[-1]
