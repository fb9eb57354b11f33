"""Results as terminal tables (rich), in zh-TW or English.

Tables fit an 80-column terminal (and a pipe, where rich assumes 80): long names wrap
onto a second line rather than being cut; the full names are in the CSV and HTML
exports. Every text a student controls (a submission's name, printed output, an
exception's message) goes through `terminal_safe` before it reaches the terminal.
"""

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from autograder.course import messages
from autograder.course import units as course_units
from autograder.reports import grouping
from autograder.reports.labels import STATUS_STYLE, heading, status_text, unit_title

if TYPE_CHECKING:
    from autograder.grading.result import Result


def terminal_safe(text: object, markup: bool = True) -> str:
    """``text`` a student controls, made safe to show in a terminal.

    Escape and control sequences are removed (a name or a printed line cannot set the
    window title, write the clipboard with OSC 52, move the cursor or clear the
    screen); with ``markup`` (for rich), ``[...]`` is escaped so it prints as itself.
    """
    text = clean(text)
    return escape(text) if markup else text


def _num(x):
    return f"{x:g}"


# Escape sequences a terminal acts on: OSC (title, clipboard: OSC 0, OSC 52, …) up to
# BEL or ST, CSI (cursor, colour, erase …), other two-byte ESC sequences, and their
# 8-bit C1 forms.
_ESCAPES = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC … BEL / ST
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences
)
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean(text: object) -> str:
    """``text`` without terminal escape sequences, control characters (newlines and
    tabs are kept) or bidirectional overrides, for printing as plain text."""
    text = _ESCAPES.sub("", str(text))
    return "".join(ch for ch in text if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI))


def plain(text: object, style: str | None = None) -> Text:
    """`clean` text as a rich `Text`: printed as it is, never read as markup."""
    return Text(clean(text), style=style or "")


def cleaned(result: "Result") -> "Result":
    """A copy of ``result`` whose name and messages are `clean` (item ids and the rest
    come from the graders). Print its messages with ``markup=False``."""
    from autograder.grading.result import Result

    items = [dataclasses.replace(i, message={k: clean(v) for k, v in i.message.items()}) for i in result.items]
    return Result(clean(result.submission), items, gradable=result.gradable)


def status_label(status: str, lang: str) -> str:
    """A status in its colour, as rich markup."""
    style = STATUS_STYLE[status]
    return f"[{style}]{status_text(status, lang)}[/{style}]"


def print_result(result: "Result", lang: str = "zh-TW", console: Console | None = None,
                 details: bool = True) -> None:
    """Per-unit item tables, the total, and every failed item's message."""
    result = cleaned(result)  # what the student controls, without escape sequences
    console = console or Console()
    console.print(Text.assemble(plain(result.submission, "bold"),
                                f": {heading('total', lang)} {_num(result.score)} / {_num(result.max_score)}"))
    by_unit = {}
    for item in result.items:
        by_unit.setdefault(item.unit, []).append(item)
    for unit, items in by_unit.items():
        totals = result.units[unit]
        table = Table(title=f"{unit_title(unit, lang)}  ({_num(totals['score'])}/{_num(totals['max_score'])})",
                      box=box.SIMPLE_HEAD, title_justify="left", collapse_padding=True, pad_edge=False)
        table.add_column(heading("item", lang), overflow="fold")
        table.add_column(heading("exercise", lang), overflow="fold")
        table.add_column(heading("status", lang))
        table.add_column(heading("points", lang), justify="right")
        for item in items:
            table.add_row(plain(item.id.split(".", 1)[-1]), plain(item.exercise), status_label(item.status, lang),
                          f"{_num(item.score)}/{_num(item.max_score)}")
        console.print(table)
    failed = [i for i in result.items if i.status not in ("passed", "not_graded")]
    if details and failed:
        other = messages.other(lang)
        found = grouping.diagnosed(result)
        if found:
            console.rule(messages.text("page_diagnoses")[lang])
            for entry in found:
                console.print(f"[bold yellow]{messages.text('diagnosis_label')[lang]}[/bold yellow] "
                              f"[bold]{entry.diagnosis['id']}[/bold]", highlight=False)
                console.print(entry.diagnosis[lang], markup=False, highlight=False)
                console.print(entry.diagnosis[other], markup=False, highlight=False, style="dim")
                console.print(messages.text("page_diagnosis_items", count=len(entry.items), points=_num(entry.lost),
                                            items=", ".join(i.id.split(".", 1)[-1] for i in entry.items))[lang],
                              markup=False, highlight=False, style="dim")
                console.print()
        console.rule(heading("problems", lang))
        for entry in grouping.entries(result):
            label = entry.title if entry.kind != "item" else entry.items[0].id
            console.print(f"[bold]{label}[/bold] ({status_label(entry.status, lang)})", highlight=False)
            if entry.diagnosis:
                console.print(f"{messages.text('diagnosis_label')[lang]}: {entry.diagnosis['id']}",
                              markup=False, highlight=False, style="yellow")
            console.print(entry.message[lang], markup=False, highlight=False)
            console.print()
    # Items this machine could not grade share one reason: said once per reason.
    reasons = {}
    for item in result.not_graded:
        reasons.setdefault(item.message[lang], []).append(item.id)
    for message, ids in reasons.items():
        console.print(f"[bold]{len(ids)} × {status_label('not_graded', lang)}[/bold]: "
                      f"{', '.join(ids) if len(ids) <= 3 else f'{ids[0]} … {ids[-1]}'}", highlight=False)
        console.print(terminal_safe(message), highlight=False)


