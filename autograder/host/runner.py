"""The parent's side of the isolated runner: a warm sandboxed zygote per worker, a box
per submission, and a child per unit that answers calls under limits.

::

    worker (trusted: pytest, graders, reference)
      └── Sandbox: zygote process (bwrap namespaces when available), NumPy imported
            └── box: forked per submission — fresh namespaces, tmpfs, unprivileged, seccomp
                  └── Child: forked per unit, imports the student's module of that unit

The worker talks to the zygote and to the box on ``SOCK_SEQPACKET`` control sockets
(`ControlChannel`: every request has an id its reply must repeat), and to each child on
its own stream socket through `autograder.sandbox.protocol` frames. Every read from a
child has a deadline; on a breach the child's process group is killed and the next
request gets a fresh child. A zygote that stops answering is replaced. Ending a box
ends everything the submission started, and its files, shared memory and IPC objects.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from autograder.host import isolation
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

    def with_tensorflow(self) -> "Limits":
        """These limits raised to what importing TensorFlow and training a small Keras
        model need (the CNN unit): minutes, not seconds, 16 GiB of address space and
        TensorFlow's threads."""
        return replace(self, wall=max(self.wall, 120.0), cpu=max(self.cpu, 240.0),
                       import_wall=max(self.import_wall, 120.0), memory=max(self.memory, 16 * 1024**3),
                       processes=max(self.processes, 512), cpu_total=max(self.cpu_total, 3600))

    def rlimits(self) -> dict[str, int]:
        """The values `autograder.sandbox.zygote.apply_limits` takes."""
        d = asdict(self)
        return {k: d[k] for k in ("memory", "processes", "file_size", "open_files", "cpu_total")}


@dataclass
class BoxLimits:
    """Sizes of the file systems of one submission's box (namespaces only).

    Attributes
    ----------
    tmp_bytes, shm_bytes, scratch_bytes : int
        Bytes of the tmpfs at ``/tmp``, ``/dev/shm`` and the working folder. tmpfs
        pages are memory: these bound what a submission can hold outside its
        address-space limit.
    inodes : int
        Files and folders each of them may hold.
    """

    tmp_bytes: int = 128 * 1024**2
    shm_bytes: int = 64 * 1024**2
    scratch_bytes: int = 256 * 1024**2
    inodes: int = 4096

    def settings(self, namespaces: bool, scratch: str) -> dict:
        """What the zygote's ``box`` operation takes."""
        return dict(asdict(self), namespaces=bool(namespaces), scratch=str(scratch))


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


class ControlChannel:
    """One ``SOCK_SEQPACKET`` control socket (to the zygote, or to a box): JSON
    requests, each with an id that its reply must repeat."""

    def __init__(self, sock):
        self.sock = sock
        self.last_id = 0

    def request(self, msg, fds=(), timeout=CONTROL_TIMEOUT):
        """The reply to ``msg``.

        Raises
        ------
        OSError, ValueError
            No reply in time, a closed socket, or a reply that is not the answer to
            this request.
        """
        self.last_id += 1
        msg = dict(msg, id=self.last_id)
        self.sock.settimeout(timeout)
        socket.send_fds(self.sock, [json.dumps(msg).encode()], list(fds))
        data = self.sock.recv(65536)
        if not data:
            raise OSError("the other side closed the control socket")
        reply = json.loads(data)
        if not isinstance(reply, dict) or reply.get("id") != msg["id"]:
            raise ValueError("a reply that does not answer the request")
        return reply

    def close(self):
        self.sock.close()


