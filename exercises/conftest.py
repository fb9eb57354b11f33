"""公開測試的共用設定 — shared set-up of the public tests.

執行 ``pytest exercises``（在專案根目錄）或 ``pytest``（在 exercises/ 裡）檢查你的作業；
``--against DIR`` 改為檢查 DIR 裡的同名檔案。最後會印出每個單元的得分表。
Run ``pytest exercises`` (from the project root) or ``pytest`` (inside exercises/) to
check your work; ``--against DIR`` checks the files of the same names in DIR instead.
A points table per unit is printed at the end.

這些是公開測試：通過它們是好的開始，正式成績由更多隱藏測試決定。
These are the public tests: passing them is a good start; the grade comes from more,
hidden tests.
"""

import importlib.util
import json
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
UNITS = ("convolution", "activations", "backprop", "optimizers", "cifar10_cnn")
_results = {}  # (unit, exercise) -> [passed, total, points earned, points possible]


def pytest_addoption(parser):
    parser.addoption(
        "--against",
        default=None,
        metavar="DIR",
        help="check the modules in DIR instead of exercises/ (e.g. --against solutions)",
    )


def pytest_sessionstart(session):
    _results.clear()  # a notebook may run several sessions in one process
    _OBSERVED.clear()
    _CALLS_SEEN.clear()


def pytest_collection_modifyitems(config, items):
    """``check("conv2d")`` in a notebook runs only that exercise's public tests."""
    given = config.pluginmanager.get_plugin("notebook-modules")
    if given is None or given.exercise is None:
        return
    keep = [i for i in items if (m := i.get_closest_marker("exercise")) and m.args[0] == given.exercise]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


def pytest_configure(config):
    config.addinivalue_line("markers", "exercise(name): the exercise a public test checks")
    config.addinivalue_line("markers", "points(n): points shown for a passing public test")
    if getattr(config.option, "tbstyle", "auto") == "auto":
        config.option.tbstyle = "short"


def _module_dir(config):
    against = config.getoption("--against")
    if against is None:
        return HERE
    for base in (Path.cwd(), HERE.parent):
        candidate = (base / against).resolve()
        if candidate.is_dir():
            return candidate
    raise pytest.UsageError(f"--against: no folder {against!r}")


class NotWrittenYet(NotImplementedError):
    """一個答案還是 None — an answer is still None."""


def _load(unit, folder):
    path = folder / f"{unit}.py"
    if not path.exists():
        pytest.fail(f"找不到 {path.name} / {path.name} is missing (looked in {folder})", pytrace=False)
    spec = importlib.util.spec_from_file_location(f"_checked_{unit}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(folder))
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        pytest.fail(
            f"{path.name} 第 {exc.lineno} 行有語法錯誤 / syntax error on line {exc.lineno}: {exc.msg}",
            pytrace=False,
        )
    except Exception as exc:  # noqa: BLE001 - any import failure is the student's to see
        pytest.fail(
            f"{path.name} 無法匯入 / could not be imported: {type(exc).__name__}: {exc}",
            pytrace=False,
        )
    finally:
        sys.path.remove(str(folder))
    return module


def _module_fixture(unit):
    @pytest.fixture(scope="session", name=unit)
    def fixture(request):
        # A notebook's check() hands its own namespace in as the module.
        given = request.config.pluginmanager.get_plugin("notebook-modules")
        if given is not None and unit in given.modules:
            return given.modules[unit]
        return _load(unit, _module_dir(request.config))

    return fixture


for _unit in UNITS:
    globals()[_unit] = _module_fixture(_unit)


@pytest.fixture
def answer():
    """``answer(value)``：把還沒填的 ``None`` 答案當成「尚未實作」。"""

    def check(value):
        if value is None:
            raise NotWrittenYet("answer is still None")
        return value

    return check


def _num(x):
    """A number as ``{:.6g}``: ``-1e-09`` stays ``-1e-09`` (NumPy would print ``-0.``)."""
    return f"{float(x):.6g}"


def _array(a):
    if a.ndim == 0:
        return _num(a)
    width = max(len(_num(v)) for v in a.flat) if a.size else 1
    text = np.array2string(a, separator=" ", formatter={"all": lambda v: _num(v).rjust(width)}, max_line_width=96)
    return "\n".join("    " + line for line in text.splitlines())


def _misconception(key, got, rtol, atol):
    """The one known misconception whose answer on this call is what came back, if any.

    ``misconceptions.json`` holds, for the public tests' fixed inputs, what each
    misconception of the course's catalog returns where that is wrong (written by
    ``python -m autograder.authoring.public_diagnoses``)."""
    table = _MISCONCEPTIONS.get("table")
    if table is None:
        path = HERE / "misconceptions.json"
        table = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"texts": {}, "calls": {}}
        _MISCONCEPTIONS["table"] = table
    found = []
    for mis_id, value in table["calls"].get(key, {}).items():
        value = np.asarray(value, dtype=np.float64)
        if value.shape == got.shape and np.allclose(got, value, rtol=rtol, atol=atol, equal_nan=True):
            found.append(mis_id)
    if len(found) != 1:
        return ""
    text = table["texts"][found[0]]
    return f"\n  觀念 misconception: {text['zh-TW']}\n  {text['en']}"


