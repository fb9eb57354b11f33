"""The SQLite gradebook of a batch: what each student handed in and what it earned.

Results are keyed by the submission's content hash and the grader version, so the same
content is never graded twice (two students who hand in identical files share one
result), and a changed grader regrades. Each result is written in one transaction —
its row, its items and its pictures — by the trusted driver process only: a batch
killed at any moment leaves every finished result intact and nothing half-written.

Tables
------
``results``     one row per (content_hash, grader_version): score, max_score, gradable
``items``       the items of a result (the contract's item fields)
``images``      feedback pictures of image items (PNG), by item and kind
``students``    each student's latest submission: source path and content hash
``runs``        one row per batch run: when, what root, how it ended

What one submission can make the gradebook hold is bounded whatever it returns or
prints: each item's message at most `MAX_MESSAGE_CHARS` characters per language (cut
with a note saying how much was dropped), each picture at most
`autograder.grading.images.MAX_PNG_BYTES` (a larger blob is not stored), and at most
`MAX_PICTURES` pictures per result.
"""

import dataclasses
import json
import os
import sqlite3
import time
from pathlib import Path

from autograder.grading.images import MAX_PNG_BYTES
from autograder.grading.result import ItemResult, Result

SCHEMA_VERSION = 1
MAX_MESSAGE_CHARS = 20_000  # per item and language (printed output is cut well before this)
MAX_PICTURES = 200  # per result: far more than the image items of the whole course

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    root TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running'
);
CREATE TABLE IF NOT EXISTS results (
    content_hash TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    gradable INTEGER NOT NULL,
    graded_at TEXT NOT NULL,
    seconds REAL,
    run_id INTEGER REFERENCES runs(id),
    PRIMARY KEY (content_hash, grader_version)
);
CREATE TABLE IF NOT EXISTS items (
    content_hash TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    position INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    exercise TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    message TEXT NOT NULL,
    diagnosis TEXT,
    PRIMARY KEY (content_hash, grader_version, item_id),
    FOREIGN KEY (content_hash, grader_version) REFERENCES results (content_hash, grader_version)
);
CREATE TABLE IF NOT EXISTS images (
    content_hash TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    item_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    png BLOB NOT NULL,
    PRIMARY KEY (content_hash, grader_version, item_id, kind)
);
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id)
);
"""


def bounded_message(message: dict, limit: int = MAX_MESSAGE_CHARS) -> dict:
    """``message`` (``{lang: text}``) with each text cut to at most ``limit`` characters.

    A cut text ends with ``… (N more characters not stored)``, within the limit.
    """
    out = {}
    for lang, text in (message.items() if isinstance(message, dict) else ()):
        text = str(text)
        if len(text) > limit:
            keep = limit - 60  # the note is shorter than 60 characters
            text = text[:keep] + f" … ({len(text) - keep} more characters not stored)"
        out[lang] = text
    return out


def bounded_pictures(images: dict | None) -> dict[str, dict[str, bytes]]:
    """``{item_id: {kind: png}}`` without blobs over `MAX_PNG_BYTES` or that are not
    bytes, and with at most `MAX_PICTURES` pictures in all."""
    out, count = {}, 0
    for item_id, pictures in (images or {}).items():
        for kind, png in (pictures or {}).items():
            if isinstance(png, (bytes, bytearray)) and len(png) <= MAX_PNG_BYTES and count < MAX_PICTURES:
                out.setdefault(item_id, {})[kind] = bytes(png)
                count += 1
    return out


def _now():
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class Gradebook:
    """An open gradebook file.

    Parameters
    ----------
    path : str or Path
        The SQLite file (created with its folder if missing).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(items)")}
            if "diagnosis" not in columns:  # a gradebook from before diagnoses: the column is added, empty
                self.db.execute("ALTER TABLE items ADD COLUMN diagnosis TEXT")
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise RuntimeError(f"{self.path} has gradebook schema {row[0]}, this autograder reads {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc):
        self.close()

    def transaction(self) -> "_Transaction":
        return _Transaction(self.db)

    # ------------------------------------------------------------------ runs
    def start_run(self, root: str | os.PathLike, grader_version: str, resume: bool = False) -> int:
        """A new run's id, or with ``resume`` the id of the last unfinished run of ``root``."""
        with self.transaction():
            if resume:
                row = self.db.execute(
                    "SELECT id FROM runs WHERE root=? AND grader_version=? AND status='running' ORDER BY id DESC LIMIT 1",
                    (str(root), grader_version)).fetchone()
                if row:
                    return row[0]
            cur = self.db.execute("INSERT INTO runs (root, grader_version, started_at) VALUES (?, ?, ?)",
                                  (str(root), grader_version, _now()))
            return cur.lastrowid

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        with self.transaction():
            self.db.execute("UPDATE runs SET finished_at=?, status=? WHERE id=?", (_now(), status, run_id))

    # ------------------------------------------------------------------ students and results
    def see(self, student: str, source: str | os.PathLike, content_hash: str, run_id: int | None) -> None:
        """Record ``student``'s current submission (its content hash)."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO students (student, source, content_hash, seen_at, run_id) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(student) DO UPDATE SET source=excluded.source, content_hash=excluded.content_hash, "
                "seen_at=excluded.seen_at, run_id=excluded.run_id",
                (student, str(source), content_hash, _now(), run_id))

    def has_result(self, content_hash: str, grader_version: str) -> bool:
        return self.db.execute("SELECT 1 FROM results WHERE content_hash=? AND grader_version=?",
                               (content_hash, grader_version)).fetchone() is not None

    def record(self, content_hash: str, grader_version: str, result: Result, images: dict | None = None,
               run_id: int | None = None, seconds: float | None = None) -> bool:
        """Store ``result`` (and ``{item_id: {kind: png}}`` pictures) in one transaction,
        within the bounds of the module docstring.

        Returns False (and changes nothing) if that content already has a result for
        this grader version.
        """
        result = Result(result.submission, [dataclasses.replace(i, message=bounded_message(i.message))
                                            for i in result.items], gradable=result.gradable)
        images = bounded_pictures(images)
        with self.transaction():
            if self.has_result(content_hash, grader_version):
                return False
            self.db.execute(
                "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (content_hash, grader_version, result.score, result.max_score, int(result.gradable), _now(),
                 seconds, run_id))
            self.db.executemany(
                "INSERT INTO items (content_hash, grader_version, position, item_id, unit, exercise, score, max_score,"
                " status, visibility, message, diagnosis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(content_hash, grader_version, n, i.id, i.unit, i.exercise, i.score, i.max_score, i.status,
                  i.visibility, json.dumps(i.message, ensure_ascii=False),
                  None if i.diagnosis is None else json.dumps(i.diagnosis, ensure_ascii=False))
                 for n, i in enumerate(result.items)])
            self.db.executemany(
                "INSERT INTO images VALUES (?, ?, ?, ?, ?)",
                [(content_hash, grader_version, item_id, kind, png)
                 for item_id, pictures in (images or {}).items() for kind, png in pictures.items()])
        return True

    def result(self, content_hash: str, grader_version: str, name: str) -> Result | None:
        """The stored `Result` of that content, named ``name``; `None` if there is none."""
        row = self.db.execute("SELECT gradable FROM results WHERE content_hash=? AND grader_version=?",
                              (content_hash, grader_version)).fetchone()
        if row is None:
            return None
        items = [
            ItemResult(item_id, unit, exercise, score, max_score, status, visibility, json.loads(message),
                       diagnosis=None if diagnosis is None else json.loads(diagnosis))
            for item_id, unit, exercise, score, max_score, status, visibility, message, diagnosis in self.db.execute(
                "SELECT item_id, unit, exercise, score, max_score, status, visibility, message, diagnosis FROM items "
                "WHERE content_hash=? AND grader_version=? ORDER BY position", (content_hash, grader_version))
        ]
        return Result(name, items, gradable=bool(row[0]))

    def images(self, content_hash: str, grader_version: str) -> dict[str, dict[str, bytes]]:
        """``{item_id: {kind: png bytes}}`` of that result."""
        out = {}
        for item_id, kind, png in self.db.execute(
                "SELECT item_id, kind, png FROM images WHERE content_hash=? AND grader_version=?",
                (content_hash, grader_version)):
            out.setdefault(item_id, {})[kind] = png
        return out

    def students(self) -> list[tuple[str, str, str]]:
        """``[(student, source, content_hash)]``, sorted by student."""
        return self.db.execute("SELECT student, source, content_hash FROM students ORDER BY student").fetchall()

    def class_results(self, grader_version: str) -> list[tuple[str, str, Result | None]]:
        """``[(student, content_hash, Result or None)]`` for every student, by name."""
        return [(student, h, self.result(h, grader_version, student)) for student, _source, h in self.students()]


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on an exception)."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
