"""``autograder gradescope-bundle OUT.zip``: the zip Gradescope's autograder runs.

Gradescope unpacks it in ``/autograder/source``, runs ``setup.sh`` once when it builds
the image, then ``run_autograder`` for each submission, which grades
``/autograder/submission`` with this engine and writes
``/autograder/results/results.json`` in Gradescope's format
(`autograder.reports.gradescope`). The bundle holds the engine, the graders and the
reference solutions — Gradescope never shows it to students. The two scripts are the
templates ``autograder/reports/templates/gradescope/setup.sh.j2`` and ``run_autograder.j2``.
"""

import os
import stat
import zipfile
from pathlib import Path

from autograder.course import messages, paths
from autograder.course import units as course_units
from autograder.reports import templating


def bundle_files(lang: str = "zh-TW", units: list[str] | None = None, cnn: bool = True,
                 isolation: str = "auto") -> dict[str, tuple[bytes, bool]]:
    """``{path in zip: (bytes, executable)}`` of the Gradescope bundle.

    Without ``cnn`` (no TensorFlow in the image) the bundle grades units 1-4 unless
    ``units`` says otherwise. ``isolation`` is run_autograder's default
    (``AUTOGRADER_ISOLATION`` overrides it): ``"auto"`` grades with resource limits
    only where namespaces cannot be made and says so in each ``results.json``;
    ``"namespaces"`` fails each submission visibly there instead.
    """
    if units is None and not cnn:
        units = [u.name for u in course_units.NUMPY_UNITS]
    # run_autograder fills in the exit status itself when the grader cannot run.
    could_not_run = messages.text("gradescope_could_not_run", status="{status}")
    files = {
        "setup.sh": (templating.render("gradescope/setup.sh.j2", extras="cnn" if cnn else "",
                                       isolation=isolation).encode(), True),
        "run_autograder": (templating.render("gradescope/run_autograder.j2", lang=lang, units=units or [],
                                             isolation=isolation, could_not_run=could_not_run).encode(), True),
        "pyproject.toml": ((paths.COURSE_ROOT / "pyproject.toml").read_bytes(), False),
        "README.md": ((paths.COURSE_ROOT / "README.md").read_bytes(), False),
    }
    for folder, name in ((paths.PACKAGE, "autograder"), (paths.SOLUTIONS, "solutions"),
                         (paths.EXERCISES, "exercises")):
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if (path.is_file() and "__pycache__" not in rel.parts and rel.parts[0] != "_course"
                    and path.suffix in (".py", ".ini", ".json", ".j2")):
                files[f"{name}/{rel.as_posix()}"] = (path.read_bytes(), False)
    return files


def write_bundle(out: str | os.PathLike, lang: str = "zh-TW", units: list[str] | None = None,
                 cnn: bool = True, isolation: str = "auto") -> Path:
    """Write the bundle zip to ``out``; return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, executable) in sorted(bundle_files(lang, units, cnn, isolation).items()):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
            archive.writestr(info, data)
    return out