_MISCONCEPTIONS = {}
_OBSERVED = []  # (key, got) of every close() of the session: how the table above is made
_CALLS_SEEN = {}


@pytest.fixture
def close(request):
    """``close(got, expected, call)``：比較數值（rtol 1e-5），失敗時用中英文說明。

    Compares values with ``rtol=1e-5`` and a small ``atol``; on failure one message
    names the call, the shapes and the values, in zh-TW and English, and the known
    misconception the values show, if one does.
    """

    def check(got, expected, call, rtol=1e-5, atol=1e-8):
        __tracebackhide__ = True
        base = f"{Path(str(request.node.path)).name}::{request.node.name}::{call}"
        n = _CALLS_SEEN[base] = _CALLS_SEEN.get(base, 0) + 1
        key = f"{base}#{n}"
        _OBSERVED.append((key, got))
        expected = np.asarray(expected, dtype=np.float64)
        if got is None:
            pytest.fail(f"{call} 回傳了 None / returned None — 忘了 return？ forgot `return`?", pytrace=False)
        try:
            got = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            got = None
        if got is None:
            pytest.fail(f"{call} 回傳的不是數字陣列 / did not return numbers", pytrace=False)
        if got.shape != expected.shape:
            pytest.fail(
                f"{call}\n  形狀不對 / wrong shape: 得到 got {got.shape}，應為 expected {expected.shape}"
                + _misconception(key, got, rtol, atol),
                pytrace=False,
            )
        bad = ~np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
        if not bad.any():
            return
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if got.ndim else ()
        where = f" {first}" if first else ""
        pytest.fail(
            f"{call}\n  數值不對 / wrong values: {int(bad.sum())}/{bad.size} 個不同 differ；"
            f"第一個 first{where}: 得到 got {_num(got[first])}，應為 expected {_num(expected[first])}\n"
            f"  得到 got:\n{_array(got)}\n  應為 expected:\n{_array(expected)}"
            + _misconception(key, got, rtol, atol),
            pytrace=False,
        )

    return check


@pytest.fixture
def rejects():
    """``rejects(call, function, *args, **kwargs)``：不合理的參數要 raise ValueError。

    Bad arguments must raise ``ValueError``; any other outcome fails with a message in
    zh-TW and English (``NotImplementedError`` still reads "not written yet").
    """

    def check(call, function, *args, **kwargs):
        __tracebackhide__ = True
        try:
            function(*args, **kwargs)
        except ValueError:
            return
        pytest.fail(f"{call} 應該 raise ValueError（參數不合理）/ should raise ValueError (bad arguments)",
                    pytrace=False)

    return check


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("exercise")
    exercise = marker.args[0] if marker else item.name
    if call.excinfo is not None and call.excinfo.errisinstance(NotImplementedError):
        what = "尚未填寫 / not filled in yet" if call.excinfo.errisinstance(NotWrittenYet) else "尚未實作 / not written yet"
        report.longrepr = f"{what}: {exercise}"
    if report.when == "call" or (report.when == "setup" and report.failed):
        unit = _unit_of(item)
        points = item.get_closest_marker("points")
        points = points.args[0] if points else 1
        row = _results.setdefault((unit, exercise), [0, 0, 0, 0])
        row[1] += 1
        row[3] += points
        if report.passed:
            row[0] += 1
            row[2] += points


def _unit_of(item):
    for unit in UNITS:
        if unit in item.fixturenames:
            return unit
    return "?"


HEADINGS = {
    None: ("公開測試得分 / public-test points", "練習 exercise", "通過 passed", "得分 points", "合計 total",
           "（正式成績由隱藏測試決定 — the grade itself comes from the hidden graders.)"),
    "zh-TW": ("公開測試得分", "練習", "通過", "得分", "合計", "（正式成績由隱藏測試決定。）"),
    "en": ("public-test points", "exercise", "passed", "points", "total",
           "(The grade itself comes from the hidden graders.)"),
}


def _width(text):
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text, width, right=False):
    pad = " " * max(0, width - _width(text))
    return pad + text if right else text + pad


def pytest_terminal_summary(terminalreporter, config):
    if not _results:
        return
    given = config.pluginmanager.get_plugin("notebook-modules")
    title, exercise_h, passed_h, points_h, total_h, note = HEADINGS[getattr(given, "lang", None)]
    write = terminalreporter.write_line
    terminalreporter.section(title)
    for unit in UNITS:
        rows = [(ex, r) for (u, ex), r in _results.items() if u == unit]
        if not rows:
            continue
        write(f"{unit}.py")
        write("  " + _cell(exercise_h, 26) + _cell(passed_h, 12, True) + _cell(points_h, 14, True))
        total = [0, 0, 0, 0]
        for exercise, (passed, count, earned, possible) in rows:
            write("  " + _cell(exercise, 26) + _cell(f"{passed}/{count}", 12, True)
                  + _cell(f"{earned}/{possible}", 14, True))
            total = [a + b for a, b in zip(total, (passed, count, earned, possible))]
        write("  " + _cell(total_h, 26) + _cell(f"{total[0]}/{total[1]}", 12, True)
              + _cell(f"{total[2]}/{total[3]}", 14, True))
    write(note)
