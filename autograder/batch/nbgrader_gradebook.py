"""Our grades in an nbgrader course's own gradebook, feedback folder and exports.

An nbgrader course root holds ``nbgrader_config.py``, the ``submitted/<student>/
<assignment>/`` tree and the gradebook nbgrader keeps (``gradebook.db`` by default, the
config's ``CourseDirectory.db_url``). `write_grades` puts each result of
``autograder batch`` there through nbgrader's own API (`nbgrader.api.Gradebook`), the
way ``nbgrader autograde`` would have, so that formgrader, ``nbgrader export`` and
``nbgrader release_feedback`` show the grade that counts:

- the student, when nbgrader's gradebook does not know them, is added (as
  ``nbgrader autograde`` does by default, ``Autograde.create_student``), and a note says so;
- the submission record, with the timestamp nbgrader reads from the submission's
  ``timestamp.txt`` (`CourseDirectory.get_existing_timestamp`);
- per graded cell (``test_<exercise>``, its ``grade_id``), our points for that exercise
  as the cell's ``auto_score``. An instructor's ``manual_score`` from formgrader is
  never touched, and, as nbgrader does, such a cell is flagged for review
  (``needs_manual_grade``) when its autograde score is written again;
- the late penalty, computed by nbgrader's own ``AssignLatePenalties`` with the course's
  configured plugin;
- the submitted notebook in ``autograded/<student>/<assignment>/``, cleaned by
  nbgrader's own sanitizing preprocessors (given and test cells restored from the
  release) but never executed, each test cell's output holding our verdict for that
  exercise, and the submission's ``timestamp.txt`` beside it: formgrader then lists the
  submission as graded and shows it for manual grading, ``nbgrader generate_feedback``
  can render it, and ``nbgrader autograde`` leaves it alone (it regrades only newer
  submissions, or with ``--force``);
- our feedback page as ``feedback/<student>/<assignment>/<assignment>.html`` with the
  submission's ``timestamp.txt`` and ``submission_secret.txt`` beside it, where
  ``nbgrader release_feedback`` takes them from (nbgrader's ``generate_feedback`` copies
  the same two files there).

One assignment is one notebook named after it (``01_convolution.ipynb``), one unit of
the course. Items of an exercise without a graded cell (the trained model file of unit
5) cannot be shown by nbgrader; a note says so.
"""

import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import messages
from autograder.course import units as course_units
from autograder.grading.result import Result
from autograder.reports import safe_csv

if TYPE_CHECKING:
    from nbgrader.api import Gradebook as NbGradebook
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

CONFIG_FILE = "nbgrader_config.py"
SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")  # what release_feedback reads
EXPORT_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score")
ASSIGNMENT_COLUMNS = ("student_id", "last_name", "first_name", "email", "timestamp", "duedate", "seconds_late",
                      "raw_score", "late_submission_penalty", "score", "max_score")


def is_course(root: str | os.PathLike) -> bool:
    """Whether ``root`` has an nbgrader configuration file."""
    return (Path(root) / CONFIG_FILE).is_file()


def load_config(root: str | os.PathLike) -> "Config":
    """The course's nbgrader configuration (a traitlets ``Config``), loaded as nbgrader
    loads it from the folder it runs in; ``CourseDirectory.root`` is ``root``."""
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def course_directory(root: str | os.PathLike) -> "CourseDirectory":
    """nbgrader's `CourseDirectory` of the course at ``root``."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=load_config(root))


@dataclass
class Written:
    """What `write_grades` did.

    ``grades`` counts the cells given an auto score, ``kept_manual`` those whose manual
    score was kept; ``notes`` are messages (zh-TW/en dicts) for the instructor.
    """

    db_url: str
    submissions: list = field(default_factory=list)  # [(student, assignment)]
    students_added: list = field(default_factory=list)
    grades: int = 0
    kept_manual: int = 0
    feedback: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    exports: dict = field(default_factory=dict)  # {name: csv text}, for `autograder.reports.export`

    def note(self, key: str, **fields: object) -> None:
        """Add the catalog message ``key`` to ``notes`` (once)."""
        message = messages.text(key, **fields)
        if message not in self.notes:
            self.notes.append(message)


def _exercise_scores(items):
    """``{exercise: (score, max_score, any not graded)}`` of a unit's items."""
    out = {}
    for item in items:
        score, top, not_graded = out.get(item.exercise, (0.0, 0.0, False))
        out[item.exercise] = (score + item.score, top + item.max_score,
                              not_graded or item.status == "not_graded")
    return out


def _late_penalty(config, db_url, assignment, student):
    """Run nbgrader's ``AssignLatePenalties`` (the course's late-submission plugin) on the
    submission's notebook, as ``nbgrader autograde`` does after saving the grades."""
    import nbformat
    from nbgrader.preprocessors import AssignLatePenalties

    resources = {"nbgrader": {"notebook": assignment, "assignment": assignment, "student": student,
                              "db_url": db_url}}
    AssignLatePenalties(config=config).preprocess(nbformat.v4.new_notebook(), resources)


