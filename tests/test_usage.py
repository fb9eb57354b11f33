"""Where users run it: refusals with exit status 2, a machine without TensorFlow,
Gradescope as root without namespaces, student text in a terminal, 80 columns."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

from autograder.authoring import samples
from autograder.course import paths
from autograder.course import machine
from autograder.reports import terminal
from autograder.grading.result import ItemResult, Result

NUMPY = "convolution,activations,backprop,optimizers"
WITHOUT_TENSORFLOW = Path(__file__).parent / "without_tensorflow"


def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd or paths.COURSE_ROOT, env=env)


def refused(proc, *words):
    """Exit 2, both languages, the words that name the problem, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)
    return proc.stderr


def test_a_path_without_course_files_is_refused_and_says_what_was_expected(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "notes.txt", tmp_path / "empty"):
        text = refused(run("grade", str(path)), "holds no course file", "convolution.py", "cifar10_cnn.py")
        assert "沒有任何課程檔案" in text


def test_batch_refuses_an_empty_class_and_bad_jobs(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / ".hidden").mkdir()
    refused(run("batch", str(tmp_path / "class"), "--out", str(tmp_path / "o")), "holds no submission", "繳交")
    samples.write_class(tmp_path / "class", {"alice": samples.MUTANTS[0].files()})
    for jobs in ("0", "-3", "two"):
        refused(run("batch", str(tmp_path / "class"), "--out", str(tmp_path / "o"), "--jobs", jobs),
                "--jobs must be a whole number of at least 1", "1 以上")
    refused(run("batch", str(tmp_path / "class"), "--out", str(tmp_path / "class")), "is the submissions folder")


def test_out_inside_the_class_folder_is_not_graded_as_a_student(tmp_path):
    root = samples.write_class(tmp_path / "class", {"alice": samples.MUTANTS[0].files()})
    for _ in range(2):  # the second run finds the first one's output in the class folder
        proc = run("batch", str(root), "--out", str(root / "grades"), "--units", "activations", "--no-progress")
        assert proc.returncode == 0, proc.stderr
        assert "it is not graded as a student" in proc.stderr
        assert "1 students" in proc.stdout
    csv = (root / "grades" / "gradebook.csv").read_text(encoding="utf-8")
    assert "alice" in csv and "grades" not in csv


def test_other_refusals(tmp_path):
    refused(run("gradescope-bundle", str(tmp_path)), "is a folder", ".zip")
    refused(run("--course", str(tmp_path), "selfcheck"), "No course found", "solutions/", "--course")
    refused(run("selfcheck", "--course", str(tmp_path)), "No course found")  # after the command too
    empty_path = dict(os.environ, PATH=str(tmp_path))  # no bwrap on PATH: namespaces cannot be made
    refused(run("grade", str(paths.SOLUTIONS), "--isolation", "namespaces", env=empty_path),
            "--isolation namespaces needs bubblewrap", "bubblewrap（bwrap）")


