"""The class summary: one self-contained HTML page over all results of a batch.

The page shows how many submissions there are and the mean score of every unit, then
one section per assignment (one unit, as nbgrader counts them) over the submissions
graded on it: their number, the mean, median and highest score out of that
assignment's maximum, a histogram of the scores (inline SVG, 10 bins over
``0 … max_score``), and the pass rate of every item, hardest (lowest pass rate) first —
what the instructor should go over again in class. A student who handed in one
assignment counts in that assignment's section only.

The numbers come from `score_stats`, `histogram`, `unit_means`, `item_pass_rates` and
`by_assignment`, which other reports and tests can use on their own. Styling and wording are shared
with the per-student pages (`autograder.reports.feedback`) and the terminal report.
"""

import math
import statistics
from pathlib import Path

from autograder.course import units as course_units
from autograder.reports.feedback import (BASE_CSS, HTML_LANG, _check_lang, _e, _breakable, _num, _other, _t,
                                         atomic_write)
from autograder.reports.grouping import diagnosis_counts
from autograder.reports.terminal import HEAD, unit_title

__all__ = ["render_summary", "write_summary", "score_stats", "histogram", "unit_means", "item_pass_rates",
           "by_assignment"]

BINS = 10


def _max_score(results):
    return max((r.max_score for r in results), default=0.0)


def score_stats(results):
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


def histogram(results, bins=BINS):
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


def unit_means(results):
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


def item_pass_rates(results):
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


def by_assignment(results):
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

SUMMARY_CSS = BASE_CSS + """
.stats { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-top: 14px; }
.stat { padding: 10px 14px; background: #f6f8fa; border: 1px solid #eaeef2; border-radius: 8px; }
.stat .label { font-size: 13px; color: #57606a; }
.stat .value { font-size: 28px; font-weight: 700; line-height: 1.2; font-variant-numeric: tabular-nums; }
.stat .sub { font-size: 12px; color: #656d76; }
svg.histogram { display: block; width: 100%; max-width: 760px; height: auto; margin: 4px auto 0; }
svg.histogram text { font-family: inherit; fill: #424a53; }
td.rank { color: #8c959f; width: 3em; }
td.rate { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.rate .meter { width: 110px; margin-right: 8px; }
.meter.low > span { background: #cf222e; }
.meter.mid > span { background: #bf8700; }
.meter.high > span { background: #1a7f37; }
.empty { color: #656d76; }
table.items th.wrap { white-space: normal; }
@media (max-width: 760px) { table.items td.rate .meter { display: none; } }
@media (max-width: 640px) { .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
"""


def _fmt(x):
    return "—" if x is None else _num(round(x, 2))


def _level(rate):
    return "low" if rate < 0.5 else "mid" if rate < 0.8 else "high"


def _meter(fraction, level=""):
    width = max(0.0, min(100.0, 100.0 * fraction))
    cls = f"meter {level}".strip()
    return f'<span class="{cls}" aria-hidden="true"><span style="width:{width:.1f}%"></span></span>'


def _heading(key_or_text, lang, other, tag="h2", catalog=True):
    own = _t(key_or_text, lang) if catalog else key_or_text[lang]
    second = _t(key_or_text, other) if catalog else key_or_text[other]
    return (f"<header><{tag}>{_e(own)}</{tag}>"
            f'<p class="other" lang="{HTML_LANG[other]}">{_e(second)}</p></header>')


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


