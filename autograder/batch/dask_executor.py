"""Batch grading on a Dask cluster (``autograder batch … --scheduler tcp://HOST:PORT``
or ``--executor dask`` for a `distributed.LocalCluster`).

The driver cuts the pending submissions into chunks and submits one Dask task per
chunk. A task grades its chunk with `autograder.batch.driver.grade_stream` — the same engine,
sandbox and graders as the local executor, warm for the whole chunk — and returns the
results as data. Only the driver writes the gradebook, as each chunk comes back.

When a worker dies, Dask's scheduler runs its unfinished tasks again on another worker
(up to ``distributed.scheduler.allowed-failures`` times); a chunk's results reach the
driver only when the whole chunk is done, and the gradebook refuses a second result for
the same content, so nothing is recorded twice and nothing is lost.

Workers need the package installed with its extras (``pip install -e ".[dask]"``, plus
``cnn`` for the CNN unit). The submissions travel inside the tasks, as the driver read
them: workers need no access to the class folder.
"""

import dataclasses
import math
import os
from collections.abc import Callable, Iterable

from autograder.batch.driver import Task, grade_stream, pin_to_cpu

# Dask workers sample every thread's stack every 10 ms for their profiler; on pytest's
# deep stacks that made grading about 40 % slower per submission (benchmarks/dask_overhead.py).
# Workers started elsewhere take the same setting from the environment:
# DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


def grade_chunk(tasks: list[Task], engine_options: dict) -> list[tuple]:
    """Grade ``tasks`` on this worker; return the events of `grade_stream` as a list."""
    events = []
    cpu = _own_cpu()
    before = os.sched_getaffinity(0) if cpu is not None else None
    try:
        before_each = pin_to_cpu(cpu) if cpu is not None else None  # this thread only (Linux)
        grade_stream(tasks, events.append, engine_options, before_each)
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)
    return events


def _own_cpu():
    """In a `LocalCluster` (workers named 0, 1, …), the worker's own CPU, as the local
    executor pins its workers (`autograder.batch.driver.pin_to_cpu`); elsewhere ``None``: the OS
    schedules."""
    try:
        from distributed import get_worker

        name = get_worker().name
        cpus = sorted(os.sched_getaffinity(0))
    except (ImportError, ValueError, AttributeError, OSError):
        return None
    return cpus[name % len(cpus)] if isinstance(name, int) and cpus else None


def chunked(items: Iterable, n_chunks: int) -> list[list]:
    """``items`` cut into at most ``n_chunks`` consecutive chunks of nearly equal size."""
    items = list(items)
    if not items:
        return []
    size = math.ceil(len(items) / max(1, n_chunks))
    return [items[i : i + size] for i in range(0, len(items), size)]


class DaskExecutor:
    """Grade on Dask workers.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); without it a
        `distributed.LocalCluster` of ``workers`` single-threaded processes is started
        for the batch and closed after it.
    workers : int, optional
        Workers of the LocalCluster (default: the number of CPUs).
    engine_options : dict
        Passed to `autograder.grading.engine.Engine` on the workers.
    chunks_per_worker : int
        Chunks per worker: more gives finer retries and balance, fewer less start-up.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 engine_options: dict | None = None, chunks_per_worker: int = 4):
        self.scheduler = scheduler
        self.workers = workers
        self.engine_options = engine_options or {}
        self.chunks_per_worker = chunks_per_worker

    def _client(self):
        from distributed import Client, LocalCluster

        if self.scheduler:
            return Client(self.scheduler), None
        import dask

        with dask.config.set(WORKER_CONFIG):
            cluster = LocalCluster(n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1,
                                   processes=True, dashboard_address=None)
        return Client(cluster), cluster

    def run(self, tasks: Iterable[Task], on_event: Callable[[tuple], object]) -> None:
        """Grade ``tasks``; call ``on_event`` with each event (see `grade_stream`)."""
        from distributed import as_completed

        # The submissions travel inside the tasks (Dask's workers may be on other machines):
        # the driver holds them all until the batch ends.
        tasks = [dataclasses.replace(t, submission=t.loaded(), staged=None) for t in tasks]
        if not tasks:
            return
        client, cluster = self._client()
        try:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (self.workers or 1))
            chunks = chunked(tasks, n_workers * self.chunks_per_worker)
            futures = [client.submit(grade_chunk, chunk, self.engine_options, pure=False, key=f"grade-{i}-{chunk[0].id}")
                       for i, chunk in enumerate(chunks)]
            seen = set()
            for future in as_completed(futures):
                try:
                    events = future.result()
                except Exception as exc:  # noqa: BLE001 - a chunk that failed everywhere
                    chunk = chunks[futures.index(future)]
                    for task in chunk:
                        if task.id not in seen:
                            seen.add(task.id)
                            on_event(("failed", task.id, f"Dask could not grade it: {type(exc).__name__}: {exc}"))
                    continue
                for event in events:
                    if event[0] in ("done", "failed"):  # a task's last event: once, if Dask ran it twice
                        if event[1] in seen:
                            continue
                        seen.add(event[1])
                    if event[0] != "started":
                        on_event(event)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
