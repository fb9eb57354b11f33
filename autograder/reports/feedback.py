"""Per-student feedback pages: one self-contained HTML page and a Markdown twin.

A page holds the student's name, the total, the misconceptions its failed items show
(`autograder.grading.diagnoses`, above the numbers), one table per unit (item, exercise,
status, points) and then every item that did not pass with its full message (an
exercise not written yet and a message shared by a whole file once), in the
chosen language first and the other one below it, smaller; for image-valued items the
expected and the returned pictures side by side (principle 5 of ``DESIGN.md``).

The HTML page needs nothing else: CSS is inline, pictures are ``data:`` URIs, there is
no JavaScript. Every text on it is escaped — messages carry student-controlled text
(exception messages, printed output), and a student's name is whatever the folder was
called. Wording comes from `autograder.course.messages` and from the terminal report
(`autograder.reports.terminal`: status labels, column headings, unit titles), so the
terminal, the page and the Markdown say the same thing.

`write_feedback` writes ``<safe name>.html``, ``<safe name>.md`` and the Markdown's
pictures under ``img/<safe name>/``, each file atomically; `safe_filename` never maps
two students to one name.
"""

import base64
import hashlib
import html
import os
import re
import secrets
import struct
import unicodedata
from pathlib import Path
from urllib.parse import quote

from autograder.course import messages
from autograder.course import units as course_units
from autograder.reports import grouping
from autograder.grading import images as report_images
from autograder.reports.terminal import HEAD, STATUS_TEXT, unit_title

__all__ = [
    "render_html",
    "render_markdown",
    "write_feedback",
    "safe_filename",
    "collect_images",
    "atomic_write",
]

HTML_LANG = {"zh-TW": "zh-Hant", "en": "en"}
LANG_NAME = {"zh-TW": "中文", "en": "English"}  # each language's own name for itself

# The terminal's colour names (STATUS_TEXT's third field) as page colours: text, background.
COLOURS = {
    "green": ("#116329", "#dcf5e3"),
    "red": ("#a4161a", "#fde3e1"),
    "magenta": ("#7a2ea8", "#f3e6fb"),
    "yellow": ("#7a4d00", "#fdf0cc"),
    "cyan": ("#0b5563", "#def4f7"),
}
MARKDOWN_MARK = {"green": "✅", "red": "❌", "magenta": "⏱️", "yellow": "⚠️", "cyan": "⏸️"}

SANS = '"Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", "Heiti TC", sans-serif'
MONO = ('"Noto Sans Mono CJK TC", "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", '
        '"Liberation Mono", "Microsoft JhengHei", monospace')

