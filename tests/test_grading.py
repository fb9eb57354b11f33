"""The grading engine end to end: reference → full marks, stubs → 0, and each realistic
mistake loses exactly the items it breaks while keeping the rest.

The submissions of units 1–4 are graded in one engine run (one pytest session, one
sandbox), as a batch worker would; unit 5's NumPy-only exercises in another, and once
more in a process where TensorFlow cannot be imported.
"""

import subprocess
import sys

import pytest

from autograder.course import units
from autograder.grading import engine
from autograder.intake import loader
from autograder.grading.result import STATUSES
from autograder.authoring import samples
from autograder.authoring.samples import CNN_NUMPY_MUTANTS, MUTANTS, solution_files, solution_source, stub_source

NUMPY_UNITS = [u.name for u in units.NUMPY_UNITS]
ITEMS = engine.collect_items()  # what the graders hold: the points and exercises asserted below


@pytest.fixture(scope="module")
def graded():
    """The NumPy units (1–4) of the solutions, the stubs and every mutant, in one engine run."""
    stubs = {u.filename: stub_source(u.name) for u in units.NUMPY_UNITS}
    subs = [loader.from_files("solutions", solution_files()), loader.from_files("stubs", stubs)]
    subs += [m.submission() for m in MUTANTS]
    results = {}
    engine.Engine(units=NUMPY_UNITS).run(subs, lambda r: results.__setitem__(r.submission, r))
    return results


def test_solutions_get_full_marks(graded):
    result = graded["solutions"]
    points = {u: p for u, p in engine.unit_points(ITEMS).items() if u in NUMPY_UNITS}
    assert list(points) == NUMPY_UNITS
    assert result.max_score == sum(points.values())
    assert result.score == result.max_score, [(i.id, i.message["en"]) for i in result.items if i.status != "passed"]
    assert {u: v["max_score"] for u, v in result.units.items()} == points


def test_stubs_get_nothing_and_say_not_written(graded):
    result = graded["stubs"]
    assert result.score == 0
    assert {i.status for i in result.items} == {"not_implemented"}
    hand = [i for i in result.items if i.exercise.startswith("HAND_")]
    assert hand and all("None" in i.message["en"] and "尚未填寫" in i.message["zh-TW"] for i in hand)
    conv = next(i for i in result.items if i.exercise == "conv2d")
    assert "conv2d is not written yet" in conv.message["en"]
    assert "尚未實作" in conv.message["zh-TW"]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mistake_loses_exactly_its_items(graded, mutant):
    result = graded[mutant.name]
    failed = {i.id for i in result.items if i.status != "passed"}
    assert failed == mutant.fails
    lost = sum(i.max_score for i in result.items if i.id in mutant.fails)
    assert result.score == result.max_score - lost
    for item in result.items:
        if item.id in mutant.fails:
            assert item.status == "failed", (item.id, item.status, item.message["en"])
            assert item.score == 0
            assert item.message["en"] and item.message["zh-TW"]


CNN_NUMPY_EXERCISES = list(engine.numpy_only_exercises("cifar10_cnn", ITEMS))
CNN_NUMPY_POINTS = sum(m.points for m in ITEMS if m.unit == "cifar10_cnn" and m.exercise in CNN_NUMPY_EXERCISES)


@pytest.fixture(scope="module")
def graded_cnn_numpy():
    """Unit 5's NumPy-only exercises of the solution, the stub and their mutants, in one run."""
    subs = [loader.from_files("solutions", {"cifar10_cnn.py": solution_source("cifar10_cnn")}),
            loader.from_files("stubs", {"cifar10_cnn.py": stub_source("cifar10_cnn")})]
    subs += [m.submission() for m in CNN_NUMPY_MUTANTS]
    results = {}
    engine.Engine(units=["cifar10_cnn"], exercises=CNN_NUMPY_EXERCISES).run(
        subs, lambda r: results.__setitem__(r.submission, r))
    return results


def test_cnn_numpy_exercises_solution_full_marks_stub_nothing(graded_cnn_numpy):
    solution, stub = graded_cnn_numpy["solutions"], graded_cnn_numpy["stubs"]
    assert {i.exercise for i in solution.items} == set(CNN_NUMPY_EXERCISES)
    assert solution.score == solution.max_score > 0, [(i.id, i.message["en"]) for i in solution.items
                                                      if i.status != "passed"]
    assert stub.score == 0 and {i.status for i in stub.items} == {"not_implemented"}


