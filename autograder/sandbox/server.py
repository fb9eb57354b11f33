"""The student's child process: imports the submitted modules and answers requests.

One child serves one submission. Each request is a codec-encoded dict with an
``"op"``; each reply is a dict with ``"ok"``. The child never learns an expected value:
it only computes what the student's code returns, and reports how the call went.

Requests
--------
``{"op": "load", "unit": "convolution"}``
    Import ``convolution.py`` from the submission folder.
``{"op": "get", "unit": u, "name": n}``
    The value of a module attribute (the ``HAND_*`` answers).
``{"op": "call", "unit": u, "name": n, "args": [...], "kwargs": {...}, "cpu": s}``
    Call a student function.
``{"op": "driver", "unit": u, "name": n, "args": [...], "kwargs": {...}, "cpu": s}``
    Run a grader-owned driver from `trusted` on the student's module.
``{"op": "exec", "name": n, "args": [...], "kwargs": {...}}``
    Run a grader-owned function from `trusted` that needs no student module.
``{"op": "calls", "unit": u, "groups": [[{"op": "call", "name": n, ...}, ...], ...], "budget": b}``
    Groups of ``call``, ``driver`` or ``get`` requests of one unit, run in order: one
    reply frame each, sent as each call ends, with its ``"index"`` (its place in the
    groups, counted across them). A failed call ends its group (the group's calls after
    it are not run); the next group goes on. Once the frames sent reach ``budget``
    bytes, no further call is run. A last frame ``{"ok": True, "done": True, "index":
    i}`` says the calls ended, ``i`` being the index of the first call not run (after a
    failed call, the next group's first).

Every import and call starts from the same state of the global random generators
(``random`` and ``numpy.random`` seeded with `GLOBAL_SEED`): code that draws from them
instead of the ``rng`` it was given is graded the same way every time.

Replies
-------
``{"ok": True, "value": v, "mutated": [...], "warnings": [...], "output": s}`` or
``{"ok": False, "kind": k, "type": t, "message": m, "where": w, "output": s}``
where ``kind`` is ``not_implemented``, ``exception``, ``exit``, ``missing_name``,
``not_callable``, ``import`` or ``codec``.
"""

import importlib.util
import io
import os
import random
import resource
import sys
import time
import traceback
import warnings

import numpy as np

from autograder.sandbox import codec, protocol, trusted

GLOBAL_SEED = 0


def _seed_global_rngs():
    random.seed(GLOBAL_SEED)
    np.random.seed(GLOBAL_SEED)


OUTPUT_LIMIT = 4000


class BoundedWriter(io.TextIOBase):
    """A text stream that keeps the first `OUTPUT_LIMIT` characters and counts the rest."""

    def __init__(self):
        self.parts, self.kept, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = OUTPUT_LIMIT - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self):
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n… ({self.dropped} more characters not shown)"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


