"""One submission, one box: unprivileged, sealed, bounded, and gone when the submission is.

Probes are submissions that look around at import and print what they saw; the
printed output is shown on items that did not pass, so each probe also gets
`sigmoid` (or `conv2d`) wrong. Two probes graded one after the other by one engine
share a worker and its sandbox, as two students of a batch do.
"""

import json
import os

import pytest

from autograder.authoring import samples
from autograder.grading import engine
from autograder.host import isolation
from autograder.intake import loader
from autograder.host.runner import BoxLimits

namespaces = pytest.mark.skipif(not isolation.bwrap_works(), reason="bubblewrap cannot create namespaces here")
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the grader is not root here (CI grades as root)")

LOOK = r'''
import ctypes, errno, json, os, subprocess, sys, time
_libc = ctypes.CDLL(None, use_errno=True)
SEEN = {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups()}

def _errno(result):
    return "ok" if result == 0 else errno.errorcode.get(ctypes.get_errno(), "?")

def _try(label, action):
    try:
        action()
        SEEN[label] = "ok"
    except OSError as exc:
        SEEN[label] = errno.errorcode.get(exc.errno, str(exc.errno))

def _write_same(path):
    with open(path) as f:
        old = f.read()
    with open(path, "w") as f:
        f.write(old)

_try("write_printk_ratelimit", lambda: _write_same("/proc/sys/kernel/printk_ratelimit"))
for name in ("kernel/core_pattern", "kernel/pid_max", "vm/overcommit_memory", "vm/drop_caches"):
    _try("open_" + name, lambda name=name: os.close(os.open("/proc/sys/" + name, os.O_WRONLY)))
SEEN["unshare_user"] = _errno(_libc.unshare(ctypes.c_int(0x10000000)))
SEEN["unshare_mount"] = _errno(_libc.unshare(ctypes.c_int(0x00020000)))
SEEN["ptrace_traceme"] = _errno(_libc.ptrace(0, 0, None, None))
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
SEEN["mount"] = _errno(_libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None))
SEEN["bpf"] = _errno(_libc.syscall(321, 0, None, 0))  # bpf(2) on x86-64
SEEN["writable_sys_path"] = [p for p in sys.path if p and os.path.isdir(p) and os.access(p, os.W_OK)]
_try("write_root", lambda: open("/planted", "w").close())
SEEN["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
SEEN["found"] = [p for p in ("/tmp/planted", "/dev/shm/planted", "/scratch/planted") if os.path.exists(p)]
_libc.shmget.restype = ctypes.c_int
SEEN["sysv_found"] = _libc.shmget(0x5EED, 0, 0) >= 0
SEEN["proc_sys_writable"] = os.access("/proc/sys/kernel", os.W_OK)
try:  # a part of the sandbox package the zygote did not import: its folders can be passed
    import autograder.sandbox.keras_drivers
    SEEN["imports_sandbox_module"] = True
except ImportError:
    SEEN["imports_sandbox_module"] = False
'''

PLANT = r'''
for path in ("/tmp/planted", "/dev/shm/planted", "/scratch/planted"):
    try:
        with open(path, "w") as f:
            f.write("left by another student")
    except OSError as exc:
        SEEN["plant_" + path] = str(exc)
SEEN["sysv_made"] = _libc.shmget(0x5EED, 4096, 0o1000 | 0o666) >= 0
_lingering = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
'''

FILL = r'''
def _fill(path, chunk=1 << 20):
    written = 0
    try:
        with open(path, "wb") as f:
            while written < 1 << 30:
                f.write(b"x" * chunk)
                f.flush()
                written += chunk
    except OSError:
        pass
    finally:
        try:
            os.remove(path)
        except OSError:
            pass
    return written >> 20
SEEN["tmp_mib"] = _fill("/tmp/fill")
SEEN["shm_mib"] = _fill("/dev/shm/fill")
'''


def _report(label):
    return f'\nprint("{label}" + json.dumps(SEEN, separators=(",", ":")) + "{label}")\n'


