"""The warm process of one grading worker: pays the start-up cost once, forks a child
per submission.

It is started (inside the sandbox when there is one) with the worker's end of a
``SOCK_SEQPACKET`` control socket and imports NumPy, so each child starts warm. It
never runs student code itself, and makes itself non-dumpable so that a child cannot
read or trace it.

Control messages are small JSON objects, one per packet:

``{"op": "spawn", "folder": F, "workdir": W, "limits": {...}}`` + a socket fd
    Fork a child in a new session that serves `server.serve` on that socket;
    reply ``{"pid": pid}``.
``{"op": "kill", "pid": pid}``
    SIGKILL the child's process group; reply with how it ended.
``{"op": "status", "pid": pid, "wait": seconds}``
    How a child ended (``{"state": "running"}`` if it has not).
``{"op": "cleanup"}``
    Kill every other process in the sandbox (only with a private PID namespace).
``{"op": "preload", "modules": [...]}``
    Import more modules (TensorFlow for the CNN unit) before forking.
"""

import ctypes
import json
import os
import resource
import signal
import socket
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4


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


class Zygote:
    def __init__(self, control, private_pids):
        self.control = control
        self.private_pids = private_pids
        self.statuses = {}

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.statuses[pid] = describe_status(status)

    def status(self, pid, wait=0.0):
        deadline = time.monotonic() + float(wait)
        while True:
            self.reap()
            if pid in self.statuses:
                return self.statuses.pop(pid)
            if time.monotonic() >= deadline:
                return {"state": "running"}
            time.sleep(0.005)

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

    def kill(self, pid):
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass
        return self.status(pid, wait=2.0)

    def cleanup(self):
        if not self.private_pids:
            return {"done": False}
        try:
            os.kill(-1, signal.SIGKILL)  # everything in this PID namespace but init and us
        except ProcessLookupError:
            pass
        self.reap()
        self.statuses.clear()
        return {"done": True}

    def preload(self, modules):
        loaded = []
        for name in modules:
            try:
                __import__(name)
                loaded.append(name)
            except Exception as exc:  # noqa: BLE001 - reported to the worker
                return {"error": f"{name}: {type(exc).__name__}: {exc}"}
        return {"loaded": loaded}

    def serve(self):
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.control, 65536, 4)
            except OSError:
                os._exit(0)
            if not data:
                os._exit(0)
            try:
                msg = json.loads(data)
                op = msg.get("op")
                if op == "spawn":
                    reply = self.spawn(msg, fds)
                elif op == "kill":
                    reply = self.kill(int(msg["pid"]))
                elif op == "status":
                    reply = self.status(int(msg["pid"]), msg.get("wait", 0.0))
                elif op == "cleanup":
                    reply = self.cleanup()
                elif op == "preload":
                    reply = self.preload(msg.get("modules", []))
                elif op == "ping":
                    reply = {"pong": os.getpid()}
                else:
                    reply = {"error": f"unknown op {op!r}"}
            except Exception as exc:  # noqa: BLE001 - keep serving; the worker sees the error
                reply = {"error": f"{type(exc).__name__}: {exc}"}
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

    from autograder.sandbox import codec, server  # noqa: F401 - server: what every child runs

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
    """``python -m autograder.sandbox.zygote FD [--private-pids]``."""
    argv = sys.argv[1:] if argv is None else argv
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    sys.stdin = open(os.devnull)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    _warm_up()

    control = socket.socket(fileno=int(argv[0]))
    Zygote(control, "--private-pids" in argv).serve()


if __name__ == "__main__":
    main()
