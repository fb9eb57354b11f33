"""The package as users install it, on a machine without TensorFlow.

A wheel built from this checkout (and, as the README's quick start says, an editable
install) goes into a fresh virtual environment whose only other packages are the
test environment's (linked in, so nothing downloads), with TensorFlow made
unimportable (`tests/without_tensorflow`). Every command runs from a folder that is
not the course's.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring import samples
from autograder.course import paths, units
from autograder.grading import engine

COPIED = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "autograder", "solutions", "exercises",
          "source", "lessons")
BLOCKER = Path(__file__).parent / "without_tensorflow" / "sitecustomize.py"
POINTS = engine.unit_points()  # {unit: points} of the graders
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")


def _copy_checkout(dest):
    dest.mkdir()
    for name in COPIED:
        src = paths.COURSE_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=IGNORE)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def _fresh_venv(folder):
    """A virtual environment with this one's packages linked in and TensorFlow blocked."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True, timeout=300)
    python = folder / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "zz_test_packages.pth").write_text("".join(f"{p}\n" for p in ours))
    shutil.copy(BLOCKER, site / "without_tensorflow.py")
    (site / "without_tensorflow.pth").write_text("import without_tensorflow\n")
    return folder


def _env(venv):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", paths.ENV, "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.update(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0")  # nothing downloads; "0" means: no isolation
    return env


def _run(venv, args, cwd, check=True):
    proc = subprocess.run(args, cwd=cwd, env=_env(venv), capture_output=True, text=True, timeout=900)
    if check:
        assert proc.returncode == 0, f"{args}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _check_demo(proc, grades, install):
    """The demo's numbers without TensorFlow: unit 5 not graded, everything else right."""
    results = {r["submission"]: r for r in map(json.loads, (grades / "results.jsonl").read_text().splitlines())}
    assert len(results) == 8
    full = results["chen_full_marks"]
    assert full["score"] == full["max_score"] >= sum(POINTS[u.name] for u in units.NUMPY_UNITS), full["score"]
    for result in results.values():
        cnn = [i for i in result["items"] if i["unit"] == "cifar10_cnn"]
        assert cnn, "the demo asks for every unit"
        needing_tf = [i for i in cnn if i["status"] == "not_graded"]
        assert needing_tf and all(i["score"] == 0 and i["max_score"] == 0 for i in needing_tf)
        assert all("TensorFlow" in i["message"]["en"] and "pip install" in i["message"]["en"] for i in needing_tf)
        assert result["max_score"] == full["max_score"] or not result["gradable"]
    assert results["chang_untouched_stubs"]["score"] == 0
    mutants = {m.name: m for m in samples.MUTANTS}
    for student, (mutant, unit) in {"lin_flipped_kernel": ("flipped_kernel", "convolution"),
                                    "huang_backward_sum": ("backward_sums_over_samples", "backprop")}.items():
        assert mutant in mutants
        lost = {u for u, t in results[student]["units"].items() if t["score"] < t["max_score"]}
        assert lost == {unit, "cifar10_cnn"}, (student, lost)
        # Only the full-marks student hands in unit 5: the others' NumPy items say it is missing.
        assert {i["status"] for i in results[student]["items"] if i["unit"] == "cifar10_cnn"} == {
            "missing", "not_graded"}
    row = next(line for line in proc.stdout.splitlines() if "chen_full_marks" in line)
    assert row.split()[-1] == f"{full['score']:g}/{full['max_score']:g}"
    needing_tf = sum(i["status"] == "not_graded" for i in full["items"])
    assert f"Unit 5 cifar10_cnn: {needing_tf} items NOT GRADED: TensorFlow is not installed" in " ".join(
        proc.stderr.split())
    assert install in proc.stderr and any(install in i["message"]["en"] for i in full["items"])
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_wheel_runs_every_command_from_another_folder(tmp_path):
    source = _copy_checkout(tmp_path / "checkout")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=600)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    shutil.rmtree(source)  # the installed package must not need the checkout
    venv = _fresh_venv(tmp_path / "venv")
    _run(venv, [str(venv / "bin" / "pip"), "install", "--no-deps", "-q", str(wheel)], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(venv, [str(venv / "bin" / "python"), "-c",
                        "import autograder.course.paths as p, keras; print(p.COURSE_ROOT)"], cwd=elsewhere, check=False)
    assert "No module named 'keras'" in where.stderr  # the blocker works: no TensorFlow here
    where = _run(venv, [str(venv / "bin" / "python"), "-c", "import autograder.course.paths as p; print(p.COURSE_ROOT)"],
                 cwd=elsewhere)
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv")
    ag = str(venv / "bin" / "autograder")

    demo = _run(venv, [ag, "demo", "--out", "demo", "--no-progress", "--lang", "en"], cwd=elsewhere)
    _check_demo(demo, elsewhere / "demo" / "grades", 'pip install "cv-course-autograder[cnn]"')

    alice = samples.write_class(elsewhere / "class", {"alice": samples.MUTANTS[0].files()}) / "alice"
    graded = _run(venv, [ag, "grade", str(alice), "--json", "alice.json", "--units", "convolution,cifar10_cnn",
                         "--quiet"], cwd=elsewhere, check=False)
    assert graded.returncode == 4, graded.stderr  # graded, but unit 5 could not be here
    result = json.loads((elsewhere / "alice.json").read_text())
    cnn = [i for i in result["items"] if i["unit"] == "cifar10_cnn"]
    # Its Keras items are not graded here; its NumPy-only ones are, and alice handed in no cifar10_cnn.py.
    assert {i["status"] for i in cnn} == {"not_graded", "missing"}
    numpy_points = sum(i["max_score"] for i in cnn)
    numpy_only = engine.numpy_only_exercises("cifar10_cnn")
    assert numpy_points == sum(m.points for m in engine.collect_items() if m.exercise in numpy_only
                               and m.unit == "cifar10_cnn")
    assert numpy_points > 0 and all(i["max_score"] == 0 for i in cnn if i["status"] == "not_graded")
    assert result["max_score"] == POINTS["convolution"] + numpy_points
    assert result["units"]["cifar10_cnn"] == {"score": 0.0, "max_score": numpy_points}

    batch = _run(venv, [ag, "batch", "class", "--out", "out", "--units", "activations", "--no-progress"],
                 cwd=elsewhere)
    assert "1 students: 1 graded now" in batch.stdout
    _run(venv, [ag, "release", "student"], cwd=elsewhere)
    assert (elsewhere / "student" / "convolution.py").is_file() and (elsewhere / "student.zip").is_file()
    _run(venv, [ag, "gradescope-bundle", "bundle.zip", "--no-cnn"], cwd=elsewhere)
    assert (elsewhere / "bundle.zip").stat().st_size > 10_000
    check = _run(venv, [ag, "selfcheck", "--units", "activations,cifar10_cnn"], cwd=elsewhere)
    assert "selfcheck: OK" in check.stdout
    build = _run(venv, [ag, "build"], cwd=elsewhere, check=False)
    assert build.returncode == 2 and "Point --course DIR at a checkout" in build.stderr
    refused = _run(venv, [ag, "--course", str(elsewhere), "demo"], cwd=elsewhere, check=False)
    assert refused.returncode == 2 and "no solutions/ and exercises/" in refused.stderr


@pytest.mark.slow
def test_readme_quick_start_without_tensorflow(tmp_path):
    """``pip install -e . && autograder demo`` as the README says, then run from elsewhere."""
    readme = (paths.COURSE_ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && autograder demo" in readme
    checkout = _copy_checkout(tmp_path / "checkout")
    venv = _fresh_venv(tmp_path / "venv")
    proc = _run(venv, ["bash", "-c", "pip install -e . && autograder demo"], cwd=checkout)
    _check_demo(proc, checkout / "autograder-demo" / "grades", 'pip install -e ".[cnn]"')