@pytest.mark.parametrize("mutant", CNN_NUMPY_MUTANTS, ids=lambda m: m.name)
def test_cnn_numpy_mistake_loses_exactly_its_items(graded_cnn_numpy, mutant):
    result = graded_cnn_numpy[mutant.name]
    assert {i.id for i in result.items if i.status != "passed"} == mutant.fails
    assert all(i.status == "failed" and i.score == 0 for i in result.items if i.id in mutant.fails)


def test_cnn_numpy_exercises_are_graded_without_tensorflow():
    """With TensorFlow and Keras made unimportable, the solution still earns every point of
    resize_bilinear and top_k_accuracy, and the stub none."""
    script = (
        "import sys\n"
        "sys.modules['tensorflow'] = sys.modules['keras'] = None  # import tensorflow → ImportError\n"
        "from autograder.authoring import samples\nfrom autograder.grading import engine\nfrom autograder.intake import loader\n"
        "subs = [loader.from_files(n, {'cifar10_cnn.py': f('cifar10_cnn')})\n"
        "        for n, f in (('solution', samples.solution_source), ('stub', samples.stub_source))]\n"
        "out = {}\n"
        f"engine.Engine(units=['cifar10_cnn'], exercises={CNN_NUMPY_EXERCISES!r}).run(\n"
        "    subs, lambda r: out.__setitem__(r.submission, r))\n"
        "print(out['solution'].score, out['solution'].max_score, out['stub'].score,\n"
        "      sorted({i.status for i in out['solution'].items}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    score, max_score, stub_score, statuses = proc.stdout.strip().splitlines()[-1].split(" ", 3)
    assert CNN_NUMPY_POINTS > 0
    assert score == max_score == str(CNN_NUMPY_POINTS) and stub_score == "0.0" and statuses == "['passed']"


def test_failure_message_names_call_shape_index_and_error(graded):
    item = next(i for i in graded["flipped_kernel"].items if i.id == "convolution.conv2d_kernel_not_flipped")
    en = item.message["en"]
    assert en.startswith("conv2d(image=array(float64, 12×12), kernel=array(float64, 3×3))")
    assert "First difference at (0, 0)" in en and "largest error" in en
    assert "第一個不同的位置" in item.message["zh-TW"]
    assert item.details["image"]["expected"].shape == (10, 10)  # for the feedback pictures


def test_side_condition_messages(graded):
    relu = next(i for i in graded["relu_in_place"].items if i.id == "activations.relu_leaves_input")
    assert "modified its input x" in relu.message["en"]
    sigmoid = next(i for i in graded["sigmoid_naive_overflows"].items if i.id == "activations.sigmoid_large_inputs")
    assert "RuntimeWarning" in sigmoid.message["en"] and "overflow" in sigmoid.message["en"]
    size = next(i for i in graded["conv_output_size_true_division"].items if i.id.endswith("conv_output_size_slides"))
    assert "should return an integer" in size.message["en"] and "4.0" in size.message["en"]


def test_results_follow_the_contract(graded):
    for result in graded.values():
        data = result.to_json()
        assert set(data) == {"submission", "score", "max_score", "gradable", "units", "items"}
        assert data["score"] == sum(i["score"] for i in data["items"])
        for item in data["items"]:
            assert set(item) == {"id", "unit", "exercise", "score", "max_score", "status", "visibility", "message",
                                 "diagnosis"}
            assert item["status"] in STATUSES and item["visibility"] in ("public", "hidden")
            assert set(item["message"]) == {"zh-TW", "en"}


def _grade(files, **options):
    options.setdefault("units", NUMPY_UNITS)
    return engine.grade(loader.from_files("t", files), **options)


WRONG_CONV2D = solution_files()["convolution.py"].replace(
    '    return np.einsum("ijab,ab->ij", windows, kernel)\n', "    return np.zeros((1, 1))\n")


def _statuses(result):
    return {i.id: i.status for i in result.items}


def test_monkeypatched_numpy_changes_nothing_in_the_parent():
    """np.allclose & co. patched to always agree, at import: the result is exactly that
    of the same wrong module without the patches."""
    patches = (
        "import numpy\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "numpy.isclose = lambda *a, **k: True\n"
        "numpy.array_equal = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
    )
    plain = _grade(solution_files(convolution=WRONG_CONV2D), units=["convolution"])
    hostile = _grade(solution_files(convolution=patches + WRONG_CONV2D), units=["convolution"])
    assert _statuses(hostile) == _statuses(plain)
    assert _statuses(hostile)["convolution.conv2d_slide_sobel"] == "failed"
    assert hostile.score == plain.score < 100


def test_patched_builtins_gain_nothing():
    """Builtins patched at import can only break the student's own computations."""
    patches = "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
    plain = _grade(solution_files(convolution=WRONG_CONV2D), units=["convolution"])
    hostile = _grade(solution_files(convolution=patches + WRONG_CONV2D), units=["convolution"])
    passed_plain = {k for k, v in _statuses(plain).items() if v == "passed"}
    passed_hostile = {k for k, v in _statuses(hostile).items() if v == "passed"}
    assert passed_hostile <= passed_plain
    assert hostile.score <= plain.score


def test_infinite_loop_times_out_that_item_only():
    source = solution_files()["activations.py"].replace(
        "    t = np.tanh(_as_float(x))\n    return (1.0 - t * t)[()]\n",
        "    while True:\n        pass\n")
    from autograder.host.runner import Limits

    result = _grade(solution_files(activations=source), units=["activations"], limits=Limits(wall=1.0, cpu=2.0))
    by_status = {}
    for item in result.items:
        by_status.setdefault(item.status, set()).add(item.exercise)
    assert by_status["timeout"] == {"tanh_derivative"}
    assert "tanh_derivative" not in by_status["passed"]
    assert result.score == 100 - sum(i.max_score for i in result.items if i.exercise == "tanh_derivative")
    item = next(i for i in result.items if i.status == "timeout")
    assert "time limit (1.0 s)" in item.message["en"]


CONV_OUTPUT_SIZE = "def conv_output_size(n, k, stride=1, padding=0):\n"


def _conv_output_size_that(does_at_224):
    """The solution's convolution.py whose conv_output_size prints each call and, for
    n = 224 (the 4th of the 5 calls that one item makes together), does ``does_at_224``."""
    source = solution_files()["convolution.py"]
    assert source.count(CONV_OUTPUT_SIZE) == 1
    return solution_files(convolution=source.replace(CONV_OUTPUT_SIZE, CONV_OUTPUT_SIZE + (
        "    print(f'case {n}')\n"
        f"    if n == 224:\n        {does_at_224}\n")))


@pytest.mark.parametrize("isolation", ["auto", "none"])
def test_calls_made_together_fail_where_calls_made_one_by_one_would(isolation):
    """``student.each`` sends an item's independent calls in one request. A call that
    raises is reported as that call, with what it and the calls before it printed; the
    calls after it are not run; the other items are unaffected. In this process too."""
    result = _grade(_conv_output_size_that("raise ValueError('no 224 here')"), units=["convolution"],
                    isolation=isolation)
    failing = {i.id: i for i in result.items if i.status != "passed"}
    assert set(failing) == {"convolution.conv_output_size_stride_and_padding"}
    message = failing["convolution.conv_output_size_stride_and_padding"].message["en"]
    assert "conv_output_size(n=224, k=7, stride=2, padding=3)" in message and "no 224 here" in message
    if isolation != "none":  # in this process, what the student's code prints goes to its stdout
        assert "case 32" in message and "case 28" in message and "case 224" in message
        assert "case 10" not in message  # the 5th call comes after the failing one: never run


def test_a_call_that_hangs_among_calls_made_together_is_the_one_named():
    """Each call of a batch has the time limit it would have on its own, so the call that
    hangs is the one the timeout names."""
    from autograder.host.runner import Limits

    result = _grade(_conv_output_size_that("while True: pass"), units=["convolution"],
                    limits=Limits(wall=1.0, cpu=2.0))
    failing = {i.id: i for i in result.items if i.status != "passed"}
    assert set(failing) == {"convolution.conv_output_size_stride_and_padding"}
    item = failing["convolution.conv_output_size_stride_and_padding"]
    assert item.status == "timeout"
    assert "conv_output_size(n=224, k=7, stride=2, padding=3)" in item.message["en"]
    assert "time limit (1.0 s)" in item.message["en"]


def _count_round_trips(monkeypatch):
    """Count the requests the grader sends its children (each one round trip)."""
    from autograder.host import runner

    count = {"round_trips": 0}
    for name in ("request", "calls"):
        original = getattr(runner.Child, name)

        def counted(self, *args, _original=original, **kwargs):
            count["round_trips"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(runner.Child, name, counted)
    return count


def test_the_first_requests_of_a_units_items_go_together(monkeypatch):
    """Once a unit's module is imported, the first request of every item of the unit is
    sent at once (planned from the reference): a submission of the four NumPy units
    takes a few dozen round trips to its children, not one per item."""
    count = _count_round_trips(monkeypatch)
    result = _grade(solution_files())
    assert result.score == result.max_score
    items = len(result.items)
    assert count["round_trips"] < items / 3, (count, items)


def test_an_item_whose_calls_were_not_sent_ahead_asks_for_itself(monkeypatch):
    """Over the budget for replies sent ahead, or when no plan was made, each item asks
    the child itself, and every result is the same."""
    from autograder.grading import student

    files = solution_files(activations=MUTANTS[8].submission().files["activations.py"].decode())
    ahead = _grade(files)
    monkeypatch.setattr(student, "REPLY_BUDGET", 1)  # a request of several calls runs only its first
    count = _count_round_trips(monkeypatch)
    asked = _grade(files)
    assert asked.to_json() == ahead.to_json()
    assert count["round_trips"] > len(asked.items)


def test_calls_the_child_cannot_read_together_go_one_by_one(tmp_path):
    """A request of several calls that the child cannot decode (a grader function it does
    not know) runs none of them: the calls then go one by one, and only the bad one fails,
    with its own message."""
    import numpy as np

    from autograder.grading.problems import StudentError
    from autograder.grading.student import RemoteModule, StudentSession
    from autograder.host.runner import Limits, Sandbox
    from autograder.sandbox.codec import fn

    sandbox = Sandbox(tmp_path / "sandbox")
    try:
        sandbox.stage({"activations.py": solution_files()["activations.py"].encode()})
        session = StudentSession(sandbox, {"activations": None}, Limits())
        student = RemoteModule(session, "activations")
        x, got = np.array([1.0, 2.0]), []
        cases = [(fn("cube"), x, 1e-3), (fn("no_such_function"), x, 1e-3), (fn("cube"), x, 1e-3)]
        with pytest.raises(StudentError, match="unknown grader function 'no_such_function'"):
            for _case, value in student.each("numerical_derivative", cases):
                got.append(value)
        assert len(got) == 1 and np.allclose(got[0], 3 * x**2, rtol=1e-5)
        session.close()
    finally:
        sandbox.close()


@pytest.mark.parametrize("isolated", [True, False])
def test_a_value_too_large_to_send_among_calls_made_together_is_that_calls_error(tmp_path, isolated):
    """A returned list of over a million items cannot be sent: that call reports it (not
    as a broken wire), the calls before it have their values, and no call runs twice."""
    from autograder.grading.problems import StudentError
    from autograder.grading.student import RemoteModule, StudentSession
    from autograder.host.runner import InProcessSandbox, Limits, Sandbox

    sandbox = (Sandbox if isolated else InProcessSandbox)(tmp_path / "sandbox")
    try:
        sandbox.stage({"activations.py": b"RUNS = []\n\ndef f(n):\n    RUNS.append(n)\n    return list(range(n))\n"})
        session = StudentSession(sandbox, {"activations": None}, Limits())
        student, got = RemoteModule(session, "activations"), []
        with pytest.raises(StudentError, match="could not be sent: message holds too many items"):
            for _case, value in student.each("f", [(3,), (4,), (1_100_000,), (5,)]):
                got.append(value)
        assert got == [[0, 1, 2], [0, 1, 2, 3]]
        if not isolated:  # the module lives in this process: its record of calls can be read
            assert session.child.server.modules["activations"].RUNS == [3, 4, 1_100_000]
        session.close()
    finally:
        sandbox.close()


def test_replies_over_their_budget_go_in_further_requests(monkeypatch):
    """A request of several calls stops once its replies reach the budget (what the
    grader holds at once stays small); the calls not run go in the next request, and
    the result is that of one request for all."""
    from autograder.grading import student

    source = solution_files()["convolution.py"].replace("def flatten(x):", (
        "def flatten(x):\n    return np.resize(np.asarray(x, dtype=float).reshape(-1), 300_000)\n\n\n"
        "def _unused(x):"))
    files = solution_files(convolution=source)
    count = _count_round_trips(monkeypatch)
    budgeted = _grade(files, units=["convolution"])
    trips = count["round_trips"]
    monkeypatch.setattr(student, "REPLY_BUDGET", 2**30)
    count["round_trips"] = 0
    unbounded = _grade(files, units=["convolution"])
    assert budgeted.to_json() == unbounded.to_json()
    assert {i.exercise for i in budgeted.items if i.status != "passed"} == {"flatten"}
    assert trips > count["round_trips"]


def test_a_child_that_dies_during_calls_sent_ahead_fails_only_its_items():
    """tanh ends its process: the tanh items say so; the unit's other items, whose
    calls were sent ahead with them, are graded in a fresh child and pass."""
    source = solution_files()["activations.py"].replace(
        "def tanh(x):", "def tanh(x):\n    import os\n    os._exit(3)\n\n\ndef _unused(x):")
    result = _grade(solution_files(activations=source), units=["activations"])
    for item in result.items:
        if item.exercise == "tanh":
            assert item.status == "error" and "exit code 3" in item.message["en"], item.message["en"]
        else:  # the solution's tanh_derivative does not call tanh
            assert item.status == "passed", (item.id, item.message["en"])


def test_a_first_request_unlike_the_plans_is_asked_for_itself(tmp_path):
    """The answer sent ahead is used only for the very request that was planned: an item
    asking anything else (a bit of one input differs) gets the answer to what it asked."""
    import numpy as np

    from autograder.grading.student import CallRecord, FirstRequests, StudentSession, same
    from autograder.host.runner import InProcessSandbox, Limits

    sandbox = InProcessSandbox(tmp_path)
    sandbox.stage({"activations.py": solution_files()["activations.py"].encode()})
    plan = FirstRequests()
    planned = [{"op": "call", "name": "relu", "args": [np.array([-1.0, 2.0])], "kwargs": {}}]
    for item in ("a", "b"):
        plan.record(item, "activations", [dict(r, unit="activations", cpu=10.0) for r in planned], 10.0, [{"ok": True}])
    plan.record("failed", "activations", planned, 10.0, [{"ok": False}])  # what failed on the reference
    plan.record("large", "activations", [dict(planned[0], args=[np.zeros(10**5)])], 10.0, [{"ok": True}])
    plan.done()
    assert set(plan.first) == {"a", "b"}
    session = StudentSession(sandbox, {"activations": None}, Limits(wall=10.0, cpu=10.0), plan=plan)
    session.item = "a"
    session.ensure("activations")
    assert set(session.prefetched) == {"a", "b"}
    asked = [{"op": "call", "name": "relu", "args": [np.array([-1.0, -0.0])], "kwargs": {}}]
    reply, = session.request_many("activations", asked, [CallRecord("relu")], timeout=10.0)
    assert np.array_equal(reply["value"], [0.0, 0.0]) and "a" not in session.prefetched
    session.item = "b"
    reply, = session.request_many("activations", planned, [CallRecord("relu")], timeout=10.0)
    assert np.array_equal(reply["value"], [0.0, 2.0]) and not session.prefetched
    assert not same(0.0, -0.0) and same(float("nan"), float("nan")) and not same(1, 1.0)
    assert not same(np.zeros(2), np.zeros(2, dtype=np.float32)) and same({"w": [np.ones(3)]}, {"w": [np.ones(3)]})


def test_os_exit_at_import_fails_that_module_only():
    files = solution_files(backprop="import os\nos._exit(0)\n")
    result = _grade(files)
    for item in result.items:
        if item.unit == "backprop":
            assert item.status == "error" and "exit code 0" in item.message["en"], item.message["en"]
        else:
            assert item.status == "passed", (item.id, item.message["en"])


def test_missing_file_and_missing_function():
    files = solution_files()
    del files["optimizers.py"]
    files["activations.py"] = files["activations.py"].replace("def relu(x):", "def my_relu(x):")
    result = _grade(files, units=["activations", "optimizers"])
    for item in result.items:
        if item.unit == "optimizers":
            assert item.status == "missing" and "optimizers.py is missing" in item.message["en"]
        elif item.exercise == "relu":
            assert item.status == "missing" and "activations.py has no relu" in item.message["en"]
        else:
            assert item.status == "passed", item.id


def test_printed_output_is_shown_truncated_where_an_item_fails():
    source = solution_files()["activations.py"].replace(
        "def relu(x):", "def relu(x):\n    print('debug relu', 'x' * 5000)\n    return x")
    result = _grade(solution_files(activations=source), units=["activations"])
    item = next(i for i in result.items if i.exercise == "relu")
    assert item.status == "failed"
    assert "your code printed: debug relu" in item.message["en"]
    assert "more characters not shown" in item.message["en"] and len(item.message["en"]) < 1500
    assert next(i for i in result.items if i.exercise == "sigmoid").message["en"] == "Passed."


def test_syntax_error_names_the_line():
    source = solution_files()["optimizers.py"].replace("def gd_step(w, grad, lr):", "def gd_step(w, grad, lr)")
    result = _grade(solution_files(optimizers=source), units=["optimizers"])
    assert {i.status for i in result.items} == {"error"}
    message = result.items[0].message["en"]
    assert "syntax error" in message and "optimizers.py, line" in message


def test_same_submission_same_result():
    files = solution_files(activations=MUTANTS[8].submission().files["activations.py"].decode())
    first, second = _grade(files, units=["activations"]), _grade(files, units=["activations"])
    assert first.to_json() == second.to_json()


def test_global_random_generator_gives_the_same_result_every_time():
    """Code that shuffles with NumPy's global generator, not the ``rng`` it was given, is
    wrong, and wrong the same way on every run: each call starts from the same seed."""
    mutant = next(m for m in MUTANTS if m.name == "sgd_global_shuffle")
    first, second = (_grade(mutant.files(), units=["optimizers"]) for _ in range(2))
    assert {i.id for i in first.items if i.status != "passed"} == mutant.fails
    assert first.to_json() == second.to_json()


def test_grading_in_this_process_leaves_its_cpu_limit_alone():
    """A notebook's ``grade()`` runs the functions in the kernel itself: the per-call CPU
    limit of the sandbox's children must not stay on the kernel (it would kill it later)."""
    import resource

    before = resource.getrlimit(resource.RLIMIT_CPU)
    result = _grade(solution_files(), units=["activations"], isolation="none")
    assert result.score == result.max_score
    assert resource.getrlimit(resource.RLIMIT_CPU) == before


def test_a_module_that_imports_keras_is_not_graded_where_the_machine_has_no_tensorflow(monkeypatch):
    """The student's cifar10_cnn.py imports Keras at the top, as the course teaches; on a
    grading machine without TensorFlow that import fails. That is the machine's lack: the
    NumPy-only items are not graded (counted in neither score nor maximum), not errors."""
    from autograder.course import machine

    monkeypatch.setattr(machine, "has", lambda requirement: requirement != "tensorflow")
    source = "raise ModuleNotFoundError(\"No module named 'keras'\")  # as `import keras` fails there\n" + (
        solution_source("cifar10_cnn"))
    result = engine.grade(loader.from_files("imports_keras", {"cifar10_cnn.py": source}), units=["cifar10_cnn"],
                          exercises=list(CNN_NUMPY_EXERCISES))
    assert {i.status for i in result.items} == {"not_graded"}
    assert result.score == result.max_score == 0
    assert "TensorFlow" in result.items[0].message["en"]
    other = "raise ModuleNotFoundError(\"No module named 'scipy_extra'\")\n" + solution_source("cifar10_cnn")
    broken = engine.grade(loader.from_files("imports_other", {"cifar10_cnn.py": other}), units=["cifar10_cnn"],
                          exercises=list(CNN_NUMPY_EXERCISES))
    assert {i.status for i in broken.items} == {"error"}  # any other missing module is the student's


def test_a_grader_fault_is_an_internal_error_that_travels_with_its_result(monkeypatch, tmp_path):
    """A grader that raises makes its items errors, says it is the grader's fault, and
    hands its traceback on with the result — to `grade`'s caller and to a batch's report."""
    from autograder.batch import driver
    from autograder.course import reference

    real = reference.load

    def broken(unit):
        if unit == "activations":
            raise RuntimeError("the reference is broken")
        return real(unit)

    monkeypatch.setattr(reference, "load", broken)
    options = {"units": ["activations"], "isolation": "none"}
    result = engine.grade(loader.from_files("alice", solution_files()), **options)
    errors = [i for i in result.items if i.status == "error"]
    assert errors and all("the reference is broken" in i.message["en"] for i in errors)
    assert all(i.status == "passed" for i in result.items if i not in errors)
    assert len(result.grader_faults) == len(errors)
    assert all("RuntimeError: the reference is broken" in fault for fault in result.grader_faults)
    assert "grader_faults" not in result.to_json()

    class HereExecutor:
        def run(self, tasks, on_event):
            driver.grade_stream(tasks, on_event, options)

    samples.write_class(tmp_path / "class", {"alice": solution_files()})
    report = driver.run_batch(tmp_path / "class", tmp_path / "out", units=["activations"], progress=False,
                              executor=HereExecutor(), export=False, nbgrader=False)
    assert not report.ok and report.graded == 1
    assert len(report.faults) == len(errors) and all(f.startswith("alice: ") for f in report.faults)
