"""Results as terminal tables (rich), in zh-TW or English."""

from rich import box
from rich.console import Console
from rich.table import Table

from autograder import messages
from autograder import units as course_units
from autograder.reports import grouping

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


def status_label(status, lang):
    zh, en, style = STATUS_TEXT[status]
    return f"[{style}]{zh if lang == 'zh-TW' else en}[/{style}]"


def unit_title(unit, lang):
    if unit in course_units.BY_NAME:
        return f"{unit}.py — {course_units.get(unit).title[lang]}"
    return unit


def print_result(result, lang="zh-TW", console=None, details=True):
    """Per-unit item tables, the total, and every failed item's message."""
    console = console or Console()
    h = HEAD[lang]
    console.print(f"[bold]{result.submission}[/bold]: {h['total']} {_num(result.score)} / {_num(result.max_score)}")
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
            table.add_row(item.id.split(".", 1)[-1], item.exercise, status_label(item.status, lang),
                          f"{_num(item.score)}/{_num(item.max_score)}")
        console.print(table)
    failed = [i for i in result.items if i.status != "passed"]
    if details and failed:
        other = "en" if lang == "zh-TW" else "zh-TW"
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
        console.rule(h["problems"])
        for entry in grouping.entries(result):
            label = entry.title if entry.kind != "item" else entry.items[0].id
            console.print(f"[bold]{label}[/bold] ({status_label(entry.status, lang)})", highlight=False)
            if entry.diagnosis:
                console.print(f"{messages.text('diagnosis_label')[lang]}: {entry.diagnosis['id']}",
                              markup=False, highlight=False, style="yellow")
            console.print(entry.message[lang], markup=False, highlight=False)
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
        table.add_row(r.submission, *cells, f"{_num(r.score)}/{_num(r.max_score)}")
    console.print(table)
    common = grouping.diagnosis_counts(results)
    if common:
        table = Table(title=messages.text("summary_diagnoses")[lang], box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column(messages.text("summary_submissions")[lang], justify="right")
        table.add_column("id")
        for entry in common:
            table.add_row(str(entry["submissions"]), entry["id"])
        console.print(table)