class Sandbox:
    """One zygote, its staging folders and its isolation; a box per submission.

    Parameters
    ----------
    root : Path
        An empty folder owned by this worker. ``root/submission`` receives the files of
        the submission being graded; ``root/scratch`` is the children's working folder
        when there are no namespaces (with them, each box has a tmpfs of its own).
    mode : {"auto", "namespaces", "limits"}
        ``"namespaces"`` needs bubblewrap; ``"auto"`` uses it when it works and falls
        back to ``"limits"`` (resource limits only) with a warning.
    processes : int
        Process limit for the whole sandbox, where a pids cgroup can enforce it.
    box : BoxLimits, optional
        Sizes of each box's file systems.
    """

    def __init__(self, root: str | Path, mode: str = "auto", processes: int = Limits.processes,
                 box: BoxLimits | None = None):
        self.root = Path(root)
        self.submission_dir = self.root / "submission"
        self.scratch_dir = self.root / "scratch"
        for d in (self.submission_dir, self.scratch_dir):
            d.mkdir(parents=True, exist_ok=True)
            d.chmod(0o755)
        self.plan = isolation.plan(mode, self.submission_dir, self.scratch_dir, processes)
        self.box_limits = box or BoxLimits()
        self.proc = None
        self.host = None
        self.box = None
        self.box_pid = None
        self.starts = 0
        self.boxes = 0
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
        self.host = ControlChannel(ours)
        self.plan.zygote_pid = self.proc.pid
        self.starts += 1
        self.ready = False  # the first control message waits for the zygote's start-up

    def _wait_ready(self):
        self.ready = True
        try:
            self.control({"op": "ping"}, timeout=60.0, restart=False)
        except SandboxFault:
            self.stop()
            raise SandboxFault(f"the sandbox did not start ({self.plan.describe()})") from None

    def stop(self):
        self.box, self.box_pid = None, None
        if self.host is not None:
            self.host.close()
            self.host = None
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
            reply = self.host.request(msg, fds, timeout)
        except (OSError, ValueError) as exc:
            if restart:
                self.restart()
            raise SandboxFault(f"zygote did not answer {msg.get('op')!r}: {exc}") from None
        if "error" in reply:
            raise SandboxFault(f"zygote: {reply['error']}")
        return reply

    def box_control(self, msg, fds=(), timeout=CONTROL_TIMEOUT):
        """Send a control message to the current submission's box.

        Raises
        ------
        SandboxFault
            The box did not answer (it is ended) or answered with an error.
        """
        if self.box is None:
            self.open_box()
        try:
            reply = self.box.request(msg, fds, timeout)
        except (OSError, ValueError) as exc:
            self.close_box()
            raise SandboxFault(f"the box did not answer {msg.get('op')!r}: {exc}") from None
        if "error" in reply:
            raise SandboxFault(f"box: {reply['error']}")
        return reply

    # ------------------------------------------------------------------ boxes
    def open_box(self):
        """A fresh box for the staged submission (`autograder.sandbox.box`)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        settings = self.box_limits.settings(
            namespaces=self.plan.mode == "namespaces", scratch=self.plan.inside(self.scratch_dir))
        settings["seccomp"] = self.plan.seccomp
        try:
            reply = self.control({"op": "box", "settings": settings, "owner": self.plan.owner}, fds=[theirs.fileno()])
        except SandboxFault:
            ours.close()
            raise
        finally:
            theirs.close()
        self.box, self.box_pid = ControlChannel(ours), int(reply["pid"])
        self.boxes += 1

    def close_box(self):
        """End the current box and everything the submission started in it."""
        if self.box is None:
            return
        box, pid = self.box, self.box_pid
        self.box, self.box_pid = None, None
        box.close()
        try:
            self.control({"op": "close_box", "pid": pid})
        except SandboxFault:
            pass
        self.plan.kill_strays()

    # ------------------------------------------------------------------ staging
    def stage(self, files: dict[str, bytes]) -> None:
        """End the previous box, then replace the submission folder's contents with
        ``files`` and empty scratch.

        Parameters
        ----------
        files : dict
            ``{relative name: bytes}``; names are plain file names (the loader has
            checked them).
        """
        self.close_box()
        _stage(self.submission_dir, self.scratch_dir, files)
        if self.plan.owner is not None and self.plan.mode != "namespaces":
            os.chown(self.scratch_dir, *self.plan.owner)

    def spawn(self, limits: Limits) -> "Child":
        """Fork a fresh child in the submission's box (made on first use)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            reply = self.box_control(
                {
                    "op": "spawn",
                    "folder": self.plan.inside(self.submission_dir),
                    "workdir": self.plan.inside(self.scratch_dir),
                    "limits": limits.rlimits(),
                },
                fds=[theirs.fileno()],
            )
        except SandboxFault:
            ours.close()
            raise
        finally:
            theirs.close()
        return Child(self, ours, reply["pid"])

    def sweep(self) -> None:
        """Kill whatever the submission started in its box but the box itself (between
        units: each unit starts with nothing of the previous one running)."""
        if self.box is not None:
            self.box_control({"op": "cleanup"})
        self.plan.kill_strays(keep=[self.box_pid] if self.box is not None else [])

    def cleanup(self) -> None:
        """End the submission's box: its processes, files and IPC objects are gone."""
        self.close_box()


def _stage(submission_dir, scratch_dir, files):
    for folder in (submission_dir, scratch_dir):
        _empty(folder)
    for name, data in files.items():
        path = submission_dir / name
        path.write_bytes(data)
        path.chmod(0o644)  # readable by the box's unprivileged user


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

    def __init__(self, root: str | Path, mode: str = "none", processes: int | None = None,
                 modules: dict | None = None):
        self.modules = dict(modules or {})
        self.root = Path(root)
        self.submission_dir = self.root / "submission"
        self.scratch_dir = self.root / "scratch"
        for d in (self.submission_dir, self.scratch_dir):
            d.mkdir(parents=True, exist_ok=True)

    def stage(self, files: dict[str, bytes]) -> None:
        _stage(self.submission_dir, self.scratch_dir, files)

    def spawn(self, limits: Limits | None) -> "InProcessChild":
        child = InProcessChild(str(self.submission_dir))
        child.server.modules.update(self.modules)
        return child

    def cleanup(self):
        pass

    sweep = cleanup

    def close(self):
        pass