# Shared by the class summary page (autograder.reports.summary).
BASE_CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; }}
body {{ margin: 0; background: #f4f5f7; color: #1f2328; font-family: {SANS};
  font-size: 15px; line-height: 1.6; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
main {{ max-width: 980px; margin: 0 auto; padding: 28px 24px 48px; }}
h1 {{ font-size: 26px; line-height: 1.3; margin: 0; overflow-wrap: anywhere; }}
h2 {{ font-size: 19px; line-height: 1.35; margin: 0; }}
h3 {{ font-size: 16px; line-height: 1.4; margin: 0; }}
code, pre {{ font-family: {MONO}; }}
code {{ font-size: 0.92em; }}
.other {{ color: #656d76; font-size: 0.86em; }}
.card {{ background: #fff; border: 1px solid #d8dee4; border-radius: 10px; padding: 18px 22px;
  margin: 0 0 18px; }}
.card > header {{ display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 14px;
  margin-bottom: 10px; }}
.card > header .other {{ flex-basis: 100%; margin-top: -2px; }}
.card > header {{ break-after: avoid; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ text-align: left; padding: 5px 10px; border-bottom: 1px solid #eaeef2; vertical-align: top; }}
th {{ font-size: 13px; font-weight: 600; color: #57606a; border-bottom: 2px solid #d8dee4;
  white-space: nowrap; }}
td.num, th.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
td.id {{ overflow-wrap: break-word; }}
.scroll {{ overflow-x: auto; }}
tr {{ break-inside: avoid; }}
.meter {{ display: inline-block; width: 120px; height: 8px; border-radius: 4px; background: #e6e9ed;
  overflow: hidden; vertical-align: middle; }}
.meter > span {{ display: block; height: 100%; background: #2f81f7; }}
a {{ color: #0b57d0; text-decoration: none; }}
a:hover {{ text-decoration: underline; text-underline-offset: 0.25em; }}
@page {{ margin: 14mm; }}
@media print {{
  body {{ background: #fff; font-size: 11pt; }}
  main {{ max-width: none; padding: 0; }}
  .card {{ border: none; border-radius: 0; padding: 0; margin-bottom: 14pt; }}
  a {{ color: inherit; }}
}}
"""

STATUS_CSS = "\n".join(
    f".st-{status} {{ color: {COLOURS[style][0]}; background: {COLOURS[style][1]}; }}"
    for status, (_, _, style) in STATUS_TEXT.items()
)

FEEDBACK_CSS = BASE_CSS + STATUS_CSS + """
.summary { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 12px 24px; }
.total { text-align: right; white-space: nowrap; }
.total .label { color: #57606a; font-size: 14px; margin-right: 6px; }
.total .score { font-size: 34px; font-weight: 700; font-variant-numeric: tabular-nums; }
.total .of { font-size: 18px; color: #57606a; font-variant-numeric: tabular-nums; }
.total .meter { display: block; width: 220px; height: 10px; margin: 6px 0 0 auto; }
.banner { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; }
.banner.good { color: #116329; background: #dcf5e3; }
.banner.bad { color: #a4161a; background: #fde3e1; }
.unit-score { margin-left: auto; font-weight: 600; white-space: nowrap; font-variant-numeric: tabular-nums; }
.unit-score .meter { margin-left: 8px; width: 100px; }
.pill { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 13px; font-weight: 600;
  line-height: 1.7; white-space: nowrap; }
.tag { display: inline-block; margin-left: 6px; padding: 0 6px; border: 1px solid #d0d7de;
  border-radius: 4px; font-size: 11px; color: #656d76; line-height: 1.5; white-space: nowrap;
  vertical-align: 1px; }
tr.notpassed td { background: #fffafa; }
td.ex code { color: #424a53; }
.problem { border-top: 1px solid #eaeef2; padding: 16px 0 6px; break-inside: avoid-page; }
.problem:first-of-type { border-top: none; padding-top: 4px; }
.problem h3 { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; }
.problem h3 code { overflow-wrap: break-word; min-width: 0; }
.problem .pts { margin-left: auto; font-weight: 600; white-space: nowrap; font-variant-numeric: tabular-nums; }
.problem .meta { margin: 2px 0 8px; color: #57606a; font-size: 13px; }
pre.msg { margin: 0 0 8px; padding: 10px 12px; background: #f6f8fa; border: 1px solid #eaeef2;
  border-radius: 6px; font-size: 13px; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere;
  tab-size: 4; }
pre.msg.other { background: #fafbfc; color: #656d76; font-size: 12px; border-style: dashed; }
.pictures { display: flex; flex-wrap: wrap; gap: 18px; margin: 10px 0 8px; }
.pictures figure { margin: 0; padding: 8px; background: #fff; border: 1px solid #d8dee4; border-radius: 6px;
  text-align: center; break-inside: avoid; }
.pictures img { display: block; max-width: 100%; height: auto; image-rendering: pixelated;
  image-rendering: crisp-edges; background: repeating-conic-gradient(#eee 0% 25%, #fff 0% 50%) 50% / 12px 12px; }
.pictures figcaption { margin-top: 6px; font-size: 13px; font-weight: 600; }
.pictures figcaption .downsampled { display: block; max-width: 180px; margin: 2px auto 0; font-weight: 400;
  font-size: 12px; color: #57606a; }
.pictures .none { display: flex; align-items: center; justify-content: center; width: 160px; height: 160px;
  padding: 10px; color: #656d76; font-size: 12px; background: #f6f8fa; }
.note { margin: 0 0 6px; color: #656d76; font-size: 12px; }
.card.diagnoses { border-color: #d4a72c; background: #fffbeb; }
.diagnosis { margin: 10px 0 4px; padding: 10px 14px; border-left: 4px solid #d4a72c; background: #fff8e1;
  border-radius: 0 6px 6px 0; }
.diagnosis .idea { margin: 0; font-size: 15.5px; color: #1f2328; }
.diagnosis .other { margin: 4px 0 0; }
.diagnosis .which { margin: 6px 0 0; font-size: 13px; color: #57606a; }
.diagnosis .which code { font-size: 12px; }
.diagnosis-ref { margin: 0 0 8px; padding: 4px 10px; border-left: 4px solid #d4a72c; background: #fff8e1;
  border-radius: 0 6px 6px 0; font-size: 14px; }
.diagnosis-ref .label, .diagnosis .label { display: inline-block; margin-right: 6px; padding: 0 6px;
  border-radius: 4px; background: #9a6700; color: #fff; font-size: 12px; font-weight: 700; vertical-align: 1px; }
.diagnosis-ref .other { margin-left: 6px; }
"""

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_MAX_NAME_BYTES = 120  # leaves room for "-expected.png" / ".html" under the usual 255-byte limit


# --- small helpers -------------------------------------------------------------------

def _check_lang(lang):
    if lang not in messages.LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(messages.LANGS)}")


def _other(lang):
    return next(x for x in messages.LANGS if x != lang)


def _t(key, lang, **fields):
    """One language of a catalog entry."""
    return messages.text(key, **fields)[lang]


def _num(x):
    return f"{x:g}"


def _points(score, max_score):
    return f"{_num(score)} / {_num(max_score)}"


def _status_text(status, lang):
    zh, en, _ = STATUS_TEXT[status]
    return zh if lang == "zh-TW" else en


def _short_id(item):
    """The item's id without its unit prefix, as the terminal table shows it."""
    return item.id.split(".", 1)[-1]


def _unit_subtitle(unit, lang):
    """The unit's title in ``lang`` (for the muted second line), or ``""``."""
    if unit in course_units.BY_NAME:
        return course_units.get(unit).title[lang]
    return ""


def _by_unit(result):
    groups = {}
    for item in result.items:
        groups.setdefault(item.unit, []).append(item)
    return groups


def _not_passed(result):
    return [item for item in result.items if item.status != "passed"]


def _percent(score, max_score):
    return 0.0 if not max_score else max(0.0, min(100.0, 100.0 * score / max_score))


def _png_size(data):
    """``(width, height)`` from a PNG's IHDR chunk, or ``None`` when it is not a PNG."""
    if len(data) >= 24 and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


collect_images = report_images.collect  # the one renderer of pictures, also used by `batch`


# --- file names and atomic writes ----------------------------------------------------

def safe_filename(name):
    """``name`` as a file name that is safe on Linux, macOS and Windows, and that no
    other name maps to.

    Letters, digits and combining marks of any script (``王小明``, ``José``) are kept,
    as are ``-``, ``_`` and ``.``; every other run of characters (``/``, ``:``, spaces,
    ``~``, control characters, punctuation) becomes one ``_``. The result is never
    empty, never ``.`` or ``..``, never starts with a dot (no hidden files), never ends
    with a dot or is a reserved Windows device name (``con`` → ``_con``), and is at
    most 120 UTF-8 bytes.

    A name that comes out unchanged is its own file name. Any other name — changed
    above, cut for length, not in NFC, or holding capitals (macOS and Windows do not
    tell ``Bob`` from ``bob``) — gets ``~`` and ten hex digits of the SHA-256 of the
    name as given. An unchanged name never holds a ``~``, so ``bob~1`` and ``bob_1``
    (``bob_1~…`` and ``bob_1``), or ``Bob`` and ``bob``, never share a file.

    Examples
    --------
    >>> safe_filename("王小明"), safe_filename("s-01_x.v2")
    ('王小明', 's-01_x.v2')
    >>> safe_filename("bob_1"), safe_filename("bob~1")
    ('bob_1', 'bob_1~495d3378af')
    >>> safe_filename(".."), safe_filename("con"), safe_filename("Bob")
    ('_~5ec1f7e700', '_con~1143da2bc5', 'Bob~cd9fb1e148')
    """
    given = str(name)
    text = unicodedata.normalize("NFC", given)
    out = []
    for ch in text:
        keep = ch in "-_." or (unicodedata.category(ch)[0] in "LNM" and ch.isprintable())
        if keep:
            out.append(ch)
        elif not out or out[-1] != "_":
            out.append("_")
    safe = "".join(out)
    safe = re.sub(r"^\.+", "_", safe)  # no hidden files, no "." or ".."
    safe = re.sub(r"\.+$", "_", safe) if safe.strip(".") else "_"  # Windows drops trailing dots
    safe = safe or "_"
    if safe.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        safe = "_" + safe
    if safe != given or given != given.casefold() or len(safe.encode("utf-8")) > _MAX_NAME_BYTES:
        digest = hashlib.sha256(given.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        cut = safe.encode("utf-8")[: _MAX_NAME_BYTES - 11].decode("utf-8", "ignore")
        safe = f"{cut}~{digest}"
    return safe


def atomic_write(path, data):
    """Write ``data`` (``str`` as UTF-8, or ``bytes``) to ``path`` atomically.

    The bytes go to a new temporary file in the same folder, are flushed to disk, and
    the file then replaces ``path`` in one `os.replace`: a reader sees the old file or
    the new one, never half of one. The file gets the usual permissions (umask).
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


# --- HTML ----------------------------------------------------------------------------

def _e(text):
    return html.escape(str(text), quote=True)


def _breakable(name):
    """An escaped identifier that may wrap after ``_`` and ``.`` (long item ids on narrow pages)."""
    return re.sub(r"([_.])", r"\1<wbr>", _e(name))


def _meter(percent):
    return f'<span class="meter" aria-hidden="true"><span style="width:{percent:.1f}%"></span></span>'


def _pill(status, lang):
    return f'<span class="pill st-{_e(status)}">{_e(_status_text(status, lang))}</span>'


def _anchor(item):
    return "item-" + re.sub(r"[^A-Za-z0-9_.-]", "-", item.id)


def _other_line(text, lang, tag="p", cls="other"):
    """A muted line in the other language; nothing when it is empty."""
    if not text:
        return ""
    return f'<{tag} class="{cls}" lang="{HTML_LANG[lang]}">{_e(text)}</{tag}>'


def _html_unit(unit, items, totals, lang, other):
    h = HEAD[lang]
    rows = []
    for item in items:
        short = _breakable(_short_id(item))
        passed = item.status == "passed"
        label = short if passed else f'<a href="#{_anchor(item)}">{short}</a>'
        rows.append(
            f'<tr class="{"passed" if passed else "notpassed"}" data-item-id="{_e(item.id)}">'
            f'<td class="id"><code>{label}</code></td>'
            f'<td class="ex"><code>{_breakable(item.exercise)}</code></td>'
            f"<td>{_pill(item.status, lang)}</td>"
            f'<td class="num">{_points(item.score, item.max_score)}</td></tr>'
        )
    percent = _percent(totals["score"], totals["max_score"])
    return (
        f'<section class="card unit" id="unit-{_e(unit)}" data-unit="{_e(unit)}">'
        f"<header><h2>{_e(unit_title(unit, lang))}</h2>"
        f'<span class="unit-score" data-score="{totals["score"]:g}" data-max-score="{totals["max_score"]:g}">'
        f'{_points(totals["score"], totals["max_score"])}{_meter(percent)}</span>'
        f'{_other_line(_unit_subtitle(unit, other), other)}</header>'
        f'<div class="scroll"><table><thead><tr><th>{_e(h["item"])}</th><th>{_e(h["exercise"])}</th>'
        f'<th>{_e(h["status"])}</th><th class="num">{_e(h["points"])}</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></section>'
    )


def _downsampled_note(png):
    """The catalog's "shown downsampled from H×W" for a picture of a large array, or ``None``."""
    shape = report_images.source_shape(png)
    if shape is None:
        return None
    step = max(1, -(-max(shape) // report_images.MAX_SIDE))
    return messages.text("page_picture_downsampled", height=shape[0], width=shape[1], step=step)


def _html_pictures(pictures, lang, other):
    figures = []
    for key, caption in (("expected", "page_picture_expected"), ("got", "page_picture_got")):
        data = pictures.get(key)
        label = (f'{_e(_t(caption, lang))} <span class="other" lang="{HTML_LANG[other]}">'
                 f'{_e(_t(caption, other))}</span>')
        if data:
            size = _png_size(data)
            dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
            src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
            body = f'<img src="{src}"{dims} alt="{_e(_t(caption, lang))}">'
            downsampled = _downsampled_note(data)
            if downsampled:
                label += (f'<span class="downsampled">{_e(downsampled[lang])}</span>'
                          f'<span class="downsampled other" lang="{HTML_LANG[other]}">{_e(downsampled[other])}</span>')
        else:
            body = f'<div class="none">{_e(_t("page_picture_none", lang))}</div>'
        figures.append(f'<figure class="picture-{key}">{body}<figcaption>{label}</figcaption></figure>')
    return (f'<div class="pictures">{"".join(figures)}</div>'
            f'<p class="note">{_e(_t("page_pictures_note", lang))}</p>')


def _diagnosis_anchor(diagnosis):
    return "diagnosis-" + re.sub(r"[^A-Za-z0-9_.-]", "-", diagnosis["id"])


def _html_diagnosis(diagnosis, lang, other, which=""):
    """The misconception's explanation: the chosen language first, the other below."""
    return (f'<div class="diagnosis" id="{_diagnosis_anchor(diagnosis)}" data-diagnosis="{_e(diagnosis["id"])}">'
            f'<p class="idea" lang="{HTML_LANG[lang]}"><span class="label">{_e(_t("diagnosis_label", lang))}</span>'
            f'{_e(diagnosis.get(lang, ""))}</p>{_other_line(diagnosis.get(other, ""), other)}{which}</div>')


def _html_diagnoses(result, lang, other):
    """The card of the misconceptions the submission shows (above the tables)."""
    found = grouping.diagnosed(result)
    if not found:
        return ""
    out = [f'<section class="card diagnoses"><header><h2>{_e(_t("page_diagnoses", lang))}</h2>'
           f'{_other_line(_t("page_diagnoses", other), other)}</header>'
           f'<p class="note">{_e(_t("page_diagnoses_intro", lang))}</p>']
    for entry in found:
        links = ", ".join(f'<a href="#{_anchor(i)}"><code>{_breakable(_short_id(i))}</code></a>' for i in entry.items)
        text = _t("page_diagnosis_items", lang, count=len(entry.items), points=_num(entry.lost), items="\0")
        which = f'<p class="which">{_e(text).replace(chr(0), links)}</p>'
        out.append(_html_diagnosis(entry.diagnosis, lang, other, which))
    out.append("</section>")
    return "".join(out)


def _html_group(entry, lang, other):
    """One entry standing for several items (an exercise not written, a whole file)."""
    first = entry.items[0]
    hidden = ""
    ids = " ".join(_e(i.id) for i in entry.items)
    parts = [
        f'<article class="problem group" id="{_anchor(first)}" data-item-id="{_e(first.id)}" data-items="{ids}">',
        f"<h3><code>{_breakable(entry.title)}</code>{_pill(entry.status, lang)}{hidden}"
        f'<span class="pts">{_points(entry.score, entry.max_score)}</span></h3>',
        f'<pre class="msg" lang="{HTML_LANG[lang]}">{_e(entry.message.get(lang, ""))}</pre>',
    ]
    second = entry.message.get(other, "")
    if second and second != entry.message.get(lang, ""):
        parts.append(_other_line(second, other, tag="pre", cls="msg other"))
    parts.append("</article>")
    return "".join(parts)


def _html_problem(item, pictures, lang, other):
    own = item.message.get(lang, "") if isinstance(item.message, dict) else str(item.message)
    second = item.message.get(other, "") if isinstance(item.message, dict) else ""
    hidden = f'<span class="tag">{_e(_t("page_hidden", lang))}</span>' if item.visibility == "hidden" else ""
    parts = [
        f'<article class="problem" id="{_anchor(item)}" data-item-id="{_e(item.id)}">',
        f"<h3><code>{_breakable(item.id)}</code>{_pill(item.status, lang)}{hidden}"
        f'<span class="pts">{_points(item.score, item.max_score)}</span></h3>',
        f'<p class="meta">{_e(_t("page_exercise", lang, exercise=item.exercise))} · '
        f"{_e(unit_title(item.unit, lang))}</p>",
    ]
    if item.status != "passed" and item.diagnosis:  # the full text is in the card at the top
        parts.append(f'<p class="diagnosis-ref"><span class="label">{_e(_t("diagnosis_label", lang))}</span>'
                     f'<a href="#{_diagnosis_anchor(item.diagnosis)}"><code>{_breakable(item.diagnosis["id"])}</code></a>'
                     f' <span class="other">{_e(_t("page_diagnosis_see", lang))}</span></p>')
    parts += [
        f'<pre class="msg" lang="{HTML_LANG[lang]}">{_e(own)}</pre>',
    ]
    if second and second != own:
        parts.append(_other_line(second, other, tag="pre", cls="msg other"))
    if pictures:
        parts.append(_html_pictures(pictures, lang, other))
    parts.append("</article>")
    return "".join(parts)


def render_html(result, images=None, lang="zh-TW"):
    """One student's feedback as a self-contained HTML page.

    Parameters
    ----------
    result : autograder.grading.result.Result
        The graded submission.
    images : dict, optional
        ``{item_id: {"expected": png_bytes, "got": png_bytes}}`` (``got`` may be
        absent); pictures are shown for the items that did not pass. ``None`` takes
        them from the items' ``details`` (`collect_images`).
    lang : {"zh-TW", "en"}
        The language shown first; the other one follows in a smaller, muted line.

    Returns
    -------
    str
        The page: inline CSS, pictures as ``data:`` URIs, no script, every text escaped.
    """
    _check_lang(lang)
    other = _other(lang)
    if images is None:
        images = collect_images(result)
    h = HEAD[lang]
    title = _t("page_title", lang, name=result.submission)
    percent = _percent(result.score, result.max_score)
    problems = _not_passed(result)

    banner = ""
    if not result.gradable:
        banner = f'<p class="banner bad">{_e(_t("page_not_gradable", lang))}</p>'
    elif result.items and not problems:
        banner = f'<p class="banner good">{_e(_t("page_all_passed", lang))}</p>'

    out = [
        "<!DOCTYPE html>",
        f'<html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{FEEDBACK_CSS}</style></head>",
        f'<body><main class="feedback" data-submission="{_e(result.submission)}">',
        '<section class="card"><div class="summary"><div>',
        f"<h1>{_e(title)}</h1>{_other_line(_t('page_title', other, name=result.submission), other)}</div>",
        f'<div class="total" data-score="{result.score:g}" data-max-score="{result.max_score:g}">'
        f'<span class="label">{_e(h["total"])}</span><span class="score">{_num(result.score)}</span>'
        f' <span class="of">/ {_num(result.max_score)}</span>{_meter(percent)}</div></div>{banner}</section>',
    ]
    out.append(_html_diagnoses(result, lang, other))
    unit_totals = result.units
    for unit, items in _by_unit(result).items():
        out.append(_html_unit(unit, items, unit_totals[unit], lang, other))
    if problems:
        out.append(
            f'<section class="card problems"><header><h2>{_e(h["problems"])}</h2>'
            f'{_other_line(HEAD[other]["problems"], other)}</header>'
            f'<p class="note">{_e(_t("page_problems_intro", lang))}</p>'
        )
        for entry in grouping.entries(result):
            if entry.kind == "item":
                out.append(_html_problem(entry.items[0], images.get(entry.items[0].id), lang, other))
            else:
                out.append(_html_group(entry, lang, other))
        out.append("</section>")
    out.append("</main></body></html>\n")
    return "\n".join(out)


# --- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def _md_text(text):
    """Plain text for a Markdown paragraph or heading: markup characters escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_code(text):
    """An inline code span that holds ``text`` whatever backticks it contains."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_cell(text):
    """A table cell: a ``|`` would end the cell, even inside a code span."""
    return str(text).replace("|", "\\|")


def _md_block(text, info="text"):
    """A fenced code block that ``text`` cannot close early."""
    text = str(text)
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def _md_mark(status):
    return MARKDOWN_MARK[STATUS_TEXT[status][2]]


def _md_link(path):
    return quote(str(path).replace(os.sep, "/"), safe="/-_.~")


def render_markdown(result, image_links=None, lang="zh-TW", images=None):
    """One student's feedback as Markdown (GitHub-flavoured tables and fenced blocks).

    Parameters
    ----------
    result : autograder.grading.result.Result
    image_links : dict, optional
        ``{item_id: {"expected": "relative/path.png", "got": ...}}``; ``got`` may be absent.
    lang : {"zh-TW", "en"}
    images : dict, optional
        The pictures' PNG bytes (as for `render_html`), read only to say which of them
        are shown downsampled.

    Returns
    -------
    str
        The same content as `render_html`: a table per unit, then every item that did
        not pass with its messages in fenced code blocks and its pictures as ``![](path)``.
    """
    _check_lang(lang)
    other = _other(lang)
    image_links = image_links or {}
    pictures_of = images or {}
    h = HEAD[lang]
    out = [
        f"# {_md_text(_t('page_title', lang, name=result.submission))}",
        "",
        f"*{_md_text(_t('page_title', other, name=result.submission))}*",
        "",
        f"**{_md_text(h['total'])} {_points(result.score, result.max_score)}**",
        "",
    ]
    problems = _not_passed(result)
    if not result.gradable:
        out += [f"> {_md_text(_t('page_not_gradable', lang))}", ""]
    elif result.items and not problems:
        out += [f"> {_md_text(_t('page_all_passed', lang))}", ""]

    found = grouping.diagnosed(result)
    if found:
        out += [f"## {_md_text(_t('page_diagnoses', lang))}", "", f"*{_md_text(_t('page_diagnoses', other))}*", "",
                _md_text(_t("page_diagnoses_intro", lang)), ""]
        for entry in found:
            items = ", ".join(_md_code(_short_id(i)) for i in entry.items)
            out += [f"> **{_md_text(_t('diagnosis_label', lang))}** {_md_code(entry.diagnosis['id'])}",
                    ">",
                    f"> {_md_text(entry.diagnosis.get(lang, ''))}",
                    ">",
                    f"> *{_md_text(entry.diagnosis.get(other, ''))}*",
                    ">",
                    "> " + _md_text(_t("page_diagnosis_items", lang, count=len(entry.items), points=_num(entry.lost),
                                       items="ITEMS")).replace("ITEMS", items),
                    ""]
    unit_totals = result.units
    for unit, items in _by_unit(result).items():
        totals = unit_totals[unit]
        out += [f"## {_md_text(unit_title(unit, lang))} ({_points(totals['score'], totals['max_score'])})", ""]
        subtitle = _unit_subtitle(unit, other)
        if subtitle:
            out += [f"*{_md_text(subtitle)}*", ""]
        out.append(f"| {_md_cell(h['item'])} | {_md_cell(h['exercise'])} | {_md_cell(h['status'])} "
                   f"| {_md_cell(h['points'])} |")
        out.append("| --- | --- | --- | ---: |")
        for item in items:
            out.append(
                f"| {_md_cell(_md_code(_short_id(item)))} | {_md_cell(_md_code(item.exercise))} "
                f"| {_md_mark(item.status)} {_md_cell(_status_text(item.status, lang))} "
                f"| {_points(item.score, item.max_score).replace(' ', '')} |"
            )
        out.append("")

    if problems:
        out += [f"## {_md_text(h['problems'])}", "", f"*{_md_text(HEAD[other]['problems'])}*", ""]
        for entry in grouping.entries(result):
            if entry.kind != "item":
                own, second = entry.message.get(lang, ""), entry.message.get(other, "")
                out += [f"### {_md_code(entry.title)} — {_md_mark(entry.status)} "
                        f"{_md_text(_status_text(entry.status, lang))} ({_points(entry.score, entry.max_score)})",
                        "", _md_block(own), ""]
                if second and second != own:
                    out += [f"*{_md_text(LANG_NAME[other])}:*", "", _md_block(second), ""]
                continue
            item = entry.items[0]
            own = item.message.get(lang, "")
            second = item.message.get(other, "")
            hidden = f" *({_md_text(_t('page_hidden', lang))})*" if item.visibility == "hidden" else ""
            out += [
                f"### {_md_code(item.id)} — {_md_mark(item.status)} {_md_text(_status_text(item.status, lang))} "
                f"({_points(item.score, item.max_score)}){hidden}",
                "",
                f"{_md_text(_t('page_exercise', lang, exercise=item.exercise))} · {_md_text(unit_title(item.unit, lang))}",
                "",
            ]
            if item.diagnosis:
                out += [f"> **{_md_text(_t('diagnosis_label', lang))}:** {_md_code(item.diagnosis['id'])} — "
                        f"{_md_text(_t('page_diagnosis_see', lang))}", ""]
            out += [
                _md_block(own),
                "",
            ]
            if second and second != own:
                out += [f"*{_md_text(LANG_NAME[other])}:*", "", _md_block(second), ""]
            links = image_links.get(item.id)
            if links:
                exp, got = _t("page_picture_expected", lang), _t("page_picture_got", lang)
                exp2, got2 = _t("page_picture_expected", other), _t("page_picture_got", other)
                got_cell = (f"![{_md_text(got)}]({_md_link(links['got'])})" if links.get("got")
                            else _md_text(_t("page_picture_none", lang)))
                out += [
                    f"| {_md_cell(_md_text(exp))} {_md_cell(_md_text(exp2))} "
                    f"| {_md_cell(_md_text(got))} {_md_cell(_md_text(got2))} |",
                    "| :---: | :---: |",
                    f"| ![{_md_text(exp)}]({_md_link(links['expected'])}) | {got_cell} |",
                    "",
                ]
                for key, caption in (("expected", exp), ("got", got)):
                    note = _downsampled_note(pictures_of.get(item.id, {}).get(key) or b"")
                    if note:
                        out += [f"*{_md_text(caption)}: {_md_text(note[lang])} {_md_text(note[other])}*", ""]
                out += [
                    f"*{_md_text(_t('page_pictures_note', lang))}*",
                    "",
                ]
    return "\n".join(out).rstrip("\n") + "\n"


# --- files ---------------------------------------------------------------------------

_PICTURE_FILE = re.compile(r".+-(expected|got)\.png\Z")


def write_feedback(result, images, out_dir, lang="zh-TW"):
    """Write one student's feedback pages into ``out_dir``.

    Writes ``out_dir/<safe name>.html`` (self-contained), ``out_dir/<safe name>.md`` and,
    for the Markdown, the pictures of the items that did not pass as
    ``out_dir/img/<safe name>/<item id>-expected.png`` and ``-got.png``. ``<safe name>``
    is `safe_filename` of the submission's name. Every file is written atomically;
    pictures left over from an earlier grade of the same student are removed.

    Parameters
    ----------
    result : autograder.grading.result.Result
    images : dict or None
        ``{item_id: {"expected": png_bytes, "got": png_bytes}}``; ``None`` takes them
        from the items' details (`collect_images`).
    out_dir : str or path-like
        Created when missing.
    lang : {"zh-TW", "en"}

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The HTML and the Markdown file.
    """
    _check_lang(lang)
    if images is None:
        images = collect_images(result)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = safe_filename(result.submission)
    img_dir = out_dir / "img" / name

    links, written = {}, set()
    for item in _not_passed(result):
        pictures = images.get(item.id)
        if not pictures or not pictures.get("expected"):
            continue
        img_dir.mkdir(parents=True, exist_ok=True)
        links[item.id] = {}
        for key in ("expected", "got"):
            data = pictures.get(key)
            if data:
                filename = f"{safe_filename(item.id)}-{key}.png"
                atomic_write(img_dir / filename, data)
                written.add(filename)
                links[item.id][key] = f"img/{name}/{filename}"
    if img_dir.is_dir():
        for old in img_dir.iterdir():
            if old.name not in written and _PICTURE_FILE.match(old.name) and old.is_file():
                old.unlink()

    html_path = atomic_write(out_dir / f"{name}.html", render_html(result, images, lang))
    md_path = atomic_write(out_dir / f"{name}.md", render_markdown(result, links, lang, images))
    return html_path, md_path
