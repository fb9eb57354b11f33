"""``autograder release OUT``: the bundle students get, as a folder and a zip.

It holds the stubs and the public tests (the contents of ``exercises/``), a
requirements file and a short README in zh-TW — nothing else: no solution, no hidden
grader. `check_bundle` verifies that, and the tests call it.
"""

import os
import shutil
import zipfile
from pathlib import Path

from autograder.course import paths, units
from autograder.course.markers import BEGIN_HIDDEN_TESTS, BEGIN_SOLUTION

README = """# 影像視覺作業 — exercises of the 影像視覺 unit

1. 安裝需要的套件 — install what the exercises need:

       pip install -r requirements.txt

   （`cifar10_cnn.py` 需要 TensorFlow；只做前四個單元可以略過它。
   `cifar10_cnn.py` needs TensorFlow; skip it if you only do units 1–4.)

2. 打開每個 `.py` 檔，把 `raise NotImplementedError()` 換成你的程式，把 `= None` 的答案填好。
   Open each `.py` file, replace each `raise NotImplementedError()` with your code and
   fill in each `= None` answer.

3. 在這個資料夾裡執行 `pytest` 檢查 — run `pytest` in this folder to check:
   每個還沒寫的練習會顯示「尚未實作」，最後有每個單元的得分表。
   each unfinished exercise says "尚未實作 / not written yet", and a points table per unit
   comes at the end.

這些是公開測試：正式成績由更多的隱藏測試決定。
These are the public tests; the grade comes from more, hidden tests.

繳交：把你的 `.py` 檔（和選擇性的 `cifar10_cnn.keras`）放在一個資料夾或 zip 檔裡交出。
Hand in your `.py` files (and, optionally, `cifar10_cnn.keras`) in a folder or a zip.
"""

REQUIREMENTS = """numpy>=1.24
pytest>=7.4
# 單元五 unit 5 (cifar10_cnn.py):
tensorflow>=2.16
"""


def bundle_files() -> dict[str, bytes]:
    """``{relative path: bytes}`` of the student bundle."""
    files = {}
    for unit in units.UNITS:
        stub = paths.EXERCISES / unit.filename
        if stub.exists():
            files[unit.filename] = stub.read_bytes()
    for name in ("conftest.py", "pytest.ini", "misconceptions.json"):
        files[name] = (paths.EXERCISES / name).read_bytes()
    for test in sorted((paths.EXERCISES / "tests").glob("test_*.py")):
        files[f"tests/{test.name}"] = test.read_bytes()
    files["requirements.txt"] = REQUIREMENTS.encode()
    files["README.md"] = README.encode()
    return files


def solution_lines() -> set[str]:
    """Lines of solution code (inside the solution markers) long enough to recognise."""
    lines = set()
    for solution in paths.SOLUTIONS.glob("*.py"):
        inside = False
        for line in solution.read_text(encoding="utf-8").splitlines():
            if line.strip() == BEGIN_SOLUTION:
                inside = True
            elif line.strip() == "### END SOLUTION":
                inside = False
            elif inside and len(line.strip()) >= 20 and not line.strip().startswith("#") and not line.rstrip().endswith(("(", "[")):
                lines.add(line.strip())
    return lines


def check_bundle(files: dict[str, bytes]) -> list[str]:
    """Problems that would leak a solution or a hidden test (an empty list when clean)."""
    secret_lines = solution_lines()
    grader_names = {p.name for p in paths.GRADERS.glob("*.py")} - {"__init__.py", "conftest.py"}
    problems = []
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        if BEGIN_SOLUTION in text or BEGIN_HIDDEN_TESTS in text:
            problems.append(f"{name}: contains a solution or hidden-test marker")
        if "pytest.mark.grade" in text or "autograder.graders" in text:
            problems.append(f"{name}: contains hidden grader code")
        if name.startswith("tests/") and Path(name).name in grader_names and "exercise(" not in text:
            problems.append(f"{name}: a hidden grader module")
        problems += [f"{name}: solution line {line!r}" for line in text.splitlines() if line.strip() in secret_lines]
    return problems


def write_release(out: str | os.PathLike) -> tuple[Path, Path]:
    """Write the bundle to the folder ``out`` and to ``out.zip``; return both paths.

    Raises
    ------
    RuntimeError
        The bundle would leak a solution or a hidden test (nothing is written).
    """
    files = bundle_files()
    problems = check_bundle(files)
    if problems:
        raise RuntimeError("the student bundle would leak:\n" + "\n".join(problems))
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    for name, data in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    archive = out.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files.items()):
            z.writestr(f"{out.name}/{name}", data)
    return out, archive