def _manual_card(notebook, lang):
    """HTML of the cells an instructor scored by hand, and the gradebook's total; ``""``
    when there are none (the page's own total is then the grade)."""
    from autograder.reports import templating

    manual = [g for g in notebook.grades if g.manual_score is not None]
    if not manual:
        return ""
    return templating.render("nbgrader_manual.html.j2", notebook=notebook, manual=manual, lang=lang,
                             other=messages.other(lang), t=messages.text)


def _with_manual_scores(page, notebook, lang):
    """The feedback page with the instructor's scores after its first card."""
    card = _manual_card(notebook, lang)
    return page.replace("</section>", "</section>\n" + card, 1) if card else page


def _place_feedback(coursedir, student, assignment, page):
    """Write ``page`` where ``nbgrader release_feedback`` looks for it; returns its path."""
    from autograder.course.files import atomic_write

    submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    folder = Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))
    folder.mkdir(parents=True, exist_ok=True)
    for name in SUBMISSION_FILES:
        if (submitted / name).is_file():
            shutil.copyfile(submitted / name, folder / name)
    return atomic_write(folder / f"{assignment}.html", page)


SANITIZE = ("ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells", "CheckCellMetadata")


def _verdict(items, lang):
    """The text a test cell's output shows: each item's points and message."""
    from autograder.course.messages import other as _other

    other = _other(lang)
    lines = []
    for item in items:
        lines.append(f"{item.id}: {item.score:g}/{item.max_score:g} ({item.status})")
        if item.status != "passed":
            lines += [f"  {item.message[lang]}", f"  {item.message[other]}"]
    return "\n".join(lines) + "\n"


def _place_autograded(config, coursedir, student, assignment, items, lang):
    """The sanitized, unexecuted submission with our verdicts, in ``autograded/``.

    Returns a problem text, or ``None``.
    """
    import nbformat
    from nbgrader import preprocessors

    submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    try:
        nb = nbformat.read(submitted / f"{assignment}.ipynb", as_version=nbformat.NO_CONVERT)
        resources = {"nbgrader": {"notebook": assignment, "assignment": assignment, "student": student,
                                  "db_url": coursedir.db_url}}
        for name in SANITIZE:
            nb, resources = getattr(preprocessors, name)(config=config).preprocess(nb, resources)
    except Exception as exc:  # noqa: BLE001 - nbgrader refuses it the same way; the grade stands
        return f"{type(exc).__name__}: {exc}"
    by_exercise = {}
    for item in items:
        by_exercise.setdefault(item.exercise, []).append(item)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if cell.cell_type == "code" and meta.get("grade") and grade_id.startswith("test_"):
            mine = by_exercise.get(grade_id.removeprefix("test_"), [])
            if mine:
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=_verdict(mine, lang))]
    folder.mkdir(parents=True, exist_ok=True)
    for name in SUBMISSION_FILES:
        if (submitted / name).is_file():
            shutil.copyfile(submitted / name, folder / name)
    from autograder.course.files import atomic_write

    atomic_write(folder / f"{assignment}.ipynb", nbformat.writes(nb))
    return None


def write_grades(root: str | os.PathLike, rows: list[tuple[str, Result, dict]], lang: str = "zh-TW",
                 feedback: bool = True) -> Written:
    """Write ``rows`` into the nbgrader gradebook of the course at ``root``.

    Parameters
    ----------
    root : path
        The course root (``nbgrader_config.py``, ``submitted/``).
    rows : list of (str, autograder.grading.result.Result, dict)
        Per student: their result (only the units they were graded on) and its
        pictures ``{item_id: {kind: png}}``. Each unit of a result whose assignment the
        student submitted (``submitted/<student>/<assignment>/``) is written.
    lang : {"zh-TW", "en"}
        First language of the feedback pages.
    feedback : bool
        Also write the feedback pages.

    Returns
    -------
    Written
    """
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy's autoflush warnings (as in `nbgrader autograde`)
        warnings.filterwarnings("ignore", category=SAWarning)
        return _write_grades(root, rows, lang, feedback)


