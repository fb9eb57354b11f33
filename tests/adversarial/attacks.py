"""Hostile and broken submissions, each with the outcome the grader must give.

Every attack is a student of one class; the class also holds control students (an
honest solution, and one with a plain wrong ``sigmoid``), so an attack that "works"
shows up as a difference from the controls. Only units 1 and 2 are graded: the
attacks live in ``activations.py`` (``convolution.py`` is the honest solution, and
must keep its full marks unless the attack kills the whole child).
"""

import io
import json
import zipfile
from dataclasses import dataclass, field

from autograder.authoring import samples
from autograder.course import paths
from autograder.intake import loader

UNITS = ["convolution", "activations"]
SENTINEL_ENV = "AUTOGRADER_TEST_SECRET"
SENTINEL_VALUE = "do-not-leak-3f9c"


def activations(prefix="", replace=()):
    """The solution's activations.py with ``prefix`` code at the top and replacements."""
    source = samples.solution_source("activations")
    for old, new in replace:
        assert old in source, old
        source = source.replace(old, new, 1)
    return prefix + source


SIGMOID_BODY = ("    x = _as_float(x)\n    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows\n"
                "    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]\n")
TANH_BODY = "    return np.tanh(_as_float(x))[()]\n"


def sigmoid_body(new):
    return [(SIGMOID_BODY, new)]


def tanh_body(new):
    return [(TANH_BODY, new)]


WRONG_SIGMOID = sigmoid_body("    return np.zeros_like(_as_float(x))[()]\n")


@dataclass
class Attack:
    """One hostile or broken student.

    ``expect(result, results)`` raises AssertionError when the outcome is not the one
    the grader must give; ``results`` holds every student's result by name.
    """

    name: str
    does: str
    files: dict = field(default_factory=dict)
    archive: bytes = None
    expect: object = None
    needs_namespaces: bool = False
    host_paths: tuple = ()  # files the attack tries to create on the host: must not exist after
    expect_out: object = None  # expect_out(result, out_dir): checks of the batch's files, when given


def with_solutions(**modules):
    files = {f"{u}.py": samples.solution_source(u) for u in UNITS}
    files.update({f"{k}.py": v for k, v in modules.items()})
    return files


# ----------------------------------------------------------------------------- expectations
def statuses(result, unit=None, exercise=None):
    return [i.status for i in result.items if (unit is None or i.unit == unit)
            and (exercise is None or i.exercise == exercise)]


def same_as(control):
    def check(result, results):
        got = {i.id: i.status for i in result.items}
        want = {i.id: i.status for i in results[control].items}
        assert got == want, {k: (got[k], want[k]) for k in got if got[k] != want[k]}
    return check


def gains_nothing_over(control):
    def check(result, results):
        passed = {i.id for i in result.items if i.status == "passed"}
        allowed = {i.id for i in results[control].items if i.status == "passed"}
        assert passed <= allowed, passed - allowed
    return check


def exercise_is(exercise, *allowed, message=None, others_pass=True, also=()):
    """``exercise``'s items have a status in ``allowed`` and (if given) ``message`` in
    their text; items of the exercises in ``also`` (which call it) may fail too; every
    other item passes."""
    def check(result, results):
        for item in result.items:
            if item.exercise == exercise:
                assert item.status in allowed, (item.id, item.status, item.message["en"])
                if message:
                    assert message in item.message["en"], item.message["en"]
            elif item.exercise in also:
                continue
            elif others_pass:
                assert item.status == "passed", (item.id, item.status, item.message["en"])
    return check


SIGMOID_USERS = ("sigmoid_derivative",)  # the solution's sigmoid_derivative calls sigmoid


def unit_is(unit, *allowed, message=None):
    """Every item of ``unit`` has a status in ``allowed``; the other unit passes."""
    def check(result, results):
        for item in result.items:
            if item.unit == unit:
                assert item.status in allowed, (item.id, item.status)
                if message:
                    assert message in item.message["en"], item.message["en"]
            else:
                assert item.status == "passed", (item.id, item.status, item.message["en"])
    return check


def unreadable(reason):
    def check(result, results):
        assert not result.gradable and result.score == 0
        assert all(i.status == "error" and reason in i.message["en"] for i in result.items), result.items[0].message
    return check


def printed(text, also=None):
    def check(result, results):
        messages = " ".join(i.message["en"] for i in result.items)
        assert text in messages, messages[:2000]
        if also:
            also(result, results)
    return check


