"""Reading a submission: a folder, a ``.zip`` of one, module files or notebooks.

Only the files the course knows are taken — ``convolution.py`` … ``cifar10_cnn.py``,
the assignments' notebooks, and ``cifar10_cnn.keras`` — so nothing else a student
sends ever reaches the grader. Archives are read without extracting them to disk:
no absolute paths, no ``..``, no links, and caps on the number of entries, on each
file's size and on the total, enforced on the bytes actually read (so a zip bomb is
stopped however its headers lie).

A notebook's answer cells become the unit's module (`autograder.intake.notebook`).
"""

import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.course import messages, units

#: Files handed in beside the modules (the CNN unit's trained model), as the units declare them.
MODEL_FILES = frozenset(name for unit in units.UNITS for name in unit.files)
MAX_ENTRIES = 2000
MAX_SOURCE_BYTES = 2 * 1024**2
MAX_NOTEBOOK_BYTES = 20 * 1024**2
MAX_MODEL_BYTES = 200 * 1024**2
MAX_TOTAL_BYTES = 400 * 1024**2
MAX_DEPTH = 4


@dataclass
class LoadedSubmission:
    """A submission read into memory.

    Attributes
    ----------
    name : str
        The student's name or id (the folder or archive name).
    files : dict
        ``{file name: bytes}`` to stage for the child: ``<unit>.py`` modules (from a
        notebook, the module built from its answer cells) and the model file.
    units : dict
        ``{unit: None or problem}`` for each unit present; a problem is a message dict
        saying why the unit cannot be graded (a broken notebook).
    problem : dict or None
        Why the whole submission cannot be read, as a message dict.
    content_hash : str
        SHA-256 over the graded files' names and bytes: the gradebook's key.
    """

    name: str
    files: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    problem: dict | None = None
    content_hash: str = ""
    raw: dict = field(default_factory=dict, repr=False)  # the files as found, until `finish`

    def finish(self) -> "LoadedSubmission":
        """Compute ``content_hash`` over the course files as handed in (a notebook's
        own bytes, not the module made from it) and drop the raw copies."""
        digest = hashlib.sha256()
        raw = self.raw or self.files
        for name in sorted(raw):
            digest.update(name.encode() + b"\0" + hashlib.sha256(raw[name]).digest())
        self.raw = {}
        if self.problem is not None:
            digest.update(b"problem\0" + repr(sorted(self.problem.items())).encode())
        self.content_hash = digest.hexdigest()
        return self


class UnreadableSubmission(Exception):
    """Raised inside the loader; becomes ``LoadedSubmission.problem``.

    ``reason`` is the catalog's message ``key`` filled with ``fields`` (zh-TW and
    English); ``str()`` is the English text.
    """

    def __init__(self, key, **fields):
        self.reason = messages.text(key, **fields)
        super().__init__(self.reason["en"])


def _wanted(name):
    """What a file name is to the grader: ``("module", unit)``, ``("notebook", unit)``,
    ``("model", None)`` or ``None``."""
    for unit in units.UNITS:
        if name == unit.filename:
            return "module", unit.name
        if name == f"{unit.assignment}.ipynb":
            return "notebook", unit.name
    if name in MODEL_FILES:
        return "model", None
    return None


def _limit_for(kind):
    return {"module": MAX_SOURCE_BYTES, "notebook": MAX_NOTEBOOK_BYTES, "model": MAX_MODEL_BYTES}[kind]


