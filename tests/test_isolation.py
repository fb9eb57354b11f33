"""The sandbox: what the child can see and do, and the fallback when namespaces are missing."""

import json
import os

import pytest

from autograder.authoring import samples
from autograder.course import paths
from autograder.grading import engine
from autograder.host import isolation
from autograder.intake import loader

PROBE = '''
import json, os, socket, sys
seen = {"root": sorted(os.listdir("/")), "cwd": os.getcwd(), "uid": os.getuid(),
        "pid1": open("/proc/1/comm").read().strip() if os.path.exists("/proc/1/comm") else None}
for label, path in PATHS.items():
    seen[label] = os.path.exists(path)
# A Python environment made inside the course folder (as CI makes .venv) is bound into
# the sandbox, so the folder is there: count what else of it can be seen.
def _runtime(folder):
    return any((p + os.sep).startswith(folder + os.sep) for p in sys.path)
seen["course_root"] = os.path.isdir(PATHS["course_root"]) and len([
    entry for entry in os.listdir(PATHS["course_root"])
    if not _runtime(os.path.join(PATHS["course_root"], entry))])
try:
    socket.create_connection(("1.1.1.1", 53), timeout=1)
    seen["network"] = True
except OSError:
    seen["network"] = False
print("PROBE" + json.dumps(seen) + "PROBE")
'''


def _probe(tmp_path, isolation_mode):
    secret_paths = {
        "course_root": str(paths.COURSE_ROOT),
        "solutions": str(paths.SOLUTIONS / "activations.py"),
        "graders": str(paths.GRADERS / "test_activations.py"),
        "other_student": str(tmp_path / "other_student" / "activations.py"),
    }
    (tmp_path / "other_student").mkdir()
    (tmp_path / "other_student" / "activations.py").write_text(samples.solution_source("activations"))
    # Printed output is shown only on items that did not pass, so the probe also gets
    # `sigmoid` wrong: its first item fails and carries what the probe saw at import.
    source = (f"PATHS = {secret_paths!r}\n" + PROBE + samples.solution_source("activations")
              + "\ndef sigmoid(x):\n    return x\n")
    result = engine.grade(loader.from_files("probe", {"activations.py": source}), units=["activations"],
                          isolation=isolation_mode)
    first = result.items[0]
    assert first.exercise == "sigmoid" and first.status == "failed"
    return json.loads(first.message["en"].split("PROBE")[1]), result


def _all_but_sigmoid_pass(result):
    """Only the items of `sigmoid` and of `sigmoid_derivative` (which calls it) fail."""
    return all((item.status == "passed") != item.exercise.startswith("sigmoid") for item in result.items)


@pytest.mark.skipif(not isolation.bwrap_works(), reason="bubblewrap cannot create namespaces on this machine")
def test_child_sees_only_its_submission_and_the_runtime(tmp_path):
    seen, result = _probe(tmp_path, "namespaces")
    assert _all_but_sigmoid_pass(result)  # the probe is the solution plus a look around
    assert not seen["course_root"] and not seen["solutions"] and not seen["graders"]
    assert not seen["other_student"]
    assert seen["network"] is False
    assert seen["cwd"] == isolation.IN_SCRATCH
    assert "submission" in seen["root"] and "home" not in seen["root"]


def test_limits_only_runner_still_grades(tmp_path):
    """The fallback isolates nothing from the file system, but grades the same."""
    seen, result = _probe(tmp_path, "limits")
    assert _all_but_sigmoid_pass(result)
    assert seen["solutions"]  # nothing hidden: why CI insists on namespaces
    solution = engine.grade(loader.from_files("solution", {"activations.py": samples.solution_source("activations")}),
                            units=["activations"], isolation="limits")
    assert solution.score == solution.max_score


def test_limits_only_runner_grades_every_unit():
    """Without a PID namespace, what one unit left running is killed through the cgroup
    before the next unit's child starts, but not the submission's box: every unit of the
    reference gets full marks."""
    from autograder.course import units

    numpy_units = [u.name for u in units.NUMPY_UNITS]
    result = engine.grade(loader.from_files("solution", samples.solution_files()), units=numpy_units,
                          isolation="limits")
    assert {i.unit for i in result.items} == set(numpy_units)
    assert result.score == result.max_score, [(i.id, i.message["en"]) for i in result.items if i.status != "passed"]


def test_namespaces_required_where_ci_asks_for_them():
    if not os.environ.get("AUTOGRADER_REQUIRE_NAMESPACES"):
        pytest.skip("AUTOGRADER_REQUIRE_NAMESPACES is not set (CI sets it)")
    assert isolation.bwrap_works(), "bubblewrap is missing or cannot create namespaces"
    plan = isolation.plan("auto", "/tmp", "/tmp", 64)
    plan.release()
    assert plan.mode == "namespaces"


def test_auto_falls_back_with_a_warning(monkeypatch, tmp_path):
    monkeypatch.setattr(isolation, "bwrap_works", lambda: False)
    isolation._warn_once.cache_clear()
    with pytest.warns(isolation.IsolationWarning, match="bubblewrap is not available"):
        plan = isolation.plan("auto", tmp_path, tmp_path, 64)
    plan.release()
    assert plan.mode == "limits"
    with pytest.raises(RuntimeError, match="bubblewrap"):
        isolation.plan("namespaces", tmp_path, tmp_path, 64)
