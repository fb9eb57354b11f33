"""Whatever a student hands in, the loader reads it or says, in zh-TW and English,
which file cannot be read and why — it never raises."""

import io
import json
import re
import struct
import zipfile

import pytest

from autograder.authoring import samples
from autograder.batch import driver as batch
from autograder.intake import loader, notebook as notebook_source

NOTEBOOK = "02_activations.ipynb"
SOURCE = samples.solution_source("activations").encode()


def _cell(**nbgrader):
    return {"cell_type": "code", "metadata": {"nbgrader": nbgrader}, "source": "def sigmoid(x):\n    return x\n"}


def _nb(cells, **top):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5, **top}).encode()


ANSWER = dict(grade_id="answer_sigmoid", solution=True)

BROKEN_NOTEBOOKS = {
    "5000-deep JSON": (b"[" * 5000 + b"]" * 5000, "nests more than 64 levels"),
    "5000-deep cells": (b'{"cells": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "nests more than 64 levels"),
    "metadata as a list": (_nb([{"cell_type": "code", "metadata": [1], "source": "x"}]),
                           "in cell 1, metadata should be a JSON object, but it is a list"),
    "nbgrader metadata as text": (_nb([{"cell_type": "code", "metadata": {"nbgrader": "x"}, "source": ""}]),
                                  "metadata.nbgrader should be a JSON object, but it is text"),
    "a list as grade_id": (_nb([_cell(grade_id=["answer_sigmoid"], solution=True)]),
                           "grade_id should be text, but it is a list"),
    "an object as grade_id": (_nb([_cell(), _cell(grade_id={"a": 1}, solution=True)]),
                              "in cell 2, grade_id should be text, but it is an object"),
    "solution as a list": (_nb([_cell(grade_id="answer_sigmoid", solution=[1])]), "solution should be true or false"),
    "source of lists": (_nb([{"cell_type": "code", "metadata": {}, "source": [["x"]]}]),
                        "source should be text (or a list of text)"),
    "a cell that is a number": (_nb([_cell(**ANSWER), 3]), "in cell 2, cell should be a JSON object"),
    "cells not a list": (json.dumps({"cells": {"0": _cell(**ANSWER)}}).encode(), "has no list of cells"),
    "a list, not a notebook": (b"[1, 2, 3]", "has no list of cells"),
    "not JSON": (b"{not json", "is not valid JSON"),
    "a 5000-digit number": (b'{"cells": [' + b"9" * 5000 + b"]}", "is not valid JSON"),
    "Latin-1 text": ('{"cells": [], "x": "café"}'.encode("latin-1"), "is not UTF-8 text (byte 0xe9 at position 23)"),
    "UTF-16 text": (_nb([]).decode().encode("utf-16"), "is not UTF-8 text"),
    "a PNG named .ipynb": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "is a binary file (PNG image)"),
    "a zip named .ipynb": (loader.zip_bytes({"a": "b"}), "is a binary file (zip archive)"),
    "NUL bytes": (b'{"cells": []}\0\0\0', "is a binary file (NUL bytes)"),
    "no answer cells": (_nb([_cell(grade_id="something_else", solution=True)]),
                        "none of the answer cells of activations were found"),
}


def _check_bilingual(message, *names):
    assert re.search(r"[\u4e00-\u9fff]", message["zh-TW"]), message
    for name in names:
        assert name in message["zh-TW"] and name in message["en"], (name, message)
    assert "Traceback" not in message["en"]


@pytest.mark.parametrize("case", sorted(BROKEN_NOTEBOOKS))
def test_a_broken_notebook_makes_its_unit_unreadable_with_a_clear_message(case, tmp_path):
    data, reason = BROKEN_NOTEBOOKS[case]
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / NOTEBOOK).write_bytes(data)
    (folder / "convolution.py").write_text(samples.solution_source("convolution"), encoding="utf-8")
    submission = loader.load(folder)
    assert submission.problem is None
    assert submission.units["convolution"] is None and "convolution.py" in submission.files  # the rest is graded
    message = submission.units["activations"]
    assert "activations.py" not in submission.files
    assert message["en"].startswith(f"The notebook {NOTEBOOK} could not be read: ") and reason in message["en"]
    _check_bilingual(message, NOTEBOOK)


def test_the_nesting_depth_is_measured_without_parsing():
    assert notebook_source.json_depth('{"a": [1, {"b": "[[[[ not counted"}]}') == 3
    assert notebook_source.json_depth("[" * 100_000 + "]" * 100_000) == 100_000
    assert notebook_source.json_depth('"\\"[[["') == 0


