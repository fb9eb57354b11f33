"""``autograder batch``: a whole class in one command.

1. Find the submissions under ROOT (a folder or ``.zip`` per student, or nbgrader's
   ``submitted/<student>/<assignment>/`` tree) and the units each is graded on
   (``--units``, or the assignments an nbgrader student submitted); read and hash each
   one. This is the only read: a task hands the submission as read to the worker, so
   what is graded is exactly what was hashed.
2. Skip every content hash the gradebook already holds for this grader version;
   identical submissions are graded once.
3. Grade the rest on an executor (`LocalExecutor`: worker processes, each with its own
   warm sandbox and pytest session; or Dask, `autograder.batch.dask_executor`), recording each
   result in the gradebook as it arrives.
4. Write the exports (`autograder.reports.export`) for every student in the gradebook; for an
   nbgrader course, also each grade into nbgrader's own gradebook and feedback folder
   (`autograder.batch.nbgrader_gradebook`).
"""

import base64
import dataclasses
import hashlib
import json
import multiprocessing
import os
import queue
import shutil
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Protocol

from autograder import __version__
from autograder.course import messages, paths
from autograder.intake import loader
from autograder.course import units as course_units
from autograder.batch.gradebook import Gradebook
from autograder.grading.result import Result
from autograder.course.units import BY_NAME as UNITS_BY_NAME

GRADEBOOK_FILE = "gradebook.sqlite"
#: Below the output folder: each running batch's copies of the submissions it grades (`stage_submission`).
STAGING_FOLDER = ".staging"
#: Folders of the package that only render reports: editing them changes no result.
REPORT_ONLY = ("reports",)
#: Files of the package that are engine code or data a grade depends on.
ENGINE_SUFFIXES = (".py", ".ini", ".json")


def grader_files() -> list[Path]:
    """Every file that can change a result: the engine's code and data (all of the
    package but what only renders reports, and the course files a wheel carries), the
    hidden graders among them, and the reference solutions."""
    package = paths.PACKAGE
    files = []
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if (path.is_file() and path.suffix in ENGINE_SUFFIXES and "__pycache__" not in relative.parts
                and relative.parts[0] not in REPORT_ONLY and relative.parts[0] != "_course"):
            files.append(path)
    return files + sorted(paths.SOLUTIONS.glob("*.py"))


def grader_version(units: Iterable[str] | None = None) -> str:
    """A short hash of everything that decides a result (`grader_files`).

    A result recorded under another version is graded again.
    """
    digest = hashlib.sha256(f"{__version__}\0{','.join(sorted(units or []))}".encode())
    for path in grader_files():
        # Named relative to their own folder: the same in a checkout and in an installed wheel.
        base = paths.PACKAGE.parent if path.is_relative_to(paths.PACKAGE) else paths.SOLUTIONS.parent
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return f"{__version__}-{digest.hexdigest()[:12]}"


class UnknownUnits(ValueError):
    """``--units`` names a unit the course does not have; ``message`` is zh-TW and English."""

    def __init__(self, unknown: list[str]):
        self.unknown = unknown
        self.message = messages.text("unknown_units", unknown=", ".join(unknown), valid=", ".join(UNITS_BY_NAME))
        super().__init__(self.message["en"])


def parse_units(text: str | None) -> tuple[str, ...] | None:
    """``"convolution,backprop"`` → ``("convolution", "backprop")`` in course order; ``None``
    for ``None`` or an empty text (all units).

    Raises
    ------
    UnknownUnits
        A name is not a unit of the course (the message lists the valid ones).
    """
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in UNITS_BY_NAME]
    if unknown:
        raise UnknownUnits(unknown)
    return tuple(u.name for u in course_units.UNITS if u.name in names) or None


def submission_key(content_hash: str, units: Iterable[str] | None) -> str:
    """The gradebook's key of a submission graded on ``units`` (``None``: all units).

    The same files graded on other units give another result, so the units are part of
    the key; with all units it is the content hash itself.
    """
    if units is None:
        return content_hash
    return hashlib.sha256(f"{content_hash}\0units:{','.join(units)}".encode()).hexdigest()


