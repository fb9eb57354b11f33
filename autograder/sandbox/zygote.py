"""The warm process of one grading worker: pays the start-up cost once, makes a fresh
box per submission, and a child per unit in it.

::

    zygote (per worker; inside bubblewrap when there is one; never runs student code)
      └── box (per submission: new namespaces and tmpfs, unprivileged, seccomp; see `box`)
            └── child (per unit of the submission: imports the student's module)

The zygote is started with the worker's end of a ``SOCK_SEQPACKET`` control socket
and imports NumPy, so each box and child starts warm. It makes itself non-dumpable so
that nothing it forks can read or trace it. A box serves the same control protocol on
its own socket, for its children.

Control messages are small JSON objects, one per packet; every one carries an ``id``
that its reply repeats:

``{"op": "box", "settings": {...}, "owner": [uid, gid] | null}`` + a socket fd (zygote)
    Fork a box that serves this protocol on that socket; reply ``{"pid": pid}``.
``{"op": "close_box", "pid": pid}`` (zygote)
    End the box and everything in it; reply with how it ended.
``{"op": "spawn", "folder": F, "workdir": W, "limits": {...}}`` + a socket fd (box)
    Fork a child in a new session that serves `server.serve` on that socket;
    reply ``{"pid": pid}``.
``{"op": "kill", "pid": pid, "wait": seconds}``
    SIGKILL the child's process group; reply with how it ended (``wait`` 0: at once,
    ``{"state": "killed"}``).
``{"op": "status", "pid": pid, "wait": seconds}``
    How a child ended (``{"state": "running"}`` if it has not).
``{"op": "cleanup"}`` (box)
    Kill every other process of the box (when the box can tell them: its own PID
    namespace, or its own uid).
"""

import ctypes
import gc
import json
import os
import resource
import signal
import socket
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MAX_CONTROL_BYTES = 65536


def _prctl(option, value):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the limits still apply
        pass


