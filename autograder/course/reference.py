"""The reference solutions (``solutions/<unit>.py``), loaded as modules on demand.

They are the graders' oracle. They are loaded by path under a private module name, so
a student module called ``convolution`` can never be confused with them.
"""

import importlib.util
import sys
from functools import cache
from types import ModuleType

from autograder.course import paths, units


@cache
def load(unit_name: str) -> ModuleType:
    """The module of ``solutions/<unit_name>.py``.

    Parameters
    ----------
    unit_name : str
        ``"convolution"``, ``"activations"``, … (see `autograder.course.units`).

    Returns
    -------
    module
    """
    unit = units.get(unit_name)
    if unit.needs_tensorflow:
        from autograder.course import machine

        machine.quiet_tensorflow()  # before TensorFlow's C++ side loads
    name = f"_autograder_reference_{unit.name}"
    spec = importlib.util.spec_from_file_location(name, paths.SOLUTIONS / unit.filename)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
