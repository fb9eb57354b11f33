"""Batch grading on a Dask cluster: same results as the local executor, and a worker
killed mid-batch loses nothing and records nothing twice."""

import json
import os
import signal
import sqlite3
import threading
import time

import pytest

from autograder.authoring import samples
from autograder.batch import driver as batch

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")

pytestmark = pytest.mark.slow
N = 18


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    return samples.write_class(tmp_path_factory.mktemp("class"), samples.generated_class(N, seed=11))


def _results(out):
    return {r["submission"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}


def test_dask_local_cluster_equals_local_executor(klass, tmp_path):
    from autograder.batch.dask_executor import DaskExecutor

    local = batch.run_batch(klass, tmp_path / "local", jobs=2, progress=False)
    on_dask = batch.run_batch(klass, tmp_path / "dask", progress=False,
                              executor=DaskExecutor(workers=2, engine_options={"units": None, "isolation": "auto"}))
    assert local.ok and on_dask.ok and on_dask.graded == N
    assert _results(tmp_path / "local") == _results(tmp_path / "dask")


def test_worker_killed_mid_batch(klass, tmp_path):
    from distributed import Client, LocalCluster

    from autograder.batch.dask_executor import DaskExecutor

    cluster = LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    killed = {}

    def kill_a_busy_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            busy = [addr for addr, keys in client.processing().items() if keys]
            if busy:
                time.sleep(1.5)  # let it get into its chunk
                pids = client.run(os.getpid)
                victim = busy[0]
                os.kill(pids[victim], signal.SIGKILL)
                killed["address"] = victim
                return
            time.sleep(0.1)

    killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
    killer.start()
    try:
        report = batch.run_batch(klass, tmp_path / "out", progress=False,
                                 executor=DaskExecutor(scheduler=cluster.scheduler_address, chunks_per_worker=1))
    finally:
        killer.join(timeout=5)
        client.close()
        cluster.close()
    assert killed, "no worker was killed"
    assert report.ok, (report.failed, report.faults)
    assert report.graded == N
    with sqlite3.connect(tmp_path / "out" / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == N
        assert db.execute("SELECT COUNT(*) FROM students").fetchone()[0] == N
    assert len(_results(tmp_path / "out")) == N