def _activations(*parts, label="@@SEEN@@"):
    return ("".join(parts) + _report(label) + samples.solution_source("activations")
            + "\ndef sigmoid(x):\n    return x\n")


def _seen(result, label="@@SEEN@@", exercise="sigmoid"):
    item = next(i for i in result.items if i.exercise == exercise and i.status != "passed")
    return json.loads(item.message["en"].split(label)[1])


def _grade_in_one_worker(submissions, units=("activations",)):
    """Grade ``submissions`` one after the other in one engine (one worker, one sandbox)."""
    results = []
    engine.Engine(units=list(units), isolation="namespaces").run(submissions, results.append)
    return results


@namespaces
def test_a_box_is_unprivileged_and_sealed():
    (result,) = _grade_in_one_worker([loader.from_files("probe", {"activations.py": _activations(LOOK)})])
    seen = _seen(result)
    if os.geteuid() == 0:  # the grader is root (as in CI and Gradescope): the box is not
        assert seen["uid"] >= isolation.BOX_UID_BASE and seen["gid"] >= isolation.BOX_UID_BASE
        assert seen["groups"] == []
    assert seen["uid"] != 0
    assert seen["write_printk_ratelimit"] in ("EACCES", "EROFS", "EPERM")
    for name in ("kernel/core_pattern", "kernel/pid_max", "vm/overcommit_memory", "vm/drop_caches"):
        assert seen["open_" + name] in ("EACCES", "EROFS", "EPERM"), name
    assert not seen["proc_sys_writable"]
    assert seen["unshare_user"] == "EPERM"  # no nested user namespace
    assert seen["unshare_mount"] == "EPERM"
    assert seen["ptrace_traceme"] == "EPERM"
    assert seen["mount"] == "EPERM"
    assert seen["bpf"] == "EPERM"
    assert seen["writable_sys_path"] == []  # the runtime and the sandbox package are read-only
    assert seen["imports_sandbox_module"]
    assert seen["write_root"] in ("EACCES", "EROFS", "EPERM")
    # Only the box's own processes can be seen: its init and the unit's child.
    assert len(seen["pids"]) <= 3


@namespaces
def test_nothing_a_submission_leaves_reaches_the_next():
    planter = loader.from_files("planter", {"activations.py": _activations(LOOK, PLANT, label="PLANTSEEN")})
    looker = loader.from_files("looker", {"activations.py": _activations(LOOK)})
    first, second = _grade_in_one_worker([planter, looker])
    planted = _seen(first, "PLANTSEEN")
    assert planted["sysv_made"] and not any(k.startswith("plant_") for k in planted)  # the plants took
    seen = _seen(second)
    assert seen["found"] == []
    assert seen["sysv_found"] is False
    assert len(seen["pids"]) <= 3  # the planter's lingering process ended with its box


@namespaces
def test_file_systems_are_bounded():
    (result,) = _grade_in_one_worker([loader.from_files("filler", {"activations.py": _activations(LOOK, FILL)})])
    seen = _seen(result)
    box = BoxLimits()
    assert 0 < seen["tmp_mib"] <= box.tmp_bytes >> 20
    assert 0 < seen["shm_mib"] <= box.shm_bytes >> 20


CONVOLUTION_PATCHES = r'''
import builtins, subprocess, sys, threading, time
builtins.abs = lambda x: 0
builtins.sum = lambda *a, **k: 0
_stay = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
         for _ in range(20)]
threading.Thread(target=time.sleep, args=(60,), daemon=False).start()
'''

ACTIVATIONS_LOOKS = r'''
import builtins, os, json
SEEN = {"abs": builtins.abs(-3), "sum": builtins.sum([1, 2]),
        "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}
'''


