"""The parent's side of the isolated runner: a warm sandboxed zygote per worker, and a
child per submission that answers calls under limits.

::

    worker (trusted: pytest, graders, reference)
      └── Sandbox: zygote process (bwrap namespaces when available), NumPy imported
            └── Child: forked per submission, imports the student's modules

The worker talks to the zygote on a ``SOCK_SEQPACKET`` control socket, and to each
child on its own stream socket through `autograder.sandbox.protocol` frames. Every
read from a child has a deadline; on a breach the child's process group is killed and
the next request gets a fresh child. A zygote that stops answering is replaced.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder import isolation
from autograder.sandbox import codec, protocol

CONTROL_TIMEOUT = 10.0


@dataclass
class Limits:
    """Limits of one student child.

    Attributes
    ----------
    wall : float
        Seconds of wall-clock time per call (the authoritative limit).
    cpu : float
        Seconds of CPU time per call (``RLIMIT_CPU``, reset before each call).
    import_wall : float
        Seconds to import one module.
    memory : int
        Bytes of address space (``RLIMIT_AS``).
    processes : int
        Processes and threads of the sandbox (a pids cgroup where one is available,
        ``RLIMIT_NPROC`` for non-root users).
    file_size : int
        Largest file the child may write, in bytes (``RLIMIT_FSIZE``).
    open_files : int
        ``RLIMIT_NOFILE``.
    cpu_total : int
        CPU seconds over the child's whole life.
    """

    wall: float = 3.0
    cpu: float = 3.0
    import_wall: float = 10.0
    memory: int = 2 * 1024**3
    processes: int = 64
    file_size: int = 16 * 1024**2
    open_files: int = 256
    cpu_total: int = 600

    def rlimits(self):
        """The values `autograder.sandbox.zygote.apply_limits` takes."""
        d = asdict(self)
        return {k: d[k] for k in ("memory", "processes", "file_size", "open_files", "cpu_total")}


class SandboxFault(RuntimeError):
    """The zygote failed (not the student's fault); the sandbox was restarted."""


class ChildTimeout(Exception):
    """A request to a child missed its deadline; the child was killed."""


class ChildDied(Exception):
    """A child ended during a request.

    Attributes
    ----------
    status : dict
        From the zygote: ``{"state": "exited", "code": n}`` or
        ``{"state": "signaled", "signal": "SIGKILL"}`` (or ``"running"``/unknown).
    """

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class ChildProtocolError(Exception):
    """A child sent something that is not a well-formed reply; it was killed."""


class Sandbox:
    """One zygote, its staging folders and its isolation.

    Parameters
    ----------
    root : Path
        An empty folder owned by this worker. ``root/submission`` receives the files of
        the submission being graded, ``root/scratch`` is the child's working folder.
    mode : {"auto", "namespaces", "limits"}
        ``"namespaces"`` needs bubblewrap; ``"auto"`` uses it when it works and falls
        back to ``"limits"`` (resource limits only) with a warning.
    processes : int
        Process limit for the whole sandbox, where a pids cgroup can enforce it.
    """

    def __init__(self, root, mode="auto", processes=Limits.processes):
        self.root = Path(root)
        self.submission_dir = self.root / "submission"
        self.scratch_dir = self.root / "scratch"
        for d in (self.submission_dir, self.scratch_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.plan = isolation.plan(mode, self.submission_dir, self.scratch_dir, processes)
        self.proc = None
        self.control_sock = None
        self.starts = 0
        self.preloaded = set()
        self.start()

    # ------------------------------------------------------------------ lifecycle
    def start(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command, env = self.plan.command(theirs.fileno())
        self.proc = subprocess.Popen(
            command,
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=self.scratch_dir,
        )
        theirs.close()
        self.control_sock = ours
        self.plan.zygote_pid = self.proc.pid
        self.starts += 1
        self.preloaded = set()
        self.ready = False  # the first control message waits for the zygote's start-up

    def _wait_ready(self):
        self.ready = True
        try:
            self.control({"op": "ping"}, timeout=60.0, restart=False)
        except SandboxFault:
            self.stop()
            raise SandboxFault(f"the sandbox did not start ({self.plan.describe()})") from None

    def stop(self):
        if self.control_sock is not None:
            self.control_sock.close()
            self.control_sock = None
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        self.plan.release()

    def restart(self):
        self.stop()
        self.plan.acquire()
        self.start()

    def close(self):
        self.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ control
    def control(self, msg, fds=(), timeout=CONTROL_TIMEOUT, restart=True):
        """Send a control message to the zygote and return its JSON reply.

        Raises
        ------
        SandboxFault
            The zygote did not answer in time or answered with an error; with
            ``restart`` the sandbox is started afresh first.
        """
        if not self.ready:
            self._wait_ready()
        try:
            self.control_sock.settimeout(timeout)
            socket.send_fds(self.control_sock, [json.dumps(msg).encode()], list(fds))
            data = self.control_sock.recv(65536)
            if not data:
                raise OSError("zygote closed the control socket")
            reply = json.loads(data)
        except (OSError, ValueError) as exc:
            if restart:
                self.restart()
            raise SandboxFault(f"zygote did not answer {msg.get('op')!r}: {exc}") from None
        if "error" in reply:
            raise SandboxFault(f"zygote: {reply['error']}")
        return reply

    def preload(self, modules):
        """Import ``modules`` in the zygote (e.g. TensorFlow) so children start warm."""
        missing = [m for m in modules if m not in self.preloaded]
        if missing:
            self.control({"op": "preload", "modules": missing}, timeout=120.0)
            self.preloaded.update(missing)

    # ------------------------------------------------------------------ staging
    def stage(self, files):
        """Replace the submission folder's contents with ``files`` and empty scratch.

        Parameters
        ----------
        files : dict
            ``{relative name: bytes}``; names are plain file names (the loader has
            checked them).
        """
        for folder in (self.submission_dir, self.scratch_dir):
            _empty(folder)
        for name, data in files.items():
            (self.submission_dir / name).write_bytes(data)

    def spawn(self, limits):
        """Fork a fresh child for the staged submission."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            reply = self.control(
                {
                    "op": "spawn",
                    "folder": self.plan.inside(self.submission_dir),
                    "workdir": self.plan.inside(self.scratch_dir),
                    "limits": limits.rlimits(),
                },
                fds=[theirs.fileno()],
            )
        finally:
            theirs.close()
        return Child(self, ours, reply["pid"])

    def cleanup(self):
        """Kill whatever a submission left running in the sandbox."""
        if self.plan.private_pids:
            self.control({"op": "cleanup"})
        self.plan.kill_strays()


def _empty(folder):
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except FileNotFoundError:
                pass


class InProcessSandbox:
    """No isolation at all: student code runs in this very process.

    For measuring the cost of isolation (the benchmarks' lower bound), and for the
    ``grade()`` of a notebook, whose functions already live in the kernel: never for
    grading submitted files. It stages files like `Sandbox` and answers requests with the
    same server code, through the same codec, without a process boundary, and without
    the per-call CPU limit (it would stay on this process).
    """

    def __init__(self, root, mode="none", processes=None, modules=None):
        self.modules = dict(modules or {})
        self.root = Path(root)
        self.submission_dir = self.root / "submission"
        self.scratch_dir = self.root / "scratch"
        for d in (self.submission_dir, self.scratch_dir):
            d.mkdir(parents=True, exist_ok=True)

    stage = Sandbox.stage

    def spawn(self, limits):
        child = InProcessChild(str(self.submission_dir))
        child.server.modules.update(self.modules)
        return child

    def cleanup(self):
        pass

    def close(self):
        pass


class InProcessChild:
    """`Child`'s interface over an in-process `autograder.sandbox.server.Server`."""

    def __init__(self, folder):
        from autograder.sandbox.server import Server

        self.server = Server(folder, cpu_limits=False)  # this process lives on after grading
        self.alive = True

    def request(self, req, timeout):
        decoded = codec.decode(codec.encode(req), resolve=self.server._resolve)
        reply = self.server.handle(decoded)
        reply["output"] = self.server.out.take()
        return codec.decode(codec.encode(reply, lenient=True))

    def kill(self):
        self.alive = False

    close = kill


class Child:
    """One forked child serving one submission."""

    def __init__(self, sandbox, sock, pid):
        self.sandbox = sandbox
        self.sock = sock
        self.pid = pid
        self.alive = True

    def request(self, req, timeout):
        """Send ``req`` and return the decoded reply dict.

        Raises
        ------
        ChildTimeout, ChildDied, ChildProtocolError
            The child was killed (or had ended); it must not be used again.
        """
        if not self.alive:
            raise ChildDied({"state": "gone"})
        started = time.monotonic()
        try:
            protocol.send_frame(self.sock, codec.encode(req))
            data = protocol.recv_frame(self.sock, timeout=timeout)
        except protocol.Deadline:
            self.kill()
            raise ChildTimeout(time.monotonic() - started) from None
        except (protocol.ChannelClosed, BrokenPipeError, ConnectionResetError):
            self.alive = False
            self.sock.close()
            raise ChildDied(self._status()) from None
        except ValueError as exc:  # over-long frame
            self.kill()
            raise ChildProtocolError(str(exc)) from None
        try:
            reply = codec.decode(data)
        except codec.CodecError as exc:
            self.kill()
            raise ChildProtocolError(str(exc)) from None
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            self.kill()
            raise ChildProtocolError("reply is not a dict with 'ok'")
        return reply

    def _status(self):
        try:
            status = self.sandbox.control({"op": "status", "pid": self.pid, "wait": 2.0})
        except SandboxFault:
            return {"state": "unknown"}
        if status.get("state") == "running":  # closed its socket but lives on: end it
            status = self.sandbox.control({"op": "kill", "pid": self.pid})
        return status

    def kill(self):
        if self.alive:
            self.alive = False
            self.sock.close()
            try:
                self.sandbox.control({"op": "kill", "pid": self.pid})
            except SandboxFault:
                pass

    close = kill