def _write_grades(root, rows, lang, feedback):
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    from autograder.reports import feedback as pages

    config = load_config(root)
    coursedir = CourseDirectory(config=config)
    written = Written(coursedir.db_url)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for student, result, images in rows:
            for unit_name in result.units:
                unit = course_units.get(unit_name)
                assignment = unit.assignment
                submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
                if not submitted.is_dir():
                    continue
                try:
                    gb.find_notebook(assignment, assignment)
                except MissingEntry:
                    written.note("nbgrader_unknown_assignment", assignment=assignment, student=student)
                    continue
                try:
                    gb.find_student(student)
                except MissingEntry:
                    gb.update_or_create_student(student)
                    written.students_added.append(student)
                    written.note("nbgrader_student_added", student=student)
                timestamp = coursedir.get_existing_timestamp(str(submitted))
                if timestamp:
                    gb.update_or_create_submission(assignment, student, timestamp=timestamp)
                else:
                    gb.update_or_create_submission(assignment, student)
                notebook = gb.find_submission_notebook(assignment, assignment, student)
                items = [i for i in result.items if i.unit == unit_name]
                ours = _exercise_scores(items)
                cells = set()
                for grade in notebook.grades:
                    exercise = grade.name.removeprefix("test_")
                    cells.add(exercise)
                    if exercise not in ours:  # a cell our graders do not score: left to a person
                        grade.auto_score = None
                        grade.needs_manual_grade = grade.manual_score is None
                        continue
                    score, top, not_graded = ours[exercise]
                    if abs(top - grade.max_score) > 1e-9 and not not_graded:
                        written.note("nbgrader_points_differ", assignment=assignment, cell=grade.name,
                                     cell_points=f"{grade.max_score:g}", points=f"{top:g}")
                    before, grade.auto_score = grade.auto_score, min(score, grade.max_score)
                    if grade.manual_score is None:
                        grade.needs_manual_grade = not_graded
                    elif before != grade.auto_score:
                        # A manual score stays; as nbgrader's SaveAutoGrades, it is flagged for
                        # review when the autograde under it changed (not on every re-run).
                        grade.needs_manual_grade = True
                    written.grades += 1
                    written.kept_manual += grade.manual_score is not None
                for exercise, (_score, top, _ng) in ours.items():
                    if exercise not in cells and top:
                        written.note("nbgrader_no_cell", assignment=assignment, exercise=exercise,
                                     points=f"{top:g}")
                gb.db.commit()
                _late_penalty(config, coursedir.db_url, assignment, student)
                written.submissions.append((student, assignment))
                problem = _place_autograded(config, coursedir, student, assignment, items, lang)
                if problem:
                    written.note("nbgrader_not_sanitized", student=student, assignment=assignment, reason=problem)
                if feedback:
                    unit_result = type(result)(student, items, gradable=result.gradable)
                    page = _with_manual_scores(pages.render_html(unit_result, images, lang), notebook, lang)
                    written.feedback.append(_place_feedback(coursedir, student, assignment, page))
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:  # a fresh session sees the late penalties
        written.exports = exports(gb)
    return written


# ----------------------------------------------------------------------------- exports
def _csv(header, rows):
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def _text(value):
    return "" if value is None else str(value)


def _num(value):
    return f"{float(value or 0.0):g}"


def exports(gb: "NbGradebook") -> dict[str, str]:
    """The course's grades from nbgrader's gradebook ``gb`` as CSV texts.

    Returns
    -------
    dict
        ``{"nbgrader_grades.csv": …}`` — the rows and columns of ``nbgrader export``
        (every assignment × every student, 0 for what was not submitted; score = raw
        score − late penalty, not below 0), quoted properly — and per assignment
        ``{"nbgrader/<assignment>.csv": …}``: a row per student who submitted it, with
        names and e-mail where nbgrader knows them, the submission's timestamp, seconds
        late and late penalty as nbgrader computes them, and the score of every graded
        cell (``test_<exercise>``: manual score where an instructor gave one).
    """
    from nbgrader.api import MissingEntry

    out = {}
    rows = []
    for assignment in gb.assignments:
        cells = [g.name for nb in assignment.notebooks for g in nb.grade_cells]
        per_assignment = []
        for student in gb.students:
            try:
                submission = gb.find_submission(assignment.name, student.id)
            except MissingEntry:
                rows.append([assignment.name, _text(assignment.duedate), "", student.id, _text(student.last_name),
                             _text(student.first_name), _text(student.email), "0", "0", "0",
                             _num(assignment.max_score)])
                continue
            penalty = submission.late_submission_penalty or 0.0
            score = max(0.0, submission.score - penalty)
            rows.append([assignment.name, _text(assignment.duedate), _text(submission.timestamp), student.id,
                         _text(student.last_name), _text(student.first_name), _text(student.email),
                         _num(submission.score), _num(penalty), _num(score), _num(assignment.max_score)])
            grades = {g.name: g.score for nb in submission.notebooks for g in nb.grades}
            per_assignment.append([student.id, _text(student.last_name), _text(student.first_name),
                                   _text(student.email), _text(submission.timestamp), _text(assignment.duedate),
                                   _num(submission.total_seconds_late), _num(submission.score), _num(penalty),
                                   _num(score), _num(assignment.max_score), *[_num(grades.get(c)) for c in cells]])
        out[f"nbgrader/{assignment.name}.csv"] = _csv([*ASSIGNMENT_COLUMNS, *cells], per_assignment)
    out["nbgrader_grades.csv"] = _csv(EXPORT_COLUMNS, rows)
    return out
