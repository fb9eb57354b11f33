"""Course files as package data of the wheel.

A wheel (``pip install .``) carries the course beside the engine, in
``autograder/_course/``: the reference solutions, the stubs and public tests, the
nbgrader source, the lessons, and this project's ``pyproject.toml`` and README (the
Gradescope bundle ships them). An editable install reads them from the checkout
instead (`autograder.course.paths`), so both behave the same.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
COURSE_DIRS = ("solutions", "exercises", "source", "lessons")
COURSE_FILES = ("pyproject.toml", "README.md")


class BuildWithCourse(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "autograder" / "_course"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".pytest_cache")
        for name in COURSE_DIRS:
            if (HERE / name).is_dir():
                shutil.copytree(HERE / name, target / name, ignore=ignore)
        for name in COURSE_FILES:
            if (HERE / name).is_file():
                shutil.copy2(HERE / name, target / name)


setup(cmdclass={"build_py": BuildWithCourse})
