"""Gradescope's autograder output (``results.json``) for one result.

Gradescope reads ``{"score", "max_score", "tests": [{"name", "score", "max_score",
"output", "visibility"}], ...}``. Public items are ``"visible"``; hidden items are
``"after_due_date"``, so students cannot probe the hidden cases by resubmitting, and
see every message once the deadline has passed. A failed item's diagnosis (the
misconception its values show) opens its ``output``, in both languages.
"""

from autograder import messages

VISIBILITY = {"public": "visible", "hidden": "after_due_date"}


def results_json(result, lang="zh-TW"):
    """The ``results.json`` dict of a `autograder.result.Result`."""
    other = "en" if lang == "zh-TW" else "zh-TW"
    tests = []
    label = messages.text("diagnosis_label")
    for item in result.items:
        output = item.message[lang]
        if item.status != "passed":
            output += "\n\n" + item.message[other]
        if item.status != "passed" and item.diagnosis:  # the idea first, then the numbers
            output = (f"{label[lang]}: {item.diagnosis[lang]}\n{label[other]}: {item.diagnosis[other]}"
                      f"\n\n{output}")
        tests.append({
            "name": f"{item.id} ({item.exercise})",
            "score": item.score,
            "max_score": item.max_score,
            "status": "passed" if item.status == "passed" else "failed",
            "output": output,
            "visibility": VISIBILITY[item.visibility],
        })
    return {
        "score": result.score,
        "max_score": result.max_score,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