class Server:
    """Answers requests for one submission folder.

    Parameters
    ----------
    folder : str
        Where the submitted modules are (read-only for the student in the sandbox).
    cpu_limits : bool
        Bound each call's CPU time with ``RLIMIT_CPU``: only in a child of the sandbox,
        never in a process that lives on after grading (a notebook's kernel).
    """

    def __init__(self, folder, cpu_limits=True):
        self.folder = folder
        self.cpu_limits = cpu_limits
        self.modules = {}
        self.out = BoundedWriter()

    # ------------------------------------------------------------------ helpers
    def _resolve(self, ref):
        if ref.kind == "rng":
            return np.random.default_rng(int(ref.name))
        try:
            return trusted.make_callable(ref.name, ref.kwargs)
        except KeyError:
            raise codec.CodecError(f"unknown grader function {ref.name!r}") from None

    def _where(self, exc):
        """The deepest frame of the traceback that is in the student's files."""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(self.folder)]
        if not frames:
            return ""
        f = frames[-1]
        return f"{os.path.basename(f.filename)}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}"[:300]

    def _failure(self, exc):
        if isinstance(exc, NotImplementedError):
            kind = "not_implemented"
        elif isinstance(exc, SystemExit):
            kind = "exit"
        else:
            kind = "exception"
        try:
            message = str(exc)
        except BaseException:  # noqa: BLE001 - a hostile __str__
            message = "<str() failed>"
        return {"ok": False, "kind": kind, "type": type(exc).__name__[:100], "message": message[:500],
                "where": self._where(exc)}

    def _cpu_budget(self, seconds):
        if self.cpu_limits:
            _set_cpu_budget(seconds)

    def _module(self, unit):
        module = self.modules.get(unit)
        if module is None:
            raise LookupError(unit)
        return module

    # ------------------------------------------------------------------ ops
    def op_load(self, req):
        unit = req["unit"]
        if unit in self.modules:  # given already (a notebook's namespace, in the kernel)
            return {"ok": True, "value": sorted(n for n in vars(self.modules[unit]) if not n.startswith("__"))}
        self._cpu_budget(req.get("cpu"))
        path = os.path.join(self.folder, f"{unit}.py")
        spec = importlib.util.spec_from_file_location(unit, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[unit] = module
        _seed_global_rngs()
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001 - report any import failure
            sys.modules.pop(unit, None)
            reply = self._failure(exc)
            reply["kind"] = "import"
            if isinstance(exc, SyntaxError):
                reply["where"] = f"{unit}.py, line {exc.lineno}: {(exc.text or '').strip()}"[:300]
                reply["message"] = str(exc.msg)[:500]
            return reply
        self.modules[unit] = module
        return {"ok": True, "value": sorted(n for n in vars(module) if not n.startswith("__"))}

    def op_get(self, req):
        module = self._module(req["unit"])
        if not hasattr(module, req["name"]):
            return {"ok": False, "kind": "missing_name", "type": "", "message": req["name"], "where": ""}
        return {"ok": True, "value": getattr(module, req["name"])}

    def op_call(self, req):
        module = self._module(req["unit"])
        function = getattr(module, req["name"], None)
        if function is None:
            return {"ok": False, "kind": "missing_name", "type": "", "message": req["name"], "where": ""}
        if not callable(function):
            return {"ok": False, "kind": "not_callable", "type": type(function).__name__, "message": req["name"],
                    "where": ""}
        return self._invoke(function, req)

    def op_driver(self, req):
        module = self._module(req["unit"])
        driver = trusted.driver(req["name"])
        return self._invoke(lambda *a, **k: driver(module, *a, **k), req)

    def op_exec(self, req):
        return self._invoke(trusted.make_callable(req["name"], {}), req)

    def _invoke(self, function, req):
        args, kwargs = list(req.get("args", [])), dict(req.get("kwargs", {}))
        before = _snapshot(args, kwargs)
        self._cpu_budget(req.get("cpu"))
        _seed_global_rngs()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = function(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - every failure is the student's to see
                return self._failure(exc)
        return {
            "ok": True,
            "value": value,
            "mutated": _changed(before, args, kwargs),
            "warnings": [f"{w.category.__name__}: {w.message}"[:200] for w in caught[:5]],
        }

    def handle(self, req):
        op = getattr(self, f"op_{req.get('op')}", None)
        if op is None:
            return {"ok": False, "kind": "codec", "type": "", "message": f"unknown op {req.get('op')!r}", "where": ""}
        try:
            return op(req)
        except LookupError as exc:
            return {"ok": False, "kind": "import", "type": "LookupError", "message": f"module {exc} is not loaded",
                    "where": ""}


def _leaves(value, path, out):
    """Collect ``(path, array copy)`` for every ndarray inside lists, tuples and dicts."""
    if isinstance(value, np.ndarray):
        out.append((path, value.copy()))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _leaves(v, path + [i], out)
    elif isinstance(value, dict):
        for k, v in value.items():
            _leaves(v, path + [k], out)


def _snapshot(args, kwargs):
    out = []
    _leaves(args, ["args"], out)
    _leaves(kwargs, ["kwargs"], out)
    return out


def _lookup(args, kwargs, path):
    value = {"args": args, "kwargs": kwargs}[path[0]]
    for key in path[1:]:
        value = value[key]
    return value


def _changed(before, args, kwargs):
    """Paths (such as ``["args", 0]``) of input arrays whose contents changed."""
    changed = []
    for path, copy in before:
        try:
            now = _lookup(args, kwargs, path)
            same = (now.shape == copy.shape and now.dtype == copy.dtype
                    and now.tobytes() == copy.tobytes())
        except Exception:  # noqa: BLE001 - replaced or reshaped containers count as changed
            same = False
        if not same:
            changed.append(path)
    return changed


def _set_cpu_budget(seconds):
    """Let the coming call use ``seconds`` more CPU time (SIGXCPU after that)."""
    if not seconds:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    now = int(used.ru_utime + used.ru_stime)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    budget = now + int(seconds) + 1
    if hard != resource.RLIM_INFINITY:
        budget = min(budget, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (budget, hard))


#: The requests a ``calls`` request may hold.
BATCHABLE = ("call", "driver", "get")


def groups_of(req):
    """The groups of single requests of a ``calls`` request, each with its unit."""
    groups = req.get("groups")
    if not isinstance(groups, list) or not all(
            isinstance(g, list) and all(isinstance(c, dict) and c.get("op") in BATCHABLE for c in g) for g in groups):
        raise codec.CodecError("'groups' must be lists of call, driver or get requests")
    return [[dict(c, unit=req.get("unit")) for c in group] for group in groups]


def encode_reply(reply):
    """``(payload, ok)``: ``reply`` encoded, or, if it cannot be, a ``codec`` failure in
    its place."""
    try:
        return codec.encode(reply, lenient=True), reply["ok"]
    except (codec.CodecError, MemoryError) as exc:
        failure = {"ok": False, "kind": "codec", "type": "", "where": "",
                   "message": f"the returned value could not be sent: {exc}",
                   "output": reply.get("output", ""), "index": reply.get("index", 0)}
        return codec.encode(failure), False


def run(server, req, started):
    """Answer the single request ``req`` (its ``cpu`` counted from ``started``); in a
    child (``server.cpu_limits``) standard output and error are the server's again
    after it, whatever the student's code made of them."""
    try:
        if req.get("op") == "codec":
            raise codec.CodecError(req["message"])
        reply = server.handle(req)
    except codec.CodecError as exc:
        reply = {"ok": False, "kind": "codec", "type": "", "message": str(exc)[:500], "where": ""}
    if server.cpu_limits:
        sys.stdout = sys.stderr = server.out  # a student may have replaced them
    reply["output"] = server.out.take()
    reply["cpu"] = time.process_time() - started
    return reply


def run_groups(server, groups, budget, send):
    """Run the calls of a ``calls`` request's groups in order; ``send(reply)`` sends each
    reply (with its ``index``) and returns ``(ok, bytes)`` of what it sent. A failed
    call ends its group; once ``budget`` bytes are sent no further call is run (the
    first always is). Returns the index of the first call not run (the closing frame's):
    the next group's first after a failed call."""
    sent, start, ran = 0, 0, False
    for group in groups:
        for position, one in enumerate(group):
            if ran and sent >= budget:
                return start + position
            reply = run(server, one, time.process_time())
            reply["index"] = start + position
            ok, size = send(reply)
            sent, ran = sent + size, True
            if not ok:
                break  # the group's calls after a failed one are not run
        start += len(group)
    return start


def answer(server, sock):
    """Receive one request on ``sock`` and send its reply frame (for a ``calls``
    request, one per call run, then the closing frame). Raises
    `protocol.ChannelClosed` or `OSError` when the parent is gone."""
    request_id, data = protocol.recv_frame(sock)
    started = time.process_time()
    try:
        req = codec.decode(data, resolve=server._resolve)
        if not isinstance(req, dict):
            raise codec.CodecError("a request must be a dict")
        groups = groups_of(req) if req.get("op") == "calls" else None
    except codec.CodecError as exc:  # also a closing frame: of a ``calls`` request, no call ran
        req, groups = {"op": "codec", "message": str(exc), "done": True}, None

    def send(reply):
        payload, ok = encode_reply(reply)
        protocol.send_frame(sock, payload, request_id)
        return ok, len(payload)

    if groups is None:
        reply = run(server, req, started)
        if req.get("done"):
            reply.update(done=True, index=0)
        send(reply)
        return
    index = run_groups(server, groups, req.get("budget") or codec.MAX_MESSAGE_BYTES, send)
    protocol.send_frame(sock, codec.encode({"ok": True, "done": True, "index": index}), request_id)


def serve(sock, folder):
    """Answer requests on ``sock`` until the parent closes it; never returns."""
    server = Server(folder)
    sys.stdout = sys.stderr = server.out
    while True:
        try:
            answer(server, sock)
        except (protocol.ChannelClosed, OSError):
            os._exit(0)