def all_of(*checks):
    def check(result, results):
        for c in checks:
            c(result, results)
    return check


# ----------------------------------------------------------------------------- archives
def zip_bomb():
    """A 1.5 GB member of zeros that compresses to about 1.5 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("activations.py", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(1500):
                member.write(chunk)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- the attacks
SOLUTION_FINDER = '''
import os, sys, importlib.util
def _find_reference():
    seen = []
    starts = [os.getcwd(), os.path.dirname(os.path.abspath(__file__))] + [p for p in sys.path if p]
    for start in starts:
        here = os.path.abspath(start)
        for _ in range(8):
            for candidate in (os.path.join(here, "solutions", "activations.py"),
                              os.path.join(here, "autograder", "graders", "test_activations.py")):
                if os.path.exists(candidate):
                    return candidate
            here = os.path.dirname(here)
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "site-packages", "dist-packages", "share")]
        if "activations.py" in files and root.endswith("solutions"):
            return os.path.join(root, "activations.py")
    return None
_REF = _find_reference()
print("reference found:", _REF)
'''


def build_attacks(host_tmp):
    """The attacks; ``host_tmp`` is a host folder the attacks try to write into."""
    marker = str(host_tmp / "pwned")
    course_file = str(paths.COURSE_ROOT / "evil.py")  # the grader's own folder
    return [
        Attack("numpy_patched", "patches np.allclose, np.isclose, np.array_equal and np.testing at import; "
               "its sigmoid is wrong",
               with_solutions(activations=activations(
                   "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n"
                   "numpy.array_equal = lambda *a, **k: True\nnumpy.testing.assert_allclose = lambda *a, **k: None\n",
                   WRONG_SIGMOID)),
               expect=same_as("control_wrong_sigmoid")),
        Attack("builtins_patched", "replaces isinstance, abs and len in builtins at import; its sigmoid is wrong",
               with_solutions(activations=activations(
                   "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
                   "_len = builtins.len\nbuiltins.len = lambda x: 0\n", WRONG_SIGMOID)),
               expect=gains_nothing_over("control_wrong_sigmoid")),
        Attack("pytest_patched", "imports pytest and replaces pytest.fail, pytest.approx and "
               "pytest.raises; its sigmoid is wrong",
               with_solutions(activations=activations(
                   "import pytest\npytest.fail = lambda *a, **k: None\npytest.approx = lambda *a, **k: object()\n"
                   "pytest.raises = lambda *a, **k: None\n", WRONG_SIGMOID)),
               expect=same_as("control_wrong_sigmoid")),
        Attack("codec_forged", "replaces the child's codec so that every reply claims success",
               with_solutions(activations=activations(
                   "from autograder.sandbox import codec as _c\n"
                   "_c.encode = lambda value, **k: b'{\"ok\": true, \"value\": 1.0}'\n")),
               expect=unit_is("activations", "error", message="not valid data")),
        Attack("lying_ndarray_subclass", "returns an ndarray subclass whose == and allclose say yes",
               with_solutions(activations=activations(
                   "import numpy as _np\nclass Liar(_np.ndarray):\n    def __eq__(self, other):\n        return True\n"
                   "    def __array_finalize__(self, obj):\n        pass\n",
                   sigmoid_body("    return _np.zeros_like(_as_float(x)).view(Liar)\n"))),
               expect=same_as("control_wrong_sigmoid")),
        Attack("lying_array_protocol", "returns an object whose __array__, __float__ and __eq__ lie",
               with_solutions(activations=activations(
                   "class Liar:\n    def __array__(self, *a, **k):\n        import numpy\n"
                   "        return numpy.zeros(3)\n    def __float__(self):\n        return 0.5\n"
                   "    def __eq__(self, other):\n        return True\n",
                   sigmoid_body("    return Liar()\n"))),
               expect=exercise_is("sigmoid", "failed", message="object", also=SIGMOID_USERS)),
        Attack("array_ufunc_hijack", "returns an object that overrides __array_ufunc__ to answer True",
               with_solutions(activations=activations(
                   "class Hijack:\n    def __array_ufunc__(self, *a, **k):\n        return True\n",
                   sigmoid_body("    return Hijack()\n"))),
               expect=exercise_is("sigmoid", "failed", also=SIGMOID_USERS)),
        Attack("pickle_reduce", "returns an object whose __reduce__ would run a shell command if unpickled",
               with_solutions(activations=activations(
                   f"import os\nclass Boom:\n    def __reduce__(self):\n"
                   f"        return (os.system, ('touch {marker}',))\n",
                   sigmoid_body("    return Boom()\n"))),
               expect=exercise_is("sigmoid", "failed", also=SIGMOID_USERS), host_paths=(marker,)),
        Attack("nan_and_inf", "returns nan and inf instead of numbers",
               with_solutions(activations=activations(
                   "", sigmoid_body("    return np.full_like(_as_float(x), np.nan)[()]\n")
                   + tanh_body("    return np.full_like(_as_float(x), np.inf)[()]\n"))),
               expect=all_of(exercise_is("sigmoid", "failed", message="nan", others_pass=False),
                             exercise_is("tanh", "failed", message="inf", others_pass=False))),
        Attack("huge_array", "returns a 400 MB array",
               with_solutions(activations=activations("", sigmoid_body("    return np.zeros(50_000_000)\n"))),
               expect=exercise_is("sigmoid", "error", message="cannot be passed", also=SIGMOID_USERS)),
        Attack("os_exit_at_import", "calls os._exit(0) when imported",
               with_solutions(activations="import os\nos._exit(0)\n"),
               expect=unit_is("activations", "error", message="exit code 0")),
        Attack("sys_exit_in_function", "calls sys.exit(3) inside sigmoid",
               with_solutions(activations=activations("", sigmoid_body("    import sys\n    sys.exit(3)\n"))),
               expect=exercise_is("sigmoid", "error", message="sys.exit", also=SIGMOID_USERS)),
        Attack("ignores_sigterm_and_loops", "ignores SIGTERM and SIGINT, then loops forever in tanh",
               with_solutions(activations=activations(
                   "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                   "signal.signal(signal.SIGINT, signal.SIG_IGN)\n", tanh_body("    while True:\n        pass\n"))),
               expect=exercise_is("tanh", "timeout", message="time limit")),
        Attack("catches_base_exception", "loops forever catching BaseException",
               with_solutions(activations=activations("", tanh_body(
                   "    while True:\n        try:\n            sum(range(10**6))\n"
                   "        except BaseException:\n            pass\n"))),
               expect=exercise_is("tanh", "timeout", message="time limit")),
        Attack("memory_bomb", "allocates 20 GB in tanh",
               with_solutions(activations=activations("", tanh_body("    return np.ones((50_000, 50_000))\n"))),
               expect=exercise_is("tanh", "error", message="out of memory")),
        Attack("fork_bomb", "forks 1000 sleeping children in tanh",
               with_solutions(activations=activations("", tanh_body(
                   "    import os, time\n    for _ in range(1000):\n        if os.fork() == 0:\n"
                   "            time.sleep(120)\n            os._exit(0)\n    return np.tanh(x)\n"))),
               expect=exercise_is("tanh", "error", "timeout")),
        Attack("thread_left_running", "starts a thread that spins forever, and returns the right values",
               with_solutions(activations=activations(
                   "import threading\ndef _spin():\n    while True:\n        pass\n"
                   "threading.Thread(target=_spin, daemon=True).start()\n")),
               expect=gains_nothing_over("control_solution")),
        Attack("prints_50_mb", "prints 50 MB in sigmoid, and returns wrong values",
               with_solutions(activations=activations("", [(SIGMOID_BODY, "    print('spam ' * 10_000_000)\n"
                                                            "    return np.zeros_like(_as_float(x))[()]\n")])),
               expect=printed("more characters not shown", same_as("control_wrong_sigmoid"))),
        Attack("reads_the_reference", "walks up from its folder, scans sys.path and / for solutions/ and the "
               "graders, and would use what it finds",
               with_solutions(activations=activations(SOLUTION_FINDER, sigmoid_body(
                   "    if _REF:\n        spec = importlib.util.spec_from_file_location('r', _REF)\n"
                   "        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
                   "        return m.sigmoid(x)\n    return np.zeros_like(_as_float(x))[()]\n"))),
               expect=printed("reference found: None", same_as("control_wrong_sigmoid")), needs_namespaces=True),
        Attack("imports_the_grader", "imports autograder.course.reference, autograder.graders and solutions",
               with_solutions(activations=activations(
                   "try:\n    from autograder.course import reference as _r\n    _ref = _r.load('activations')\n"
                   "except Exception as e:\n    print('reference:', type(e).__name__)\n    _ref = None\n"
                   "try:\n    import autograder.graders\n    print('graders: imported')\n"
                   "except Exception as e:\n    print('graders:', type(e).__name__)\n"
                   "try:\n    import solutions.activations as _s\n    print('solutions: imported')\n"
                   "except Exception as e:\n    print('solutions:', type(e).__name__)\n",
                   sigmoid_body("    return _ref.sigmoid(x) if _ref else np.zeros_like(_as_float(x))[()]\n"))),
               expect=printed("solutions: ModuleNotFoundError", same_as("control_wrong_sigmoid")),
               needs_namespaces=True),
        Attack("writes_fake_results", "writes results.jsonl, gradebook.csv and a gradebook.sqlite where it can",
               with_solutions(activations=activations(
                   "import os, json\nfor d in ('.', '/tmp', '/submission', os.path.expanduser('~')):\n"
                   "    for name in ('results.jsonl', 'gradebook.csv', 'gradebook.sqlite'):\n"
                   "        try:\n            open(os.path.join(d, name), 'w').write(json.dumps({'score': 500}))\n"
                   "        except OSError as e:\n            print(d, name, type(e).__name__)\n")),
               expect=same_as("control_solution"), needs_namespaces=True),
        Attack("writes_outside_its_folder", "writes into /etc, ../.., the grader's course folder and the host's /tmp",
               with_solutions(activations=activations(
                   f"import os\nfor p in ('/etc/autograder-evil', '../../evil.py', '{marker}-2', "
                   f"'{course_file}', os.path.expanduser('~/evil.py')):\n"
                   "    try:\n        open(p, 'w').write('x')\n        print('wrote', p)\n"
                   "    except OSError as e:\n        print('refused', p, type(e).__name__)\n")),
               expect=same_as("control_solution"), host_paths=(f"{marker}-2", course_file),
               needs_namespaces=True),
        Attack("uses_the_network", "opens sockets to the internet and to the host's loopback (and has a wrong "
               "sigmoid, so that what it printed is shown)",
               with_solutions(activations=activations(
                   "import socket\nfor addr in (('1.1.1.1', 80), ('127.0.0.1', 22), ('127.0.0.1', 8786)):\n"
                   "    try:\n        socket.create_connection(addr, timeout=1).close()\n"
                   "        print('connected', addr)\n"
                   "    except OSError as e:\n        print('no network', addr, type(e).__name__)\n", WRONG_SIGMOID)),
               expect=printed("no network ('1.1.1.1', 80)", same_as("control_wrong_sigmoid")), needs_namespaces=True),
        Attack("kills_its_parent", "kills its parent process (the sandbox's zygote) when imported; "
               "its functions are right",
               with_solutions(activations=activations("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")),
               # The child dies with its parent, sooner or later: whatever it answered before
               # that counts; the other unit, and the next students, are untouched.
               expect=unit_is("activations", "error", "passed")),
        Attack("reads_the_environment", "prints the grader's environment variables (and has a wrong sigmoid, so "
               "that what it printed is shown)",
               with_solutions(activations=activations(
                   "import os\nprint('ENV', sorted(os.environ))\n"
                   f"print('SECRET', os.environ.get('{SENTINEL_ENV}'))\n", WRONG_SIGMOID)),
               expect=printed("SECRET None", same_as("control_wrong_sigmoid"))),
        Attack("syntax_error", "has a syntax error",
               with_solutions(activations=activations("", [("def relu(x):", "def relu(x)")])),
               expect=unit_is("activations", "error", message="syntax error")),
        Attack("import_error", "imports a module that does not exist",
               with_solutions(activations="import no_such_module_for_grading\n" + samples.solution_source("activations")),
               expect=unit_is("activations", "error", message="ModuleNotFoundError")),
        Attack("wrong_signature", "defines sigmoid(x, y)",
               with_solutions(activations=activations("", [("def sigmoid(x):", "def sigmoid(x, y):")])),
               expect=exercise_is("sigmoid", "error", message="TypeError", also=SIGMOID_USERS)),
        Attack("missing_file", "hands in convolution.py only",
               {"convolution.py": samples.solution_source("convolution")},
               expect=unit_is("activations", "missing", message="activations.py is missing")),
        Attack("zip_slip", "a zip whose member is ../../evil.py",
               archive=loader.zip_bytes({"../../evil.py": "x = 1\n", "activations.py": samples.solution_source("activations")}),
               expect=unreadable("unsafe path")),
        Attack("zip_bomb", "a 1.5 MB zip that inflates to 1.5 GB",
               archive=zip_bomb(), expect=unreadable("larger than")),
        Attack("non_utf8_source", "activations.py in Latin-1 without a coding line",
               with_solutions(activations=activations("# caf\xe9\n").encode("latin-1", "replace")),
               expect=unit_is("activations", "error")),
        Attack("malformed_notebook", "a 02_activations.ipynb that is not JSON, and no activations.py",
               {"convolution.py": samples.solution_source("convolution"), "02_activations.ipynb": "{not json"},
               expect=unit_is("activations", "error", message="could not be read")),
        Attack("notebook_with_empty_cells_trick", "a notebook whose answer cell rewires the kernel "
               "(get_ipython().input_transformers_post)",
               {"convolution.py": samples.solution_source("convolution"),
                "02_activations.ipynb": json.dumps({"cells": [{"cell_type": "code", "metadata": {"nbgrader": {
                    "grade_id": "answer_sigmoid", "solution": True}}, "source":
                    "get_ipython().input_transformers_post.append(lambda lines: [])\n"
                    "def sigmoid(x):\n    raise NotImplementedError()\n"}], "metadata": {}, "nbformat": 4,
                    "nbformat_minor": 5})},
               expect=unit_is("activations", "not_implemented")),
        *sandbox_attacks(),
    ]


# ----------------------------------------------------------------------------- the box and the wire
FORGE = '''
import sys as _sys
def _forge(payload, request_offset=0):
    """Send ``payload`` on the child's own reply socket, as the server would."""
    from autograder.sandbox import protocol as _p
    frame = _sys._getframe()
    while frame is not None and "request_id" not in frame.f_locals:
        frame = frame.f_back
    _p.send_frame(frame.f_locals["sock"], payload, frame.f_locals["request_id"] + request_offset)
