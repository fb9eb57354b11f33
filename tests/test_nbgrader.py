"""The course under real nbgrader: release, autograde in real Jupyter kernels, feedback;
and grading nbgrader submissions without trusting the kernel.

One scratch course per module: ``source/`` copied in, assignments released once, each
case submitted as its own student.
"""

import copy
import json
import os
import shutil
import sys

import pytest

from autograder import batch, engine, loader, paths, units
from autograder.build import notebooks
from autograder.build.markers import BEGIN_HIDDEN_TESTS, BEGIN_SOLUTION

nbformat = pytest.importorskip("nbformat", reason="the nbgrader extra is not installed (pip install -e '.[nbgrader]')")
pytest.importorskip("nbgrader", reason="the nbgrader extra is not installed (pip install -e '.[nbgrader]')")

pytestmark = pytest.mark.slow
NUMPY_ASSIGNMENTS = [u.assignment for u in units.NUMPY_UNITS]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A scratch nbgrader course with every assignment released; yields (root, api)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    root = tmp_path_factory.mktemp("course")
    shutil.copytree(paths.SOURCE, root / "source", ignore=shutil.ignore_patterns("nbgrader_config.py"))
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + old_path  # nbgrader runs `alembic`
    config = Config()
    exec(compile((paths.SOURCE / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"),
         {"get_config": lambda: config, "__file__": str(paths.SOURCE / "nbgrader_config.py")})
    config.CourseDirectory.root = str(root)
    api = NbGraderAPI(config=config)
    for assignment in NUMPY_ASSIGNMENTS:
        result = api.generate_assignment(assignment)
        assert result["success"], result["log"]
    yield root, api
    os.environ["PATH"] = old_path


def _release(root, assignment):
    return nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)


def _source(root, assignment):
    return nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def _submit(root, api, student, assignment, nb):
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    result = api.autograde(assignment, student)
    assert result["success"], result["log"][-3000:]
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url) as gb:
        submission = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: g.score for g in submission.grades}, submission.score, submission.max_score


def _replace_answer(nb, exercise, old, new):
    nb = copy.deepcopy(nb)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == notebooks.answer_id(exercise))
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    return nb


@pytest.mark.parametrize("assignment", NUMPY_ASSIGNMENTS)
def test_release_has_no_solution_code_and_no_hidden_tests(course, assignment):
    root, _api = course
    text = (root / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    assert BEGIN_SOLUTION not in text and BEGIN_HIDDEN_TESTS not in text and 'grade("' not in text
    unit = units.get(assignment.split("_", 1)[1])
    solution_lines = set()
    for cell in notebooks.module_cells(unit.name)[1:]:
        inside = False
        for line in cell.source.splitlines():
            if line.strip() == BEGIN_SOLUTION:
                inside = True
            elif line.strip() == "### END SOLUTION":
                inside = False
            elif inside and len(line.strip()) > 25 and not line.strip().startswith("#") and not line.rstrip().endswith(("(", "[")):
                solution_lines.add(line.strip())
    assert solution_lines
    stub = (paths.EXERCISES / unit.filename).read_text()  # docstrings quote some formulas: not a leak
    code = "\n".join(c.source for c in _release(root, assignment).cells if c.cell_type == "code")
    leaked = [line for line in solution_lines if line in code and line not in stub]
    assert not leaked


def test_autograde_solution_release_and_one_wrong_function(course):
    root, api = course
    assignment = "01_convolution"
    points = notebooks.exercise_points()["convolution"]
    grades, score, max_score = _submit(root, api, "solution", assignment, _source(root, assignment))
    assert score == max_score == sum(points.values())
    grades, score, _ = _submit(root, api, "untouched", assignment, _release(root, assignment))
    assert score == 0 and set(grades.values()) == {0}
    assert set(grades) == {notebooks.test_id(e) for e in points}
    wrong = _replace_answer(_source(root, assignment), "flatten", "reshape(-1)", "reshape(-1, order='F')")
    grades, score, _ = _submit(root, api, "wrong_flatten", assignment, wrong)
    assert score == max_score - points["flatten"]
    assert [g for g, s in grades.items() if s == 0] == ["test_flatten"]


@pytest.mark.parametrize("assignment", NUMPY_ASSIGNMENTS[1:])
def test_autograde_other_units(course, assignment):
    root, api = course
    _grades, score, max_score = _submit(root, api, "solution", assignment, _source(root, assignment))
    assert score == max_score > 0
    _grades, score, _ = _submit(root, api, "untouched", assignment, _release(root, assignment))
    assert score == 0


def test_generate_feedback_runs(course):
    root, api = course
    _submit(root, api, "feedback", "02_activations", _source(root, "02_activations"))
    result = api.generate_feedback("02_activations", "feedback")
    assert result["success"], result["log"][-2000:]
    assert (root / "feedback" / "feedback" / "02_activations" / "02_activations.html").exists()


def _tamper_first_answer(nb, code):
    nb = copy.deepcopy(nb)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source = code + "\n" + cell.source
    return nb


def test_kernel_tampering_fools_nbgrader_but_not_the_isolated_grader(course, tmp_path):
    """A notebook that blanks every later cell, or makes np.allclose always true, gets
    full marks from `nbgrader autograde`; `autograder grade` gives what it computed."""
    root, api = course
    blanked = _tamper_first_answer(_release(root, "02_activations"),
                                   "get_ipython().input_transformers_post.append(lambda lines: [])")
    _grades, score, max_score = _submit(root, api, "blanker", "02_activations", blanked)
    assert score == max_score  # nbgrader ran empty test cells
    zeros = "    return np.zeros_like(np.asarray(x, dtype=float))\n"
    allclose = _release(root, "02_activations")
    for cell in allclose.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = cell.source.replace("    raise NotImplementedError()", zeros)
    allclose = _tamper_first_answer(allclose, "import numpy as np\nnp.allclose = lambda *a, **k: True")
    _grades, score, max_score = _submit(root, api, "allclose", "02_activations", allclose)
    assert score == max_score  # the in-kernel checks were fooled

    for name, nb in (("blanker", blanked), ("allclose", allclose)):
        path = tmp_path / name / "02_activations.ipynb"
        path.parent.mkdir()
        nbformat.write(nb, path)
        result = engine.grade(loader.load(path.parent, name=name), units=["activations"])
        assert result.max_score == max_score
        assert result.score < max_score / 4, (name, result.score)
    assert result.score > 0  # the zeros that happen to be right still count


def test_batch_reads_the_nbgrader_tree_and_exports_nbgrader_columns(course, tmp_path):
    root, api = course
    _submit(root, api, "tree_student", "03_backprop", _source(root, "03_backprop"))
    report = batch.run_batch(root, tmp_path / "out", jobs=1, progress=False, units=["backprop"])
    assert report.ok
    results = {r["submission"]: r for r in map(json.loads, (tmp_path / "out" / "results.jsonl").read_text().splitlines())}
    assert results["tree_student"]["score"] == results["tree_student"]["max_score"] == 100
    lines = (tmp_path / "out" / "nbgrader_grades.csv").read_text().splitlines()
    assert lines[0] == ("assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,"
                        "late_submission_penalty,score,max_score")
    assert "03_backprop,,,tree_student,,,,100,0,100,100" in lines
