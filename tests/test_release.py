"""The student bundle holds the stubs and public tests, and nothing hidden."""

import subprocess
import sys
import zipfile

from autograder.authoring import release


def test_bundle_has_no_solution_and_no_hidden_test(tmp_path):
    folder, archive = release.write_release(tmp_path / "hw")
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"convolution.py", "activations.py", "backprop.py", "optimizers.py", "conftest.py", "pytest.ini",
            "requirements.txt", "README.md", "tests/test_convolution.py"} <= names
    assert not any(n.startswith(("solutions", "autograder", "source", "lessons")) for n in names)
    assert release.check_bundle({n: (folder / n).read_bytes() for n in names}) == []
    with zipfile.ZipFile(archive) as z:
        assert {n.split("/", 1)[1] for n in z.namelist()} == names


def test_check_bundle_catches_a_leak():
    files = release.bundle_files()
    leaked = dict(files, **{"convolution.py": (release.paths.SOLUTIONS / "convolution.py").read_bytes()})
    problems = release.check_bundle(leaked)
    assert any("marker" in p for p in problems) and any("solution line" in p for p in problems)
    grader = (release.paths.GRADERS / "test_activations.py").read_bytes()
    assert any("hidden grader" in p for p in release.check_bundle(dict(files, **{"tests/test_activations.py": grader})))


def test_students_run_pytest_in_the_bundle(tmp_path):
    folder, _archive = release.write_release(tmp_path / "hw")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/test_activations.py"], cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "尚未實作 / not written yet: sigmoid" in proc.stdout
    assert "Traceback" not in proc.stdout
