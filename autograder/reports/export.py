"""The exports of a batch, all written from the gradebook (so a resumed batch exports
the whole class):

``gradebook.csv``            a row per student: per-unit scores, total, max
``results.jsonl``            the contract's result per student, one JSON per line
``feedback/<student>.html``  a self-contained feedback page (and ``.md`` with ``img/``)
``summary.html``             the class: score histogram, pass rate per item, hardest first
``gradescope/<student>/results.json``   Gradescope's format
``nbgrader_grades.csv``      the columns of ``nbgrader export``; for an nbgrader course, from
                             nbgrader's own gradebook after our grades were written into it
``nbgrader/<assignment>.csv`` (nbgrader course) a row per student who submitted the assignment:
                             names, timestamp, late penalty, the score of each graded cell

Text cells of every CSV are neutralised against formula injection
(`autograder.reports.safe_csv`).

Every file is written atomically (`autograder.course.files`), so a reader never sees half a file.
"""

import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import units as course_units
from autograder.course.files import atomic_write
from autograder.reports import feedback, gradescope, nbgrader_csv, safe_csv, summary

if TYPE_CHECKING:
    from autograder.grading.result import Result


def unit_columns(results: Iterable["Result"]) -> list[str]:
    """Units present in any result, in course order."""
    present = {u for r in results for u in r.units}
    return [u.name for u in course_units.UNITS if u.name in present] + sorted(present - set(course_units.BY_NAME))


def gradebook_csv(rows: Sequence[tuple[str, str, "Result | None"]]) -> str:
    """``rows``: ``[(student, content_hash, Result or None)]`` → CSV text."""
    results = [r for _s, _h, r in rows if r is not None]
    units = unit_columns(results)
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer)  # student names are the students' own text
    writer.writerow(["student", *units, "total", "max_score", "gradable", "content_hash"])
    for student, content_hash, result in rows:
        if result is None:
            writer.writerow([student, *[""] * len(units), "", "", "", content_hash[:16]])
            continue
        per_unit = result.units
        writer.writerow([student, *[f"{per_unit[u]['score']:g}" if u in per_unit else "" for u in units],
                         f"{result.score:g}", f"{result.max_score:g}", int(result.gradable), content_hash[:16]])
    return buffer.getvalue()


def export_all(book, out: str | os.PathLike, grader_version: str, lang: str = "zh-TW", nbgrader=None
               ) -> dict[str, Path]:
    """Write every export of the gradebook ``book`` into ``out``; return their paths.

    ``nbgrader`` is what `autograder.batch.nbgrader_gradebook.write_grades` returned for an
    nbgrader course (its CSVs, from nbgrader's gradebook, are written instead of ours).
    """
    out = Path(out)
    rows = book.class_results(grader_version)
    graded = [(student, h, r) for student, h, r in rows if r is not None]
    written = {"csv": out / "gradebook.csv", "jsonl": out / "results.jsonl", "summary": out / "summary.html",
               "nbgrader": out / "nbgrader_grades.csv", "feedback": out / "feedback", "gradescope": out / "gradescope"}
    atomic_write(written["csv"], gradebook_csv(rows))
    atomic_write(written["jsonl"], "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for _s, _h, r in graded))
    for student, content_hash, result in graded:
        feedback.write_feedback(result, book.images(content_hash, grader_version), written["feedback"], lang=lang)
        atomic_write(written["gradescope"] / feedback.safe_filename(student) / "results.json",
                      json.dumps(gradescope.results_json(result, lang), ensure_ascii=False, indent=1) + "\n")
    summary.write_summary([r for _s, _h, r in graded], written["summary"], lang=lang)
    if nbgrader is None:
        atomic_write(written["nbgrader"], nbgrader_csv.grades_csv([r for _s, _h, r in graded]))
    else:
        for name, text in nbgrader.exports.items():
            written[name] = out / name
            atomic_write(out / name, text)
    return written
