"""The result of grading one submission, in the contract's JSON shape.

::

    {"submission": "alice", "score": 87.0, "max_score": 100.0, "gradable": true,
     "units": {"convolution": {"score": 40.0, "max_score": 50.0}, ...},
     "items": [{"id": ..., "unit": ..., "exercise": ..., "score": ..., "max_score": ...,
                "status": ..., "visibility": ..., "message": {"zh-TW": ..., "en": ...},
                "diagnosis": null or {"id": ..., "zh-TW": ..., "en": ...}}, ...]}

``score`` and ``max_score`` are the sums over ``items``; ``units`` sums per unit. A
``not_graded`` item (the grading machine lacks TensorFlow or the real CIFAR-10) has
``score`` and ``max_score`` 0, so it counts in neither.
``gradable`` is false when the submission itself could not be read (a corrupt or
hostile archive, nothing recognisable in it): every item then says why.
"""

from dataclasses import dataclass, field

STATUSES = ("passed", "failed", "error", "timeout", "missing", "not_implemented", "not_graded")
VISIBILITIES = ("public", "hidden")
ITEM_KEYS = ("id", "unit", "exercise", "score", "max_score", "status", "visibility", "message", "diagnosis")


@dataclass
class ItemResult:
    """One graded item.

    ``details`` carries report-only data (expected and returned images); it is not
    part of the contract's JSON.
    """

    id: str
    unit: str
    exercise: str
    score: float
    max_score: float
    status: str
    visibility: str
    message: dict
    details: dict = field(default_factory=dict, repr=False, compare=False)
    diagnosis: dict | None = None  # the misconception the item's failure shows (`autograder.grading.diagnoses`)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"unknown visibility {self.visibility!r}")

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in ITEM_KEYS}

    @classmethod
    def from_json(cls, data: dict) -> "ItemResult":
        return cls(**{k: data[k] for k in ITEM_KEYS if k != "diagnosis"}, diagnosis=data.get("diagnosis"))


@dataclass
class Result:
    """The result of one submission (see the module docstring).

    Two attributes are not part of the contract's JSON: ``grader_faults``, the
    tracebacks of graders that raised while grading this submission (their items are
    ``error`` items: an internal error, never the student's), and ``isolation``, what the
    student's code ran under (set by `autograder.grading.engine.grade`).
    """

    submission: str
    items: list
    gradable: bool = True
    grader_faults: list = field(default_factory=list, repr=False, compare=False)
    isolation: str | None = field(default=None, repr=False, compare=False)

    @property
    def score(self) -> float:
        return round(sum(i.score for i in self.items), 6)

    @property
    def max_score(self) -> float:
        return round(sum(i.max_score for i in self.items), 6)

    @property
    def units(self) -> dict[str, dict[str, float]]:
        out = {}
        for item in self.items:
            unit = out.setdefault(item.unit, {"score": 0.0, "max_score": 0.0})
            unit["score"] = round(unit["score"] + item.score, 6)
            unit["max_score"] = round(unit["max_score"] + item.max_score, 6)
        return out

    @property
    def not_graded(self) -> list[ItemResult]:
        """The items the grading machine could not grade (status ``not_graded``)."""
        return [i for i in self.items if i.status == "not_graded"]

    def to_json(self) -> dict:
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "gradable": self.gradable,
            "units": self.units,
            "items": [i.to_json() for i in self.items],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        return cls(data["submission"], [ItemResult.from_json(i) for i in data["items"]], data.get("gradable", True))
