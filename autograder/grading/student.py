"""The student's submission as graders see it: ``student.conv2d(image, kernel)``.

A `StudentSession` holds one submission during grading: a child process per unit,
spawned on first use and replaced after a timeout or a crash, and the module it has
imported.
`RemoteModule` is what the ``student`` fixture gives a grader: attribute calls are
forwarded to the child and come back as data; every failure becomes an
`autograder.grading.problems` exception with a bilingual message naming the call.
"""

import copy
import inspect
import math
import re
from collections.abc import Callable, Iterable, Iterator
from types import ModuleType

import numpy as np

from autograder.course import messages, units
from autograder.sandbox import codec
from autograder.grading.compare import describe_value
from autograder.grading.problems import ItemProblem, Missing, NotGraded, NotImplementedByStudent, StudentError, StudentTimeout
from autograder.host.runner import (ChildDied, ChildProtocolError, ChildTimeout, InProcessSandbox, Limits, Sandbox,
                                    SandboxFault)

MAX_PRINTED = 600


class CallRecord:
    """One call to the student's code and how it went.

    Attributes
    ----------
    description : str
        The call as a beginner can read it: ``conv2d(image=array(float64, 7×9), …)``.
    value : object
        What came back, decoded (`None` until the call succeeds).
    mutated : list of str
        The inputs whose arrays the call changed (``["image"]``, ``["params['W1']"]``).
    warnings : list of str
        Warnings raised during the call (``"RuntimeWarning: overflow …"``).
    """

    def __init__(self, description: str):
        self.description = description
        self.value = None
        self.mutated = []
        self.warnings = []


def _parameter_names(reference, name, args, kwargs):
    """Bind ``args`` to the reference function's parameters: ``{position or key: name}``."""
    function = getattr(reference, name, None) if reference is not None else None
    names = {}
    try:
        params = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        params = []
    for i in range(len(args)):
        names[("args", i)] = params[i] if i < len(params) else f"arg{i}"
    for key in kwargs:
        names[("kwargs", key)] = key
    return names