def only_units(result: Result, units: Iterable[str] | None) -> Result:
    """``result`` with only the items of ``units`` (all of them for ``None``)."""
    if units is None:
        return result
    return dataclasses.replace(result, items=[i for i in result.items if i.unit in units])


@dataclass(frozen=True)
class Task:
    """One submission to grade, on ``units`` (``None``: every unit the engine grades).

    The worker grades the submission exactly as the driver read it (and hashed it into
    ``content_hash``), and never reads the student's folder itself: the task carries it,
    in ``submission`` or as the driver's copy ``staged`` (see `stage_submission`).
    """

    id: int
    student: str
    path: str
    content_hash: str
    units: tuple | None = None
    submission: loader.LoadedSubmission | None = field(default=None, repr=False, compare=False)
    staged: tuple[str, str] | None = None

    def loaded(self) -> loader.LoadedSubmission:
        """The submission this task grades.

        Raises
        ------
        StagedCopyChanged
            The staged copy is not the one the driver wrote.
        """
        if self.submission is not None:
            return self.submission
        path, digest = self.staged
        data = Path(path).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise StagedCopyChanged(path)
        fields = json.loads(data)
        fields["files"] = {name: base64.b64decode(b) for name, b in fields["files"].items()}
        return loader.LoadedSubmission(**fields)


class StagedCopyChanged(Exception):
    """A staged submission was changed after the driver wrote it."""


def _staging_folder(parent: Path) -> Path:
    """A private folder of this batch below ``parent`` for its staged copies, after
    removing those of batches that were killed (their process is gone); another batch
    that runs on the same output folder keeps its own."""
    parent.mkdir(mode=0o700, exist_ok=True)
    for old in parent.iterdir():
        try:
            os.kill(int(old.name.split("-")[0]), 0)
            continue  # its batch still runs
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError):
            continue
        shutil.rmtree(old, ignore_errors=True)
    folder = parent / f"{os.getpid()}-{os.urandom(4).hex()}"
    folder.mkdir(mode=0o700)
    return folder


def stage_submission(submission: loader.LoadedSubmission, folder: Path, task_id: int) -> tuple[str, str]:
    """Write the driver's copy of ``submission`` for task ``task_id`` into ``folder``, as
    data (JSON), so that the driver holds one submission in memory at a time whatever
    the class hands in. Returns ``(path, SHA-256 of the file)`` for `Task.staged`: the
    worker refuses a copy that changed."""
    data = json.dumps({"name": submission.name, "units": submission.units, "problem": submission.problem,
                       "content_hash": submission.content_hash,
                       "files": {name: base64.b64encode(b).decode() for name, b in submission.files.items()}}).encode()
    path = folder / f"{task_id}.json"
    path.write_bytes(data)
    return str(path), hashlib.sha256(data).hexdigest()


class Found(NamedTuple):
    """A submission `discover` found: the student, its path, and for nbgrader's tree the
    units of the assignments submitted (``None`` for a folder or ``.zip`` per student)."""

    student: str
    path: str
    units: tuple = None


ASSIGNMENT_UNITS = {u.assignment: u.name for u in course_units.UNITS}


def nbgrader_layout(root: str | os.PathLike) -> bool:
    """Whether ``root`` holds nbgrader's ``submitted/<student>/<assignment>/`` tree: a
    ``submitted/`` folder with at least one student folder holding a folder named after
    one of the course's assignments (a student who is merely called ``submitted`` does
    not make a class folder an nbgrader course)."""
    base = Path(root) / "submitted"
    if not base.is_dir():
        return False
    for student in base.iterdir():
        if student.is_dir() and not student.name.startswith((".", "__")):
            if any((student / a).is_dir() for a in ASSIGNMENT_UNITS):
                return True
    return False


