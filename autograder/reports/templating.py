"""The reports' templates: the Jinja2 files of ``templates/`` and the one environment
that renders them.

``render("feedback.html.j2", **context)`` fills a template. The environment is strict
(`jinja2.StrictUndefined`: a name the template uses and the context lacks is an
error, never an empty string) and keeps a template's trailing newline.

HTML and SVG templates (``*.html.j2``, ``*.svg.j2``) escape every value they show:
``{{ value }}`` is `html.escape` of ``str(value)`` (quotes included), so a student's
name, an exception's message or a printed line can never become markup. Only HTML
that a helper built from escaped parts (`breakable`, the templates' own macros) is
shown as it is. Markdown and shell templates are filled as they are: a Markdown
template passes each text through the filter that fits where it goes (`md_text`,
`md_code`, `md_cell`, `md_block`, `md_link`).

In HTML and SVG templates, line breaks are the template's layout, not the page's: a
line break and the indentation after it are dropped where they follow a tag (``>``)
or a template tag (``}}``, ``%}``, ``#}``) or come before one (``<``, ``{``), and become
one space anywhere else (between two attributes, in running text). A line break of
the page is written ``{{ "\\n" }}``.
"""

import html
import os
import re
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup

__all__ = ["HTML_LANG", "render", "escape", "breakable", "num", "points", "md_text", "md_code", "md_cell",
           "md_block", "md_link", "environment"]

#: The language codes of ``<html lang>`` (zh-TW is written in Traditional Chinese).
HTML_LANG = {"zh-TW": "zh-Hant", "en": "en"}

_MARKUP_TEMPLATES = (".html.j2", ".svg.j2")
_LAYOUT = re.compile(r"\n[ \t]*")


class _TemplateLayout(Extension):
    """Drops the layout line breaks of HTML and SVG templates when they are loaded (see
    the module's docstring), so a template can be indented while the page stays as
    compact as it was written by hand."""

    def preprocess(self, source, name, filename=None):
        if not (name or "").endswith(_MARKUP_TEMPLATES):
            return source

        def join(match):
            before = source[match.start() - 1] if match.start() else ""
            after = source[match.end()] if match.end() < len(source) else ""
            if before in (">", "}") or after in ("<", "{") or not after or after == "\n":
                return ""
            return " "

        return _LAYOUT.sub(join, source)


def escape(value: Any) -> Markup:
    """``value`` as HTML text: `html.escape` of ``str(value)`` (``& < > " '``), or
    ``value`` itself when it already is HTML (`markupsafe.Markup`)."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


@jinja2.pass_eval_context
def _finalize(eval_ctx, value):
    # Every {{ value }} of an HTML or SVG template is escaped by `escape` (the forms of
    # `html.escape`, as the pages have always used), before Jinja's own autoescape sees it.
    if eval_ctx.autoescape:
        return escape(value)
    return value


def breakable(name: Any) -> Markup:
    """An escaped identifier that may wrap after ``_`` and ``.`` (long item ids on narrow pages)."""
    return Markup(re.sub(r"([_.])", r"\1<wbr>", str(escape(name))))


def num(x: float) -> str:
    """A number as the reports write it: ``5``, ``2.5``, ``0.125`` (``format(x, "g")``)."""
    return f"{x:g}"


def points(score: float, max_score: float) -> str:
    """``"score / max_score"``."""
    return f"{num(score)} / {num(max_score)}"


def _fixed(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


# --- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def md_text(text: Any) -> str:
    """Plain text for a Markdown paragraph or heading: markup characters escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_code(text: Any) -> str:
    """An inline code span that holds ``text`` whatever backticks it contains."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_cell(text: Any) -> str:
    """A table cell: a ``|`` would end the cell, even inside a code span."""
    return str(text).replace("|", "\\|")


def md_block(text: Any, info: str = "text") -> str:
    """A fenced code block that ``text`` cannot close early."""
    text = str(text)
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def md_link(path: Any) -> str:
    """A relative path as a Markdown link target (``/`` separators, the rest percent-encoded)."""
    return quote(str(path).replace(os.sep, "/"), safe="/-_.~")


def _make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("autograder.reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "svg.j2"), default_for_string=True,
                                            default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
        extensions=[_TemplateLayout],
    )
    env.filters.update(num=num, fixed=_fixed, breakable=breakable,
                       md_text=md_text, md_code=md_code, md_cell=md_cell, md_block=md_block, md_link=md_link)
    env.globals.update(HTML_LANG=HTML_LANG, points=points)
    return env


environment = _make_environment()


def render(name: str, **context: Any) -> str:
    """The template ``templates/<name>`` filled with ``context``."""
    return environment.get_template(name).render(**context)