def test_release_leak_is_a_refusal_not_a_traceback(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for name in ("solutions", "exercises"):
        shutil.copytree(paths.COURSE_ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    stub = course / "exercises" / "activations.py"
    stub.write_text(stub.read_text(encoding="utf-8") + "\n### BEGIN SOLUTION\n", encoding="utf-8")
    refused(run("--course", str(course), "release", str(tmp_path / "bundle")), "would leak", "activations.py", "洩漏")
    assert not (tmp_path / "bundle").exists()


def test_grading_ignores_the_working_folder_and_pytest_settings(tmp_path):
    """A conftest.py, test files and pytest.ini where the command runs are not the graders'."""
    marker = tmp_path / "imported"
    (tmp_path / "conftest.py").write_text(f"open({str(marker)!r}, 'w').write('conftest')\n")
    (tmp_path / "test_other.py").write_text(f"open({str(marker)!r}, 'w').write('test')\ndef test_x(): pass\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no_such_plugin\n")
    env = dict(os.environ, PYTEST_ADDOPTS="-p no_such_plugin", PYTEST_PLUGINS="no_such_plugin")
    proc = run("grade", str(paths.SOLUTIONS), "--units", "activations", "--json", str(tmp_path / "r.json"),
               cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["score"] == result["max_score"] == 100


def test_without_tensorflow_cnn_items_are_not_graded(tmp_path):
    """A machine without TensorFlow (imports blocked as if it were not installed)."""
    env = dict(os.environ, PYTHONPATH=f"{WITHOUT_TENSORFLOW}{os.pathsep}{paths.PACKAGE.parent}")
    proc = run("grade", str(paths.SOLUTIONS), "--units", "activations,cifar10_cnn", "--json",
               str(tmp_path / "r.json"), "--lang", "en", env=env)
    assert proc.returncode == 4, proc.stderr  # graded, but not all of it could be
    result = json.loads((tmp_path / "r.json").read_text())
    cnn = [i for i in result["items"] if i["unit"] == "cifar10_cnn"]
    needing_tf = [i for i in cnn if i["status"] == "not_graded"]
    assert needing_tf and all((i["score"], i["max_score"]) == (0, 0) for i in needing_tf)
    assert all("TensorFlow is not installed" in i["message"]["en"] for i in needing_tf)
    assert result["score"] == result["max_score"] == 100 + sum(i["max_score"] for i in cnn)
    assert "Unit 5 cifar10_cnn: " in proc.stderr and "items NOT GRADED: TensorFlow is not installed" in " ".join(proc.stderr.split())
    assert 'pip install -e ".[cnn]"' in proc.stderr
    assert "No module named" not in proc.stdout  # said once as the machine's lack, never as the student's error


def _gradescope(tmp_path, submission_files, env_extra, *bundle_args):
    bundle = tmp_path / "autograder.zip"
    proc = run("gradescope-bundle", str(bundle), "--no-cnn", *bundle_args)
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root / "source")
    (root / "submission").mkdir()
    for name, source in submission_files.items():
        (root / "submission" / name).write_text(source)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), PYTHON=sys.executable, **env_extra)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_gradescope_as_root_without_namespaces_says_so_in_results(tmp_path):
    """Gradescope grades as root; here bubblewrap is off PATH, as where it cannot make namespaces."""
    assert os.geteuid() == 0, "run as root, as Gradescope does"
    no_bwrap = tmp_path / "bin"
    no_bwrap.mkdir()
    for tool in ("bash", "cat", "rm", "mkdir", "printf"):
        target = subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        if target:
            (no_bwrap / tool).symlink_to(target)
    results = _gradescope(tmp_path / "auto", samples.MUTANTS[0].files(), {"PATH": str(no_bwrap)})
    assert results["max_score"] == 400 and 0 < results["score"] < 400
    assert "resource limits only (bubblewrap cannot create namespaces here)" in results["output"]
    assert "runs as root" in results["output"] and "只有資源限制" in results["output"]
    assert "Sandbox: resource limits only" in results["output"]  # the sandbox's own account of it

    failed = _gradescope(tmp_path / "strict", samples.MUTANTS[0].files(), {"PATH": str(no_bwrap)},
                         "--isolation", "namespaces")
    assert failed["score"] == 0
    assert "could not run" in failed["output"] and "--isolation namespaces needs bubblewrap" in failed["output"]


def test_gradescope_output_names_the_isolation_used(tmp_path):
    results = _gradescope(tmp_path, samples.MUTANTS[0].files(), {"AUTOGRADER_ISOLATION": "limits"})
    assert "Isolation: resource limits only (--isolation limits)" in results["output"]
    assert "隔離" in results["output"]


def test_terminal_safe_removes_escape_sequences_and_markup():
    hostile = ("ali\x1b]52;c;ZWNobyBwd25lZA==\x07ce\x1b]0;pwned\x1b\\ \x1b[2J\x1b[31mred\x1b[0m "
               "\x9b31m[bold red]x[/bold red]\r\x08\x00 ok\n\tnext")
    safe = terminal.terminal_safe(hostile)
    assert not any(c in safe for c in "\x1b\x07\x9b\r\x08\x00")
    assert "52;" not in safe and "pwned" not in safe
    assert safe == "alice red \\[bold red]x\\[/bold red] ok\n\tnext"
    assert terminal.terminal_safe(hostile, markup=False).endswith("[bold red]x[/bold red] ok\n\tnext")


