"""The course under real nbgrader: the README's commands as written, release, autograde
in real Jupyter kernels, feedback; grading nbgrader submissions without trusting the
kernel, and our grades in nbgrader's own gradebook.

One scratch course per module: ``source/`` and ``nbgrader_config.py`` copied in,
assignments released once, each case submitted as its own student. The README round
trip makes its own course, from nothing, with the README's commands.
"""

import copy
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from autograder.batch import driver as batch
from autograder.cli import commands as cli
from autograder.course import paths, units
from autograder.grading import engine
from autograder.intake import loader
from autograder.authoring import notebooks
from autograder.course.markers import BEGIN_HIDDEN_TESTS, BEGIN_SOLUTION, CODE_STUB

nbformat = pytest.importorskip("nbformat", reason="the nbgrader extra is not installed (pip install -e '.[nbgrader]')")
pytest.importorskip("nbgrader", reason="the nbgrader extra is not installed (pip install -e '.[nbgrader]')")

from autograder.batch import nbgrader_gradebook  # noqa: E402 - needs nbgrader

NUMPY_ASSIGNMENTS = [u.assignment for u in units.NUMPY_UNITS]
VENV_BIN = os.path.dirname(sys.executable)  # nbgrader runs `alembic` from PATH


def _new_course(root):
    """A course root as an instructor has it: the config and source/ (nothing generated)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(paths.SOURCE, root / "source")
    shutil.copy(paths.COURSE_ROOT / nbgrader_gradebook.CONFIG_FILE, root / nbgrader_gradebook.CONFIG_FILE)
    return root


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A scratch nbgrader course with every assignment released; yields (root, api)."""
    from nbgrader.apps import NbGraderAPI

    root = _new_course(tmp_path_factory.mktemp("course"))
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = VENV_BIN + os.pathsep + old_path
    api = NbGraderAPI(config=nbgrader_gradebook.load_config(root))
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.parametrize("assignment", NUMPY_ASSIGNMENTS[1:])
def test_autograde_other_units(course, assignment):
    root, api = course
    _grades, score, max_score = _submit(root, api, "solution", assignment, _source(root, assignment))
    assert score == max_score > 0
    _grades, score, _ = _submit(root, api, "untouched", assignment, _release(root, assignment))
    assert score == 0


@pytest.mark.slow
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


@pytest.mark.slow
def test_kernel_tampering_fools_nbgrader_but_not_the_isolated_grader(course, tmp_path):
    """A notebook that blanks every later cell, or replaces the test cells' check() and
    grade() with functions that pass, gets full marks from `nbgrader autograde`;
    `autograder grade` gives what it computed."""
    root, api = course
    blanked = _tamper_first_answer(_release(root, "02_activations"),
                                   "get_ipython().input_transformers_post.append(lambda lines: [])")
    _grades, score, max_score = _submit(root, api, "blanker", "02_activations", blanked)
    assert score == max_score  # nbgrader ran empty test cells
    zeros = "    return np.zeros_like(np.asarray(x, dtype=float))\n"
    no_checks = _release(root, "02_activations")
    for cell in no_checks.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = cell.source.replace("    raise NotImplementedError()", zeros)
    no_checks = _tamper_first_answer(no_checks, "check = grade = lambda *args, **kwargs: None")
    _grades, score, max_score = _submit(root, api, "no_checks", "02_activations", no_checks)
    assert score == max_score  # the in-kernel checks were fooled

    for name, nb in (("blanker", blanked), ("no_checks", no_checks)):
        path = tmp_path / name / "02_activations.ipynb"
        path.parent.mkdir()
        nbformat.write(nb, path)
        result = engine.grade(loader.load(path.parent, name=name), units=["activations"])
        assert result.max_score == max_score
        assert result.score < max_score / 4, (name, result.score)
    assert result.score > 0  # the zeros that happen to be right still count


