"""How a sandbox is launched: Linux namespaces through bubblewrap where they work,
resource limits alone where they do not.

With namespaces the zygote and its boxes see a read-only root file system made of the
operating system's ``/usr``, the Python runtime, the site-packages the grader uses,
``autograder/sandbox`` (mounted on its own, so the graders beside it stay out of
sight) and the submission's files (read-only). They have no network and their own PID
namespace. The zygote keeps only the capabilities it needs to make a box per
submission (``CAP_SYS_ADMIN`` for its namespaces and mounts, ``CAP_SETUID`` and
``CAP_SETGID`` to leave root); a box drops them all before any student code runs
(`autograder.sandbox.box`). When the grader runs as root, bubblewrap makes no user
namespace (one would map the box's uid 0 to the host's root) and each box runs as the
worker's own unprivileged uid (`box_owner`), which the host sees.

With resource limits only, a box is a plain process: still unprivileged when the
grader is root (if the Python runtime can be read by other users) and still under the
seccomp filter, but it shares the machine's ``/tmp`` and sees what that uid may read.

A pids cgroup (cgroup v1 ``pids`` controller, where the grader may create one) bounds
the number of processes and threads of the whole sandbox; without one, only
``RLIMIT_NPROC`` does, which Linux does not apply to root.
"""

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import uuid
import warnings
from pathlib import Path

from autograder.course import paths

SANDBOX_ROOT = "/opt/autograder"
IN_SUBMISSION = "/submission"
IN_SCRATCH = "/scratch"
PIDS_CGROUP = Path("/sys/fs/cgroup/pids")
#: Boxes run as ``BOX_UID_BASE + worker pid``: a uid of their own per worker, which no
#: account or file of the machine has, so a box's processes can be told (and counted
#: by ``RLIMIT_NPROC``) by their uid alone.
BOX_UID_BASE = 2_000_000_000
ZYGOTE_CAPS = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID")

_BOOT = (
    "import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
    "from autograder.sandbox.zygote import main; main(sys.argv[2:])"
)


class IsolationWarning(UserWarning):
    """Namespaces were asked for or expected but are not available."""


def _python():
    """The interpreter binary (a venv's ``python`` resolved to the real one)."""
    return os.path.realpath(sys.executable)


def _site_dirs():
    """site-packages folders the parent imports NumPy (and TensorFlow) from."""
    found = []
    for p in sys.path:
        if p and ("site-packages" in p or "dist-packages" in p) and os.path.isdir(p) and p not in found:
            found.append(os.path.realpath(p))
    for key in ("purelib", "platlib"):
        p = os.path.realpath(sysconfig.get_paths()[key])
        if os.path.isdir(p) and p not in found:
            found.append(p)
    return found


#: Folders each box mounts afresh: a runtime folder below one of them would be hidden.
BOX_PRIVATE = ("/tmp", "/dev", "/proc", IN_SCRATCH, IN_SUBMISSION)
SITE_ROOT = "/opt/site-packages"


def _bound_sites():
    """``[(site folder, where the sandbox sees it)]``: at its own path, unless that is
    below a folder a box mounts afresh (a virtual environment made under ``/tmp``), which
    would hide it from the box; such a folder is seen under `SITE_ROOT`."""
    out = []
    for i, site in enumerate(_site_dirs()):
        private = any(site == p or site.startswith(p + "/") for p in BOX_PRIVATE)
        out.append((site, f"{SITE_ROOT}/{i}" if private else site))
    return out


def child_env(scratch: str) -> dict[str, str]:
    """The scrubbed environment of the sandbox: nothing of the grader's leaks in."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "KERAS_HOME": str(Path(scratch) / ".keras"),
        "MPLBACKEND": "Agg",
        "CUDA_VISIBLE_DEVICES": "",
    }


def _unshare_flags():
    """bubblewrap's namespaces: no user namespace as root (see the module's docstring)."""
    if os.geteuid() == 0:
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    return ["--unshare-all"]


def _cap_flags():
    flags = ["--cap-drop", "ALL"]
    for cap in ZYGOTE_CAPS:
        flags += ["--cap-add", cap]
    return flags


def box_owner():
    """``(uid, gid)`` of this worker's boxes when the grader runs as root, else `None`."""
    if os.geteuid() != 0:
        return None
    uid = BOX_UID_BASE + os.getpid()
    return (uid, uid)


def _reachable_by_others(path):
    """Whether a user with no rights of its own can reach and read ``path``."""
    path = Path(os.path.realpath(path))
    for folder in [*reversed(path.parents), path]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return False
        if not mode & 0o001:
            return False
    return bool(path.stat().st_mode & 0o004)


