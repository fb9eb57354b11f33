"""A machine without TensorFlow, for the tests: put this folder first on PYTHONPATH.

Python imports ``sitecustomize`` at start-up; this one makes ``tensorflow`` and
``keras`` fail to import exactly as they do where they are not installed
(``ModuleNotFoundError``, and ``importlib.util.find_spec`` finds nothing), in this
process and in every process started with the same environment.
"""

import sys

BLOCKED = ("tensorflow", "keras", "tf_keras")


class _NotInstalled:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".", 1)[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled)