# ----------------------------------------------------------------------------- the README, as written
def readme_blocks():
    """The ``bash`` blocks of the README's nbgrader section, in order, as command lists
    (comments dropped)."""
    text = (paths.COURSE_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## nbgrader\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [[line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]
            for block in blocks]


def _machine(tmp_path):
    """The grading machine's own nbgrader setting (the exchange), as nbgrader documents it:
    a config file in the Jupyter config folder, not in the course."""
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    jupyter = tmp_path / "jupyter-config"
    jupyter.mkdir()
    (jupyter / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ.get("PATH", ""), JUPYTER_CONFIG_DIR=str(jupyter))
    return exchange, env


def _run(commands, root, env):
    """Run each command as an instructor would paste it into a shell, in the course root."""
    outputs = []
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=600)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"{command}: exit {done.returncode}\n{output[-3000:]}"
        # nbgrader exits 0 when it ignores its configuration: that was the bug
        assert "No nbgrader_config.py file found" not in output and "Unrecognized alias" not in output, output
        assert "Traceback" not in output, output[-3000:]
        outputs.append(output)
    return outputs


def _student_submits(exchange, home, student, assignment, notebook=None):
    """A student fetches ``assignment`` from the exchange and submits it (the release as
    fetched, or ``notebook``), with nbgrader's own exchange classes, as ``nbgrader
    fetch_assignment`` and ``nbgrader submit --student`` do."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
    from traitlets.config import Config

    folder = home / student
    folder.mkdir(parents=True)
    config = Config()
    config.Exchange.root = str(exchange)
    config.Exchange.assignment_dir = str(folder)
    config.Exchange.cache = str(folder / ".nbgrader-cache")
    config.CourseDirectory.course_id = "cv-unit"
    config.CourseDirectory.assignment_id = assignment
    coursedir = CourseDirectory(config=config)
    auth = Authenticator(config=config)
    ExchangeFetchAssignment(coursedir=coursedir, authenticator=auth, config=config).start()
    if notebook is not None:
        nbformat.write(notebook, folder / assignment / f"{assignment}.ipynb")
    coursedir.student_id = student
    ExchangeSubmit(coursedir=coursedir, authenticator=auth, config=config).start()


BLANKER = "get_ipython().input_transformers_post.append(lambda lines: [])"  # the README's table


def _gradebook_scores(root, assignment):
    from nbgrader.api import Gradebook

    coursedir = nbgrader_gradebook.course_directory(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        return {s.student.id: (s.score, s.max_score) for s in gb.assignment_submissions(assignment)}


@pytest.mark.slow
def test_readme_nbgrader_commands_round_trip(tmp_path):
    """The README's nbgrader blocks, run verbatim in a new course root: release, three
    students submit through the exchange (the solution, the untouched release, the
    kernel-blanking notebook), collect, `autograder batch`, release the feedback, export.
    Our grades are in nbgrader's gradebook, formgrader's API and `nbgrader export`; an
    instructor's manual score survives a re-grade."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    release_block, grade_block, zip_block = readme_blocks()
    assert "nbgrader collect 01_convolution" in grade_block and "autograder batch . --out grades" in grade_block
    root = _new_course(tmp_path / "course")
    exchange, env = _machine(tmp_path)
    a = "01_convolution"

    _run(release_block, root, env)
    release = nbformat.read(root / "release" / a / f"{a}.ipynb", as_version=4)
    assert any(CODE_STUB in c.source for c in release.cells)  # the course's stub, so its config was read
    solution = nbformat.read(root / "source" / a / f"{a}.ipynb", as_version=4)
    _student_submits(exchange, tmp_path / "home", "alice", a, solution)
    _student_submits(exchange, tmp_path / "home", "bob", a)
    _student_submits(exchange, tmp_path / "home", "carol", a, _tamper_first_answer(release, BLANKER))

    _run(grade_block, root, env)
    assert _gradebook_scores(root, a) == {"alice": (100, 100), "bob": (0, 100), "carol": (0, 100)}
    api = NbGraderAPI(config=nbgrader_gradebook.load_config(root))  # what formgrader shows
    shown = {s["student"]: (s["score"], s["max_score"], s["autograded"]) for s in api.get_submissions(a)}
    assert shown == {"alice": (100, 100, True), "bob": (0, 100, True), "carol": (0, 100, True)}
    exported = list(csv.DictReader(io.StringIO((root / "grades.csv").read_text())))
    assert {(r["student_id"], r["assignment"], float(r["score"]), float(r["max_score"])) for r in exported} == {
        ("alice", a, 100, 100), ("bob", a, 0, 100), ("carol", a, 0, 100)}
    assert all(r["timestamp"] for r in exported)  # from each submission's timestamp.txt

    # One assignment is one unit: only its items, its maximum, in every output.
    results = {r["submission"]: r for r in map(json.loads, (root / "grades" / "results.jsonl").read_text().splitlines())}
    assert {name: (r["score"], r["max_score"], list(r["units"])) for name, r in results.items()} == {
        "alice": (100, 100, ["convolution"]), "bob": (0, 100, ["convolution"]), "carol": (0, 100, ["convolution"])}
    gradescope = json.loads((root / "grades" / "gradescope" / "bob" / "results.json").read_text())
    assert gradescope["max_score"] == 100 and all(t["name"].startswith("convolution.") for t in gradescope["tests"])
    # Our feedback page went where release_feedback takes it from, and reached the exchange.
    page = (root / "feedback" / "carol" / a / f"{a}.html").read_text(encoding="utf-8")
    assert "NotImplementedError" in page and "backprop" not in page
    assert (root / "feedback" / "carol" / a / "timestamp.txt").read_text() == \
        (root / "submitted" / "carol" / a / "timestamp.txt").read_text()
    released = sorted((exchange / "cv-unit" / "feedback").glob("*.html"))
    assert len(released) == 3 and any(p.read_text(encoding="utf-8") == page for p in released)
    per_assignment = list(csv.DictReader(io.StringIO((root / "grades" / "nbgrader" / f"{a}.csv").read_text())))
    assert {r["student_id"]: r["score"] for r in per_assignment} == {"alice": "100", "bob": "0", "carol": "0"}
    assert all(r["timestamp"] and r["late_submission_penalty"] == "0" for r in per_assignment)

    # nbgrader's own commands run from the root with no flags, and by nbgrader's timestamp
    # rules leave our autograded notebooks, grades and feedback alone.
    autograde, _feedback = _run([f"nbgrader autograde {a}", f"nbgrader generate_feedback {a}"], root, env)
    assert "Skipping existing assignment" in autograde
    assert _gradebook_scores(root, a) == {"alice": (100, 100), "bob": (0, 100), "carol": (0, 100)}
    assert (root / "feedback" / "carol" / a / f"{a}.html").read_text(encoding="utf-8") == page

    # An instructor overrides a cell in formgrader; a re-grade keeps it.
    coursedir = nbgrader_gradebook.course_directory(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        grade = gb.find_grade("test_conv2d", a, a, "alice")
        conv2d = grade.max_score  # the graders' points for conv2d
        grade.manual_score, grade.needs_manual_grade = 20, False  # as formgrader saves it
        gb.db.commit()
    report = batch.run_batch(root, root / "grades", jobs=1, progress=False)
    assert report.ok and report.reused == 3
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        grade = gb.find_grade("test_conv2d", a, a, "alice")
        assert (grade.manual_score, grade.auto_score, grade.score, grade.needs_manual_grade) == (
            20, conv2d, 20, False)
    total = 100 - conv2d + 20
    assert _gradebook_scores(root, a)["alice"] == (total, 100)
    page = (root / "feedback" / "alice" / a / f"{a}.html").read_text(encoding="utf-8")
    assert f'data-gradebook-score="{total:g}"' in page and f"conv2d: 20 / {conv2d:g} (autograded {conv2d:g})" in page
    export, = _run(["nbgrader export"], root, env)
    lines = (root / "grades.csv").read_text().splitlines()
    assert any(line.startswith(f"{a},") and ",alice," in line and line.endswith(f",{float(total)},100.0")
               for line in lines)
    print("\n".join(lines))  # the class's export, for the record


@pytest.mark.slow
def test_readme_zip_collect_block(tmp_path):
    """The README's LMS route: files named <student id>_<assignment>.ipynb collected by
    `nbgrader zip_collect` into submitted/<student>/<assignment>/."""
    _release, _grade, zip_block = readme_blocks()
    root = _new_course(tmp_path / "course")
    _exchange, env = _machine(tmp_path)
    archive = root / "downloaded" / "01_convolution" / "archive"
    archive.mkdir(parents=True)
    notebook = (root / "source" / "01_convolution" / "01_convolution.ipynb").read_bytes()
    for student in ("alice", "bob_lee"):
        (archive / f"{student}_01_convolution.ipynb").write_bytes(notebook)
    _run(zip_block, root, env)
    assert sorted(p.relative_to(root / "submitted").as_posix() for p in (root / "submitted").rglob("*.ipynb")) == [
        "alice/01_convolution/01_convolution.ipynb", "bob_lee/01_convolution/01_convolution.ipynb"]


# ----------------------------------------------------------------------------- per-assignment grading
def _submitted_tree(root, students):
    """``submitted/<student>/<assignment>/<assignment>.ipynb`` from ``{student: {assignment: nb}}``."""
    for student, assignments in students.items():
        for assignment, nb in assignments.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{assignment}.ipynb")
    return root


def _source(root_or_none, assignment):
    base = paths.SOURCE if root_or_none is None else root_or_none / "source"
    return nbformat.read(base / assignment / f"{assignment}.ipynb", as_version=4)


def test_each_student_is_graded_on_the_assignments_submitted(tmp_path):
    """No nbgrader needed: a bare submitted/ tree (no nbgrader_config.py). dana handed in
    01 and 03, eve only 02; each result, CSV row, feedback page, summary section and
    Gradescope file holds only those units, with their maximum."""
    root = _submitted_tree(tmp_path / "course", {
        "dana": {"01_convolution": _source(None, "01_convolution"), "03_backprop": _source(None, "03_backprop")},
        "eve": {"02_activations": _source(None, "02_activations")},
    })
    report = batch.run_batch(root, tmp_path / "out", jobs=1, progress=False)
    assert report.ok and [n["en"] for n in report.notes] == [
        f"{root} has nbgrader's submitted/ but no nbgrader_config.py: nbgrader's gradebook was not written."]
    results = {r["submission"]: r for r in map(json.loads, (tmp_path / "out" / "results.jsonl").read_text().splitlines())}
    assert {n: (r["score"], r["max_score"], list(r["units"])) for n, r in results.items()} == {
        "dana": (200, 200, ["convolution", "backprop"]), "eve": (100, 100, ["activations"])}
    assert {i["unit"] for i in results["eve"]["items"]} == {"activations"}
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "out" / "gradebook.csv").open(encoding="utf-8"))}
    assert (rows["eve"]["activations"], rows["eve"]["convolution"], rows["eve"]["max_score"]) == ("100", "", "100")
    assert "cifar10_cnn" not in rows["eve"] and "optimizers" not in rows["eve"]
    nbgrader_rows = (tmp_path / "out" / "nbgrader_grades.csv").read_text().splitlines()[1:]
    assert sorted(r.split(",")[0] + ":" + r.split(",")[3] for r in nbgrader_rows) == [
        "01_convolution:dana", "02_activations:eve", "03_backprop:dana"]
    eve_page = (tmp_path / "out" / "feedback" / "eve.html").read_text(encoding="utf-8")
    assert "backprop.py" not in eve_page and "convolution.py" not in eve_page
    summary = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert re.findall(r'data-assignment="([^"]+)"', summary) == ["01_convolution", "02_activations", "03_backprop"]
    gradescope = json.loads((tmp_path / "out" / "gradescope" / "eve" / "results.json").read_text())
    assert gradescope["score"] == 100 and sum(t["max_score"] for t in gradescope["tests"]) == 100