def test_student_text_reaches_the_terminal_clean():
    item = ItemResult("activations.relu_shapes", "activations", "relu", 0.0, 4.0, "error", "public",
                      {"zh-TW": "例外 \x1b]52;c;eA==\x07[red]boom[/red]", "en": "raised \x1b]52;c;eA==\x07[red]boom[/red]"})
    result = Result("eve\x1b]0;owned\x07[blink]", [item])
    console = Console(width=80, record=True, force_terminal=True, color_system=None)
    terminal.print_result(result, lang="en", console=console)
    terminal.print_summary([result], console=console)
    out = console.export_text()
    assert "\x1b]" not in out and "owned" not in out and "eA==" not in out
    assert "[red]boom[/red]" in out and "eve[blink]" in out


def test_summary_fits_80_columns_without_cutting_names():
    long_names = ["tsai_adam_no_bias_correction", "a_student_with_a_really_long_folder_name_2026", "li"]
    results = [Result(name, [ItemResult(f"{u}.x", u, "e", 7.0, 100.0, "failed", "hidden", {"zh-TW": "", "en": ""})
                             for u in ("convolution", "activations", "backprop", "optimizers", "cifar10_cnn")])
               for name in long_names]
    console = Console(width=80, record=True)
    terminal.print_summary(results, lang="en", console=console)
    out = console.export_text()
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "tsai_adam_no_bias_correction" in out  # whole, on one line
    assert "…" not in out
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.split() and line.split()[0].startswith("a_student"))
    assert lines[row].split()[0] + lines[row + 1].split()[0] == long_names[1]  # wrapped onto a second line, whole
    assert "35/500" in out and "1 convolution" in out


def test_build_never_overwrites_a_students_work_silently(tmp_path):
    course = tmp_path / "course"
    for name in ("solutions", "exercises", "source", "lessons"):
        shutil.copytree(paths.COURSE_ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    stub = course / "exercises" / "activations.py"
    generated = stub.read_text(encoding="utf-8")
    start = generated.index("def relu(x):")
    body = generated.index("raise NotImplementedError()", start)
    work = generated[:body] + "return np.maximum(x, 0)" + generated[body + len("raise NotImplementedError()"):]
    stub.write_text(work, encoding="utf-8")
    solution = course / "solutions" / "activations.py"
    solution.write_text(solution.read_text(encoding="utf-8").replace("def relu(x):", "def relu(x):  # edited", 1),
                        encoding="utf-8")
    proc = run("--course", str(course), "build")
    refused(proc, "edited by hand", str(stub), "--force", "手動修改")
    assert stub.read_text(encoding="utf-8") == work  # nothing written
    forced = run("--course", str(course), "build", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "return np.maximum(x, 0)" not in stub.read_text(encoding="utf-8")
    assert "def relu(x):  # edited" in stub.read_text(encoding="utf-8")
    # A stub that is only stale (its solution changed, nobody wrote in it) is rewritten without --force.
    solution.write_text(solution.read_text(encoding="utf-8").replace("# edited", "# edited again"), encoding="utf-8")
    again = run("--course", str(course), "build")
    assert again.returncode == 0, again.stderr
    assert "# edited again" in stub.read_text(encoding="utf-8")


@pytest.mark.slow
def test_tensorflow_start_up_logging_is_silenced():
    """What the grading process sets before TensorFlow loads leaves its stderr empty."""
    code = ("from autograder.course import machine; machine.quiet_tensorflow(); import tensorflow as tf, keras; "
            "keras.layers.Dense(2)(tf.zeros((1, 2)))")
    env = {k: v for k, v in os.environ.items() if k not in machine.QUIET_TENSORFLOW}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "oneDNN" not in proc.stderr and "absl" not in proc.stderr and "cpu_feature_guard" not in proc.stderr