class _Collector:
    """Gathers the wanted files, shallowest first, within the size caps."""

    def __init__(self):
        self.found = {}  # name -> (depth, bytes)
        self.total = 0

    def offer(self, name, depth, read):
        kind = _wanted(name)
        if kind is None:
            return
        if name in self.found and self.found[name][0] <= depth:
            return
        data = read(_limit_for(kind[0]))
        self.total += len(data)
        if self.total > MAX_TOTAL_BYTES:
            raise UnreadableSubmission("intake_total_too_large", limit=MAX_TOTAL_BYTES // 2**20)
        self.found[name] = (depth, data)


def _read_capped(stream, limit, name):
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnreadableSubmission("intake_too_large", file=name, limit=limit // 2**20)
    return data


def _read_file(path, limit):
    try:
        with path.open("rb") as stream:
            return _read_capped(stream, limit, path.name)
    except OSError as exc:
        raise UnreadableSubmission("intake_cannot_read", file=path.name, detail=exc.strerror or type(exc).__name__) \
            from None


def _from_folder(folder, collector):
    def walk(path, depth):
        if depth > MAX_DEPTH:
            return
        try:
            entries = sorted(path.iterdir())
        except OSError as exc:
            raise UnreadableSubmission("intake_cannot_read", file=path.name, detail=exc.strerror) from None
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if not entry.name.startswith(".") and entry.name != "__MACOSX":
                    walk(entry, depth + 1)
            elif entry.is_file():
                collector.offer(entry.name, depth, lambda limit, e=entry: _read_file(e, limit))

    walk(folder, 0)


def _safe_member(info, archive_name):
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":"):
        raise UnreadableSubmission("intake_zip_unsafe", file=archive_name, member=repr(name[:100]))
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return None
    return path


def _from_zip(data_or_path, collector, archive_name):
    try:
        archive = zipfile.ZipFile(data_or_path)
    except Exception as exc:  # noqa: BLE001 - BadZipFile, OSError, and what a forged header raises
        raise UnreadableSubmission("intake_zip_invalid", file=archive_name, detail=_detail(exc)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnreadableSubmission("intake_zip_entries", file=archive_name, limit=MAX_ENTRIES)
        for info in infos:
            path = _safe_member(info, archive_name)
            if path is None or info.is_dir() or "__MACOSX" in path.parts:
                continue
            if any(p.startswith(".") for p in path.parts[:-1]):
                continue

            def read(limit, info=info):
                where = f"{archive_name}:{info.filename}"
                if info.file_size > limit:  # what the header says; the bytes read are capped too
                    raise UnreadableSubmission("intake_too_large", file=where, limit=limit // 2**20)
                try:
                    with archive.open(info) as stream:
                        return _read_capped(stream, limit, where)
                except UnreadableSubmission:
                    raise
                except Exception as exc:  # noqa: BLE001 - a damaged or forged member, whatever it raises
                    raise UnreadableSubmission("intake_zip_member", file=archive_name, member=repr(info.filename),
                                               detail=_detail(exc)) from None

            collector.offer(path.name, len(path.parts) - 1, read)


def _detail(exc):
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def load(path: str | os.PathLike, name: str | None = None) -> LoadedSubmission:
    """Read the submission at ``path`` (a folder, a ``.zip``, a ``.py`` or an ``.ipynb``).

    Never raises for a bad submission: the problem is recorded in the result — for the
    whole submission (``problem``: an archive that cannot be opened, an unsafe or
    oversized member, a file that cannot be read) or for one unit (``units[unit]``: a
    notebook that is not UTF-8, binary, not JSON, too deeply nested or malformed), in
    zh-TW and English, naming the file and what is wrong with it.

    Returns
    -------
    LoadedSubmission
    """
    from autograder.intake import notebook as notebook_source

    path = Path(path)
    name = name or (path.stem if path.suffix in (".zip", ".py", ".ipynb") else path.name)
    submission = LoadedSubmission(name=name)
    collector = _Collector()
    try:
        if path.is_dir():
            _from_folder(path, collector)
        elif path.suffix == ".zip":
            _from_zip(path, collector, path.name)
        elif path.is_file():
            collector.offer(path.name, 0, lambda limit: _read_file(path, limit))
        else:
            raise UnreadableSubmission("intake_cannot_read", file=path.name, detail="no such file or folder")
    except UnreadableSubmission as exc:
        submission.problem = messages.text("unreadable", reason=exc.reason)
        return submission.finish()
    except Exception as exc:  # noqa: BLE001 - whatever a hostile file makes the reader raise, it stays this student's
        submission.problem = messages.text("unreadable", reason=messages.text(
            "intake_cannot_read", file=path.name, detail=_detail(exc)))
        return submission.finish()

    submission.raw = {name: data for name, (_depth, data) in collector.found.items()}
    modules = {}
    for filename, (_depth, data) in sorted(collector.found.items()):
        kind, unit = _wanted(filename)
        if kind == "module":
            modules[unit] = data
            submission.units[unit] = None
        elif kind == "model":
            submission.files[filename] = data
    for filename, (_depth, data) in sorted(collector.found.items()):
        kind, unit = _wanted(filename)
        if kind == "notebook" and unit not in modules:  # a .py beside the notebook wins
            try:
                modules[unit] = notebook_source.module_source(unit, data).encode("utf-8")
                submission.units[unit] = None
            except notebook_source.NotebookProblem as exc:
                submission.units[unit] = messages.text("notebook_broken", file=filename, reason=exc.reason)
            except Exception as exc:  # noqa: BLE001 - a notebook no check foresaw: that unit only
                submission.units[unit] = messages.text("notebook_broken", file=filename, reason=messages.text(
                    "intake_not_json", detail=_detail(exc)))
    for unit, data in modules.items():
        submission.files[f"{unit}.py"] = data
    if not submission.files and not submission.units:
        submission.problem = messages.text("unreadable", reason=messages.text("intake_no_course_files"))
    return submission.finish()


def from_files(name: str, files: Mapping[str, bytes | str]) -> LoadedSubmission:
    """A submission made in memory from ``{file name: bytes or str}`` (tests, demos)."""
    submission = LoadedSubmission(name=name)
    for filename, data in files.items():
        kind = _wanted(filename)
        if kind is None:
            continue
        data = data.encode("utf-8") if isinstance(data, str) else data
        submission.files[filename] = data
        if kind[0] == "module":
            submission.units[kind[1]] = None
    return submission.finish()


def zip_bytes(files: Mapping[str, bytes | str]) -> bytes:
    """``{name: bytes}`` as a zip archive in memory (for tests and the Gradescope bundle)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