def submitted_units(path: str | os.PathLike) -> tuple[str, ...] | None:
    """The units a path in nbgrader's tree asks for: ``(unit,)`` for
    ``submitted/<student>/<assignment>/``, the assignments in it for
    ``submitted/<student>/``; ``None`` for any other path (all units)."""
    path = Path(path).resolve()
    if not path.is_dir():
        return None
    if path.name in ASSIGNMENT_UNITS and path.parent.parent.name == "submitted":
        return (ASSIGNMENT_UNITS[path.name],)
    if path.parent.name == "submitted":
        return tuple(ASSIGNMENT_UNITS[a] for a in sorted(ASSIGNMENT_UNITS) if (path / a).is_dir()) or None
    return None


def discover(root: str | os.PathLike, exclude: Iterable[str | os.PathLike] = ()) -> list[Found]:
    """`Found` submissions under ``root``, sorted by student.

    With nbgrader's tree (`nbgrader_layout`), each ``submitted/<student>/`` is one
    submission graded on the units of the assignments in it (one assignment, one unit;
    ``()`` when it holds none of the course's assignments). Otherwise each
    folder or ``.zip`` directly in ``root``. Hidden entries are skipped, and so is an
    entry that is or holds a path of ``exclude`` (the batch's own output folder).
    """
    root = Path(root)
    exclude = [Path(p).resolve() for p in exclude]
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    nbgrader = nbgrader_layout(root)
    base = root / "submitted" if nbgrader else root
    found, names = [], set()
    for entry in sorted(base.iterdir()):
        if entry.name.startswith((".", "__")):
            continue
        if any(p == entry.resolve() or p.is_relative_to(entry.resolve()) for p in exclude):
            continue
        if nbgrader:
            if not entry.is_dir():
                continue
            submitted = tuple(ASSIGNMENT_UNITS[a] for a in sorted(ASSIGNMENT_UNITS) if (entry / a).is_dir())
            found.append(Found(entry.name, str(entry), submitted))
            continue
        if entry.is_dir() or entry.suffix == ".zip":
            name = entry.stem if entry.suffix == ".zip" else entry.name
            while name in names:  # alice/ and alice.zip
                name += "_"
            names.add(name)
            found.append(Found(name, str(entry)))
    return found


# ----------------------------------------------------------------------------- worker side
def render_images(result: Result) -> dict[str, dict[str, bytes]]:
    """``{item_id: {"expected": png, "got": png}}`` for the image items of ``result``."""
    from autograder.grading import images

    return images.collect(result)


def grade_stream(tasks: Iterable[Task], emit: Callable[[tuple], object], engine_options: dict,
                 before_each: Callable[[loader.LoadedSubmission], object] | None = None) -> None:
    """Grade ``tasks`` (an iterable of `Task`) in this process; ``emit(event)`` for each.

    Events are tuples: ``("started", task_id)``, ``("done", task_id, content_hash,
    result, images, seconds)`` (``result`` without its report-only details; its
    ``grader_faults`` say whether a grader raised on it), ``("failed", task_id, reason)``
    for a task whose staged copy cannot be read back, and ``("fault", text)`` if the
    graders could not run at all (`autograder.grading.engine.GraderFault`).
    """
    from autograder.grading.engine import Engine, GraderFault

    state = {}

    def submissions():
        for task in tasks:
            try:
                submission = task.loaded()
            except (OSError, ValueError, TypeError, StagedCopyChanged) as exc:
                emit(("failed", task.id, f"the driver's copy of this submission could not be read back: {exc}"))
                continue
            if before_each is not None:
                before_each(submission)
            emit(("started", task.id))
            state.update(task=task, t0=time.perf_counter())
            yield submission

    def on_result(result):
        seconds = time.perf_counter() - state["t0"]
        result = only_units(result, state["task"].units)
        pictures = render_images(result)
        for item in result.items:
            item.details = {}
        emit(("done", state["task"].id, state["task"].content_hash, result, pictures, seconds))

    try:
        Engine(**engine_options).run(submissions(), on_result)
    except GraderFault as exc:
        emit(("fault", str(exc)))


