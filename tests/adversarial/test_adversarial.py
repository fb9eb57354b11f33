"""Hostile and broken submissions in one batch with honest students.

For each attack: the batch completes, the honest students' results are exactly what
they get when graded alone, the attacked items get only what was honestly computed,
and the message says what happened. The run writes ``docs/attack-outcomes.md``, the
table of attacks and outcomes the README's threat model points to.
"""

import json
import os
from pathlib import Path

import pytest

from autograder.batch import driver as batch
from autograder.course import paths
from autograder.grading import engine
from autograder.host import isolation
from autograder.intake import loader

import report_attacks
from attacks import CONTROLS, SENTINEL_ENV, SENTINEL_VALUE, UNITS
from attacks import build_attacks as sandbox_attacks


def build_attacks(host_tmp):
    """Every attack: on the sandbox (`attacks`), and on intake and reports (`report_attacks`)."""
    return sandbox_attacks(host_tmp) + report_attacks.build(host_tmp)

TABLE = paths.COURSE_ROOT / "docs" / "attack-outcomes.md"
NAMESPACES = isolation.bwrap_works()
PROCESS_LIMIT = isolation.pids_cgroup_available() or os.getuid() != 0


def _write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = folder / name
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def _skip_reason(attack):
    if attack.needs_namespaces and not NAMESPACES:
        return "needs Linux namespaces (bubblewrap)"
    if attack.name == "fork_bomb" and not PROCESS_LIMIT:
        return "needs a process limit (a pids cgroup, or a non-root user)"
    return None


@pytest.fixture(scope="module")
def host_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("host")


@pytest.fixture(scope="module")
def attacks(host_tmp):
    return build_attacks(host_tmp)


def _sandbox_cgroups():
    return set(isolation.PIDS_CGROUP.glob("autograder-*")) if isolation.pids_cgroup_available() else set()


@pytest.fixture(scope="module")
def cgroups_before():
    """The sandbox cgroups that existed before the batch (other autograder runs may own some)."""
    return _sandbox_cgroups()


@pytest.fixture(scope="module")
def graded(attacks, tmp_path_factory, cgroups_before):
    """Every attack and control, graded in one batch: ``({name: Result}, report)``."""
    root = tmp_path_factory.mktemp("class")
    honest = ["control_solution", "control_wrong_sigmoid"]
    # Honest students sort between the attackers, so attacks run before and after them.
    for name, files in CONTROLS.items():
        _write(root / name, files)
        _write(root / f"m_{name}", files)
    for attack in attacks:
        if _skip_reason(attack):
            continue
        if attack.archive is not None:
            (root / f"{attack.name}.zip").write_bytes(attack.archive)
        else:
            _write(root / attack.name, attack.files)
    os.environ[SENTINEL_ENV] = SENTINEL_VALUE
    try:
        report = batch.run_batch(root, tmp_path_factory.mktemp("out"), jobs=2, units=UNITS, progress=False)
    finally:
        del os.environ[SENTINEL_ENV]
    rows = (report.out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    from autograder.grading.result import Result

    results = {r.submission: r for r in (Result.from_json(json.loads(line)) for line in rows)}
    for name in honest:
        results[name].submission = name
    return results, report, root


def test_the_batch_completes(graded, attacks):
    results, report, _root = graded
    expected = 2 * len(CONTROLS) + sum(1 for a in attacks if not _skip_reason(a))
    assert report.failed == [] and report.faults == []
    assert len(results) == expected


def test_honest_students_are_unaffected(graded):
    results, _report, root = graded
    for name in CONTROLS:
        alone = engine.grade(loader.load(root / name, name=name), units=UNITS).to_json()
        assert results[name].to_json() == alone
        assert results[f"m_{name}"].to_json() == dict(alone, submission=f"m_{name}")
    assert results["control_solution"].score == 200


@pytest.mark.parametrize("index", range(len(build_attacks(Path("/nonexistent")))))
def test_attack_outcome(graded, attacks, index):
    attack = attacks[index]
    reason = _skip_reason(attack)
    if reason:
        pytest.skip(f"{attack.name}: {reason}")
    results, report, _root = graded
    attack.expect(results[attack.name], results)
    if attack.expect_out is not None:
        attack.expect_out(results[attack.name], report.out)
    for path in attack.host_paths:
        assert not os.path.exists(path), f"{attack.name} created {path} on the host"


def test_nothing_is_left_running(cgroups_before, graded):
    """No pids cgroup of the batch's sandboxes outlives the batch, fork bomb included."""
    if not isolation.pids_cgroup_available():
        pytest.skip("no pids cgroup here")
    left = [p for p in _sandbox_cgroups() - cgroups_before
            if p.exists() and not _another_runs(p) and (p / "cgroup.procs").read_text().strip()]
    assert left == []


def _another_runs(cgroup):
    """Whether ``cgroup`` belongs to another grading run on this machine: the worker that
    made it (its name says which) still runs, and is not a process of this test. An
    ended worker's group is this check's to judge: what it still holds was left behind."""
    try:
        owner = int(cgroup.name.split("-")[1])
    except (ValueError, IndexError):
        return False
    pid = owner
    while pid > 1:
        if pid == os.getpid():
            return False
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                pid = int(f.read().rsplit(b")", 1)[1].split()[1])  # its parent
        except (OSError, ValueError, IndexError):
            return pid != owner  # the owner itself has ended: not another run's
    return True


def _outcome(result):
    parts = []
    for unit in UNITS:
        counts = {}
        for item in result.items:
            if item.unit == unit:
                counts[item.status] = counts.get(item.status, 0) + 1
        parts.append(f"{unit}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return "; ".join(parts)


def _first_problem(result):
    item = next((i for i in result.items if i.status != "passed"), None)
    if item is None:
        return "—"
    text = " ".join(item.message["en"].split())
    return (text[:160] + " …") if len(text) > 160 else text


def test_write_the_attack_table(graded, attacks):
    """The README's table of attacks and outcomes, as this run measured them."""
    results, _report, _root = graded
    mode = "Linux namespaces (bubblewrap)" if NAMESPACES else "resource limits only"
    lines = [
        "# Attacks and outcomes",
        "",
        "Generated by `pytest tests/adversarial` (do not edit by hand). Each row is a student of one batch "
        f"that also held honest students, graded with isolation: {mode}. Units graded: "
        f"{', '.join(UNITS)} (100 points each). The honest controls kept their results exactly.",
        "",
        "| attack | what the submission does | outcome (items by status) | score | first message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for attack in attacks:
        reason = _skip_reason(attack)
        if reason:
            lines.append(f"| `{attack.name}` | {attack.does} | not run here: {reason} | | |")
            continue
        result = results[attack.name]
        message = _first_problem(result).replace("|", "\\|")
        lines.append(f"| `{attack.name}` | {attack.does} | {_outcome(result)} | {result.score:g}/{result.max_score:g} "
                     f"| {message} |")
    for name in CONTROLS:
        lines.append(f"| `{name}` (control) | honest | {_outcome(results[name])} | "
                     f"{results[name].score:g}/{results[name].max_score:g} | {_first_problem(results[name])} |")
    TABLE.parent.mkdir(exist_ok=True)
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "docs/attack-outcomes.md" in (paths.COURSE_ROOT / "README.md").read_text(encoding="utf-8")
