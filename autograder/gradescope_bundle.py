"""``autograder gradescope-bundle OUT.zip``: the zip Gradescope's autograder runs.

Gradescope unpacks it in ``/autograder/source``, runs ``setup.sh`` once when it builds
the image, then ``run_autograder`` for each submission, which grades
``/autograder/submission`` with this engine and writes
``/autograder/results/results.json`` in Gradescope's format
(`autograder.reports.gradescope`). The bundle holds the engine, the graders and the
reference solutions — Gradescope never shows it to students.
"""

import stat
import zipfile
from pathlib import Path

from autograder import paths

SETUP_SH = """#!/usr/bin/env bash
# Gradescope image set-up: Python, bubblewrap for the sandbox, and this package.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 python3-pip python3-venv bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q -e "/autograder/source[{extras}]"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Grade one Gradescope submission; write Gradescope's results.json.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
"$PYTHON" -m autograder grade "$ROOT/submission" --name submission --quiet --lang {lang} \\
    --gradescope "$ROOT/results/results.json" {units}
"""


def bundle_files(lang="zh-TW", units=None, cnn=True):
    """``{path in zip: (bytes, executable)}`` of the Gradescope bundle."""
    files = {
        "setup.sh": (SETUP_SH.format(extras="cnn" if cnn else "").replace("[]", "").encode(), True),
        "run_autograder": (RUN_AUTOGRADER.format(lang=lang, units=f"--units {','.join(units)}" if units else "")
                           .encode(), True),
        "pyproject.toml": ((paths.COURSE_ROOT / "pyproject.toml").read_bytes(), False),
        "README.md": ((paths.COURSE_ROOT / "README.md").read_bytes(), False),
    }
    for folder, name in ((paths.PACKAGE, "autograder"), (paths.SOLUTIONS, "solutions"),
                         (paths.EXERCISES, "exercises")):
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if (path.is_file() and "__pycache__" not in rel.parts and rel.parts[0] != "_course"
                    and path.suffix in (".py", ".ini", ".json")):
                files[f"{name}/{rel.as_posix()}"] = (path.read_bytes(), False)
    return files


def write_bundle(out, lang="zh-TW", units=None, cnn=True):
    """Write the bundle zip to ``out``; return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, executable) in sorted(bundle_files(lang, units, cnn).items()):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
            archive.writestr(info, data)
    return out