def pin_to_cpu(cpu: int) -> Callable[[loader.LoadedSubmission], None]:
    """Run the calling thread, and the sandbox it will start, on ``cpu`` alone.

    The grader and its sandbox's children take turns (a request, then its reply), never
    run at once: on one CPU each hand-over is a plain context switch rather than waking
    another CPU, and caches stay warm. The children inherit the CPU. Returns the
    `grade_stream` hook that widens the grader's own thread to every CPU again for a
    submission with a TensorFlow unit (the grader trains the CNN, on many threads).
    """
    everywhere = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})

    def before_each(submission):
        multithreaded = any(UNITS_BY_NAME[u].needs_tensorflow for u in submission.units if u in UNITS_BY_NAME)
        os.sched_setaffinity(0, everywhere if multithreaded else {cpu})

    return before_each


def _worker_main(task_q, event_q, engine_options, cpu=None):
    from autograder.sandbox.zygote import PR_SET_PDEATHSIG, _prctl

    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # never outlive the driver
    before_each = pin_to_cpu(cpu) if cpu is not None else None
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = os.getpid()
    try:
        grade_stream(iter(task_q.get, None), lambda event: event_q.put((worker, *event)), engine_options,
                     before_each)
    except BaseException:  # noqa: BLE001 - reported to the driver, which retries elsewhere
        event_q.put((worker, "crash", traceback.format_exc()))
        raise


class Executor(Protocol):
    """What grades a batch's tasks: `LocalExecutor`, or
    `autograder.batch.dask_executor.DaskExecutor`."""

    def run(self, tasks: Iterable[Task], on_event: Callable[[tuple], object]) -> None:
        """Grade ``tasks``, calling ``on_event`` with `grade_stream`'s events (and
        ``("failed", task_id, reason)`` for a task it gave up on)."""


