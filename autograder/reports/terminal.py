"""Results as terminal tables (rich), in zh-TW or English.

Student-controlled text (a submission's name, messages that carry printed output or
exception text) reaches the terminal only through `clean`: escape sequences (colours,
OSC 52 clipboard writes, window titles, screen clears) and other control characters
are removed, and it is printed as plain text, never as rich markup.
"""

import dataclasses
import re
import unicodedata

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder import units as course_units

STATUS_TEXT = {
    "passed": ("通過", "passed", "green"),
    "failed": ("錯誤答案", "failed", "red"),
    "error": ("執行錯誤", "error", "red"),
    "timeout": ("逾時", "timeout", "magenta"),
    "missing": ("缺少", "missing", "yellow"),
    "not_implemented": ("尚未實作", "not written", "yellow"),
}

HEAD = {
    "zh-TW": {"unit": "單元", "item": "項目", "exercise": "練習", "status": "狀態", "points": "得分",
              "total": "總分", "problems": "未通過的項目", "passed": "通過"},
    "en": {"unit": "Unit", "item": "Item", "exercise": "Exercise", "status": "Status", "points": "Points",
           "total": "Total", "problems": "Items not passed", "passed": "passed"},
}


def _num(x):
    return f"{x:g}"


# ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC strings (to BEL or
# ST), and two-character escapes; then the 8-bit CSI/OSC introducers.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~]?)"
                      r"|[\x9b\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*[\x07\x9c]?")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean(text):
    """``text`` without terminal escape sequences, control characters (newlines and
    tabs are kept) or bidirectional overrides, for printing as plain text."""
    text = _ESCAPES.sub("", str(text))
    return "".join(ch for ch in text if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI))


def plain(text, style=None):
    """`clean` text as a rich `Text`: printed as it is, never read as markup."""
    return Text(clean(text), style=style or "")


def cleaned(result):
    """A copy of ``result`` whose name and messages are `clean` (item ids and the rest
    come from the graders). Print its messages with ``markup=False``."""
    from autograder.result import Result

    items = [dataclasses.replace(i, message={k: clean(v) for k, v in i.message.items()}) for i in result.items]
    return Result(clean(result.submission), items, gradable=result.gradable)


def status_label(status, lang):
    zh, en, style = STATUS_TEXT[status]
    return f"[{style}]{zh if lang == 'zh-TW' else en}[/{style}]"


def unit_title(unit, lang):
    if unit in course_units.BY_NAME:
        return f"{unit}.py — {course_units.get(unit).title[lang]}"
    return unit


def print_result(result, lang="zh-TW", console=None, details=True):
    """Per-unit item tables, the total, and every failed item's message."""
    result = cleaned(result)  # what the student controls, without escape sequences
    console = console or Console()
    h = HEAD[lang]
    console.print(Text.assemble(plain(result.submission, "bold"),
                                f": {h['total']} {_num(result.score)} / {_num(result.max_score)}"))
    by_unit = {}
    for item in result.items:
        by_unit.setdefault(item.unit, []).append(item)
    for unit, items in by_unit.items():
        totals = result.units[unit]
        table = Table(title=f"{unit_title(unit, lang)}  ({_num(totals['score'])}/{_num(totals['max_score'])})",
                      box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column(h["item"])
        table.add_column(h["exercise"])
        table.add_column(h["status"])
        table.add_column(h["points"], justify="right")
        for item in items:
            table.add_row(plain(item.id.split(".", 1)[-1]), plain(item.exercise), status_label(item.status, lang),
                          f"{_num(item.score)}/{_num(item.max_score)}")
        console.print(table)
    failed = [i for i in result.items if i.status != "passed"]
    if details and failed:
        console.rule(h["problems"])
        for item in failed:
            console.print(f"[bold]{item.id}[/bold] ({status_label(item.status, lang)})", highlight=False)
            console.print(item.message[lang], markup=False, highlight=False)
            console.print()


def print_summary(results, lang="zh-TW", console=None, title=None):
    """One row per submission: per-unit scores and the total."""
    console = console or Console()
    h = HEAD[lang]
    unit_names = []
    for r in results:
        for u in r.units:
            if u not in unit_names:
                unit_names.append(u)
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("submission")
    for u in unit_names:
        table.add_column(u, justify="right")
    table.add_column(h["total"], justify="right")
    for r in results:
        units = r.units
        cells = [f"{_num(units[u]['score'])}/{_num(units[u]['max_score'])}" if u in units else "" for u in unit_names]
        table.add_row(plain(r.submission), *cells, f"{_num(r.score)}/{_num(r.max_score)}")
    console.print(table)
