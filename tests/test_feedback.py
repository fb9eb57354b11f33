"""Feedback pages (per student, HTML and Markdown) and the class summary page.

Real results come from one engine run over the reference solutions, the stubs and a few
mistakes; the pages built from them must carry every failure message in both languages,
totals that match the result, pictures that decode, and nothing a student could use to
inject markup. The last tests render the pages in headless Chromium and look at the
screenshot, so a page that renders blank (or not at all) fails.
"""

import base64
import html
import io
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from autograder.course import units
from autograder.grading import engine
from autograder.intake import loader
from autograder.reports import feedback, grouping, summary
from autograder.reports.feedback import collect_images, render_html, render_markdown, safe_filename, write_feedback
from autograder.course import messages
from autograder.grading.result import ItemResult, Result
from autograder.authoring.samples import MUTANTS, solution_files, stub_source

MUTANT_NAMES = ("flipped_kernel", "same_padding_extra_zero_first", "gaussian_not_normalised",
                "sigmoid_naive_overflows", "backward_sums_over_samples", "adam_without_bias_correction")
IMAGE_ITEM = "convolution.conv2d_kernel_not_flipped"
LANGS = ("zh-TW", "en")


@pytest.fixture(scope="module")
def graded():
    """The NumPy units of the solutions, of the stubs and of a few mistakes, graded once.

    (The CNN unit is left out to keep this file fast: its items are then "missing".)
    """
    by_name = {m.name: m for m in MUTANTS}
    stubs = {u.filename: stub_source(u.name) for u in units.NUMPY_UNITS}
    subs = [loader.from_files("solutions", solution_files()), loader.from_files("stubs", stubs)]
    subs += [by_name[name].submission() for name in MUTANT_NAMES]
    results = {}
    engine.Engine().run(subs, lambda r: results.__setitem__(r.submission, r))
    assert set(results) == {"solutions", "stubs", *MUTANT_NAMES}
    return results