class LocalExecutor:
    """Worker processes on this machine, each grading a stream of tasks.

    Parameters
    ----------
    jobs : int
        Worker processes (default: the number of CPUs).
    engine_options : dict
        Passed to `autograder.grading.engine.Engine` in each worker.
    """

    max_attempts = 2

    def __init__(self, jobs: int | None = None, engine_options: dict | None = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.engine_options = engine_options or {}

    def run(self, tasks: Iterable[Task], on_event: Callable[[tuple], object]) -> None:
        """Grade ``tasks``; call ``on_event(event)`` with `grade_stream`'s events, plus
        ``("failed", task_id, reason)`` for a task that killed its worker twice."""
        tasks = list(tasks)
        if not tasks:
            return
        self._restarts = 0
        ctx = multiprocessing.get_context("spawn")
        task_q, event_q = ctx.Queue(), ctx.Queue()
        by_id = {t.id: t for t in tasks}
        attempts = {t.id: 1 for t in tasks}
        for task in tasks:
            task_q.put(task)
        workers, in_flight, finished = {}, {}, set()
        free_cpus = self._cpus_to_pin()
        cpu_of = {}

        def start_worker():
            cpu = free_cpus.pop(0) if free_cpus else None
            proc = ctx.Process(target=_worker_main, args=(task_q, event_q, self.engine_options, cpu), daemon=True)
            proc.start()
            workers[proc.pid] = proc
            cpu_of[proc.pid] = cpu

        def release_cpu(pid):
            cpu = cpu_of.pop(pid, None)
            if cpu is not None:
                free_cpus.append(cpu)

        for _ in range(min(self.jobs, len(tasks))):
            start_worker()
        try:
            while len(finished) < len(tasks):
                try:
                    worker, kind, *rest = event_q.get(timeout=1.0)
                except queue.Empty:
                    self._replace_dead(workers, in_flight, by_id, attempts, task_q, finished, on_event, start_worker,
                                       release_cpu)
                    continue
                if kind == "started":
                    in_flight[worker] = rest[0]
                elif kind == "done":
                    in_flight.pop(worker, None)
                    if rest[0] not in finished:
                        finished.add(rest[0])
                        on_event(("done", *rest))
                elif kind == "failed":
                    in_flight.pop(worker, None)
                    if rest[0] not in finished:
                        finished.add(rest[0])
                        on_event(("failed", *rest))
                elif kind == "fault":
                    on_event(("fault", *rest))
                elif kind == "crash":
                    on_event(("crash", *rest))
        finally:
            for _ in workers:
                task_q.put(None)
            for proc in workers.values():
                proc.join(timeout=10)
                if proc.is_alive():
                    proc.kill()

    def _gave_up(self, by_id, finished, on_event):
        """After too many workers ended without grading, fail what is left instead of starting more.

        A worker whose graders cannot even start (reported as a ``fault``) ends at once;
        restarting it forever would hang the batch.
        """
        self._restarts += 1
        if self._restarts <= self.jobs + self.max_attempts * len(by_id):
            return False
        for task_id in by_id:
            if task_id not in finished:
                finished.add(task_id)
                on_event(("failed", task_id, "the grading workers ended without grading it (see the grader faults)"))
        return True

    def _cpus_to_pin(self):
        """A CPU for each worker when there are enough of them (else none: the OS shares them)."""
        try:
            cpus = sorted(os.sched_getaffinity(0))
        except (AttributeError, OSError):  # not Linux
            return []
        return cpus[: self.jobs] if self.jobs <= len(cpus) else []

    def _replace_dead(self, workers, in_flight, by_id, attempts, task_q, finished, on_event, start_worker,
                      release_cpu):
        for pid, proc in list(workers.items()):
            if proc.is_alive():
                continue
            del workers[pid]
            release_cpu(pid)
            task_id = in_flight.pop(pid, None)
            if task_id is not None and task_id not in finished:
                if attempts[task_id] < self.max_attempts:
                    attempts[task_id] += 1
                    task_q.put(by_id[task_id])
                else:
                    finished.add(task_id)
                    on_event(("failed", task_id, f"the grading worker died twice (exit code {proc.exitcode})"))
            if len(finished) < len(by_id) and self._gave_up(by_id, finished, on_event):
                return
            if len(finished) < len(by_id):
                start_worker()


# ----------------------------------------------------------------------------- driver
@dataclass
class BatchReport:
    """What a batch did: counts, timings, problems, where the exports are."""

    out: Path
    version: str
    students: int
    graded: int
    reused: int
    failed: list
    faults: list
    seconds: float
    per_submission: list
    notes: list = field(default_factory=list)  # messages for the instructor (zh-TW/en dicts)
    duplicates: list = ()  # [(student, first student with the same files)]: possible copying

    @property
    def ok(self) -> bool:
        return not self.failed and not self.faults


class Progress:
    """A live progress bar on a terminal (rich), plain lines otherwise."""

    def __init__(self, total, enabled=True, stream=None):
        self.total, self.done, self.errors = total, 0, 0
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.last_line = 0.0
        self.live = None
        if self.enabled and self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress
            from rich.progress import TaskProgressColumn, TextColumn, TimeRemainingColumn

            self.live = RichProgress(
                TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                TextColumn("[red]{task.fields[errors]}"), console=Console(file=self.stream), transient=False)
            self.task = self.live.add_task("grading", total=total, rate="", errors="")
            self.live.start()

    def advance(self, had_errors):
        self.done += 1
        self.errors += bool(had_errors)
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if self.live is not None:
            self.live.update(self.task, advance=1, rate=f"{rate:.1f}/s",
                             errors=f"{self.errors} with errors" if self.errors else "")
        elif self.enabled and (time.perf_counter() - self.last_line > 5 or self.done == self.total):
            self.last_line = time.perf_counter()
            eta = (self.total - self.done) / rate if rate else 0
            print(f"graded {self.done}/{self.total} ({rate:.1f}/s, ETA {eta:.0f} s, "
                  f"{self.errors} with errors)", file=self.stream, flush=True)

    def close(self):
        if self.live is not None:
            self.live.stop()


def run_batch(root: str | os.PathLike, out: str | os.PathLike, *, jobs: int | None = None,
              resume: bool = False, lang: str = "zh-TW", units: Iterable[str] | None = None,
              isolation: str = "auto", executor: Executor | None = None, progress: bool = True,
              export: bool = True, nbgrader: bool = True) -> BatchReport:
    """Grade every submission under ``root`` into the gradebook in ``out``; write exports.

    Parameters
    ----------
    units : sequence of str, optional
        Grade only these units (`parse_units`); by default every unit, or for nbgrader's
        tree the units of the assignments each student submitted.
    nbgrader : bool
        For an nbgrader course root (its ``nbgrader_config.py`` and ``submitted/``
        tree), also write each result into nbgrader's gradebook and feedback folder
        (`autograder.batch.nbgrader_gradebook`).

    Returns
    -------
    BatchReport
    """
    if export:
        from autograder.reports import export as exports

    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    units = tuple(units) if units else None
    version = grader_version(units)
    notes = []
    students = []
    for found in discover(root, exclude=[out]):
        if found.units == ():  # nothing of this course in submitted/<student>/
            notes.append(messages.text("nbgrader_no_assignment", student=found.student))
        else:
            students.append(found)
    layout_nbgrader = nbgrader_layout(root)
    asked = {s.student: (units or s.units) if layout_nbgrader else None for s in students}
    engine_units = units
    if layout_nbgrader and not units:  # only the graders of the assignments handed in
        wanted = {u for s in students for u in s.units}
        engine_units = tuple(u.name for u in course_units.UNITS if u.name in wanted) or None
    engine_options = {"units": engine_units, "isolation": isolation}
    executor = executor or LocalExecutor(jobs, engine_options)
    staging = _staging_folder(out / STAGING_FOLDER)
    with Gradebook(out / GRADEBOOK_FILE) as book:
        run_id = book.start_run(Path(root).resolve(), version, resume=resume)
        tasks, first_of, reused, duplicates = [], {}, 0, []
        for student, path, _units in students:
            submission = loader.load(path, name=student)
            key = submission_key(submission.content_hash, asked[student])
            book.see(student, path, key, run_id)
            if key in first_of:  # graded once; identical files are worth a look
                if submission.files:
                    duplicates.append((student, first_of[key]))
                continue
            first_of[key] = student
            if book.has_result(key, version):
                reused += 1
                continue
            tasks.append(Task(len(tasks), student, path, key, asked[student],
                              staged=stage_submission(submission, staging, len(tasks))))
            del submission
        bar = Progress(len(tasks), enabled=progress)
        failed, faults, per_submission = [], [], []
        by_id = {t.id: t for t in tasks}

        def on_event(event):
            kind = event[0]
            if kind in ("done", "failed") and by_id[event[1]].staged:  # its last event: the copy is done with
                Path(by_id[event[1]].staged[0]).unlink(missing_ok=True)
            if kind == "done":
                _, task_id, content_hash, result, pictures, seconds = event
                book.record(content_hash, version, result, pictures, run_id, seconds)
                # A grader that raised: an internal error, said to the instructor.
                faults.extend(f"{by_id[task_id].student}: {fault}" for fault in result.grader_faults)
                per_submission.append(seconds)
                bar.advance(any(i.status in ("error", "timeout") for i in result.items))
            elif kind == "failed":
                failed.append((by_id[event[1]].student, event[2]))
                bar.advance(True)
            elif kind in ("fault", "crash"):
                faults.append(event[1])

        try:
            executor.run(tasks, on_event)
        except KeyboardInterrupt:
            bar.close()
            book.finish_run(run_id, "interrupted")
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        bar.close()
        book.finish_run(run_id, "finished" if not failed else "incomplete")
        synced = None
        if layout_nbgrader and nbgrader:
            from autograder.batch import nbgrader_gradebook

            if nbgrader_gradebook.is_course(root):
                current = {s.student for s in students}
                rows = [(student, result, book.images(key, version))
                        for student, key, result in book.class_results(version)
                        if student in current and result is not None]
                synced = nbgrader_gradebook.write_grades(root, rows, lang=lang)
                notes += synced.notes
            else:
                notes.append(messages.text("nbgrader_no_config", root=str(root)))
        if export:
            exports.export_all(book, out, version, lang=lang, nbgrader=synced)
    return BatchReport(out, version, len(students), len(tasks) - len(failed), reused, failed, faults,
                       time.perf_counter() - started, per_submission, notes, duplicates)
