"""The cost of grading on Dask: the same batch on a 2-worker `distributed.LocalCluster`
(``--executor dask``) and on the local executor with 2 jobs, side by side.

Both grade the same generated submissions of units 1–4 with the same isolation, into a
fresh gradebook each time; the wall time of the whole batch is measured (for Dask,
starting and closing the cluster included). The two executors alternate for
``--rounds`` rounds so that both see the same machine; the ratio of the medians,
Dask over local, goes to ``benchmarks/results/dask_overhead.json``.

Usage: ``python benchmarks/dask_overhead.py [--students 200] [--workers 2] [--rounds 3]``
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, write  # noqa: E402

from autograder.authoring import samples
from autograder.batch import driver as batch
from autograder.course import units
from autograder.host import isolation  # noqa: E402
from autograder.batch.dask_executor import DaskExecutor  # noqa: E402

NUMPY_UNITS = [u.name for u in units.NUMPY_UNITS]


def timed_batch(root, out, executor, workers, mode):
    """Seconds of one whole batch, and its report."""
    engine_options = {"units": NUMPY_UNITS, "isolation": mode}
    chosen = DaskExecutor(workers=workers, engine_options=engine_options) if executor == "dask" else None
    start = time.perf_counter()
    report = batch.run_batch(root, out, jobs=workers, units=NUMPY_UNITS, isolation=mode, executor=chosen,
                             progress=False, export=False)
    seconds = time.perf_counter() - start
    if not (report.ok and report.graded == len(report.per_submission)):
        raise SystemExit(f"the {executor} batch did not grade everything: {report}")
    return seconds, report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    mode = "namespaces" if isolation.bwrap_works() else "limits"
    students = samples.generated_class(args.students, seed=2026)
    walls = {"local": [], "dask": []}
    per_submission = {"local": [], "dask": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = samples.write_class(tmp / "class", students)
        for round_ in range(args.rounds):
            for executor in ("local", "dask"):
                seconds, report = timed_batch(root, tmp / f"out-{executor}-{round_}", executor, args.workers, mode)
                walls[executor].append(seconds)
                per_submission[executor].extend(report.per_submission)
    local, dask = median(walls["local"]), median(walls["dask"])
    write("dask_overhead", {
        "what": f"{args.students} generated submissions of units 1-4, {args.workers} workers, whole-batch wall time "
                "(the Dask LocalCluster started and closed inside the measurement)",
        "isolation": mode,
        "rounds": args.rounds,
        "batch_wall_seconds_median": {"local": round(local, 2), "dask": round(dask, 2)},
        "batch_wall_seconds_all": {k: [round(x, 2) for x in v] for k, v in walls.items()},
        "per_submission_median_seconds": {k: round(median(v), 4) for k, v in per_submission.items()},
        "ratio_dask_over_local": round(dask / local, 3),
        "target_ratio_at_most": 1.3,
    })


if __name__ == "__main__":
    main()
