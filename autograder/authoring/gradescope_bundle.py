"""``autograder gradescope-bundle OUT.zip``: the zip Gradescope's autograder runs.

Gradescope unpacks it in ``/autograder/source``, runs ``setup.sh`` once when it builds
the image, then ``run_autograder`` for each submission, which grades
``/autograder/submission`` with this engine and writes
``/autograder/results/results.json`` in Gradescope's format
(`autograder.reports.gradescope`). The bundle holds the engine, the graders and the
reference solutions — Gradescope never shows it to students.
"""

import os
import stat
import zipfile
from pathlib import Path

from autograder.course import paths
from autograder.course import units as course_units

SETUP_SH = """#!/usr/bin/env bash
# Gradescope image set-up: Python, bubblewrap for the sandbox, and this package.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 python3-pip python3-venv bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q -e "/autograder/source[{extras}]"
# Gradescope runs the autograder as root in Docker, where bubblewrap often cannot make
# namespaces. Say here, in the image's build log, what grading will use; every
# results.json says it again in its top-level "output".
if bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev true 2>/dev/null; then
    echo "autograder: bubblewrap works here: student code runs in Linux namespaces"
else
    echo "autograder: bubblewrap cannot create namespaces in this image: isolation {isolation}" \\
         "(auto: resource limits only; namespaces: every submission fails with a message)"
fi
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Grade one Gradescope submission; write Gradescope's results.json.
# results.json always exists afterwards: when the grader cannot run (or refuses, as
# with AUTOGRADER_ISOLATION=namespaces where bubblewrap cannot make namespaces), it
# holds a score of 0 and an "output" that says why, where staff and students see it.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{PYTHON:-$ROOT/venv/bin/python}}"
ISOLATION="${{AUTOGRADER_ISOLATION:-{isolation}}}"
RESULTS="$ROOT/results/results.json"
LOG="$ROOT/results/autograder.log"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$ROOT/source"
export AUTOGRADER_COURSE_ROOT="$ROOT/source"
"$PYTHON" -m autograder grade "$ROOT/submission" --name submission --quiet --lang {lang} \\
    --isolation "$ISOLATION" --gradescope "$RESULTS" {units} 2>"$LOG"
status=$?
cat "$LOG" >&2
if [ ! -s "$RESULTS" ]; then
    "$PYTHON" -c 'import json, sys; log = open(sys.argv[2], encoding="utf-8", errors="replace").read()[-2000:]
json.dump({{"score": 0, "output": "評分程式無法執行（結束代碼 " + sys.argv[3] + "），請通知助教。"
           "The autograder could not run (exit status " + sys.argv[3] + "); please tell the course staff."
           "\\n\\n" + log}}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)' \\
        "$RESULTS" "$LOG" "$status" \\
    || printf '{{"score": 0, "output": "The autograder could not run (exit status %s)."}}\\n' "$status" >"$RESULTS"
fi
exit 0
"""


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
    files = {
        "setup.sh": (SETUP_SH.format(extras="cnn" if cnn else "", isolation=isolation).replace("[]", "").encode(),
                     True),
        "run_autograder": (RUN_AUTOGRADER.format(lang=lang, units=f"--units {','.join(units)}" if units else "",
                                                 isolation=isolation).encode(), True),
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
