"""Gradescope's autograder output (``results.json``) for one result.

Gradescope reads ``{"score", "max_score", "tests": [{"name", "score", "max_score",
"output", "visibility"}], ...}``. Public items are ``"visible"``; hidden items are
``"after_due_date"``, so students cannot probe the hidden cases by resubmitting, and
see every message once the deadline has passed. A failed item's diagnosis (the
misconception its values show) opens its ``output``, in both languages.
"""

from typing import TYPE_CHECKING

from autograder.course import messages

if TYPE_CHECKING:
    from autograder.grading.result import Result

VISIBILITY = {"public": "visible", "hidden": "after_due_date"}


def results_json(result: "Result", lang: str = "zh-TW", output: dict[str, str] | None = None) -> dict:
    """The ``results.json`` dict of a `autograder.grading.result.Result`.

    ``output`` (``{"zh-TW", "en"}``), when given, is the top-level ``output`` students
    see above the tests: how their code was isolated, what could not be graded.
    """
    other = messages.other(lang)
    tests = []
    label = messages.text("diagnosis_label")
    for item in result.items:
        text = item.message[lang]
        if item.status != "passed":
            text += "\n\n" + item.message[other]
        if item.status != "passed" and item.diagnosis:  # the idea first, then the numbers
            text = (f"{label[lang]}: {item.diagnosis[lang]}\n{label[other]}: {item.diagnosis[other]}"
                    f"\n\n{text}")
        tests.append({
            "name": f"{item.id} ({item.exercise})",
            "score": item.score,
            "max_score": item.max_score,
            "status": "passed" if item.status == "passed" else "failed",
            "output": text,
            "visibility": VISIBILITY[item.visibility],
        })
    data = {
        "score": result.score,
        "max_score": result.max_score,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if output is not None:
        data["output"] = output[lang] + "\n" + output[other]
    return data