def test_a_real_notebook_still_reads(tmp_path):
    cells = notebook_source.read_cells(_nb([_cell(**ANSWER), {"cell_type": "markdown", "source": ["# a", "b"]}]))
    assert cells[0][0] == "answer_sigmoid" and cells[1][2] == "# ab"
    (tmp_path / NOTEBOOK).write_bytes(_nb([_cell(**ANSWER)]))
    submission = loader.load(tmp_path / NOTEBOOK)
    assert submission.units == {"activations": None}
    assert b"def sigmoid(x):\n    return x" in submission.files["activations.py"]


def _zip_with(patch):
    data = bytearray(loader.zip_bytes({"hw/activations.py": SOURCE}))
    central = data.rfind(b"PK\x01\x02")
    patch(data, central)
    return bytes(data)


def _set(offset, fmt, value):
    def patch(data, central):
        data[central + offset:central + offset + struct.calcsize(fmt)] = struct.pack(fmt, value)
    return patch


def _zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("activations.py", "w", force_zip64=True) as member:
            for _ in range(40):
                member.write(b"\0" * (1 << 20))
    return buffer.getvalue()


BROKEN_ARCHIVES = {
    "path traversal": (loader.zip_bytes({"../../evil.py": "x", "activations.py": SOURCE}),
                       "has an unsafe path '../../evil.py'"),
    "an absolute path": (loader.zip_bytes({"/etc/activations.py": SOURCE}), "has an unsafe path '/etc/activations.py'"),
    "a drive letter": (loader.zip_bytes({"C:/activations.py": SOURCE}), "has an unsafe path"),
    "a zip bomb": (_zip_bomb(), "s.zip:activations.py is larger than 2 MB"),
    "a member that claims 4 GB": (_zip_with(_set(24, "<I", 0xFFFFFFF0)), "s.zip:hw/activations.py is larger than 2 MB"),
    "a wrong CRC": (_zip_with(_set(16, "<I", 0)), "'hw/activations.py' cannot be read from the archive s.zip"),
    "an unknown compression method": (_zip_with(_set(10, "<H", 99)), "NotImplementedError"),
    "an encrypted member": (_zip_with(_set(8, "<H", 1)), "cannot be read from the archive s.zip"),
    "a truncated archive": (loader.zip_bytes({"activations.py": SOURCE})[:300], "s.zip is not a valid zip archive"),
    "not an archive": (b"hello", "s.zip is not a valid zip archive"),
    "an empty file": (b"", "s.zip is not a valid zip archive"),
    "too many entries": (loader.zip_bytes({f"d/{i}": "" for i in range(2001)}), "s.zip has more than 2000 entries"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_ARCHIVES))
def test_a_broken_archive_makes_the_submission_unreadable_with_a_clear_message(case, tmp_path):
    data, reason = BROKEN_ARCHIVES[case]
    (tmp_path / "s.zip").write_bytes(data)
    submission = loader.load(tmp_path / "s.zip")
    assert submission.files == {} and submission.problem is not None
    assert reason in submission.problem["en"], submission.problem["en"]
    assert submission.problem["en"].startswith("This submission could not be read: ")
    _check_bilingual(submission.problem, "s.zip")
    assert submission.content_hash  # the gradebook can still record it


def test_links_and_folders_named_like_modules_are_not_read(tmp_path):
    (tmp_path / "convolution.py").mkdir()  # a folder where the module should be: skipped, not read
    (tmp_path / "activations.py").symlink_to("/nonexistent")  # a link: never followed
    submission = loader.load(tmp_path)
    assert submission.files == {} and "no course files were found" in submission.problem["en"]
    _check_bilingual(submission.problem)


def test_a_student_folder_called_submitted_is_one_student(tmp_path):
    for name in ("alice", "submitted", "zed"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "activations.py").write_bytes(SOURCE)
    (tmp_path / "submitted" / "hw").mkdir()  # a sub-folder, but not an assignment's
    assert [found.student for found in batch.discover(tmp_path)] == ["alice", "submitted", "zed"]


def test_a_real_nbgrader_tree_is_recognised(tmp_path):
    (tmp_path / "submitted" / "bob" / "02_activations").mkdir(parents=True)
    (tmp_path / "source").mkdir()
    assert [(f.student, f.path, f.units) for f in batch.discover(tmp_path)] == [
        ("bob", str(tmp_path / "submitted" / "bob"), ("activations",))]