def test_units_asked_for_replace_the_assignments_submitted(tmp_path):
    """--units decides for nbgrader's tree too: what was not handed in scores 0, and
    another choice of units is another result (not the one recorded for the first)."""
    root = _submitted_tree(tmp_path / "course", {"dana": {"01_convolution": _source(None, "01_convolution")}})
    batch.run_batch(root, tmp_path / "out", jobs=1, progress=False, units=("convolution", "activations"))
    result = json.loads((tmp_path / "out" / "results.jsonl").read_text())
    assert result["units"] == {"convolution": {"score": 100, "max_score": 100},
                               "activations": {"score": 0, "max_score": 100}}
    assert {i["status"] for i in result["items"] if i["unit"] == "activations"} == {"missing"}
    again = batch.run_batch(root, tmp_path / "out", jobs=1, progress=False)
    assert again.graded == 1  # graded on its assignment alone: a new result
    assert list(json.loads((tmp_path / "out" / "results.jsonl").read_text())["units"]) == ["convolution"]


def test_a_student_called_submitted_does_not_make_a_class_an_nbgrader_course(tmp_path):
    for student in ("alice", "submitted", "zoe"):
        (tmp_path / student).mkdir()
        (tmp_path / student / "convolution.py").write_text("x = 1\n")
    assert [(f.student, f.units) for f in batch.discover(tmp_path)] == [
        ("alice", None), ("submitted", None), ("zoe", None)]
    (tmp_path / "class2" / "submitted" / "bob" / "02_activations").mkdir(parents=True)
    (tmp_path / "class2" / "submitted" / "bob" / "notes").mkdir()
    (tmp_path / "class2" / "submitted" / "carl" / "99_extra").mkdir(parents=True)
    assert [(f.student, f.units) for f in batch.discover(tmp_path / "class2")] == [
        ("bob", ("activations",)), ("carl", ())]
    report = batch.run_batch(tmp_path / "class2", tmp_path / "out", jobs=1, progress=False, export=False)
    assert report.students == 1 and "submitted/carl/ holds none of the course's assignments" in report.notes[0]["en"]


