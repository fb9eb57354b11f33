"""The course's units: the one list of unit-level facts every other module reads.

Names follow ``EXERCISES.md``. A unit is a module a student submits
(``convolution.py`` …); an exercise is a name in it that items check. A unit's
exercises are not listed here: its reference module declares them, by its solution
regions (`autograder.course.markers.declared_exercises`), in the order of the file —
the order the lesson teaches them. Adding an exercise to a unit therefore edits nothing
here.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from autograder.course import markers, paths


@dataclass(frozen=True)
class Unit:
    """One unit of the course.

    Attributes
    ----------
    name : str
        Module name without ``.py``; also the ``unit`` field of a result.
    number : int
        1-based position in the course; the nbgrader assignment is ``f"{number:02d}_{name}"``.
    title : dict
        ``{"zh-TW": …, "en": …}``.
    needs_tensorflow : bool
        Whether grading needs TensorFlow (only the CNN unit). Which of its exercises are
        NumPy-only is said by its graders: the items of such an exercise do not need
        TensorFlow (`autograder.grading.engine.numpy_only_exercises`).
    files : tuple of str
        Files handed in beside the module and graded as exercises of their own (the
        CNN unit's trained model, ``cifar10_cnn.keras``): no reference code, stub or
        lesson cell, only grader items.
    """

    name: str
    number: int
    title: dict
    needs_tensorflow: bool = False
    files: tuple = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.py"

    @property
    def assignment(self) -> str:
        """The nbgrader assignment name, such as ``01_convolution``."""
        return f"{self.number:02d}_{self.name}"

    @property
    def solution(self) -> Path:
        """The unit's reference module (``solutions/<name>.py``)."""
        return paths.SOLUTIONS / self.filename

    @property
    def code_exercises(self) -> tuple[str, ...]:
        """The exercises the student writes in the module, in lesson order: those the
        reference module's solution regions declare."""
        path = self.solution
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise FileNotFoundError(f"unit {self.name}: its reference module {path} is missing; "
                                    f"it declares the unit's exercises") from None
        return _declared(str(path), stat.st_mtime_ns, stat.st_size)

    @property
    def exercises(self) -> tuple[str, ...]:
        """Every graded name: the code exercises in lesson order, then the handed-in files."""
        return self.code_exercises + tuple(self.files)


@functools.lru_cache(maxsize=None)
def _declared(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    return markers.declared_exercises(Path(path).read_text(encoding="utf-8"), Path(path).name)


UNITS = (
    Unit("convolution", 1, {"zh-TW": "卷積、濾波、池化", "en": "Convolution, filtering and pooling"}),
    Unit("activations", 2, {"zh-TW": "激活函數與導數", "en": "Activation functions and derivatives"}),
    Unit("backprop", 3, {"zh-TW": "反向傳播與連鎖律", "en": "Backpropagation and the chain rule"}),
    Unit("optimizers", 4, {"zh-TW": "優化器", "en": "Optimizers"}),
    Unit("cifar10_cnn", 5, {"zh-TW": "Keras CIFAR-10 卷積網路", "en": "A Keras CNN for CIFAR-10"},
         needs_tensorflow=True, files=("cifar10_cnn.keras",)),
)

BY_NAME = {unit.name: unit for unit in UNITS}
NUMPY_UNITS = tuple(unit for unit in UNITS if not unit.needs_tensorflow)


def get(name: str) -> Unit:
    """The `Unit` called ``name`` (``"convolution"``, …); `KeyError` names the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown unit {name!r}; units are {', '.join(BY_NAME)}") from None
