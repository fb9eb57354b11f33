"""``autograder batch``: the same results as grading alone, resumable after SIGKILL,
exports that follow their schemas."""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from autograder.authoring import samples
from autograder.batch import driver as batch
from autograder.course import paths, units
from autograder.grading import engine
from autograder.intake import loader
from autograder.batch.gradebook import Gradebook
from autograder.reports import nbgrader_csv
from autograder.grading.result import ITEM_KEYS, STATUSES

N_STUDENTS = 32


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    return samples.write_class(root, samples.generated_class(N_STUDENTS, seed=5))


@pytest.fixture(scope="module")
def batch_run(klass, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    report = batch.run_batch(klass, out, jobs=2, progress=False)
    return report, out


def _batch_results(out):
    return {r["submission"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}


def test_batch_equals_grading_each_alone(klass, batch_run):
    report, out = batch_run
    assert report.ok and report.graded == N_STUDENTS and report.students == N_STUDENTS
    in_batch = _batch_results(out)
    assert len(in_batch) == N_STUDENTS
    for student in sorted(in_batch)[:: max(1, N_STUDENTS // 12)]:  # a dozen, each in its own engine
        alone = engine.grade(loader.load(klass / student, name=student)).to_json()
        assert alone == in_batch[student], student


def test_batch_grades_every_student_the_same_way_as_one_engine_run(klass, batch_run):
    """All students in one engine run (no workers, no gradebook) give the batch's results."""
    _report, out = batch_run
    in_batch = _batch_results(out)
    together = []
    engine.Engine().run([loader.load(klass / s, name=s) for s in sorted(in_batch)], together.append)
    assert {r.submission: r.to_json() for r in together} == in_batch


def test_rerun_grades_nothing_twice(klass, batch_run):
    _report, out = batch_run
    again = batch.run_batch(klass, out, jobs=2, progress=False)
    assert again.graded == 0 and again.reused == N_STUDENTS


def test_identical_submissions_are_graded_once(tmp_path):
    files = samples.solution_files()
    root = samples.write_class(tmp_path / "class", {"twin_a": files, "twin_b": files, "other": samples.MUTANTS[0].files()})
    report = batch.run_batch(root, tmp_path / "out", jobs=1, progress=False, export=False)
    assert (report.graded, report.reused) == (2, 0)  # a first run: nothing was in the gradebook
    assert report.duplicates == [("twin_b", "twin_a")]
    with Gradebook(tmp_path / "out" / "gradebook.sqlite") as book:
        rows = book.class_results(report.version)
    full = max(r.score for _s, _h, r in rows)
    assert [s for s, _h, r in rows if r.score == full] == ["twin_a", "twin_b"]


class _Capturing:
    """An executor that grades nothing and keeps what the driver hands it."""

    def __init__(self, root):
        self.root, self.seen = root, []

    def run(self, tasks, on_event):
        for task in tasks:
            # What the student's folder now holds changes nothing: the task is the driver's read.
            (self.root / task.student / "activations.py").write_text("raise SystemExit('changed')\n")
            self.seen.append((task, task.loaded()))
        for task, _ in self.seen:
            on_event(("failed", task.id, "not graded in this test"))


def test_the_driver_reads_each_submission_once_and_holds_none_of_them(tmp_path):
    """Workers get the submission as the driver read and hashed it, from the driver's own
    copy: nothing of the class is held in the driver's memory while the batch runs."""
    students = {"ann": samples.solution_files(), "bob": samples.MUTANTS[0].files()}
    root = samples.write_class(tmp_path / "class", students)
    executor = _Capturing(root)
    staging = tmp_path / "out" / batch.STAGING_FOLDER
    (staging / "999999999-killed").mkdir(parents=True)  # a batch killed long ago (no such process)
    (staging / f"{os.getppid()}-running").mkdir()  # a batch still running on the same output folder
    batch.run_batch(root, tmp_path / "out", executor=executor, progress=False, export=False)
    assert sorted(task.student for task, _ in executor.seen) == ["ann", "bob"]
    # This batch's copies are gone with it, and the killed one's; the running one keeps its own.
    assert [p.name for p in staging.iterdir()] == [f"{os.getppid()}-running"]
    for task, submission in executor.seen:
        assert task.submission is None and task.staged is not None
        assert {k: v for k, v in submission.files.items()} == {k: v.encode() if isinstance(v, str) else v
                                                               for k, v in students[task.student].items()}
        assert batch.submission_key(submission.content_hash, None) == task.content_hash


def test_a_staged_copy_that_changed_is_refused(tmp_path):
    submission = loader.load(samples.write_class(tmp_path / "class", {"ann": samples.solution_files()}) / "ann",
                             name="ann")
    staged = batch.stage_submission(submission, tmp_path, 0)
    task = batch.Task(0, "ann", "ann", submission.content_hash, staged=staged)
    assert task.loaded().files == submission.files
    path = tmp_path / "0.json"
    path.write_bytes(path.read_bytes().replace(b'"name": "ann"', b'"name": "bob"'))
    with pytest.raises(batch.StagedCopyChanged):
        task.loaded()
    events = []
    batch.grade_stream([task], events.append, {"units": ["activations"], "isolation": "none"})
    assert events[0][:2] == ("failed", 0) and "could not be read back" in events[0][2]


def test_gradebook_csv_and_results_jsonl_follow_the_schema(batch_run):
    _report, out = batch_run
    rows = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    unit_names = [u.name for u in units.UNITS]
    assert list(rows[0]) == ["student", *unit_names, "total", "max_score", "gradable", "content_hash"]
    assert len(rows) == N_STUDENTS
    for row in rows:
        assert float(row["total"]) == pytest.approx(sum(float(row[u]) for u in unit_names))
        assert float(row["max_score"]) == sum(engine.unit_points().values())
        assert float(row["cifar10_cnn"]) == 0  # the generated class hands in no CNN unit
    for result in _batch_results(out).values():
        assert set(result) == {"submission", "score", "max_score", "gradable", "units", "items"}
        assert result["score"] == pytest.approx(sum(i["score"] for i in result["items"]))
        for unit, scores in result["units"].items():
            assert scores["score"] == pytest.approx(sum(i["score"] for i in result["items"] if i["unit"] == unit))
        for item in result["items"]:
            assert tuple(item) == ITEM_KEYS and item["status"] in STATUSES


def test_gradescope_and_nbgrader_exports(batch_run):
    _report, out = batch_run
    results = _batch_results(out)
    student = sorted(results)[3]
    data = json.loads((out / "gradescope" / student / "results.json").read_text(encoding="utf-8"))
    assert data["score"] == results[student]["score"] and data["max_score"] == sum(engine.unit_points().values())
    assert len(data["tests"]) == len(results[student]["items"])
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
        assert test["visibility"] in ("visible", "after_due_date")
    rows = list(csv.reader((out / "nbgrader_grades.csv").open(encoding="utf-8")))
    assert tuple(rows[0]) == nbgrader_csv.COLUMNS
    assert len(rows) == 1 + len(units.UNITS) * N_STUDENTS
    assert {r[0] for r in rows[1:]} == {u.assignment for u in units.UNITS}


def test_feedback_pages_exist_for_every_student(batch_run):
    _report, out = batch_run
    for student in _batch_results(out):
        html = (out / "feedback" / f"{student}.html").read_text(encoding="utf-8")
        assert student in html
        assert (out / "feedback" / f"{student}.md").exists()
    assert "<svg" in (out / "summary.html").read_text(encoding="utf-8")


def _count_results(db_path):
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_batch_then_resume_grades_everyone_exactly_once(klass, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "batch", str(klass), "--out", str(out), "--jobs", "2",
               "--no-progress"]
    proc = subprocess.Popen(command, cwd=paths.COURSE_ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "gradebook.sqlite"
    deadline = time.monotonic() + 120
    while _count_results(db) < 6 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver, its workers and their sandboxes
    proc.wait()
    before = _count_results(db)
    assert 6 <= before < N_STUDENTS, "the batch should have been killed part-way"

    resumed = subprocess.run(command + ["--resume"], cwd=paths.COURSE_ROOT, capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{N_STUDENTS - before} graded now, {before} already in the gradebook" in resumed.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] == N_STUDENTS
        assert conn.execute("SELECT COUNT(DISTINCT content_hash) FROM students").fetchone()[0] == N_STUDENTS
        missing = conn.execute("SELECT COUNT(*) FROM students s LEFT JOIN results r "
                               "ON r.content_hash = s.content_hash WHERE r.content_hash IS NULL").fetchone()[0]
        assert missing == 0
        per_item = {n for (n,) in conn.execute("SELECT COUNT(*) FROM items GROUP BY content_hash")}
        assert len(per_item) == 1 and per_item.pop() > 100
    assert len(_batch_results(out)) == N_STUDENTS


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux-only")
def test_workers_pinned_to_one_cpu_except_while_grading_a_cnn():
    """`batch.pin_to_cpu` acts on the calling thread only: run it in a thread of its own."""
    import threading
    from types import SimpleNamespace

    everywhere = os.sched_getaffinity(0)
    cpu = max(everywhere)
    seen = {}

    def worker():
        before_each = batch.pin_to_cpu(cpu)
        seen["pinned"] = os.sched_getaffinity(0)
        before_each(SimpleNamespace(units={"cifar10_cnn": None, "convolution": None}))
        seen["cnn"] = os.sched_getaffinity(0)
        before_each(SimpleNamespace(units={"convolution": None}))
        seen["numpy"] = os.sched_getaffinity(0)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == {"pinned": {cpu}, "cnn": everywhere, "numpy": {cpu}}
    assert os.sched_getaffinity(0) == everywhere  # this thread was never touched