class _Unreadable(Exception):
    """A reply of `InProcessChild.calls` that the grader cannot read: ``(index, why)``."""


class InProcessChild:
    """`Child`'s interface over an in-process `autograder.sandbox.server.Server`."""

    def __init__(self, folder):
        from autograder.sandbox.server import Server

        self.server = Server(folder, cpu_limits=False)  # this process lives on after grading
        self.alive = True

    def request(self, req: dict, timeout: float | None) -> dict:
        """`Child.request`, answered by the same server code in this process: a request
        the server cannot read is a ``codec`` reply, a reply the grader cannot read a
        `ChildProtocolError`, as with a child."""
        from autograder.sandbox.server import encode_reply, run

        data = codec.encode(req)
        try:
            decoded = codec.decode(data, resolve=self.server._resolve)
        except codec.CodecError as exc:
            decoded = {"op": "codec", "message": str(exc)}
        try:
            return codec.decode(encode_reply(run(self.server, decoded, time.process_time()))[0])
        except codec.CodecError as exc:
            raise ChildProtocolError(str(exc)) from None

    def calls(self, req: dict, timeouts: list[float]) -> tuple[dict[int, dict], Exception | None, int | None]:
        """`Child.calls`, answered by the same server code in this process (a request the
        server cannot read runs no call; a reply the grader cannot read ends the calls
        with a `ChildProtocolError` at its index, as with a child)."""
        from autograder.sandbox.server import encode_reply, groups_of, run_groups

        data = codec.encode(req)  # CodecError: the calls cannot go together, as with a child
        try:
            decoded = codec.decode(data, resolve=self.server._resolve)
            groups = groups_of(decoded)
        except codec.CodecError:
            return {}, None, None
        replies = {}

        def keep(reply):
            payload, ok = encode_reply(reply)
            try:
                replies[reply["index"]] = codec.decode(payload)
            except codec.CodecError as exc:
                raise _Unreadable(reply["index"], str(exc)) from None
            return ok, len(payload)

        try:
            run_groups(self.server, groups, decoded.get("budget") or codec.MAX_MESSAGE_BYTES, keep)
        except _Unreadable as unreadable:
            return replies, ChildProtocolError(unreadable.args[1]), unreadable.args[0]
        return replies, None, None

    def kill(self):
        self.alive = False

    close = kill


REPLY_KINDS = frozenset(["not_implemented", "exception", "exit", "missing_name", "not_callable", "import", "codec"])


def _is_str_list(value, item=(str,)):
    return isinstance(value, list) and all(isinstance(v, item) and not isinstance(v, bool) for v in value)


def check_reply(reply: object) -> None:
    """Refuse a decoded reply whose fields are not those `autograder.sandbox.server`
    sends, with the types it sends them in.

    Raises
    ------
    autograder.sandbox.codec.CodecError
    """
    if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
        raise codec.CodecError("the reply is not a dict with 'ok'")
    if not isinstance(reply.get("output", ""), str):
        raise codec.CodecError("the reply's 'output' is not text")
    if not isinstance(reply.get("cpu", 0.0), (int, float)) or isinstance(reply.get("cpu"), bool):
        raise codec.CodecError("the reply's 'cpu' is not a number")
    if type(reply.get("index", 0)) is not int:
        raise codec.CodecError("the reply's 'index' is not an integer")
    if not isinstance(reply.get("done", False), bool):
        raise codec.CodecError("the reply's 'done' is not true or false")
    if reply["ok"]:
        if not _is_str_list(reply.get("warnings", [])):
            raise codec.CodecError("the reply's 'warnings' are not a list of texts")
        mutated = reply.get("mutated", [])
        if not isinstance(mutated, list) or not all(_is_str_list(path, (str, int)) and path for path in mutated):
            raise codec.CodecError("the reply's 'mutated' is not a list of paths")
    else:
        if reply.get("kind") not in REPLY_KINDS:
            raise codec.CodecError(f"the reply's 'kind' {str(reply.get('kind'))[:40]!r} is unknown")
        for key in ("type", "message", "where"):
            if not isinstance(reply.get(key, ""), str):
                raise codec.CodecError(f"the reply's {key!r} is not text")