def test_unknown_units_exit_2_and_list_the_valid_ones(tmp_path, capsys):
    (tmp_path / "alice").mkdir()
    for command in (["batch", str(tmp_path), "--out", str(tmp_path / "out")], ["grade", str(tmp_path / "alice")],
                    ["selfcheck"]):
        assert cli.main([*command, "--units", "convolution,backprops"]) == 2
        err = capsys.readouterr().err
        assert "backprops" in err and "沒有這個單元" in err and "No such unit" in err
        assert "convolution, activations, backprop, optimizers, cifar10_cnn" in err and "Traceback" not in err
    assert batch.parse_units("backprop,convolution") == ("convolution", "backprop")
    assert not (tmp_path / "out").exists()


def test_csv_cells_that_would_be_formulas_are_neutralised(tmp_path):
    from autograder.reports import safe_csv

    assert safe_csv.row(["=1+1", "+x", "-2", "@SUM(A1)", "\tx", "\rx", "alice", 3.0]) == [
        "'=1+1", "'+x", "'-2", "'@SUM(A1)", "'\tx", "'\nx", "alice", 3.0]
    root = tmp_path / "class"
    (root / "=HYPERLINK(1)").mkdir(parents=True)
    (root / "=HYPERLINK(1)" / "convolution.py").write_text("x = 1\n")
    batch.run_batch(root, tmp_path / "out", jobs=1, progress=False, units=("convolution",))
    for name in ("gradebook.csv", "nbgrader_grades.csv"):
        cells = [c for row in csv.reader((tmp_path / "out" / name).open(encoding="utf-8")) for c in row]
        assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells, name


