"""Grades in the columns of ``nbgrader export``: one row per student and assignment.

``assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,
late_submission_penalty,score,max_score`` — each unit is the nbgrader assignment
``NN_<unit>`` (``01_convolution`` …), with a row only where the student's result has
that unit. This is the export of a class graded from folders or zips; for an nbgrader
course the same columns come from nbgrader's own gradebook, with names, timestamps and
late penalties (`autograder.batch.nbgrader_gradebook.exports`).

Every CSV the grader writes passes its cells through `autograder.reports.safe_csv`.
"""

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from autograder.course import units as course_units
from autograder.reports import safe_csv

if TYPE_CHECKING:
    from autograder.grading.result import Result

COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
           "late_submission_penalty", "score", "max_score")


def grades_csv(results: Iterable["Result"]) -> str:
    """CSV text for the `autograder.grading.result.Result` list ``results``."""
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer)
    writer.writerow(COLUMNS)
    for unit in course_units.UNITS:
        for result in results:
            scores = result.units.get(unit.name)
            if scores is None:
                continue
            writer.writerow([unit.assignment, "", "", result.submission, "", "", "",
                             f"{scores['score']:g}", "0", f"{scores['score']:g}", f"{scores['max_score']:g}"])
    return buffer.getvalue()
