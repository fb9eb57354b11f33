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
called. Wording comes from `autograder.course.messages` (through
`autograder.reports.labels`: statuses, column headings, unit titles), so the terminal,
the page and the Markdown say the same thing.

The pages are the templates ``templates/feedback.html.j2`` (with ``feedback.css.j2``)
and ``templates/feedback.md.j2`` (`autograder.reports.templating`); this module gives
them what they show.

`write_feedback` writes ``<safe name>.html``, ``<safe name>.md`` and the Markdown's
pictures under ``img/<safe name>/``, each file atomically (`autograder.course.files`);
`safe_filename` never maps two students to one name.
"""

import base64
import hashlib
import re
import struct
import unicodedata
import os
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from autograder.course import messages
from autograder.course.files import atomic_write
from autograder.grading import images as report_images
from autograder.reports import grouping, templating
from autograder.reports.labels import STATUS_STYLE, heading, short_id, status_text, unit_subtitle, unit_title

if TYPE_CHECKING:
    from autograder.grading.result import Result

__all__ = [
    "render_html",
    "render_markdown",
    "write_feedback",
    "safe_filename",
    "collect_images",
]

#: The pictures of a result's items: ``{item_id: {"expected": png_bytes, "got": png_bytes}}``.
Images = dict[str, dict[str, bytes]]

# The terminal's colour names (`labels.STATUS_STYLE`) as page colours: text, background.
COLOURS = {
    "green": ("#116329", "#dcf5e3"),
    "red": ("#a4161a", "#fde3e1"),
    "magenta": ("#7a2ea8", "#f3e6fb"),
    "yellow": ("#7a4d00", "#fdf0cc"),
    "cyan": ("#0b5563", "#def4f7"),
}
MARKDOWN_MARK = {"green": "✅", "red": "❌", "magenta": "⏱️", "yellow": "⚠️", "cyan": "⏸️"}

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_MAX_NAME_BYTES = 120  # leaves room for "-expected.png" / ".html" under the usual 255-byte limit
collect_images = report_images.collect  # the one renderer of pictures, also used by `batch`


# --- file names ----------------------------------------------------------------------

def safe_filename(name: str) -> str:
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


# --- what the templates show ---------------------------------------------------------

def _percent(score, max_score):
    return 0.0 if not max_score else max(0.0, min(100.0, 100.0 * score / max_score))


def _png_size(data):
    """``(width, height)`` from a PNG's IHDR chunk, or ``None`` when it is not a PNG."""
    if len(data) >= 24 and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def _downsampled_note(png):
    """The catalog's "shown downsampled from H×W" for a picture of a large array, or ``None``."""
    shape = report_images.source_shape(png)
    if shape is None:
        return None
    step = max(1, -(-max(shape) // report_images.MAX_SIDE))
    return messages.text("page_picture_downsampled", height=shape[0], width=shape[1], step=step)


def _picture(data):
    """What a page shows of one PNG: its ``data:`` URI, size and downsampling note; ``None``
    when there is no picture."""
    if not data:
        return None
    return {"src": "data:image/png;base64," + base64.b64encode(data).decode("ascii"), "size": _png_size(data),
            "downsampled": _downsampled_note(data)}


def _anchor(item):
    return "item-" + re.sub(r"[^A-Za-z0-9_.-]", "-", item.id)


def _diagnosis_anchor(diagnosis):
    return "diagnosis-" + re.sub(r"[^A-Za-z0-9_.-]", "-", diagnosis["id"])


def _message_pair(message, lang, other):
    """An item's message in ``lang`` and in ``other`` (a message that is not a dict is shown once)."""
    if isinstance(message, dict):
        return message.get(lang, ""), message.get(other, "")
    return str(message), ""


def _filled(key, lang, escape, raw=None, **fields):
    """The catalog entry ``key`` in ``lang`` escaped by ``escape``, with the fields of
    ``raw`` (text already in the page's format: HTML, Markdown) put in afterwards as they are."""
    raw = raw or {}
    marked = {name: f"\0{n}\0" for n, name in enumerate(raw)}
    text = escape(messages.text_in(key, lang, **fields, **marked))
    for name, marker in marked.items():
        text = text.replace(marker, str(raw[name]))
    return text


def _escaped(text):
    return str(templating.escape(text))


def _context(result, lang):
    """What both templates show of ``result``, and the helpers they use."""
    messages.check_lang(lang)
    other = messages.other(lang)
    units = {}
    for item in result.items:
        units.setdefault(item.unit, []).append(item)
    totals = result.units
    not_passed = [item for item in result.items if item.status != "passed"]
    return {
        "result": result, "lang": lang, "other": other,
        "units": [(unit, items, totals[unit]) for unit, items in units.items()],
        "found": grouping.diagnosed(result),
        "problems": grouping.entries(result) if not_passed else [],
        "all_passed": bool(result.items) and not not_passed,
        "t": messages.text_in,
        "head": lambda column: heading(column, lang),
        "status_text": status_text, "unit_title": unit_title, "unit_subtitle": unit_subtitle,
        "short_id": short_id,
    }


# --- HTML ----------------------------------------------------------------------------

def render_html(result: "Result", images: Images | None = None, lang: str = "zh-TW") -> str:
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
    context = _context(result, lang)
    if images is None:
        images = collect_images(result)
    other = context["other"]
    return templating.render(
        "feedback.html.j2", **context, images=images,
        status_colours={status: COLOURS[style] for status, style in STATUS_STYLE.items()},
        percent=_percent, anchor=_anchor, diagnosis_anchor=_diagnosis_anchor, picture_of=_picture,
        message_pair=lambda message: _message_pair(message, lang, other),
        t_html=lambda key, lang, **fields: Markup(_filled(key, lang, _escaped, **fields)),
    )


# --- Markdown ------------------------------------------------------------------------

def render_markdown(result: "Result", image_links: dict[str, dict[str, str]] | None = None,
                    lang: str = "zh-TW", images: Images | None = None) -> str:
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
    context = _context(result, lang)
    pictures_of = images or {}
    text = templating.render(
        "feedback.md.j2", **context, image_links=image_links or {},
        mark=lambda status: MARKDOWN_MARK[STATUS_STYLE[status]],
        downsampled_note=lambda item_id, key: _downsampled_note(pictures_of.get(item_id, {}).get(key) or b""),
        t_md=lambda key, lang, **fields: _filled(key, lang, templating.md_text, **fields),
    )
    return text.rstrip("\n") + "\n"


# --- files ---------------------------------------------------------------------------

_PICTURE_FILE = re.compile(r".+-(expected|got)\.png\Z")


def write_feedback(result: "Result", images: Images | None, out_dir: str | os.PathLike, lang: str = "zh-TW"
                   ) -> tuple[Path, Path]:
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
    messages.check_lang(lang)
    if images is None:
        images = collect_images(result)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = safe_filename(result.submission)
    img_dir = out_dir / "img" / name

    links, written = {}, set()
    for item in [i for i in result.items if i.status != "passed"]:
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