@functools.cache
def bwrap_works() -> bool:
    """Whether ``bwrap`` is installed and can create the namespaces we use here."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        result = subprocess.run(
            [bwrap, *_unshare_flags(), *_cap_flags(), "--die-with-parent", "--ro-bind", "/", "/",
             "--proc", "/proc", "--dev", "/dev", "true"],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def pids_cgroup_available() -> bool:
    """Whether a cgroup v1 ``pids`` group can be made here."""
    return PIDS_CGROUP.is_dir() and os.access(PIDS_CGROUP, os.W_OK)


class PidsCgroup:
    """A ``pids`` cgroup that bounds one sandbox's processes and threads."""

    def __init__(self, limit):
        self.limit = limit
        self.path = None

    @staticmethod
    def sweep():
        """Remove empty groups left by graders that were killed before they could."""
        for stale in PIDS_CGROUP.glob("autograder-*"):
            try:
                owner = int(stale.name.split("-")[1])
                os.kill(owner, 0)
                continue  # its grader still runs
            except ProcessLookupError:
                pass
            except (ValueError, IndexError, PermissionError):
                continue
            try:
                if not (stale / "cgroup.procs").read_text().strip():
                    stale.rmdir()
            except OSError:
                pass

    def acquire(self):
        if self.path is not None:
            return
        self.sweep()
        path = PIDS_CGROUP / f"autograder-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(self.limit))
        except OSError:
            return
        self.path = path

    def wrap(self, command):
        """``command`` started inside the cgroup (the shell joins it, then execs)."""
        if self.path is None:
            return command
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.path / "cgroup.procs"), *command]

    def pids(self):
        if self.path is None:
            return []
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def kill_all(self, keep=()):
        for pid in self.pids():
            if pid not in keep:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def release(self):
        if self.path is None:
            return
        self.kill_all()
        for _ in range(50):
            try:
                self.path.rmdir()
                break
            except OSError:
                import time

                time.sleep(0.02)
        self.path = None


class Plan:
    """How to launch one sandbox.

    Attributes
    ----------
    mode : {"namespaces", "limits"}
    private_pids : bool
        The sandbox has its own PID namespace (the zygote may sweep it).
    """

    def __init__(self, mode, submission_dir, scratch_dir, processes):
        self.mode = mode
        self.submission_dir = Path(submission_dir)
        self.scratch_dir = Path(scratch_dir)
        self.private_pids = mode == "namespaces"
        self.cgroup = PidsCgroup(processes) if pids_cgroup_available() else None
        self.zygote_pid = None
        self.owner = box_owner()
        self.seccomp = _seccomp_available()
        if not self.seccomp:
            _warn_seccomp_once()
        if self.owner is not None and mode == "limits":
            self.submission_dir.parent.chmod(0o711)
            needed = [_python(), sys.base_prefix, paths.SANDBOX, self.submission_dir, *_site_dirs()]
            if not all(_reachable_by_others(p) for p in needed):
                self.owner = None
                _warn_root_once()
        self.acquire()

    def describe(self):
        parts = ["Linux namespaces (bubblewrap)" if self.mode == "namespaces" else "resource limits only"]
        if self.owner is not None:
            parts.append(f"unprivileged uid {self.owner[0]}")
        elif os.geteuid() == 0:
            parts.append("as root")
        parts.append("seccomp" if self.seccomp else "no seccomp filter")
        if self.cgroup is not None:
            parts.append(f"pids cgroup ≤ {self.cgroup.limit}")
        return ", ".join(parts)

    def acquire(self):
        if self.cgroup is not None:
            self.cgroup.acquire()

    def release(self):
        if self.cgroup is not None:
            self.cgroup.release()

    def kill_strays(self, keep=()):
        """Without a PID namespace: kill what a submission left in the cgroup, but the
        zygote and the processes ``keep`` (the box, between units)."""
        if self.cgroup is not None and not self.private_pids:
            self.cgroup.kill_all(keep={*keep, *([self.zygote_pid] if self.zygote_pid else [])})

    def inside(self, path):
        """``path`` as the sandbox sees it."""
        if self.mode == "namespaces":
            if Path(path) == self.submission_dir:
                return IN_SUBMISSION
            if Path(path) == self.scratch_dir:
                return IN_SCRATCH
        return str(path)

    def command(self, control_fd):
        """``(argv, env)`` that start the zygote with ``control_fd`` as its control socket."""
        python = _python()
        if self.mode == "limits":
            sys_path = [str(paths.PACKAGE.parent), *_site_dirs()]
            argv = [python, "-I", "-S", "-c", _BOOT, json.dumps(sys_path), str(control_fd)]
            env = child_env(self.scratch_dir)
        else:
            sys_path = [SANDBOX_ROOT, *(inside for _site, inside in _bound_sites())]
            inner = [python, "-I", "-S", "-c", _BOOT, json.dumps(sys_path), str(control_fd)]
            argv = self._bwrap() + ["--"] + inner
            env = {"PATH": "/usr/bin:/bin"}
        return self._wrap(argv), env

    def _wrap(self, argv):
        return self.cgroup.wrap(argv) if self.cgroup is not None else argv

    def _bwrap(self):
        args = [shutil.which("bwrap"), *_unshare_flags(), "--die-with-parent", "--new-session", *_cap_flags()]
        bound = []  # where the sandbox sees each bound folder
        sources = []  # (host folder, where the sandbox sees it)

        def bind(src, dest=None, writable=False):
            src = os.path.realpath(src)
            dest = dest or src
            if any(dest == b or dest.startswith(b.rstrip("/") + "/") for b in bound):
                return
            args.extend(["--bind" if writable else "--ro-bind", src, dest])
            bound.append(dest)
            sources.append((src, dest))

        def seen_at(real):
            """Where the sandbox sees the host path ``real`` (None: not at all)."""
            for src, dest in sources:
                if real == src or real.startswith(src.rstrip("/") + "/"):
                    return dest + real[len(src):]
            return None

        bind("/usr")
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                args.extend(["--symlink", os.readlink(top), top])
            elif os.path.isdir(top):
                bind(top)
        for f in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/passwd", "/etc/group"):
            if os.path.exists(f):
                args.extend(["--ro-bind", f, f])
        args.extend(["--proc", "/proc", "--dev", "/dev", "--dir", "/tmp", "--dir", "/dev/shm"])
        prefix = os.path.realpath(sys.base_prefix)
        bind(prefix)
        bind(os.path.dirname(_python()))
        for site, inside in _bound_sites():
            bind(site, inside)
        # The project itself stays out of sight, wherever it is installed …
        for secret in (paths.PACKAGE, paths.SOLUTIONS, paths.SOURCE, paths.COURSE_ROOT / "tests"):
            real = os.path.realpath(secret)
            inside = seen_at(real)
            if inside is not None and os.path.isdir(real):
                args.extend(["--tmpfs", inside])
        # … except the sandbox package, mounted on its own.
        args.extend(["--ro-bind", str(paths.PACKAGE / "__init__.py"), f"{SANDBOX_ROOT}/autograder/__init__.py"])
        args.extend(["--ro-bind", str(paths.SANDBOX), f"{SANDBOX_ROOT}/autograder/sandbox"])
        args.extend(["--ro-bind", str(self.submission_dir), IN_SUBMISSION])
        args.extend(["--dir", IN_SCRATCH, "--chdir", "/"])
        # bubblewrap makes the folders above a bound path 0700: the box's user must pass them.
        bound += [f"{SANDBOX_ROOT}/autograder/__init__.py", f"{SANDBOX_ROOT}/autograder/sandbox", IN_SUBMISSION]
        made = sorted({str(parent) for dest in bound for parent in Path(dest).parents
                       if str(parent) != "/" and not any(str(parent) == b or str(parent).startswith(b.rstrip("/") + "/")
                                                         for b in bound)})
        for folder in made:
            args.extend(["--chmod", "0755", folder])
        args.extend(["--remount-ro", "/"])  # each box mounts its own /tmp, /dev/shm and scratch
        args.append("--clearenv")
        for key, value in child_env(IN_SCRATCH).items():
            args.extend(["--setenv", key, value])
        return args


