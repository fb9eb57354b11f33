"""Batch throughput on generated submissions of units 1–4, three ways, side by side:

(a) ``autograder batch`` — the isolated runner (namespaces where available), N workers;
(b) the same graders and executor with no isolation at all (student code in the
    worker's own process): the lower bound of what isolation can cost;
(c) ``nbgrader autograde`` on the equivalent notebooks (each student's functions in the
    answer cells of the course's four notebooks), when nbgrader is installed — on a
    sample of the students, since it takes tens of seconds each.

Per-submission time is measured inside the workers (from the start of a submission to
its result; for nbgrader, the four autogrades of one student). (a) and (b) run in
alternating rounds; the ratio a/b is the median of the rounds' own ratios (each the
ratio of that round's medians), beside the ratio of the medians pooled over all
rounds. Medians and ratios go to ``benchmarks/results/batch_throughput.json``.

Usage: ``python benchmarks/batch_throughput.py [--students 100] [--jobs 2] [--rounds 4] [--nbgrader-sample 5]``
"""

import argparse
import copy
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, write  # noqa: E402

from autograder.authoring import samples
from autograder.batch import driver as batch
from autograder.course import paths, units
from autograder.host import isolation  # noqa: E402

NUMPY_UNITS = [u.name for u in units.NUMPY_UNITS]


def run_batch(root, out, jobs, mode):
    report = batch.run_batch(root, out, jobs=jobs, units=NUMPY_UNITS, isolation=mode, progress=False,
                             export=False)
    assert report.ok and report.graded == len(report.per_submission), report
    return report


def notebook_for(unit, source, template):
    """The course notebook of ``unit`` with the answer cells taken from ``source``."""
    from autograder.course import cells as course_cells

    cells = {c.grade_id: c.source for c in course_cells.split_module(unit, source)[1:]}
    nb = copy.deepcopy(template)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in cells:
            cell.source = cells[grade_id]
    return nb


def nbgrader_per_student(students, work):
    """Seconds of ``nbgrader autograde`` (4 notebooks) per student, for each student."""
    import nbformat
    from nbgrader.apps import NbGraderAPI

    from autograder.batch import nbgrader_gradebook

    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    course = work / "course"
    shutil.copytree(paths.SOURCE, course / "source")
    shutil.copy(paths.COURSE_ROOT / nbgrader_gradebook.CONFIG_FILE, course / nbgrader_gradebook.CONFIG_FILE)
    api = NbGraderAPI(config=nbgrader_gradebook.load_config(course))
    templates = {}
    for unit in units.NUMPY_UNITS:
        assert api.generate_assignment(unit.assignment)["success"]
        templates[unit.name] = nbformat.read(course / "source" / unit.assignment / f"{unit.assignment}.ipynb", 4)
    seconds = []
    for student, files in students.items():
        for unit in units.NUMPY_UNITS:
            folder = course / "submitted" / student / unit.assignment
            folder.mkdir(parents=True)
            nbformat.write(notebook_for(unit.name, files[unit.filename], templates[unit.name]),
                           folder / f"{unit.assignment}.ipynb")
        start = time.perf_counter()
        for unit in units.NUMPY_UNITS:
            result = api.autograde(unit.assignment, student)
            assert result["success"], result["log"][-2000:]
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--nbgrader-sample", type=int, default=5, help="students graded by nbgrader (0: skip)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of (a) and (b), side by side")
    args = parser.parse_args()
    mode = "namespaces" if isolation.bwrap_works() else "limits"
    students = samples.generated_class(args.students, seed=2026)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = samples.write_class(tmp / "class", students)
        # (a) and (b) alternate, in turn first, so that both see the same machine (a shared
        # virtual machine's speed drifts by tens of percent within minutes).
        runs = {"isolated": [], "in_process": []}
        order = (("isolated", mode), ("in_process", "none"))
        for round_ in range(args.rounds):
            for label, isolation_mode in order if round_ % 2 == 0 else order[::-1]:
                start = time.perf_counter()
                report = run_batch(root, tmp / f"out-{label}-{round_}", args.jobs, isolation_mode)
                runs[label].append({"wall": time.perf_counter() - start, "per_submission": report.per_submission})
        nb_seconds = []
        if args.nbgrader_sample:
            try:
                import nbgrader  # noqa: F401
            except ImportError:
                print("nbgrader is not installed: (c) skipped", file=sys.stderr)
            else:
                sample = dict(list(students.items())[: args.nbgrader_sample])
                nb_seconds = nbgrader_per_student(sample, tmp)

    def per_sub(label):
        return median([s for run in runs[label] for s in run["per_submission"]])

    def wall(label):
        return median([run["wall"] for run in runs[label]])

    a, b = per_sub("isolated"), per_sub("in_process")
    # Each round's own ratio: (a) and (b) measured minutes apart, on the same machine.
    round_ratios = [median(ra["per_submission"]) / median(rb["per_submission"])
                    for ra, rb in zip(runs["isolated"], runs["in_process"])]
    c = median(nb_seconds) if nb_seconds else None
    from autograder.grading.engine import collect_items

    n_items = sum(1 for meta in collect_items() if meta.unit in NUMPY_UNITS)
    data = {
        "what": f"{args.students} generated submissions of units 1-4 ({n_items} items each), {args.jobs} workers",
        "isolation": mode,
        "per_submission_median_seconds": {"a_autograder_batch": round(a, 4), "b_in_process_no_isolation": round(b, 4),
                                          "c_nbgrader_autograde": round(c, 3) if c else None},
        "batch_wall_seconds_median": {"a_autograder_batch": round(wall("isolated"), 2),
                                      "b_in_process_no_isolation": round(wall("in_process"), 2)},
        "throughput_submissions_per_second": {"a": round(args.students / wall("isolated"), 2),
                                              "b": round(args.students / wall("in_process"), 2)},
        "ratio_a_over_b": round(median(round_ratios), 3),
        "ratio_a_over_b_each_round": [round(r, 3) for r in round_ratios],
        "ratio_a_over_b_pooled_medians": round(a / b, 3),
        "ratio_c_over_a": round(c / a, 1) if c else None,
        "nbgrader_sample": len(nb_seconds),
        "targets": {"a_over_b_at_most": 1.5, "c_over_a_at_least": 20},
    }
    write("batch_throughput", data)


if __name__ == "__main__":
    main()