@namespaces
def test_one_units_import_state_never_reaches_another_unit():
    convolution = CONVOLUTION_PATCHES + samples.solution_source("convolution")
    activations = ACTIVATIONS_LOOKS + _report("@@SEEN@@") + samples.solution_source("activations") + (
        "\ndef sigmoid(x):\n    return x\n")
    submission = loader.from_files("patcher", {"convolution.py": convolution, "activations.py": activations})
    (result,) = _grade_in_one_worker([submission], units=("convolution", "activations"))
    seen = _seen(result)
    assert seen["abs"] == 3 and seen["sum"] == 3
    assert len(seen["pids"]) <= 3  # the 20 processes of convolution.py were ended
    unit = {i.unit: [] for i in result.items}
    for item in result.items:
        unit[item.unit].append(item)
    assert [i.exercise for i in unit["activations"] if i.status != "passed"] == [
        i.exercise for i in unit["activations"] if i.exercise.startswith("sigmoid")]


SMALL_LOOK = r'''
import ctypes, errno, os
_libc = ctypes.CDLL(None, use_errno=True)
try:
    open("/proc/sys/kernel/printk_ratelimit", "w").close()
    _sysctl = "written"
except OSError as exc:
    _sysctl = errno.errorcode[exc.errno]
_userns = "made" if _libc.unshare(ctypes.c_int(0x10000000)) == 0 else errno.errorcode[ctypes.get_errno()]
print(f"LIMITS uid={os.getuid()} sysctl={_sysctl} userns={_userns} LIMITS")
'''


@as_root
def test_limits_only_as_root_still_runs_unprivileged_and_filtered(monkeypatch):
    """Without namespaces (a container that cannot make them), a root grader's box still
    leaves root, when the Python runtime can be read by others (as in a container)."""
    monkeypatch.setattr(isolation, "_reachable_by_others", lambda path: True)
    source = SMALL_LOOK + samples.solution_source("activations") + "\ndef sigmoid(x):\n    return x\n"
    results = []
    engine.Engine(units=["activations"], isolation="limits").run(
        [loader.from_files("probe", {"activations.py": source})], results.append)
    item = next(i for i in results[0].items if i.status != "passed")
    seen = dict(part.split("=") for part in item.message["en"].split("LIMITS")[1].split())
    assert int(seen["uid"]) >= isolation.BOX_UID_BASE
    assert seen["sysctl"] == "EACCES" and seen["userns"] == "EPERM"
    assert results[0].score == results[0].max_score - sum(
        i.max_score for i in results[0].items if i.exercise.startswith("sigmoid"))


@as_root
def test_limits_only_as_root_warns_when_the_runtime_is_private(monkeypatch, tmp_path):
    monkeypatch.setattr(isolation, "_reachable_by_others", lambda path: False)
    isolation._warn_root_once.cache_clear()
    with pytest.warns(isolation.IsolationWarning, match="runs as root"):
        plan = isolation.plan("limits", tmp_path / "submission", tmp_path / "scratch", 64)
    plan.release()
    assert plan.owner is None and "as root" in plan.describe()


def test_without_libseccomp_the_grader_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(isolation, "_seccomp_available", lambda: False)
    isolation._warn_seccomp_once.cache_clear()
    with pytest.warns(isolation.IsolationWarning, match="seccomp"):
        plan = isolation.plan("limits", tmp_path / "submission", tmp_path / "scratch", 64)
    plan.release()
    assert "no seccomp filter" in plan.describe()


@namespaces
def test_a_runtime_under_tmp_stays_visible_to_the_box(tmp_path, monkeypatch):
    """A virtual environment made under /tmp (a CI clone there) is bound where the box's
    own /tmp does not hide it: a module of it imported only when a function runs (as the
    CNN unit imports Keras) is found."""
    site = tmp_path / "venv" / "lib" / "site-packages"
    site.mkdir(parents=True)
    (site / "lazy_helper_mod.py").write_text("VALUE = 41\n")
    monkeypatch.syspath_prepend(str(site))
    assert str(site).startswith("/tmp/")
    source = samples.solution_source("activations") + (
        "\ndef sigmoid(x):\n    import lazy_helper_mod\n    print('lazy', lazy_helper_mod.VALUE + 1)\n    return x\n")
    (result,) = _grade_in_one_worker([loader.from_files("lazy", {"activations.py": source})])
    item = next(i for i in result.items if i.exercise == "sigmoid" and i.status != "passed")
    assert "lazy 42" in item.message["en"], item.message["en"]