def plan(mode: str, submission_dir: Path, scratch_dir: Path, processes: int) -> "Plan":
    """The `Plan` for ``mode`` (``"auto"``, ``"namespaces"`` or ``"limits"``).

    Raises
    ------
    RuntimeError
        ``"namespaces"`` was asked for and bubblewrap cannot create them here.
    """
    if mode not in ("auto", "namespaces", "limits"):
        raise ValueError(f"isolation must be auto, namespaces or limits, not {mode!r}")
    if mode == "auto":
        mode = "namespaces" if bwrap_works() else "limits"
        if mode == "limits":
            _warn_once()
    elif mode == "namespaces" and not bwrap_works():
        raise RuntimeError("namespaces were asked for, but bubblewrap (bwrap) is missing or cannot run here")
    return Plan(mode, submission_dir, scratch_dir, processes)


@functools.cache
def _seccomp_available():
    from autograder.sandbox import box

    return box.seccomp_available()


@functools.cache
def _warn_seccomp_once():
    warnings.warn(
        "libseccomp (the pyseccomp package and libseccomp.so.2) is not available: student code runs without "
        "the seccomp filter (install libseccomp2 and pyseccomp)",
        IsolationWarning,
        stacklevel=3,
    )


@functools.cache
def _warn_root_once():
    warnings.warn(
        "the grader runs as root with resource limits only, and the Python runtime cannot be read by an "
        "unprivileged user: student code runs as root (install bubblewrap, or install Python where every "
        "user can read it)",
        IsolationWarning,
        stacklevel=3,
    )


@functools.cache
def _warn_once():
    warnings.warn(
        "bubblewrap is not available: student code runs with resource limits only, and can read "
        "files the grading user can read (install the 'bubblewrap' package to isolate it)",
        IsolationWarning,
        stacklevel=3,
    )