def describe_status(status):
    """``{"state": "exited", "code": n}`` or ``{"state": "signaled", "signal": "SIGXCPU"}``."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return {"state": "signaled", "signal": name}
    return {"state": "exited", "code": os.WEXITSTATUS(status)}


def apply_limits(limits):
    """Set the child's resource limits (``limits`` maps names to numbers; 0 skips)."""
    pairs = {
        "memory": resource.RLIMIT_AS,
        "file_size": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
        "cpu_total": resource.RLIMIT_CPU,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in pairs.items():
        value = int(limits.get(key) or 0)
        if value > 0:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
    processes = int(limits.get("processes") or 0)
    if processes > 0 and os.getuid() != 0:  # RLIMIT_NPROC does not bind root
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _kill_uid(uid):
    """SIGKILL every process of ``uid`` (a box's own uid: nothing else has it)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    os.kill(int(entry), signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass


def _others_running(dying=()):
    """Whether a process of this uid other than this one (and ``dying``, already sent
    SIGKILL) is alive (not a zombie)."""
    me, uid = os.getpid(), os.getuid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me or int(entry) in dying:
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            with open(f"/proc/{entry}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in (b"Z", b"X"):
            return True
    return False


class Zygote:
    """Serves control messages on ``control``.

    Parameters
    ----------
    control : socket.socket
    sweep : bool
        Whether ``cleanup`` may kill every other process it can signal (true in a box
        that is the init of its PID namespace or runs as a uid of its own).
    """

    def __init__(self, control, sweep=False):
        self.control = control
        self.sweep = sweep
        self.statuses = {}
        self.killed = set()  # children sent SIGKILL and not yet reaped
        self.boxes = {}  # box pid -> its uid or None (zygote only)

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.killed:  # nobody asks how a discarded child ended
                self.killed.discard(pid)
                continue
            self.statuses[pid] = describe_status(status)

    def status(self, pid, wait=0.0):
        deadline = time.monotonic() + float(wait)
        pause = 0.0002  # a killed child is gone within a millisecond or so: look again soon
        while True:
            self.reap()
            if pid in self.statuses:
                return self.statuses.pop(pid)
            if time.monotonic() >= deadline:
                return {"state": "running"}
            time.sleep(pause)
            pause = min(pause * 2, 0.005)

    # ------------------------------------------------------------------ zygote: boxes
    def open_box(self, msg, fds):
        """Fork the box of one submission (see `autograder.sandbox.box`)."""
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            return {"error": "box needs exactly one socket"}
        settings = dict(msg.get("settings") or {})
        owner = tuple(msg["owner"]) if msg.get("owner") else None
        read_end, write_end = os.pipe()
        pid = self._fork()
        if pid == 0:
            os.close(read_end)
            self._become_box(settings, owner, fds[0], write_end)  # never returns
        os.close(write_end)
        os.close(fds[0])
        report = b""
        while True:
            chunk = os.read(read_end, 4096)
            if not chunk:
                break
            report += chunk
        os.close(read_end)
        lines = report.decode(errors="replace").splitlines()
        box_pid = next((int(x.split()[1]) for x in lines if x.startswith("pid ")), pid)
        if "ready" not in lines:
            for target in {box_pid, pid}:
                self.kill(target)
            errors = [x for x in lines if x.startswith("error")]
            return {"error": errors[0] if errors else "the box did not start"}
        # Without a PID namespace of its own, what the box leaves is found by its uid.
        self.boxes[box_pid] = (owner[0] if owner and not settings.get("namespaces") else None, pid)
        return {"pid": box_pid}

    def _fork(self, patience=10.0):
        """``os.fork()``, waiting while the process limit is still taken by a box that
        is being torn down (its processes count until the kernel has reaped them)."""
        deadline = time.monotonic() + patience
        pause = 0.001
        while True:
            try:
                return os.fork()
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise
                self.reap()
                time.sleep(pause)
                pause = min(pause * 2, 0.1)

    def _become_box(self, settings, owner, fd, report_fd):
        from autograder.sandbox import box

        try:
            self.control.close()
            os.setsid()
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
                signal.signal(sig, signal.SIG_DFL)
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if settings.get("namespaces"):
                box.enter_namespaces()
                inner = os.fork()
                if inner:  # stays as the box's parent, so the box dies with the zygote
                    os.write(report_fd, f"pid {inner}\n".encode())
                    os.close(report_fd)
                    os.close(fd)
                    _, status = os.waitpid(inner, 0)
                    os._exit(0)
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                box.build_file_systems(settings, owner)
            else:
                os.write(report_fd, f"pid {os.getpid()}\n".encode())
            box.seal(settings, owner)
            os.chdir(settings["scratch"])  # as the box's user: root without capabilities may not
            _prctl(PR_SET_DUMPABLE, 0)  # changing uid reset it
            os.write(report_fd, b"ready\n")
            os.close(report_fd)
            sweep = settings.get("namespaces") or (owner is not None and os.getuid() == owner[0] != 0)
            Zygote(socket.socket(fileno=fd), sweep=bool(sweep)).serve()
        except BaseException as exc:  # noqa: BLE001 - told to the zygote, which tells the worker
            try:
                os.write(report_fd, f"error {type(exc).__name__}: {exc}\n".encode()[:1000])
            except OSError:
                pass
        finally:
            os._exit(70)

    def close_box(self, pid):
        """End the box ``pid``: as the init of its PID namespace, everything in it ends
        with it; without one, what runs as its uid is killed too."""
        uid, parent = self.boxes.pop(pid, (None, pid))
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if uid is not None:
            _kill_uid(uid)
        # The parent ends once the box has, and the box (its PID namespace's init) once the
        # kernel has reaped everything in it: then the next box has the whole process limit.
        status = self.status(parent, wait=10.0)
        if status.get("state") == "running":
            self.kill(parent, wait=1.0)
        return status

    # ------------------------------------------------------------------ box: children
    def spawn(self, msg, fds):
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            return {"error": "spawn needs exactly one socket"}
        pid = os.fork()
        if pid == 0:  # the child
            try:
                self.control.close()
                os.setsid()
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
                    signal.signal(sig, signal.SIG_DFL)
                os.chdir(msg["workdir"])
                sys.path.insert(0, msg["folder"])
                apply_limits(msg.get("limits", {}))
                from autograder.sandbox import server

                server.serve(socket.socket(fileno=fds[0]), msg["folder"])
            finally:
                os._exit(70)
        os.close(fds[0])
        return {"pid": pid}

    def kill(self, pid, wait=2.0):
        """SIGKILL ``pid``'s process group; with ``wait``, say how it ended (else it is
        reaped later, and the reply is ``{"state": "killed"}``)."""
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass
        if not wait:
            self.killed.add(pid)
            self.reap()
            return {"state": "killed"}
        return self.status(pid, wait=wait)

    def cleanup(self):
        if not self.sweep:
            return {"done": False}
        self.reap()
        if not _others_running(self.killed):
            return {"done": True}  # nothing left but what is already dying: no need to wait
        try:
            os.kill(-1, signal.SIGKILL)  # everything this box may signal, but itself
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 2.0
        pause = 0.0002
        while time.monotonic() < deadline:  # until the killed (and the orphans it inherits) are reaped
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(pause)
                pause = min(pause * 2, 0.005)
        self.statuses.clear()
        return {"done": True}

    def handle(self, msg, fds):
        op = msg.get("op")
        if op == "box":
            return self.open_box(msg, fds)
        for fd in fds:  # only "box" and "spawn" take a descriptor
            if op != "spawn":
                os.close(fd)
        if op == "spawn":
            return self.spawn(msg, fds)
        if op == "close_box":
            return self.close_box(int(msg["pid"]))
        if op == "kill":
            return self.kill(int(msg["pid"]), float(msg.get("wait", 2.0)))
        if op == "status":
            return self.status(int(msg["pid"]), float(msg.get("wait", 0.0)))
        if op == "cleanup":
            return self.cleanup()
        if op == "ping":
            return {"pong": os.getpid()}
        return {"error": f"unknown op {op!r}"}

    def serve(self):
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.control, MAX_CONTROL_BYTES, 4)
            except OSError:
                os._exit(0)
            if not data:
                os._exit(0)
            msg = {}
            try:
                msg = json.loads(data)
                reply = self.handle(msg, fds)
            except Exception as exc:  # noqa: BLE001 - keep serving; the worker sees the error
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            if isinstance(msg, dict) and "id" in msg:
                reply["id"] = msg["id"]
            self.control.send(json.dumps(reply).encode())


def _warm_up():
    """What every child inherits ready: NumPy with the parts it loads on first use, the
    server, and their first-call set-ups run once. Without it each child paid them again:
    ``numpy.random`` (the ``rng`` arguments) and ``numpy.ma`` (``np.median``) alone took
    ~20 ms a submission. Nothing of the course's solutions or graders is loaded here."""
    import numpy as np
    import numpy.lib.stride_tricks
    import numpy.linalg
    import numpy.ma  # noqa: F401
    import numpy.random

    from autograder.sandbox import box, codec, server  # noqa: F401 - server: what every child runs

    box.prepare_seccomp()  # the filter is built once; each box only loads it

    rng = np.random.default_rng(0)
    np.random.seed(0)
    x = rng.random((6, 6))
    window = numpy.lib.stride_tricks.sliding_window_view(np.pad(x, 1), (3, 3))
    np.median(window, axis=(-2, -1))
    np.einsum("ijab,ab->ij", window, np.ones((3, 3)))
    np.sort(x, axis=None)
    numpy.linalg.norm(x)
    codec.decode(codec.encode({"x": x, "v": [1.5, "s", None]}))


def main(argv=None):
    """``python -m autograder.sandbox.zygote FD``."""
    argv = sys.argv[1:] if argv is None else argv
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    sys.stdin = open(os.devnull)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    _warm_up()
    # What the warm-up made is shared with every box and child: left to the garbage
    # collector, each fork's first collection would write to (and so copy) all of it.
    gc.collect()
    gc.freeze()

    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    control = socket.socket(fileno=int(argv[0]))
    Zygote(control).serve()


if __name__ == "__main__":
    main()