def describe_call(name: str, args: tuple | list, kwargs: dict, reference: ModuleType | None = None) -> str:
    """``name(p1=…, p2=…)`` with the parameter names of the reference function."""
    names = _parameter_names(reference, name, args, kwargs)
    parts = [f"{names[('args', i)]}={describe_value(a)}" for i, a in enumerate(args)]
    parts += [f"{k}={describe_value(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _mutated_names(paths, names):
    out = []
    for path in paths:
        path = list(path)
        if len(path) < 2:
            continue
        label = names.get((path[0], path[1]), str(path[1]))
        label += "".join(f"[{p!r}]" for p in path[2:])
        out.append(label)
    return out


#: Bytes of replies a child sends for one request of several calls before it stops (the
#: calls not run then go in another request): what the grader holds at once stays small.
REPLY_BUDGET = 8 * 1024**2
#: Bytes of the first requests a unit's child gets ahead: below a socket's buffer, so that
#: sending them never waits on the child.
AHEAD_REQUEST_BYTES = 128 * 1024
#: A first request larger than this is not planned (there is nothing to gain on it).
AHEAD_ONE_REQUEST_BYTES = 32 * 1024


class FirstRequests:
    """The first request of each item, recorded once while grading the reference, so
    that every submission's unit gets the first requests of all its items together.

    An item's first request depends on nothing the student returns (its inputs are
    made from the item's seed), so it is the same for every submission. Sending a
    unit's first requests together saves a round trip to the child per item; an item
    whose first request differs from the plan's (never, for the course's graders) just
    asks for itself. So every submission's calls run in the same order: the first call
    of each of a unit's items, then the rest of each item's calls as it runs. Only the
    NumPy units are planned (the CNN unit's calls are few and long).

    Attributes
    ----------
    first : dict
        ``{item: (unit, requests, timeout, encoded size)}``.
    recording : bool
        True while the plan is being recorded (nothing is sent ahead then).
    """

    def __init__(self):
        self.first = {}
        self.recording = True

    def record(self, item: str, unit: str, reqs: list[dict], timeout: float, outcomes: list) -> None:
        """Keep ``reqs``, the first request of ``item``, if the reference answered every
        call of it and it is small: a copy, with its encoded size."""
        if unit not in units.BY_NAME or units.get(unit).needs_tensorflow:
            return
        if len(outcomes) != len(reqs) or not all(isinstance(o, dict) and o.get("ok") for o in outcomes):
            return
        try:
            nbytes = len(codec.encode(reqs))
        except codec.CodecError:
            return
        if nbytes <= AHEAD_ONE_REQUEST_BYTES:
            self.first[item] = (unit, copy.deepcopy(reqs), timeout, nbytes)

    def done(self) -> None:
        """Stop recording: from now on the plan is sent ahead."""
        self.recording = False


def same(a: object, b: object) -> bool:
    """Whether two requests are the same to the last bit: same types, arrays of the same
    dtype, shape and bytes, floats of the same bits (``-0.0`` is not ``0.0``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b) or a != a and b != b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, codec.Ref):
        return a.kind == b.kind and a.name == b.name and same(a.kwargs, b.kwargs)
    return a == b


def unit_limits(unit: str, base: Limits) -> Limits:
    """The limits for calls into ``unit``: the CNN unit gets TensorFlow's time and memory."""
    if unit in units.BY_NAME and units.get(unit).needs_tensorflow:
        return base.with_tensorflow()
    return base


def _how(status):
    if status.get("state") == "signaled":
        return messages.text("how_signal", signal=status.get("signal"))
    if status.get("state") == "exited":
        return messages.text("how_exit", code=status.get("code"))
    return messages.text("how_unknown")


class StudentSession:
    """One submission during grading.

    Parameters
    ----------
    sandbox : autograder.host.runner.Sandbox
        Already staged with this submission's files.
    units : dict
        ``{unit name: problem}`` for the units the submission provides; ``problem`` is
        ``None``, or a message dict when the unit's file is present but unusable (a
        notebook that cannot be read).
    limits : autograder.host.runner.Limits
    files : dict, optional
        The submission's files (``{name: bytes}``), for items the parent grades itself
        (the trained model file).
    plan : FirstRequests, optional
        The first request of each item, as a plan's recording made them: once a unit's
        module is imported, the first requests of all its items are sent to the child
        together, and each item's first request is answered from there (see `FirstRequests`).

    Attributes
    ----------
    item : str or None
        The item being graded (set by the controller): requests are told apart by it.
    """

    def __init__(self, sandbox: Sandbox | InProcessSandbox, units: dict, limits: Limits,
                 files: dict | None = None, plan: "FirstRequests | None" = None):
        self.sandbox = sandbox
        self.units = units
        self.files = files or {}
        self.memo = {}
        self.base_limits = limits
        self.child = None
        self.child_unit = None
        self.loaded = set()
        self.import_failures = {}
        self.printed = []
        self.plan = plan
        self.item = None
        self.started = set()  # items that made their first request
        self.prefetched = {}  # item -> (its planned first request, its outcomes)
        self.prefetched_units = set()

    # ------------------------------------------------------------------ child
    def _child(self, unit):
        """The child of ``unit``: each unit's module is imported in a child of its own,
        started after everything the previous unit's child left running was killed."""
        if self.child is not None and self.child.alive and self.child_unit == unit:
            return self.child
        if self.child_unit != unit:
            self._drop_child()
            self.prefetched.clear()  # a unit's items come one after another: no item of it is left
            try:
                self.sandbox.sweep()
            except SandboxFault:
                pass  # the box was ended; the next spawn makes a fresh one
        self.child = self.sandbox.spawn(unit_limits(unit, self.base_limits))
        self.child_unit = unit
        self.loaded = set()
        return self.child

    def _drop_child(self):
        if self.child is not None:
            self.child.kill()
        self.child = None
        self.loaded = set()

    def close(self) -> None:
        self._drop_child()
        try:
            self.sandbox.cleanup()
        except SandboxFault:
            pass

    def take_printed(self) -> str:
        """What the student's code printed since the last call of this method."""
        text = "".join(self.printed).strip()
        self.printed = []
        if len(text) > MAX_PRINTED:
            text = f"{text[:MAX_PRINTED]} … ({len(text) - MAX_PRINTED} more characters not shown)"
        return text

    # ------------------------------------------------------------------ loading
    def ensure(self, unit: str) -> None:
        """Import ``unit`` in the child, or raise the problem that stops it."""
        if unit in self.import_failures:
            raise self.import_failures[unit]
        filename = f"{unit}.py"
        if unit not in self.units:
            raise Missing(messages.text("file_missing", file=filename))
        if self.units[unit] is not None:
            problem = StudentError(self.units[unit])
            self.import_failures[unit] = problem
            raise problem
        child = self._child(unit)
        if unit in self.loaded:
            return
        import_wall = unit_limits(unit, self.base_limits).import_wall
        try:
            reply = child.request({"op": "load", "unit": unit, "cpu": 2 * import_wall}, timeout=import_wall)
        except ChildTimeout:
            self._drop_child()
            problem = StudentTimeout(messages.text("import_timeout", file=filename, seconds=import_wall))
        except ChildDied as died:
            self._drop_child()
            problem = StudentError(messages.text("import_died", file=filename, how=_how(died.status)))
        except ChildProtocolError as exc:
            self._drop_child()
            problem = StudentError(messages.text("protocol_broken", detail=str(exc)[:200]))
        else:
            self.printed.append(reply.get("output", ""))
            if reply["ok"]:
                self.loaded.add(unit)
                self._prefetch(unit)
                return
            lacking = _machine_lacks(reply)
            if lacking is not None:
                self.import_failures[unit] = lacking
                raise lacking
            where = f" ({reply['where']})" if reply.get("where") else ""
            key = "import_syntax" if reply.get("type") in ("SyntaxError", "IndentationError", "TabError") else "import_failed"
            problem = StudentError(messages.text(key, file=filename, type=reply.get("type", ""),
                                                 message=reply.get("message", ""), where=where))
        self.import_failures[unit] = problem
        raise problem

    # ------------------------------------------------------------------ requests
    def request(self, unit: str, req: dict, record: CallRecord, timeout: float | None = None,
                cpu: float | None = None) -> dict:
        """Send ``req`` about ``unit`` and fill ``record``; raise the item's problem if any."""
        outcome, = self.request_many(unit, [req], [record], timeout=timeout, cpu=cpu)
        return self.take(outcome, record)

    def request_many(self, unit: str, reqs: list[dict], records: list[CallRecord], timeout: float | None = None,
                     cpu: float | None = None) -> list:
        """Send the ``call``/``driver`` requests ``reqs`` about ``unit`` as one request,
        each call with the time limits it would have on its own (``records[i]`` names
        ``reqs[i]``).

        Returns the outcome of each call the child ran, in order, for `take`: a reply,
        or the `ItemProblem` that ended the calls (a timeout, a crash, a broken reply).
        The calls after the first that failed were not run and have none; nor have those
        after the replies reached `REPLY_BUDGET` (at least one call always runs).

        Raises
        ------
        ItemProblem
            The unit's module cannot be imported.
        """
        self.ensure(unit)
        limits = unit_limits(unit, self.base_limits)
        timeout = limits.wall if timeout is None else timeout
        reqs = [dict(req, unit=unit, cpu=cpu or max(timeout, limits.cpu)) for req in reqs]
        first = self.item is not None and self.item not in self.started
        if first:
            self.started.add(self.item)
            if self.plan is not None and self.plan.recording:
                outcomes = self._send(unit, reqs, records, timeout)
                self.plan.record(self.item, unit, reqs, timeout, outcomes)
                return outcomes
            planned = self.prefetched.pop(self.item, None)
            if planned is not None and same(planned[0], reqs):
                return [self._outcome(o, records[i]) for i, o in enumerate(planned[1])]
        return self._send(unit, reqs, records, timeout)

    def _send(self, unit, reqs, records, timeout):
        if self.child is None or not self.child.alive:  # the calls sent ahead ended it
            self.ensure(unit)
        if len(reqs) > 1:
            try:
                replies, problem, at = self.child.calls({"op": "calls", "unit": unit, "groups": [reqs],
                                                         "budget": REPLY_BUDGET}, [timeout] * len(reqs))
            except codec.CodecError:  # together over the frame limit: one by one, as each can go
                replies, problem, at = {}, None, None
            if replies or problem is not None:
                return self._outcomes(replies, problem, at, reqs, records, timeout)
            # None ran (the child could not read them together): the first goes alone.
        try:
            return [self.child.request(reqs[0], timeout=timeout)]
        except (ChildTimeout, ChildDied, ChildProtocolError) as problem:
            self._drop_child()
            return [self._child_problem(problem, records[0], reqs[0]["cpu"], timeout)]

    def _outcomes(self, replies, problem, at, reqs, records, timeout):
        outcomes = [replies[i] for i in sorted(replies)]
        if problem is not None:
            self._drop_child()
            if at is not None:
                outcomes.append(self._child_problem(problem, records[at], reqs[at]["cpu"], timeout))
        return outcomes

    def _prefetch(self, unit):
        """Send the planned first requests of the unit's items to the child that just
        imported the unit, and keep their outcomes for the items. Once per unit: after a
        child that ended during these calls, the items ask for themselves."""
        if self.plan is None or self.plan.recording or unit in self.prefetched_units:
            return
        self.prefetched_units.add(unit)
        planned, size = [], 0
        for item, (planned_unit, reqs, timeout, nbytes) in self.plan.first.items():
            if planned_unit == unit and item not in self.started:
                if size + nbytes > AHEAD_REQUEST_BYTES:
                    break
                planned.append((item, reqs, timeout))
                size += nbytes
        if len(planned) < 2:
            return
        groups = [reqs for _item, reqs, _timeout in planned]
        timeouts = [timeout for _item, reqs, timeout in planned for _req in reqs]
        replies, problem, at = self.child.calls({"op": "calls", "unit": unit, "groups": groups,
                                                 "budget": REPLY_BUDGET}, timeouts)
        start = 0
        for item, reqs, timeout in planned:
            outcomes = [replies[i] for i in range(start, start + len(reqs)) if i in replies]
            if at is not None and start <= at < start + len(reqs):
                outcomes.append(("problem", problem, reqs[at - start]["cpu"], timeout))
            if outcomes:  # else its calls were not run: it asks for itself
                self.prefetched[item] = (reqs, outcomes)
            start += len(reqs)
        if problem is not None:
            self._drop_child()

    def _outcome(self, outcome, record):
        """A prefetched outcome as `request_many` returns it."""
        if isinstance(outcome, tuple):
            _tag, problem, cpu, timeout = outcome
            return self._child_problem(problem, record, cpu, timeout)
        return outcome

    def _child_problem(self, problem, record, cpu, timeout):
        if isinstance(problem, ChildTimeout):
            return StudentTimeout(messages.text("timeout", call=record.description, seconds=timeout))
        if isinstance(problem, ChildDied):
            if problem.status.get("signal") == "SIGXCPU":
                return StudentTimeout(messages.text("cpu_timeout", call=record.description, seconds=cpu))
            return StudentError(messages.text("died", call=record.description, how=_how(problem.status)))
        return StudentError(messages.text("protocol_broken", detail=str(problem)[:200]))

    def take(self, outcome: dict | ItemProblem, record: CallRecord) -> dict:
        """One outcome of `request_many`: fill ``record`` and return the reply, or raise
        the item's problem (what the call printed is kept first, as it happened)."""
        if isinstance(outcome, ItemProblem):
            raise outcome
        self.printed.append(outcome.get("output", "") or "")
        if not outcome["ok"]:
            raise _problem(outcome, record)
        record.value = outcome.get("value")
        record.warnings = list(outcome.get("warnings") or [])
        return outcome


_OPTIONAL_MODULES = re.compile(r"No module named '(tensorflow|keras)(\.[\w.]*)?'")


def _machine_lacks(reply):
    """`NotGraded` when ``reply`` failed only because this machine has no TensorFlow
    (the student's code imports Keras, which the course asks for): never their fault."""
    from autograder.course import machine

    if reply.get("type") == "ModuleNotFoundError" and _OPTIONAL_MODULES.search(reply.get("message", "")):
        lacks = machine.lacking("tensorflow")
        if lacks is not None:
            return NotGraded(lacks)
    return None


def _problem(reply, record):
    lacking = _machine_lacks(reply)
    if lacking is not None:
        return lacking
    kind, name = reply.get("kind"), reply.get("message", "")
    call = record.description
    where = f"\n  ({reply['where']})" if reply.get("where") else ""
    if kind == "not_implemented":
        return NotImplementedByStudent(messages.text("not_implemented", name=call.split("(")[0]))
    if kind == "missing_name":
        return Missing(messages.text("name_missing", file=record.filename, name=name))
    if kind == "not_callable":
        return StudentError(messages.text("not_callable", name=name, type=reply.get("type", "")))
    if kind == "exit":
        return StudentError(messages.text("exit", call=call))
    if kind == "codec":
        return StudentError(messages.text("unsendable", call=call, message=name))
    if reply.get("type") == "MemoryError":
        return StudentError(messages.text("memory_error", call=call))
    return StudentError(messages.text("raised", call=call, type=reply.get("type", ""), message=name, where=where))


class Args:
    """The arguments of one call, for `RemoteModule.each`: ``Args(image, kernel, stride=2)``.

    ``args.apply(ref.conv2d)`` makes the same call to another function (the reference).
    """

    __slots__ = ("args", "kwargs")

    def __init__(self, *args: object, **kwargs: object):
        self.args, self.kwargs = args, kwargs

    def apply(self, function: Callable) -> object:
        return function(*self.args, **self.kwargs)

    def __repr__(self):
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"Args({', '.join(parts)})"


class RemoteModule:
    """The student's module of one unit, for graders.

    ``student.conv2d(a, b)`` calls the student's ``conv2d`` in the child and returns the
    value; ``student.last`` is the `CallRecord` of the latest call. ``student.each(
    "conv2d", cases)`` makes several independent calls in one request (one round trip
    to the child instead of one per call). ``student.answer("HAND_SOBEL_ANSWER")`` reads
    a constant. ``student.driver("forward_backward", …)`` runs a grader-owned driver from
    `autograder.sandbox.trusted` on the module.

    Parameters
    ----------
    session : StudentSession
    unit : str
    reference : module or callable, optional
        The reference module (or a function that loads it, called on the first call),
        for parameter names in call descriptions.
    timeout : float, optional
        Wall-clock seconds per call for this item (the session's default otherwise).
    """

    def __init__(self, session: StudentSession, unit: str,
                 reference: ModuleType | Callable[[], ModuleType] | None = None,
                 timeout: float | None = None):
        self._session = session
        self._unit = unit
        self._reference_source = reference
        self._timeout = timeout
        self.last = None

    @property
    def _reference(self):
        """The reference module, loaded on first use (a callable is called then)."""
        if callable(self._reference_source) and not hasattr(self._reference_source, "__file__"):
            self._reference_source = self._reference_source()
        return self._reference_source

    def _record(self, description):
        record = CallRecord(description)
        record.filename = f"{self._unit}.py"
        self.last = record
        return record

    def call(self, name: str, *args: object, **kwargs: object) -> CallRecord:
        """Call the student's ``name`` and return its `CallRecord`."""
        record = self._record(describe_call(name, args, kwargs, self._reference))
        reply = self._session.request(self._unit, {"op": "call", "name": name, "args": list(args), "kwargs": kwargs},
                                      record, timeout=self._timeout)
        names = _parameter_names(self._reference, name, args, kwargs)
        record.mutated = _mutated_names(reply.get("mutated") or [], names)
        return record

    def each(self, name: str, cases: Iterable[tuple | Args]) -> Iterator[tuple[tuple | Args, object]]:
        """Call the student's ``name`` once per case, and yield ``(case, value)`` in order.

        Each case is a tuple of positional arguments or an `Args`. The calls are
        independent of one another (no case is made from an earlier value), so they go to
        the child in one request, and run there in order, each under its own time limits.
        As the loop reaches a case, ``student.last`` becomes its call and what it printed
        is kept; a call that failed raises its problem there, as if it had been made on
        its own, and the calls after it were not run. Unlike calls made one by one, the
        calls after a case whose check fails have still run.
        """
        cases = list(cases)
        calls = [c if isinstance(c, Args) else Args(*c) for c in cases]
        records = []
        for call in calls:
            record = CallRecord(describe_call(name, call.args, call.kwargs, self._reference))
            record.filename = f"{self._unit}.py"
            records.append(record)
        position = 0
        while position < len(calls):
            self.last = records[position]
            outcomes = self._session.request_many(
                self._unit,
                [{"op": "call", "name": name, "args": list(c.args), "kwargs": c.kwargs} for c in calls[position:]],
                records[position:], timeout=self._timeout)
            # Outcomes end early at a failed call, whose problem `take` raises, or where the
            # replies reached their budget: the calls after that go in the next request.
            for case, call, record, outcome in zip(cases[position:], calls[position:], records[position:], outcomes):
                self.last = record
                reply = self._step(name, call.args, call.kwargs, lambda: self._session.take(outcome, record))
                record.mutated = _mutated_names(reply.get("mutated") or [],
                                                _parameter_names(self._reference, name, call.args, call.kwargs))
                yield case, record.value
            position += len(outcomes)

    def _step(self, name, args, kwargs, take):
        """One call of `each` reached by the grader (`RecordingModule` keeps its inputs)."""
        return take()

    def driver(self, name: str, *args: object, description: str | None = None, **kwargs: object) -> object:
        """Run the driver ``name`` of `autograder.sandbox.trusted` on the student's module."""
        record = self._record(description or describe_call(name, args, kwargs))
        reply = self._session.request(self._unit, {"op": "driver", "name": name, "args": list(args), "kwargs": kwargs},
                                      record, timeout=self._timeout)
        record.mutated = _mutated_names(reply.get("mutated") or [], _parameter_names(None, name, args, kwargs))
        return record.value

    def memo(self, key: object, compute: Callable[[], object]) -> object:
        """``compute()`` once per submission (its problem too, if it raises one)."""
        memo = self._session.memo
        if key not in memo:
            try:
                memo[key] = ("value", compute())
            except ItemProblem as problem:
                memo[key] = ("problem", problem)
        kind, value = memo[key]
        if kind == "problem":
            raise value
        return value

    @property
    def files(self) -> dict[str, bytes]:
        """The submission's files, ``{name: bytes}``."""
        return self._session.files

    def answer(self, name: str) -> object:
        """The value of the module constant ``name``; `None` counts as not filled in."""
        record = self._record(name)
        self._session.request(self._unit, {"op": "get", "name": name}, record, timeout=self._timeout)
        if record.value is None:
            raise NotImplementedByStudent(messages.text("answer_missing", name=name))
        return record.value

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)

        def forward(*args, **kwargs):
            return self.call(name, *args, **kwargs).value

        forward.__name__ = name
        return forward
