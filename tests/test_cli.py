"""The command line as a user runs it."""

import json
import subprocess
import sys

from autograder.authoring import samples
from autograder.course import paths
from autograder.grading import engine
from autograder.intake import loader

NUMPY = "convolution,activations,backprop,optimizers"
POINTS = sum(p for unit, p in engine.unit_points().items() if unit in NUMPY.split(","))  # the graders' total


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd or paths.COURSE_ROOT)


def test_grade_a_zip_writes_the_contract_json(tmp_path):
    archive = tmp_path / "alice.zip"
    archive.write_bytes(loader.zip_bytes({f"hw/{k}": v for k, v in samples.MUTANTS[3].files().items()}))
    proc = run("grade", str(archive), "--json", str(tmp_path / "r.json"), "--units", NUMPY, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["submission"] == "alice" and result["max_score"] == POINTS and result["score"] < POINTS
    assert "Items not passed" in proc.stdout and "max_pool2d" in proc.stdout


def test_grade_zero_points_still_exits_zero(tmp_path):
    proc = run("grade", str(paths.EXERCISES), "--units", "activations", "--json", str(tmp_path / "r.json"))
    assert proc.returncode == 0
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 0
    assert "尚未實作" in proc.stdout


def test_unreadable_submission_is_a_result_not_a_crash(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    proc = run("grade", str(bad), "--units", "activations", "--json", str(tmp_path / "r.json"))
    assert proc.returncode == 0
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["gradable"] is False and "not a valid zip" in result["items"][0]["message"]["en"]


def test_usage_errors_exit_two(tmp_path):
    assert run("grade", str(tmp_path / "nothing-here")).returncode == 2
    assert run("batch", str(tmp_path / "nothing-here"), "--out", str(tmp_path / "o")).returncode == 2
    assert run("grade").returncode == 2
    assert run("no-such-command").returncode == 2


def test_selfcheck_numpy_units():
    proc = run("selfcheck", "--units", NUMPY)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "selfcheck: OK" in proc.stdout
    assert f"{POINTS:g}/{POINTS:g}" in proc.stdout and f" 0/{POINTS:g}" in proc.stdout


def test_build_check_reports_nothing_stale():
    proc = run("build", "--check")
    assert proc.returncode == 0, proc.stdout


def test_gradescope_bundle_runs_like_gradescope(tmp_path):
    """Unpack the bundle as Gradescope does and run run_autograder on a submission."""
    import os
    import stat
    import zipfile

    bundle = tmp_path / "autograder.zip"
    proc = run("gradescope-bundle", str(bundle), "--units", NUMPY, "--no-cnn")
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root / "source")
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert "autograder/graders/test_convolution.py" in modes and "solutions/convolution.py" in modes
    assert "pip install" in (root / "source" / "setup.sh").read_text()
    submission = root / "submission"
    submission.mkdir()
    for name, source in samples.MUTANTS[0].files().items():
        (submission / name).write_text(source)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), PYTHON=sys.executable)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["max_score"] == POINTS and 0 < results["score"] < POINTS
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_due_date"}
    assert any("conv2d" in t["name"] and t["score"] == 0 for t in results["tests"])