def _svg_histogram(bins, max_score, lang):
    width, height = 760, 320
    left, right, top, bottom = 56, 20, 44, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((c for _, _, c in bins), default=0)
    step = _nice_step(max(highest, 1))
    y_top = max(step, math.ceil(max(highest, 1) / step) * step)
    x_title = _t("summary_axis_score", lang, max_score=_num(max_score))
    y_title = _t("summary_axis_count", lang)

    def y(v):
        return top + plot_h - plot_h * v / y_top

    out = [f'<svg class="histogram" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{_e(_t("summary_histogram", lang))}" xmlns="http://www.w3.org/2000/svg">']
    for v in range(0, y_top + 1, step):  # grid lines and y labels
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                   f'stroke="{"#8c959f" if v == 0 else "#eaeef2"}" stroke-width="1"/>')
        out.append(f'<text x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12">{v}</text>')
    slot = plot_w / len(bins)
    for i, (low, high, count) in enumerate(bins):
        x = left + i * slot
        h = plot_h * count / y_top
        label = f"{_num(round(low, 2))}–{_num(round(high, 2))}: {count}"
        out.append(f'<rect class="bar" data-low="{low:g}" data-high="{high:g}" data-count="{count}" '
                   f'x="{x + 3:.1f}" y="{top + plot_h - h:.1f}" width="{slot - 6:.1f}" height="{h:.1f}" '
                   f'rx="2" fill="#2f81f7"><title>{_e(label)}</title></rect>')
        if count:
            out.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot_h - h - 6:.1f}" text-anchor="middle" '
                       f'font-size="12" font-weight="600">{count}</text>')
    for i in range(len(bins) + 1):  # x ticks at the bin edges
        x = left + i * slot
        edge = bins[i][0] if i < len(bins) else bins[-1][1]
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 5}" stroke="#8c959f"/>')
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 20}" text-anchor="middle" font-size="12">'
                   f"{_num(round(edge, 2))}</text>")
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 12}" text-anchor="middle" font-size="13" '
               f'font-weight="600">{_e(x_title)}</text>')
    # The y title stands level above the axis: rotated CJK text would lie on its side.
    out.append(f'<text x="{left - 8}" y="{top - 14}" text-anchor="start" font-size="13" '
               f'font-weight="600">{_e(y_title)}</text>')
    out.append("</svg>")
    return "".join(out)


def render_summary(results, lang="zh-TW"):
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
    _check_lang(lang)
    other = _other(lang)
    results = list(results)
    stats = score_stats(results)
    h = HEAD[lang]
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_t('summary_title', lang))}</title><style>{SUMMARY_CSS}</style></head>",
        '<body><main class="summary-page">',
        f'<section class="card">{_heading("summary_title", lang, other, tag="h1")}',
        '<div class="stats">',
    ]
    out.append(_stat("summary_submissions", str(stats["count"]), "", lang))
    out.append("</div>")

    if not results:
        out.append(f'</section><section class="card"><p class="empty">{_e(_t("summary_empty", lang))}</p>'
                   "</section>")
        out.append("</main></body></html>\n")
        return "\n".join(out)

    rows = []
    for unit, entry in unit_means(results).items():
        fraction = entry["mean"] / entry["max_score"] if entry["max_score"] else 0.0
        rows.append(
            f'<tr data-unit="{_e(unit)}"><td>{_e(unit_title(unit, lang))}</td>'
            f'<td class="num">{entry["count"]}</td>'
            f'<td class="num">{_fmt(entry["mean"])} / {_num(entry["max_score"])}</td>'
            f'<td class="rate">{_meter(fraction, _level(fraction))}{100 * fraction:.0f}%</td></tr>'
        )
    out.append(
        f'{_heading("summary_units", lang, other, tag="h2")}'
        f'<div class="scroll"><table class="units"><thead><tr><th>{_e(h["unit"])}</th>'
        f'<th class="num">{_e(_t("summary_submissions", lang))}</th>'
        f'<th class="num">{_e(_t("summary_mean_score", lang))}</th><th></th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></section>'
    )
    for unit, unit_results in by_assignment(results).items():
        out.append(_assignment_section(unit, unit_results, lang, other, h))
    out.append(_diagnoses_section(results, lang, other))
    out.append("</main></body></html>\n")
    return "\n".join(out)


def _stat(key, value, sub, lang):
    return (f'<div class="stat" data-stat="{key}"><div class="label">{_e(_t(key, lang))}</div>'
            f'<div class="value">{_e(value)}</div><div class="sub">{_e(sub)}</div></div>')


