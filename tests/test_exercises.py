"""The student side: generated stubs are fresh, and the public tests behave on stubs
(every test fails with a one-line "not written yet") and on solutions (all pass)."""

import subprocess
import sys

import pytest

from autograder.authoring import samples
from autograder.course import paths, units
from autograder.course import cells, stubs


def run_public_tests(*args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "exercises", *args],
        cwd=paths.COURSE_ROOT, capture_output=True, text=True, timeout=300,
    )


def test_stubs_are_not_stale():
    """`autograder build` would write exactly the committed stubs."""
    for path, text in stubs.expected_stubs().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `autograder build`"


def test_staleness_is_detected(tmp_path, monkeypatch):
    """Changing a solution body without rebuilding makes the stub check fail."""
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    for unit in units.NUMPY_UNITS:
        (solutions / unit.filename).write_text((paths.SOLUTIONS / unit.filename).read_text(encoding="utf-8"))
    path = solutions / "activations.py"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "def relu(x):\n    \"\"\"ReLU", "def relu(x):\n    \"\"\"Rectified ReLU"), encoding="utf-8")
    monkeypatch.setattr(paths, "SOLUTIONS", solutions)
    changed = [p.name for p, text in stubs.expected_stubs().items() if p.read_text(encoding="utf-8") != text]
    assert changed == ["activations.py"]


def _raising_lines(source):
    return sum(1 for line in source.splitlines() if line.strip() == "raise NotImplementedError()")


def test_stubs_keep_given_constants_and_blank_answers():
    source = (paths.EXERCISES / "convolution.py").read_text(encoding="utf-8")
    assert "SOBEL_EXAMPLE_IMAGE = np.array(" in source and "LAPLACIAN = np.array(" in source
    assert "HAND_SOBEL_ANSWER = None  # 請填入你的答案 — fill in your answer" in source
    assert "### BEGIN SOLUTION" not in source and "einsum" not in source
    functions = [c for c in cells.module_cells("convolution")[1:] if not c.constant]
    assert len(functions) > 0 and _raising_lines(source) == len(functions)


@pytest.mark.parametrize("unit", [u.name for u in units.NUMPY_UNITS])
def test_every_solution_body_is_replaced(unit):
    stub = (paths.EXERCISES / f"{unit}.py").read_text(encoding="utf-8")
    solution = (paths.SOLUTIONS / f"{unit}.py").read_text(encoding="utf-8")
    regions = sum(1 for line in solution.splitlines() if line.strip() == "### BEGIN SOLUTION")
    module_level = sum(1 for line in solution.splitlines() if line == "### BEGIN SOLUTION")
    assert _raising_lines(stub) == regions - module_level
    compile(stub, f"{unit}.py", "exec")


def test_public_tests_on_stubs_fail_with_one_line_each():
    proc = run_public_tests("-p", "no:randomly")
    out = proc.stdout
    assert proc.returncode == 1
    failed = [line for line in out.splitlines() if line.startswith("FAILED ")]
    collected = int(out.split(" failed")[0].rsplit("\n", 1)[-1].split()[-1])
    assert collected == len(failed) > 50
    assert "passed" not in out.splitlines()[-1]
    # One line under each failure header: no tracebacks.
    assert "Traceback" not in out and "raise NotImplementedError" not in out
    assert out.count("尚未實作 / not written yet") + out.count("尚未填寫 / not filled in yet") >= len(failed)
    assert "公開測試得分 / public-test points" in out
    assert "合計 total" in out and " 0/" in out.split("合計 total")[1].splitlines()[0]


def test_public_tests_pass_against_solutions():
    proc = run_public_tests("--against=solutions")
    assert proc.returncode == 0, proc.stdout[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    assert "passed" in last and "failed" not in last
    for line in proc.stdout.split("公開測試得分")[1].splitlines():
        if "合計 total" in line:
            passed, points = line.split()[-2:]
            assert passed.split("/")[0] == passed.split("/")[1] and points.split("/")[0] == points.split("/")[1]


def test_public_tests_run_from_inside_exercises():
    proc = subprocess.run([sys.executable, "-m", "pytest", "--against=../solutions", "-q"],
                          cwd=paths.EXERCISES, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_a_solution_region_declares_its_exercise():
    """A new function with a solution region is an exercise at once (the solution module
    is the one declaration): its body becomes an answer cell, never given code."""
    from autograder.course import cells, markers

    source = samples.solution_source("activations") + (
        "\n\ndef softsign(x):\n    ### BEGIN SOLUTION\n    return x / (1 + abs(x))\n    ### END SOLUTION\n")
    assert markers.declared_exercises(source) == units.get("activations").code_exercises + ("softsign",)
    split = cells.split_module("activations", source)
    assert "abs(x)" not in split[0].source
    assert split[-1].exercise == "softsign" and "raise NotImplementedError()" in split[-1].stub


@pytest.mark.parametrize("misplaced, error", [
    ("if True:\n    ### BEGIN SOLUTION\n    y = 1\n    ### END SOLUTION\n", "in no top-level function"),
    ("### BEGIN SOLUTION\nA = 1\nB = 2\n### END SOLUTION\n", "exactly one answer"),
    ("### BEGIN SOLUTION\ndef helper():\n    pass\n### END SOLUTION\n", "exactly one answer"),
])
def test_a_solution_region_that_declares_no_exercise_is_refused(misplaced, error):
    """A region the build could not give to one exercise would hand its body out as given code."""
    from autograder.course import cells

    source = samples.solution_source("activations") + "\n\n" + misplaced
    with pytest.raises(cells.LessonError, match=error):
        cells.split_module("activations", source)
