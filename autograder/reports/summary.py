"""The class summary: one self-contained HTML page over all results of a batch.

The page shows how many submissions there are and the mean score of every unit, then
one section per assignment (one unit, as nbgrader counts them) over the submissions
graded on it: their number, the mean, median and highest score out of that
assignment's maximum, a histogram of the scores (inline SVG, 10 bins over
``0 … max_score``), and the pass rate of every item, hardest (lowest pass rate) first —
what the instructor should go over again in class. A student who handed in one
assignment counts in that assignment's section only.

The numbers come from `score_stats`, `histogram`, `unit_means`, `item_pass_rates` and
`by_assignment`, which other reports and tests can use on their own. The page is the template
``templates/summary.html.j2`` (its histogram ``histogram.svg.j2``); its style is shared with
the per-student pages (``base.css.j2``) and its wording with every report
(`autograder.reports.labels`, `autograder.course.messages`).
"""

import math
import os
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from autograder.course import messages
from autograder.course import units as course_units
from autograder.course.files import atomic_write
from autograder.reports import templating
from autograder.reports.grouping import diagnosis_counts
from autograder.reports.labels import heading, unit_title
from autograder.reports.templating import num

if TYPE_CHECKING:
    from autograder.grading.result import Result

__all__ = ["render_summary", "write_summary", "score_stats", "histogram", "unit_means", "item_pass_rates",
           "by_assignment"]

BINS = 10


def _max_score(results):
    return max((r.max_score for r in results), default=0.0)


def score_stats(results: Sequence["Result"]) -> dict:
    """``{"count", "mean", "median", "max", "max_score"}`` of the results' totals.

    ``mean``, ``median`` and ``max`` are ``None`` when there are no results;
    ``max_score`` is the largest ``max_score`` of any result (they are normally equal).
    """
    scores = [r.score for r in results]
    return {
        "count": len(scores),
        "mean": statistics.fmean(scores) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "max": max(scores) if scores else None,
        "max_score": _max_score(results),
    }


def histogram(results: Sequence["Result"], bins: int = BINS) -> list[tuple[float, float, int]]:
    """The totals counted in ``bins`` equal bins over ``0 … max_score``.

    Returns a list of ``(low, high, count)``; every bin holds ``low <= score < high``
    except the last, which also holds ``score == max_score``. The counts add up to
    ``len(results)`` (a score outside the range is counted in the nearest end bin).
    """
    top = _max_score(results)
    counts = [0] * bins
    for r in results:
        if top > 0:
            index = math.floor(r.score * bins / top + 1e-9)
        else:
            index = 0
        counts[min(bins - 1, max(0, index))] += 1
    return [(top * i / bins, top * (i + 1) / bins, counts[i]) for i in range(bins)]


def _unit_order(unit, first_seen):
    if unit in course_units.BY_NAME:
        return (0, course_units.get(unit).number, 0)
    return (1, 0, first_seen[unit])


def unit_means(results: Iterable["Result"]) -> dict[str, dict]:
    """``{unit: {"mean": …, "max_score": …, "count": …}}`` in the course's unit order.

    ``mean`` is the mean of the unit's score over the results that have the unit,
    ``count`` how many those are.
    """
    sums, first_seen = {}, {}
    for r in results:
        for unit, totals in r.units.items():
            first_seen.setdefault(unit, len(first_seen))
            entry = sums.setdefault(unit, {"total": 0.0, "max_score": 0.0, "count": 0})
            entry["total"] += totals["score"]
            entry["max_score"] = max(entry["max_score"], totals["max_score"])
            entry["count"] += 1
    ordered = sorted(sums, key=lambda u: _unit_order(u, first_seen))
    return {u: {"mean": sums[u]["total"] / sums[u]["count"], "max_score": sums[u]["max_score"],
                "count": sums[u]["count"]} for u in ordered}


def item_pass_rates(results: Iterable["Result"]) -> list[dict]:
    """Every item's pass rate, hardest first.

    Returns a list of ``{"id", "unit", "exercise", "passed", "submissions", "rate"}``
    where ``submissions`` counts the results that have the item and ``rate`` is
    ``passed / submissions``. Sorted by ``rate`` (lowest first); items with the same
    rate keep the course's order (unit, then the order the items appear in a result).
    """
    stats, first_seen = {}, {}
    for r in results:
        for item in r.items:
            first_seen.setdefault(item.unit, len(first_seen))
            entry = stats.setdefault(item.id, {"id": item.id, "unit": item.unit, "exercise": item.exercise,
                                               "passed": 0, "submissions": 0, "_order": len(stats)})
            entry["submissions"] += 1
            entry["passed"] += item.status == "passed"
    rows = []
    for entry in stats.values():
        entry["rate"] = entry["passed"] / entry["submissions"]
        rows.append(entry)
    rows.sort(key=lambda e: (e["rate"], _unit_order(e["unit"], first_seen), e["_order"]))
    return [{k: v for k, v in e.items() if k != "_order"} for e in rows]