def _first_sentence(text):
    """The idea of a diagnosis without its explanation: up to the first full stop."""
    for stop in ("。", ". "):
        if stop in text:
            return text.split(stop, 1)[0] + stop.strip()
    return text


def _diagnoses_section(results, lang, other):
    """The class's misconceptions, most common first, with how many submissions show each."""
    rows = []
    for entry in diagnosis_counts(results):
        rows.append(
            f'<tr data-diagnosis="{_e(entry["id"])}" data-submissions="{entry["submissions"]}">'
            f'<td class="num">{entry["submissions"]}</td>'
            f'<td><code>{_breakable(entry["id"])}</code></td>'
            f'<td>{_e(_first_sentence(entry[lang]))}<div class="other" lang="{HTML_LANG[other]}">'
            f'{_e(_first_sentence(entry[other]))}</div></td></tr>'
        )
    body = (f'<div class="scroll"><table class="diagnoses"><thead><tr><th class="num">'
            f'{_e(_t("summary_submissions", lang))}</th><th>id</th><th></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>' if rows
            else f'<p class="empty">{_e(_t("summary_diagnoses_none", lang))}</p>')
    return f'<section class="card">{_heading("summary_diagnoses", lang, other)}{body}</section>'


def _assignment_section(unit, results, lang, other, h):
    """One assignment's card: its numbers, histogram and items, hardest first."""
    stats = score_stats(results)
    max_score = stats["max_score"]
    known = course_units.BY_NAME.get(unit)
    title = {"assignment": known.assignment if known else unit}
    heading = {code: _t("summary_assignment", code, title=unit_title(unit, code), **title) for code in (lang, other)}
    out_of = _t("summary_out_of", lang, max_score=_num(max_score))
    parts = [f'<section class="card assignment" data-assignment="{_e(title["assignment"])}" data-unit="{_e(unit)}">',
             _heading(heading, lang, other, catalog=False), '<div class="stats">']
    for key, value, sub in (
        ("summary_submissions", str(stats["count"]), ""),
        ("summary_mean", _fmt(stats["mean"]), out_of),
        ("summary_median", _fmt(stats["median"]), out_of),
        ("summary_max", _fmt(stats["max"]), out_of),
    ):
        parts.append(_stat(key, value, sub, lang))
    parts.append("</div>")
    parts.append(f'{_heading("summary_histogram", lang, other, tag="h3")}'
                 f"{_svg_histogram(histogram(results), max_score, lang)}")
    rows = []
    for rank, entry in enumerate(item_pass_rates(results), 1):
        rows.append(
            f'<tr data-item-id="{_e(entry["id"])}" data-rate="{entry["rate"]:.6f}">'
            f'<td class="rank num">{rank}</td>'
            f'<td class="id"><code>{_breakable(entry["id"].split(".", 1)[-1])}</code></td>'
            f'<td><code>{_breakable(entry["exercise"])}</code></td>'
            f'<td class="rate">{_meter(entry["rate"], _level(entry["rate"]))}{100 * entry["rate"]:.0f}%</td>'
            f'<td class="num">{entry["passed"]} / {entry["submissions"]}</td></tr>'
        )
    parts.append(
        f'{_heading("summary_items", lang, other, tag="h3")}'
        f'<div class="scroll"><table class="items"><thead><tr><th class="num">#</th><th>{_e(h["item"])}</th>'
        f'<th>{_e(h["exercise"])}</th><th>{_e(_t("summary_pass_rate", lang))}</th>'
        f'<th class="num wrap">{_e(_t("summary_passed", lang))}</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></section>'
    )
    return "".join(parts)


def write_summary(results, path, lang="zh-TW"):
    """Write `render_summary` of ``results`` to ``path`` atomically (its folder is
    created when missing); returns the path as a `pathlib.Path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, render_summary(results, lang))
