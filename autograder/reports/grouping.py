"""What a report lists for the items that did not pass, shared by every rendering.

- The diagnoses come first: each misconception once, with the items it explains.
- An exercise that is not written yet is one entry, not one per item.
- A message shared by several items of a unit (a syntax error, a missing file, an
  import that failed) is one entry, not one per item.
- Every other item that did not pass is an entry of its own.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograder.course import messages

if TYPE_CHECKING:
    from autograder.grading.result import Result


@dataclass
class Entry:
    """One entry of a report's problems.

    ``kind`` is ``"item"``, ``"exercise"`` (not written yet) or ``"unit"`` (one message
    for all the unit's items); ``items`` are the items it stands for; ``message`` is
    what to show (``{"zh-TW", "en"}``); ``diagnosis`` is the item's, if any.
    """

    kind: str
    items: list
    message: dict
    diagnosis: dict = None
    title: str = ""

    @property
    def status(self):
        return self.items[0].status

    @property
    def score(self):
        return sum(i.score for i in self.items)

    @property
    def max_score(self):
        return sum(i.max_score for i in self.items)


@dataclass
class Diagnosed:
    """One misconception and the items it explains."""

    diagnosis: dict
    items: list = field(default_factory=list)

    @property
    def lost(self):
        return sum(i.max_score - i.score for i in self.items)


def _points(x):
    return f"{x:g}"


def diagnosed(result: "Result") -> list[Diagnosed]:
    """The misconceptions of ``result``'s failed items, in order of first appearance."""
    found = {}
    for item in result.items:
        if item.status != "passed" and item.diagnosis:
            found.setdefault(item.diagnosis["id"], Diagnosed(item.diagnosis)).items.append(item)
    return list(found.values())


def entries(result: "Result") -> list[Entry]:
    """The problems of ``result`` as report entries (see the module docstring)."""
    not_passed = [i for i in result.items if i.status not in ("passed", "not_graded")]
    out, done = [], set()
    for item in not_passed:
        if item.id in done:
            continue
        same = [i for i in not_passed if i.unit == item.unit and i.status == item.status and i.message == item.message]
        if item.status in ("error", "missing") and len(same) > 1:
            items = same
            message = messages.join(
                messages.text("grouped_unit", file=f"{item.unit}.py", count=len(items),
                              points=_points(sum(i.max_score for i in items))), item.message)
            out.append(Entry("unit", items, message, title=f"{item.unit}.py"))
        elif item.status == "not_implemented":
            items = [i for i in not_passed if i.status == "not_implemented" and i.unit == item.unit
                     and i.exercise == item.exercise]
            message = messages.text("grouped_not_implemented", name=item.exercise, count=len(items),
                                    points=_points(sum(i.max_score for i in items))) if len(items) > 1 else item.message
            out.append(Entry("exercise", items, message, title=item.exercise))
        else:
            items = [item]
            out.append(Entry("item", items, item.message, item.diagnosis, title=item.id))
        done.update(i.id for i in items)
    return out


def diagnosis_counts(results: Iterable["Result"]) -> list[dict]:
    """The class's misconceptions, most common first: what to address in the next lecture.

    Returns a list of ``{"id", "zh-TW", "en", "submissions", "items"}``: ``submissions``
    counts the results with at least one failed item showing it, ``items`` the failed
    items that show it. Ties keep the order of first appearance.
    """
    counts = {}
    for r in results:
        seen = set()
        for item in r.items:
            if item.status == "passed" or not item.diagnosis:
                continue
            entry = counts.setdefault(item.diagnosis["id"], {**item.diagnosis, "submissions": 0, "items": 0,
                                                             "_order": len(counts)})
            entry["items"] += 1
            if item.diagnosis["id"] not in seen:
                seen.add(item.diagnosis["id"])
                entry["submissions"] += 1
    rows = sorted(counts.values(), key=lambda e: (-e["submissions"], -e["items"], e["_order"]))
    return [{k: v for k, v in e.items() if k != "_order"} for e in rows]