def by_assignment(results: Iterable["Result"]) -> dict[str, list["Result"]]:
    """``{unit: [Result holding only that unit's items]}`` in the course's unit order, for
    the results that have the unit."""
    first_seen, out = {}, {}
    for r in results:
        for unit in r.units:
            first_seen.setdefault(unit, len(first_seen))
            out.setdefault(unit, []).append(
                type(r)(r.submission, [i for i in r.items if i.unit == unit], gradable=r.gradable))
    return {u: out[u] for u in sorted(out, key=lambda u: _unit_order(u, first_seen))}


# --- HTML ----------------------------------------------------------------------------

def _fmt(x):
    return "—" if x is None else num(round(x, 2))


def _nice_step(top, ticks=5):
    """A 1-2-5 step so that ``0 … top`` needs at most ``ticks`` steps."""
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return int(m * power)
    return int(10 * power)


def _histogram_layout(bins, max_score, lang):
    """Where everything of the histogram of ``bins`` goes (``histogram.svg.j2`` draws it)."""
    width, height = 760, 320
    left, right, top, bottom = 56, 20, 44, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((c for _, _, c in bins), default=0)
    step = _nice_step(max(highest, 1))
    y_top = max(step, math.ceil(max(highest, 1) / step) * step)

    def y(v):
        return top + plot_h - plot_h * v / y_top

    slot = plot_w / len(bins)
    bars = []
    for i, (low, high, count) in enumerate(bins):
        x = left + i * slot
        h = plot_h * count / y_top
        bars.append({"low": low, "high": high, "count": count, "x": x + 3, "y": top + plot_h - h,
                     "width": slot - 6, "height": h, "middle": x + slot / 2,
                     "title": f"{num(round(low, 2))}–{num(round(high, 2))}: {count}"})
    ticks = [{"x": left + i * slot, "label": num(round(bins[i][0] if i < len(bins) else bins[-1][1], 2))}
             for i in range(len(bins) + 1)]  # at the bin edges
    return {
        "width": width, "height": height, "top": top, "bottom": top + plot_h, "left": left, "right": left + plot_w,
        "grid": [{"value": v, "y": y(v)} for v in range(0, y_top + 1, step)],
        "bars": bars, "ticks": ticks,
        "label": messages.text_in("summary_histogram", lang),
        "x_title": messages.text_in("summary_axis_score", lang, max_score=num(max_score)),
        "y_title": messages.text_in("summary_axis_count", lang),
    }


def _first_sentence(text):
    """The idea of a diagnosis without its explanation: up to the first full stop."""
    for stop in ("。", ". "):
        if stop in text:
            return text.split(stop, 1)[0] + stop.strip()
    return text


def _assignment_card(unit, results, lang):
    """What one assignment's card shows: its numbers, histogram and items, hardest first."""
    stats = score_stats(results)
    known = course_units.BY_NAME.get(unit)
    assignment = known.assignment if known else unit
    return {
        "unit": unit, "assignment": assignment, "stats": stats,
        "title": {code: messages.text_in("summary_assignment", code, title=unit_title(unit, code),
                                         assignment=assignment) for code in messages.LANGS},
        "histogram": Markup(templating.render(
            "histogram.svg.j2", **_histogram_layout(histogram(results), stats["max_score"], lang))),
        "pass_rates": item_pass_rates(results),
    }


def render_summary(results: Iterable["Result"], lang: str = "zh-TW") -> str:
    """The class summary of ``results`` (a list of `Result`) as a self-contained HTML page.

    Parameters
    ----------
    results : list of autograder.grading.result.Result
    lang : {"zh-TW", "en"}
        The language shown first; headings repeat in the other one, smaller.

    Returns
    -------
    str
        The page: inline CSS and SVG, no script, every text escaped.
    """
    messages.check_lang(lang)
    results = list(results)
    return templating.render(
        "summary.html.j2", lang=lang, other=messages.other(lang), count=len(results),
        unit_means=unit_means(results) if results else {},
        assignments=[_assignment_card(unit, unit_results, lang)
                     for unit, unit_results in by_assignment(results).items()],
        diagnoses=diagnosis_counts(results),
        t=messages.text_in, head=lambda column: heading(column, lang), unit_title=unit_title, fmt=_fmt,
        first_sentence=_first_sentence, meter_width=lambda fraction: max(0.0, min(100.0, 100.0 * fraction)),
    )


def write_summary(results: Iterable["Result"], path: str | os.PathLike, lang: str = "zh-TW") -> Path:
    """Write `render_summary` of ``results`` to ``path`` atomically (its folder is
    created when missing); returns the path as a `pathlib.Path`."""
    return atomic_write(path, render_summary(results, lang))