@pytest.mark.slow
def test_gradebook_late_penalty_names_and_unknown_students(tmp_path, monkeypatch):
    """Late penalties as nbgrader computes them (the course's late-submission plugin, the
    assignment's due date, each submission's timestamp.txt), names where nbgrader knows
    them (neutralised in our CSVs), and a student nbgrader did not know added and reported."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    monkeypatch.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    root = _new_course(tmp_path / "course")
    with open(root / nbgrader_gradebook.CONFIG_FILE, "a") as config:
        config.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    a = "02_activations"
    assert NbGraderAPI(config=nbgrader_gradebook.load_config(root)).generate_assignment(a)["success"]
    coursedir = nbgrader_gradebook.course_directory(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        gb.update_or_create_assignment(a, duedate="2026-03-01 12:00:00 UTC")
        gb.update_or_create_student("fay", first_name="Fay", last_name="=cmd|' /C calc'!A0", email="fay@example.org")
    solution = _source(root, a)
    _submitted_tree(root, {"fay": {a: solution}, "gus": {a: solution}})
    (root / "submitted" / "fay" / a / "timestamp.txt").write_text("2026-03-01 13:00:00.000000 UTC")  # an hour late
    (root / "submitted" / "gus" / a / "timestamp.txt").write_text("2026-03-01 11:00:00.000000 UTC")
    report = batch.run_batch(root, tmp_path / "out", jobs=1, progress=False)
    assert report.ok
    assert [n["en"] for n in report.notes] == ["Student gus was not in nbgrader's gradebook: added (as nbgrader "
                                              "autograde does)."]
    rows = {r["student_id"]: r for r in csv.DictReader((tmp_path / "out" / "nbgrader" / f"{a}.csv").open())}
    assert (rows["fay"]["seconds_late"], rows["fay"]["raw_score"], rows["fay"]["late_submission_penalty"],
            rows["fay"]["score"]) == ("3600", "100", "100", "0")
    assert (rows["gus"]["seconds_late"], rows["gus"]["late_submission_penalty"], rows["gus"]["score"]) == ("0", "0", "100")
    assert (rows["fay"]["first_name"], rows["fay"]["last_name"], rows["fay"]["email"]) == (
        "Fay", "'=cmd|' /C calc'!A0", "fay@example.org")
    assert rows["fay"]["timestamp"].startswith("2026-03-01 13:00:00") and rows["fay"]["test_sigmoid"] != ""
    exported = {r["student_id"]: r for r in csv.DictReader((tmp_path / "out" / "nbgrader_grades.csv").open())}
    assert (exported["fay"]["raw_score"], exported["fay"]["late_submission_penalty"], exported["fay"]["score"],
            exported["fay"]["duedate"]) == ("100", "100", "0", "2026-03-01 12:00:00")
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        assert gb.find_student("gus").id == "gus"
        assert gb.find_submission(a, "fay").late_submission_penalty == 100


def test_grade_of_one_nbgrader_submission_is_that_assignment(tmp_path):
    root = _submitted_tree(tmp_path / "course", {"hal": {"02_activations": _source(None, "02_activations")}})
    folder = root / "submitted" / "hal" / "02_activations"
    assert batch.submitted_units(folder) == batch.submitted_units(folder.parent) == ("activations",)
    assert batch.submitted_units(root) is None
    assert cli.main(["grade", str(folder), "--json", str(tmp_path / "hal.json"), "--quiet"]) == 0
    result = json.loads((tmp_path / "hal.json").read_text())
    assert (result["score"], result["max_score"], list(result["units"])) == (100, 100, ["activations"])