class Child:
    """One forked child serving one unit of a submission."""

    def __init__(self, sandbox, sock, pid):
        self.sandbox = sandbox
        self.sock = sock
        self.pid = pid
        self.alive = True
        self.last_id = 0

    def request(self, req: dict, timeout: float | None) -> dict:
        """Send ``req`` and return the decoded reply dict.

        Raises
        ------
        ChildTimeout, ChildDied, ChildProtocolError
            The child was killed (or had ended); it must not be used again.
        """
        if not self.alive:
            raise ChildDied({"state": "gone"})
        self.last_id += 1
        with self._failures():
            protocol.send_frame(self.sock, codec.encode(req), self.last_id, timeout=timeout)
            reply = self._reply(timeout)[0]
            if reply.get("index", 0) != 0:
                raise ChildProtocolError(f"reply {reply.get('index')} to a single request")
            return reply

    def calls(self, req: dict, timeouts: list[float]) -> tuple[dict[int, dict], Exception | None, int | None]:
        """Send the ``calls`` request ``req`` and read its reply frames as the child
        sends them, each within its call's timeout (``timeouts``, one per call, across
        the groups) of the one before, as if each call had been a request of its own.

        Raises `codec.CodecError` (and sends nothing) when ``req`` cannot be encoded.

        Returns
        -------
        (replies, problem, at)
            ``{index: decoded reply}`` of the calls that ran; ``problem`` is `None`, or
            the `ChildTimeout`, `ChildDied` or `ChildProtocolError` that ended the
            reading while call ``at`` was due (``at`` is `None` when every call had
            answered); the child is then gone and must not be used again.
        """
        ends = []
        for group in req["groups"]:
            ends += [len(ends) + len(group)] * len(group)
        replies, expected, received = {}, 0, 0
        if not self.alive:
            return replies, ChildDied({"state": "gone"}), 0
        data = codec.encode(req)  # CodecError: the calls cannot go together (the caller's to split)
        self.last_id += 1
        try:
            with self._failures():
                protocol.send_frame(self.sock, data, self.last_id, timeout=timeouts[0] if timeouts else None)
                while True:
                    reply, size = self._reply(timeouts[min(expected, len(timeouts) - 1)] if timeouts else CONTROL_TIMEOUT)
                    received += size
                    if reply.get("done") is True:
                        if reply.get("index") != expected:
                            raise ChildProtocolError(f"the calls ended at {reply.get('index')}, not at {expected}")
                        return replies, None, None
                    if expected >= len(ends) or reply.get("index") != expected:
                        raise ChildProtocolError(f"reply {reply.get('index')} where reply {expected} was due")
                    if received > req.get("budget", codec.MAX_MESSAGE_BYTES) + codec.MAX_MESSAGE_BYTES:
                        raise ChildProtocolError("the replies are over their budget")
                    replies[expected] = reply
                    expected = expected + 1 if reply["ok"] else ends[expected]
        except (ChildTimeout, ChildDied, ChildProtocolError) as problem:
            return replies, problem, expected if expected < len(ends) else None

    @contextlib.contextmanager
    def _failures(self):
        """Turn what can go wrong on the channel into `ChildTimeout`, `ChildDied` or
        `ChildProtocolError`, ending the child."""
        started = time.monotonic()
        try:
            yield
        except protocol.Deadline:
            self.kill()
            raise ChildTimeout(time.monotonic() - started) from None
        except (protocol.ChannelClosed, BrokenPipeError, ConnectionResetError):
            self.alive = False
            self.sock.close()
            raise ChildDied(self._status()) from None
        except ValueError as exc:  # an over-long frame, or a reply that is not well-formed (CodecError)
            self.kill()
            raise ChildProtocolError(str(exc)) from None
        except ChildProtocolError:
            self.kill()
            raise

    def _reply(self, timeout):
        """The next reply frame of the current request, decoded and checked, and its size."""
        answered, data = protocol.recv_frame(self.sock, timeout=timeout)
        if answered != self.last_id:
            raise codec.CodecError(f"a reply to request {answered}, not to request {self.last_id}")
        reply = codec.decode(data)
        check_reply(reply)
        return reply, len(data)

    def _status(self):
        try:
            status = self.sandbox.box_control({"op": "status", "pid": self.pid, "wait": 2.0})
            if status.get("state") == "running":  # closed its socket but lives on: end it
                status = self.sandbox.box_control({"op": "kill", "pid": self.pid})
        except SandboxFault:
            return {"state": "unknown"}
        return status

    def kill(self):
        if self.alive:
            self.alive = False
            self.sock.close()
            if self.sandbox.box is None:
                return  # the box ended, and the child with it
            try:  # no need to wait for it: the box reaps it
                self.sandbox.box_control({"op": "kill", "pid": self.pid, "wait": 0})
            except SandboxFault:
                pass

    close = kill