def print_summary(results: Sequence["Result"], lang: str = "zh-TW", console: Console | None = None,
                  title: str | None = None) -> None:
    """One row per submission: per-unit scores and the total."""
    console = console or Console()
    unit_names = []
    for r in results:
        for u in r.units:
            if u not in unit_names:
                unit_names.append(u)
    # Units are headed by their number (the caption names them), so six score columns
    # and a readable name column fit 80 columns; a long name wraps, it is never cut.
    number = {u.name: u.number for u in course_units.UNITS}
    heads = [str(number.get(u, u)) for u in unit_names]
    caption = "  ".join(f"{head} {u}" for head, u in zip(heads, unit_names) if head != u)
    table = Table(title=terminal_safe(title) if title else None, box=box.SIMPLE_HEAD, title_justify="left",
                  collapse_padding=True, pad_edge=False)
    longest = max((len(r.submission) for r in results), default=10)
    table.add_column(heading("submission", lang), overflow="fold", min_width=min(max(longest, 10), 16))
    for head in heads:
        table.add_column(head, justify="right", no_wrap=True)
    table.add_column(heading("total", lang), justify="right", no_wrap=True)
    for r in results:
        units = r.units
        cells = [_cell(units[u]) if u in units else "" for u in unit_names]
        table.add_row(terminal_safe(r.submission), *cells, _cell({"score": r.score, "max_score": r.max_score}))
    console.print(table)
    if caption:  # printed apart: as the table's caption it would widen the table to its length
        console.print(f"  {caption}", highlight=False)
    common = grouping.diagnosis_counts(results)
    if common:
        table = Table(title=messages.text("summary_diagnoses")[lang], box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column(messages.text("summary_submissions")[lang], justify="right")
        table.add_column("id")
        for entry in common:
            table.add_row(str(entry["submissions"]), entry["id"])
        console.print(table)


def _cell(totals):
    """``score/max``; a unit none of whose items could be graded here shows ``—``."""
    if totals["max_score"] == 0 and totals["score"] == 0:
        return "—"
    return f"{_num(totals['score'])}/{_num(totals['max_score'])}"


def print_not_graded(results: Iterable["Result"], console: Console | None = None) -> list[str]:
    """Say loudly which units this machine could not grade, and how to fix it.

    Returns the names of those units (empty when everything was graded).
    """
    from autograder.course import machine

    console = console or Console(stderr=True)
    counts = {}
    for r in results:
        per_unit = {}
        for item in r.not_graded:
            per_unit[item.unit] = per_unit.get(item.unit, 0) + 1
        for unit, n in per_unit.items():
            counts[unit] = max(counts.get(unit, 0), n)
    if not counts:
        return []
    lacking = machine.missing()
    for unit, n in counts.items():
        number = course_units.get(unit).number if unit in course_units.BY_NAME else "?"
        reason = "not_graded_tensorflow" if "tensorflow" in lacking else "not_graded_data"
        said = messages.text(reason, number=number, unit=unit, count=n,
                             install=machine.install_hint("tensorflow"))
        zh, en = said["zh-TW"], said["en"]
        console.print(f"[bold yellow]{escape(zh)}[/bold yellow]", highlight=False)
        console.print(f"[bold yellow]{escape(en)}[/bold yellow]", highlight=False)
    return list(counts)