class _Tags(HTMLParser):
    """Start tags and their attributes, as a browser's tokenizer sees them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def named(self, name):
        return [attrs for tag, attrs in self.tags if tag == name]


def _hostile_result():
    evil = '<script>alert(1)</script></td></table><img src=x onerror="alert(2)">&amp; | ```'
    items = [
        ItemResult("convolution.conv2d_evil", "convolution", "conv2d", 0.0, 3.0, "error", "hidden",
                   {"zh-TW": f"呼叫 conv2d 時發生例外 ValueError: {evil}\n第二行",
                    "en": f"Calling conv2d raised ValueError: {evil}\nsecond line"}),
        ItemResult("convolution.conv2d_ok", "convolution", "conv2d", 3.0, 3.0, "passed", "public",
                   {"zh-TW": "通過。", "en": "Passed."}),
    ]
    return Result('<b onmouseover="x()">王小明</b>', items), evil


# --- escaping ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_html_escapes_hostile_text(lang):
    result, evil = _hostile_result()
    page = render_html(result, {}, lang)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/td&gt;&lt;/table&gt;" in page
    assert html.escape(result.items[0].message["en"]) in page
    assert html.escape(result.items[0].message["zh-TW"]) in page
    tags = _Tags(page)
    assert not tags.named("script") and not tags.named("img") and not tags.named("b")
    assert not any(k.startswith("on") for _, attrs in tags.tags for k in attrs)
    # The page's own structure is intact: one table, both rows, the name as text.
    assert len(tags.named("table")) == 1 and len(tags.named("tr")) == 1 + 2
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;王小明&lt;/b&gt;" in page


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_keeps_hostile_text_inside_its_code_block(lang):
    result, evil = _hostile_result()
    text = render_markdown(result, {}, lang)
    # The message sits in a fence longer than any run of backticks it contains.
    fences = re.findall(r"^(`{3,})text$", text, flags=re.M)
    assert fences and all(len(f) > 3 for f in fences)
    for fence in fences:
        block = re.search(rf"^{fence}text\n(.*?)\n{fence}$", text, flags=re.S | re.M).group(1)
        assert "```" in block and "<script>" in block
    outside = re.sub(r"^(`{4,})text\n.*?\n\1$", "", text, flags=re.S | re.M)
    assert not re.search(r"(?<!\\)<", outside), "a '<' outside the code blocks must be backslash-escaped"


# --- content of the pages --------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_failed_message_and_the_totals_are_on_the_page(graded, lang):
    for name, result in graded.items():
        page = render_html(result, collect_images(result), lang)
        failed = [i for i in result.items if i.status != "passed"]
        assert failed
        numpy_failed = [i for i in failed if i.unit in {u.name for u in units.NUMPY_UNITS}]
        assert (name == "solutions") == (not numpy_failed)
        entries = grouping.entries(result)  # an unwritten exercise or a broken file: one entry
        assert sorted(i.id for e in entries for i in e.items) == sorted(i.id for i in failed)
        for entry in entries:
            for message_lang in LANGS:
                assert html.escape(entry.message[message_lang]) in page, (name, entry.title, message_lang)
        for item in failed:
            assert f'data-item-id="{item.id}"' in page
        tags = _Tags(page)
        sections = [a["data-unit"] for a in tags.named("section") if "data-unit" in a]
        assert sections == list(result.units)
        shown = {}
        for attrs in tags.named("span"):
            if "unit-score" in attrs.get("class", ""):
                shown[len(shown)] = (float(attrs["data-score"]), float(attrs["data-max-score"]))
        assert list(shown.values()) == [(u["score"], u["max_score"]) for u in result.units.values()]
        total = next(a for a in tags.named("div") if a.get("class") == "total")
        assert (float(total["data-score"]), float(total["data-max-score"])) == (result.score, result.max_score)
        rows = [a["data-item-id"] for a in tags.named("tr") if "data-item-id" in a]
        assert rows == [i.id for i in result.items]


def test_stub_page_says_not_written_in_both_languages(graded):
    page = render_html(graded["stubs"], {}, "zh-TW")
    assert '<html lang="zh-Hant">' in page and "尚未實作" in page and "is not written yet" in page
    assert "Noto Sans CJK TC" in page
    assert "<script" not in page.lower() and "http://" not in page.replace('xmlns="http://www.w3.org', "")
    assert '<html lang="en">' in render_html(graded["stubs"], {}, "en")


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_has_a_row_per_item_and_every_message(graded, lang):
    result = graded["flipped_kernel"]
    text = render_markdown(result, {}, lang)
    rows_by_unit, unit = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line.replace("\\", "")  # undo Markdown escapes such as cifar10\_cnn
            unit = next((u for u in result.units if heading.startswith(f"## {u}.py")), None)
        elif unit and line.startswith("| `"):
            rows_by_unit.setdefault(unit, []).append(line)
    assert list(rows_by_unit) == list(result.units)
    for unit, rows in rows_by_unit.items():
        items = [i for i in result.items if i.unit == unit]
        assert len(rows) == len(items)
        for row, item in zip(rows, items):
            assert row.startswith(f"| `{item.id.split('.', 1)[1]}` |")
            assert row.count(" | ") == 3  # four cells: no stray "|"
            assert row.endswith(f"| {item.score:g}/{item.max_score:g} |")
        totals = result.units[unit]
        assert f"({totals['score']:g} / {totals['max_score']:g})" in text
    for item in result.items:
        if item.status != "passed":
            for message_lang in LANGS:
                assert item.message[message_lang].rstrip("\n") in text


def test_pipes_in_table_cells_are_escaped():
    item = ItemResult("convolution.a|b", "convolution", "x|y", 0.0, 1.0, "failed", "public",
                      {"zh-TW": "a | b", "en": "a | b"})
    text = render_markdown(Result("s", [item]), {}, "en")
    row = next(line for line in text.splitlines() if line.startswith("| `a"))
    assert row.startswith(r"| `a\|b` | `x\|y` |") and row.count(" | ") == 3


def test_the_all_passed_banner_needs_every_item_passed():
    """Items this machine could not grade (no TensorFlow) are not passed: no "well done"."""
    passed = ItemResult("activations.sigmoid_values", "activations", "sigmoid", 4.0, 4.0, "passed", "public",
                        {"zh-TW": "", "en": ""})
    skipped = ItemResult("cifar10_cnn.build_cnn_layers", "cifar10_cnn", "build_cnn", 0.0, 5.0, "not_graded",
                         "hidden", {"zh-TW": "沒有 TensorFlow", "en": "no TensorFlow here"})
    well_done = messages.text("page_all_passed")
    for lang in ("zh-TW", "en"):
        assert well_done[lang] in render_html(Result("s", [passed]), {}, lang)
        in_markdown = well_done[lang].replace("!", "\\!")  # Markdown's escape
        assert in_markdown in render_markdown(Result("s", [passed]), {}, lang)
        assert well_done[lang] not in render_html(Result("s", [passed, skipped]), {}, lang)
        assert in_markdown not in render_markdown(Result("s", [passed, skipped]), {}, lang)


# --- pictures --------------------------------------------------------------------------

def _data_pngs(fragment):
    sources = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', fragment)
    return [Image.open(io.BytesIO(base64.b64decode(s, validate=True))) for s in sources]


def test_image_items_show_expected_and_returned_pictures(graded):
    result = graded["flipped_kernel"]
    item = next(i for i in result.items if i.id == IMAGE_ITEM)
    assert item.status == "failed" and "image" in item.details
    page = render_html(result, collect_images(result), "zh-TW")
    article = re.search(rf'<article class="problem" id="item-{re.escape(IMAGE_ITEM)}".*?</article>', page, re.S)
    pictures = _data_pngs(article.group(0))
    assert len(pictures) == 2
    shape = np.shape(item.details["image"]["expected"])
    scale = max(1, 160 // max(shape))
    for picture in pictures:
        picture.load()
        assert picture.format == "PNG" and picture.size == (shape[1] * scale, shape[0] * scale)
    assert "應為" in article.group(0) and "得到" in article.group(0)
    # Passed items never show pictures; items without pictures have none.
    assert len(_data_pngs(page)) == 2 * sum(1 for i in result.items if i.status != "passed" and i.details)


def test_a_returned_value_that_cannot_be_drawn_gets_a_note_instead():
    item = ItemResult("convolution.sharpen_picture", "convolution", "sharpen", 0.0, 3.0, "failed", "hidden",
                      {"zh-TW": "形狀不對", "en": "wrong shape"},
                      details={"image": {"expected": np.eye(8), "got": np.zeros((8, 8, 3))}})
    result = Result("s", [item])
    images = collect_images(result)
    assert set(images[item.id]) == {"expected"}
    page = render_html(result, images, "en")
    assert len(_data_pngs(page)) == 1 and "not a 2-D array" in page


def test_write_feedback_writes_pages_and_pictures_atomically(graded, tmp_path):
    result = graded["flipped_kernel"]
    out = tmp_path / "feedback"
    stale = out / "img" / "flipped_kernel" / "convolution.old_item-got.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    html_path, md_path = write_feedback(result, collect_images(result), out, "zh-TW")
    assert (html_path, md_path) == (out / "flipped_kernel.html", out / "flipped_kernel.md")
    assert html_path.read_text(encoding="utf-8") == render_html(result, collect_images(result), "zh-TW")
    text = md_path.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    with_pictures = [i.id for i in result.items if i.status != "passed" and "image" in i.details]
    assert IMAGE_ITEM in with_pictures
    assert sorted(links) == sorted(f"img/flipped_kernel/{i}-{k}.png" for i in with_pictures for k in ("expected", "got"))
    for link in links:
        with Image.open(out / link) as picture:
            assert picture.format == "PNG"
    assert not stale.exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    # A second write replaces the files in place.
    assert write_feedback(result, None, out, "en")[0].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- file names ------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("王小明", "王小明"), ("a/b", "a_b~"), ("..", "_~"), (".", "_~"), ("", "_~"), ("con:1", "con_1~"),
    ("con", "_con~"), ("José García", "José_García~"), ("s-01_x.v2", "s-01_x.v2"), ("a\\b\x00c", "a_b_c~"),
    ("../../etc/passwd", "__.._etc_passwd~"), ("名字。", "名字_~"), ("bob_1", "bob_1"), ("bob~1", "bob_1~"),
    ("Bob", "Bob~"),
])
def test_safe_filename(name, expected):
    """A name comes out as itself, or as a slug plus ``~`` and a hash of the name."""
    safe = safe_filename(name)
    if expected.endswith("~"):
        assert re.fullmatch(re.escape(expected) + "[0-9a-f]{10}", safe), safe
    else:
        assert safe == expected
    assert safe and safe not in (".", "..") and not safe.startswith(".")
    assert not set(safe) & set('/\\:*?"<>|\x00') and safe == safe.strip()
    assert safe.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}


def test_safe_filename_of_long_names_is_short_and_distinct():
    a, b = "王" * 200 + "甲", "王" * 200 + "乙"
    assert safe_filename(a) != safe_filename(b)
    assert max(len(safe_filename(n).encode()) for n in (a, b)) <= 120


@pytest.mark.parametrize("names", [
    ("bob~1", "bob_1", "bob 1", "bob/1", "bob:1", "bob?1", "bob\t1"),
    ("Bob", "bob", "BOB"),
    ("Jos\u00e9", "Jose\u0301"),  # NFC and NFD: macOS stores both as one file name
    ("con", "_con", "CON"),
])
def test_distinct_students_get_distinct_files_even_where_case_does_not_count(names):
    files = [safe_filename(n) for n in names]
    assert len({f.casefold() for f in files}) == len(names), files
    assert len({unicodedata.normalize("NFD", f).casefold() for f in files}) == len(names), files


def test_two_students_whose_names_differ_only_in_punctuation_keep_their_own_pages(tmp_path):
    for name in ("bob~1", "bob_1"):
        item = ItemResult("activations.sigmoid_values", "activations", "sigmoid", 0.0, 4.0, "failed", "public",
                          {"zh-TW": f"{name} 的訊息", "en": f"message of {name}"})
        write_feedback(Result(name, [item]), {}, tmp_path, "en")
    pages = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.html")}
    assert len(pages) == 2
    assert "message of bob~1" in pages[safe_filename("bob~1") + ".html"]
    assert "message of bob_1" in pages["bob_1.html"] and "bob~1" not in pages["bob_1.html"]


# --- class summary ---------------------------------------------------------------------

def _assignment_sections(page):
    """``{data-assignment: the section's HTML}`` of a summary page."""
    parts = page.split('<section class="card assignment"')[1:]
    return {_Tags("<section" + part).named("section")[0]["data-assignment"]: part for part in parts}


def test_summary_has_a_section_per_assignment_items_hardest_first(graded):
    results = list(graded.values())
    page = summary.render_summary(results, "zh-TW")
    sections = _assignment_sections(page)
    assert list(sections) == [u.assignment for u in units.UNITS]  # every result has all five units
    for unit in units.UNITS:
        tags = _Tags(sections[unit.assignment])
        rows = [a for a in tags.named("tr") if "data-rate" in a]
        rates = [float(a["data-rate"]) for a in rows]
        assert rates == sorted(rates)
        assert {a["data-item-id"] for a in rows} == {i.id for r in results for i in r.items if i.unit == unit.name}
        bars = [a for a in tags.named("rect") if a.get("class") == "bar"]
        assert len(bars) == 10 and sum(int(a["data-count"]) for a in bars) == len(results)
        top = max(r.units[unit.name]["max_score"] for r in results)
        assert f"總分（滿分 {top:g}）" in sections[unit.assignment]
    # conv2d items are failed by the stubs and by flipped_kernel, so they come before what only stubs fail.
    rows = [a for a in _Tags(sections["01_convolution"]).named("tr") if "data-rate" in a]
    hardest = rows[0]["data-item-id"]
    assert sum(1 for r in results for i in r.items if i.id == hardest and i.status != "passed") >= 2
    assert sum(c for _, _, c in summary.histogram(results)) == len(results)
    stats = summary.score_stats(results)
    assert stats["count"] == len(results) and stats["max"] == graded["solutions"].score
    assert "<script" not in page.lower()


def test_summary_of_one_assignment_has_only_that_assignment(graded):
    """A class that handed in 01_convolution only: one section, that unit's maximum, no
    rows of other units."""
    one = [Result(r.submission, [i for i in r.items if i.unit == "convolution"]) for r in graded.values()]
    page = summary.render_summary(one, "en")
    sections = _assignment_sections(page)
    assert list(sections) == ["01_convolution"]
    assert [a["data-unit"] for a in _Tags(page).named("tr") if "data-unit" in a] == ["convolution"]
    top = one[0].max_score
    assert f"Total score (out of {top:g})" in sections["01_convolution"]
    ids = {a["data-item-id"] for a in _Tags(page).named("tr") if "data-item-id" in a}
    assert ids and all(i.startswith("convolution.") for i in ids)


def test_summary_escapes_and_survives_no_results(tmp_path):
    result, _ = _hostile_result()
    page = summary.render_summary([result], "en")
    assert "<script" not in page.lower() and not _Tags(page).named("img")
    empty = summary.write_summary([], tmp_path / "s" / "summary.html", "en")
    assert "No submissions yet." in empty.read_text(encoding="utf-8")


# --- rendered in a browser -----------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium (chromium, chromium-browser or google-chrome) is installed; "
                "CI installs Debian's `chromium` for this test")