'''


def _forged_tanh(payload, then="    import os\n    os._exit(0)\n", offset=0):
    """``payload``: the reply's bytes, or the text of an expression the child evaluates
    (for replies too large to hand in as source)."""
    expression = payload if isinstance(payload, str) else repr(payload)
    return with_solutions(activations=activations(FORGE, tanh_body(
        f"    _forge({expression}, {offset})\n" + then)))


def sandbox_attacks():
    """Attacks on the box (privileges, what survives a submission) and on the wire."""
    return [
        Attack("writes_kernel_settings", "writes /proc/sys/kernel/printk_ratelimit and opens core_pattern for "
               "writing; its sigmoid is wrong",
               with_solutions(activations=activations(
                   "for _p in ('/proc/sys/kernel/printk_ratelimit', '/proc/sys/kernel/core_pattern'):\n"
                   "    try:\n        _old = open(_p).read()\n        open(_p, 'w').write(_old)\n"
                   "        print('sysctl written:', _p)\n"
                   "    except OSError as _e:\n        print('sysctl refused:', type(_e).__name__)\n",
                   WRONG_SIGMOID)),
               expect=all_of(printed("sysctl refused"), same_as("control_wrong_sigmoid")), needs_namespaces=True),
        Attack("nested_user_namespace", "tries to make a user namespace (unshare -U) to regain capabilities",
               with_solutions(activations=activations(
                   "import ctypes as _ct\n_r = _ct.CDLL(None, use_errno=True).unshare(_ct.c_int(0x10000000))\n"
                   "print('userns refused' if _r != 0 else 'userns made')\n", WRONG_SIGMOID)),
               expect=all_of(printed("userns refused"), same_as("control_wrong_sigmoid")), needs_namespaces=True),
        Attack("plants_modules", "leaves numpy.py and sitecustomize.py in /tmp, /dev/shm, scratch and every "
               "sys.path folder it can write, for the students graded after it",
               with_solutions(activations=activations(
                   "import os as _os, sys as _sys\n_evil = 'raise SystemExit(\"planted\")\\n'\n"
                   "for _d in ['/tmp', '/dev/shm', _os.getcwd(), *_sys.path]:\n"
                   "    for _n in ('numpy.py', 'sitecustomize.py', 'activations.py'):\n"
                   "        try:\n            open(_os.path.join(_d or '.', _n), 'w').write(_evil)\n"
                   "        except OSError:\n            pass\n")),
               expect=same_as("control_solution")),
        Attack("runs_what_others_left", "writes nothing itself: runs any solution another student left in "
               "/tmp, /dev/shm or SysV shared memory",
               with_solutions(activations=activations(
                   "import glob as _g, ctypes as _ct\n_found = _g.glob('/tmp/*.py') + _g.glob('/dev/shm/*')\n"
                   "_found = [f for f in _found if 'sigmoid' in open(f, errors='ignore').read()]\n"
                   "_shm = _ct.CDLL(None).shmget(0x5EED, 0, 0)\n"
                   "print('left by others:', len(_found), 'shm', _shm >= 0)\n", WRONG_SIGMOID)),
               expect=all_of(printed("left by others: 0 shm False"), same_as("control_wrong_sigmoid")),
               needs_namespaces=True),
        Attack("leaves_for_others", "copies its (right) activations.py to /tmp and SysV shared memory",
               with_solutions(activations=activations(
                   "import ctypes as _ct, shutil as _sh\n_sh.copy(__file__, '/tmp/left_solution.py')\n"
                   "_ct.CDLL(None).shmget(0x5EED, 4096, 0o1000 | 0o666)\n")),
               expect=same_as("control_solution")),
        Attack("fills_the_disk", "writes 2 GB into /tmp and its working folder in 1 MB files",
               with_solutions(activations=activations(
                   "import os as _os\n_n = 0\nfor _d in ('/tmp', '.'):\n    try:\n"
                   "        for _i in range(2000):\n"
                   "            open(_os.path.join(_d, f'f{_i}'), 'wb').write(b'x' * (1 << 20))\n            _n += 1\n"
                   "    except OSError as _e:\n        print('disk full after', _n, 'MB:', type(_e).__name__)\n",
                   WRONG_SIGMOID)),
               expect=all_of(printed("disk full after"), same_as("control_wrong_sigmoid")), needs_namespaces=True),
        Attack("reply_output_not_text", "sends the grader a forged reply whose 'output' is a number",
               _forged_tanh(b'{"$":"dict","items":[["ok",true],["value",1.0],["output",5]]}'),
               expect=exercise_is("tanh", "error", message="not valid data")),
        Attack("reply_fields_of_other_types", "sends forged replies whose 'mutated' and 'message' have other types",
               _forged_tanh(b'{"$":"dict","items":[["ok",true],["value",1.0],["mutated","all"]]}'),
               expect=exercise_is("tanh", "error", message="not valid data")),
        Attack("reply_to_another_request", "answers with the id of a later request, then returns normally",
               _forged_tanh(b'{"$":"dict","items":[["ok",true],["value",1.0]]}', then="    return np.tanh(x)\n",
                            offset=1),
               expect=exercise_is("tanh", "error", message="not valid data")),
        Attack("reply_out_of_turn", "sends, among the calls the grader makes together, a reply of the right "
               "request that claims to be another call's, then returns normally",
               _forged_tanh(b'{"$":"dict","items":[["ok",true],["value",1.0],["index",2]]}',
                            then="    return np.tanh(x)\n"),
               expect=exercise_is("tanh", "error", message="not valid data")),
        Attack("reply_deeply_nested", "sends a 5000-deep nest of lists as its reply",
               _forged_tanh(b"[" * 5000 + b"]" * 5000),
               expect=exercise_is("tanh", "error", message="not valid data")),
        Attack("reply_of_many_empty_lists_forged", "sends a 6 MB reply of 2 million empty lists (about 150 MB "
               "once parsed)",
               _forged_tanh('b"[" + b"[]," * 2_000_000 + b"[]]"'),
               expect=exercise_is("tanh", "error", message="too many items")),
        Attack("reply_of_many_empty_lists", "returns 5 million empty lists from tanh (15 MB that would parse "
               "into 400 MB)",
               with_solutions(activations=activations("", tanh_body("    return [[]] * 5_000_000\n"))),
               expect=exercise_is("tanh", "error", "timeout")),
    ]


CONTROLS = {
    "control_solution": with_solutions(),
    "control_wrong_sigmoid": with_solutions(activations=activations("", WRONG_SIGMOID)),
}
