"""Where the isolated runner's time goes: CPU time per submission of units 1–4, graded
one after another on one CPU, three ways side by side in alternating rounds:

- ``isolated``: the runner as `autograder batch` uses it (a box per submission, a child
  per unit);
- ``isolated_one_child``: the same with one child for all four units (an experiment:
  what a child per unit costs; the runner never grades this way);
- ``in_process``: no isolation (the lower bound).

CPU time is the worker's own plus the whole sandbox's (the zygote and everything it
forked, reaped), so it does not depend on what else the machine runs. Also measured:
what a ``fork`` + exit of a warm process (NumPy imported, as the zygote) costs, and a
copy-on-write page fault in its child. Results go to
``benchmarks/results/isolation_cost.json``.

Usage: ``python benchmarks/isolation_cost.py [--students 30] [--rounds 2]``
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, write  # noqa: E402

from autograder.authoring import samples  # noqa: E402
from autograder.batch import driver  # noqa: E402
from autograder.course import units  # noqa: E402
from autograder.grading import student as student_module  # noqa: E402
from autograder.host import isolation, runner  # noqa: E402
from autograder.intake import loader  # noqa: E402

NUMPY_UNITS = [u.name for u in units.NUMPY_UNITS]
TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(pid):
    """CPU seconds of ``pid`` and its reaped descendants (``/proc/<pid>/stat``)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK


class _SandboxCpu:
    """Adds up the sandbox's CPU time: read from its zygote just before it is closed."""

    def __init__(self):
        self.seconds = 0.0
        self._close = runner.Sandbox.close
        meter = self

        def close(sandbox):
            import psutil

            zygotes = [p for p in psutil.Process(sandbox.proc.pid).children(recursive=True) if "python" in p.name()]
            sandbox.close_box()
            if zygotes:
                meter.seconds += _tree_cpu(zygotes[0].pid)
            meter._close(sandbox)

        runner.Sandbox.close = close


def _one_child_per_submission():
    """Make a `StudentSession` keep its first child for every unit (the experiment)."""
    original = student_module.StudentSession._child

    def child(session, unit):
        if session.child is not None and session.child.alive:
            session.child_unit = unit
            return session.child
        return original(session, unit)

    student_module.StudentSession._child = child
    return lambda: setattr(student_module.StudentSession, "_child", original)


def grade_serially(tasks, mode, meter):
    """CPU milliseconds per submission: ``(worker, sandbox)``."""
    isolation_mode = "none" if mode == "in_process" else ("namespaces" if isolation.bwrap_works() else "limits")
    undo = _one_child_per_submission() if mode == "isolated_one_child" else (lambda: None)
    try:
        meter.seconds = 0.0
        start = time.process_time()
        driver.grade_stream(tasks, lambda event: None, {"units": NUMPY_UNITS, "isolation": isolation_mode})
        worker = time.process_time() - start
    finally:
        undo()
    return 1000 * worker / len(tasks), 1000 * meter.seconds / len(tasks)


def fork_costs(repeat=60):
    """Milliseconds of ``fork`` + ``_exit`` + ``waitpid`` of this (warm) process, and
    microseconds per copy-on-write fault in the child."""
    import gc

    import numpy  # noqa: F401 - what the zygote holds
    import numpy.linalg  # noqa: F401
    import numpy.ma  # noqa: F401
    import numpy.random  # noqa: F401

    gc.collect()
    forks = []
    for _ in range(repeat):
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        forks.append(time.perf_counter() - start)
    pages = 4096
    buffer = bytearray(pages * 4096)
    for i in range(0, len(buffer), 4096):
        buffer[i] = 1
    read, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        start = time.perf_counter()
        for i in range(0, len(buffer), 4096):
            buffer[i] = 2
        os.write(write_end, f"{(time.perf_counter() - start) / pages * 1e6:.3f}".encode())
        os._exit(0)
    os.waitpid(pid, 0)
    fault_us = float(os.read(read, 64))
    return 1000 * median(forks), fault_us


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # the sandbox inherits it
    meter = _SandboxCpu()
    modes = ["isolated", "isolated_one_child", "in_process"]
    cpu = {mode: [] for mode in modes}
    with tempfile.TemporaryDirectory() as tmp:
        root = samples.write_class(Path(tmp) / "class", samples.generated_class(args.students, seed=2026))
        tasks = [driver.Task(i, found.student, str(found.path), "", tuple(NUMPY_UNITS),
                             submission=loader.load(found.path, name=found.student))
                 for i, found in enumerate(driver.discover(root))]
        grade_serially(tasks[:2], "isolated", meter)  # warm the caches
        for round_ in range(args.rounds):
            for mode in modes if round_ % 2 == 0 else modes[::-1]:
                cpu[mode].append(grade_serially(tasks, mode, meter))
    fork_ms, fault_us = fork_costs()

    def summary(mode):
        worker = median([w for w, _ in cpu[mode]])
        sandbox = median([s for _, s in cpu[mode]])
        return {"worker_ms": round(worker, 1), "sandbox_ms": round(sandbox, 1), "total_ms": round(worker + sandbox, 1)}

    data = {
        "what": f"CPU time per submission of units 1-4, {args.students} submissions graded one after another on one CPU, "
                f"{args.rounds} alternating rounds",
        "isolation": "namespaces" if isolation.bwrap_works() else "limits",
        "cpu_per_submission": {mode: summary(mode) for mode in modes},
        "a_child_per_unit_costs_ms": round(summary("isolated")["total_ms"] - summary("isolated_one_child")["total_ms"], 1),
        "ratio_isolated_over_in_process": round(summary("isolated")["total_ms"] / summary("in_process")["total_ms"], 3),
        "fork_exit_wait_of_a_warm_process_ms": round(fork_ms, 3),
        "copy_on_write_fault_us": round(fault_us, 2),
    }
    write("isolation_cost", data)


if __name__ == "__main__":
    main()