def _screenshot(browser, html_path, png_path, profile, size=(1100, 1600)):
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--hide-scrollbars", f"--window-size={size[0]},{size[1]}",
               f"--screenshot={png_path}", html_path.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert png_path.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    image = Image.open(png_path)
    image.load()
    assert image.size == size
    grey = np.asarray(image.convert("L"))
    assert len(np.unique(grey)) > 20, "the page looks blank: too few distinct shades"
    assert (grey < 200).mean() > 0.02, "the page looks blank: almost nothing is drawn"
    return np.asarray(image.convert("RGB")).astype(int)


def _pixels_near(rgb, colour, tolerance=8):
    return int((np.abs(rgb - np.array(colour)).max(axis=2) <= tolerance).sum())


def test_feedback_page_renders_in_chromium(graded, chromium, tmp_path):
    result = graded["flipped_kernel"]
    html_path, _ = write_feedback(result, collect_images(result), tmp_path / "out", "zh-TW")
    rgb = _screenshot(chromium, html_path, tmp_path / "feedback.png", tmp_path / "profile")
    # Our styles were applied: the red "failed" pills and the blue total bar are on screen.
    assert _pixels_near(rgb, (0xFD, 0xE3, 0xE1)) > 200
    assert _pixels_near(rgb, (0x2F, 0x81, 0xF7)) > 200


def test_summary_page_renders_in_chromium(graded, chromium, tmp_path):
    path = summary.write_summary(list(graded.values()), tmp_path / "summary.html", "en")
    rgb = _screenshot(chromium, path, tmp_path / "summary.png", tmp_path / "profile")
    assert _pixels_near(rgb, (0x2F, 0x81, 0xF7)) > 1000  # histogram bars


def test_language_must_be_known(graded):
    with pytest.raises(ValueError, match="unknown language"):
        render_html(graded["solutions"], {}, "fr")
    with pytest.raises(ValueError, match="unknown language"):
        feedback.render_markdown(graded["solutions"], {}, "zh-CN")
