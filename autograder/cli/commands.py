"""The ``autograder`` command line.

Exit status: 0 done; 2 refused (a usage error or a known machine problem, said in
zh-TW and English, never a traceback); 3 a grader failed or a submission could not be
graded; 4 (``grade``, ``batch``) graded, but this machine could not grade some items
asked for — ``not_graded``, such as the CNN unit without TensorFlow — which the output
names with how to install what is missing. ``demo`` says the same and exits 0.
"""

import argparse
import os
import sys
from pathlib import Path

from autograder import __version__
from autograder.cli.refusals import Refusal
from autograder.course import messages

NOT_GRADED_EXIT = 4



def _cmd_build(args):
    from autograder.course import paths
    from autograder.authoring import build as run

    if paths.COURSE_ROOT == paths.PACKAGE / "_course":
        raise Refusal("build_installed", root=paths.COURSE_ROOT)

    if args.check:
        stale = run.stale_files()
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    try:
        written = run.write_all(force=args.force)
    except run.HandEdited as edited:
        raise Refusal("build_edited", files="\n".join(f"  {p}" for p in edited.paths)) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def _write_json(path, data):
    import json

    from autograder.course.files import atomic_write

    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _units(args):
    """``--units`` as unit names (``None``: all); an unknown name is a usage error."""
    from autograder.batch.driver import parse_units

    return parse_units(getattr(args, "units", None))


def _engine_options(args):
    return {"units": _units(args), "isolation": args.isolation}


def _check_isolation(args):
    """Refuse ``--isolation namespaces`` where bubblewrap cannot make them."""
    if getattr(args, "isolation", None) == "namespaces":
        from autograder.host import isolation

        if not isolation.bwrap_works():
            raise Refusal("no_namespaces")


def isolation_used(mode, sandbox=None):
    """``{"zh-TW", "en"}``: how student code is isolated under ``--isolation mode`` here.

    ``sandbox`` is the sandbox's own account of what it ran under (`Result.isolation`).
    """
    from autograder.host import isolation

    namespaces = mode == "namespaces" or (mode == "auto" and isolation.bwrap_works())
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if namespaces:
        text = messages.text("isolation_namespaces")
    else:
        why = messages.text("isolation_why_auto" if mode == "auto" else "isolation_why_limits")
        as_root = messages.text("isolation_as_root") if root else messages.same("")
        text = messages.text("isolation_limits", why=why, as_root=as_root)
    if sandbox:
        text = messages.join(text, messages.text("isolation_sandbox", sandbox=sandbox))
    return text


def _cmd_grade(args):
    from autograder.course import units
    from autograder.grading import engine
    from autograder.intake import loader
    from autograder.reports import terminal

    _units(args)  # a usage error first, whatever the path holds
    if not Path(args.path).exists():
        raise Refusal("no_path", path=args.path)
    _check_isolation(args)
    submission = loader.load(args.path, name=args.name)
    if not submission.files and not submission.units and not args.gradescope and Path(args.path).suffix != ".zip":
        # Nothing of the course in it: the path is wrong, not a student's work to grade.
        # (A broken .zip is graded: every item says why it cannot be read. On Gradescope
        # an empty submission gets its results.json too.)
        raise Refusal("no_course_file", path=args.path, expected=", ".join(u.filename for u in units.UNITS))
    from autograder.batch.driver import submitted_units

    options = _engine_options(args)
    options["units"] = options["units"] or submitted_units(args.path)  # nbgrader: the assignments handed in
    result = engine.grade(submission, **options)
    if not args.quiet:
        terminal.print_result(result, lang=args.lang)
    not_graded = terminal.print_not_graded([result])
    if args.json:
        _write_json(args.json, result.to_json())
    if args.gradescope:
        from autograder.reports import gradescope

        output = [isolation_used(args.isolation, result.isolation)]
        if not_graded:
            output.append(messages.same(f"not graded on this machine: {', '.join(not_graded)}"))
        _write_json(args.gradescope, gradescope.results_json(result, args.lang, output=messages.join(*output)))
    if result.grader_faults:
        print("autograder: a grader failed (the result marks those items as errors):", file=sys.stderr)
        for fault in result.grader_faults:
            print(fault, file=sys.stderr)
        return 3
    return NOT_GRADED_EXIT if not_graded else 0


def _cmd_selfcheck(args):
    """Solutions must earn full marks; the stubs nothing, every item not_implemented."""
    from autograder.course import paths
    from autograder.grading import engine
    from autograder.intake import loader
    from autograder.reports import terminal

    _check_isolation(args)
    options = _engine_options(args)
    solution = engine.grade(loader.load(paths.SOLUTIONS, name="solutions"), **options)
    stub = engine.grade(loader.load(paths.EXERCISES, name="exercises (stubs)"), **options)
    terminal.print_summary([solution, stub], lang=args.lang, title="selfcheck")
    # What this machine cannot grade is said, not counted as a problem of the course.
    terminal.print_not_graded([solution, stub])
    file_items = [i.id for i in solution.items if i.status == "not_graded"]
    # A trained model file is handed in, not written from the stub: neither side has one.
    file_items += [i.id for i in solution.items if i.exercise.endswith(".keras") and i.id not in file_items]
    if any(i.exercise.endswith(".keras") for i in solution.items):
        print("(not part of the selfcheck: cifar10_cnn.keras — a trained model file, "
              "checked by tests/test_cnn_grading.py)")
    problems = [f"solutions: {i.id} {i.status}: {i.message['en']}" for i in solution.items
                if i.status != "passed" and i.id not in file_items]
    problems += [f"stubs: {i.id} is {i.status}, not not_implemented" for i in stub.items
                 if i.status != "not_implemented" and i.id not in file_items]
    if stub.score != 0:
        problems.append(f"stubs scored {stub.score}")
    for line in problems:
        print(line, file=sys.stderr)
    print("selfcheck: OK" if not problems else f"selfcheck: {len(problems)} problem(s)")
    return 1 if problems else 0


def _print_batch(report, lang):
    """The class table and what happened; returns the units this machine could not grade."""
    from autograder.batch.driver import GRADEBOOK_FILE
    from autograder.batch.gradebook import Gradebook
    from autograder.reports import terminal

    safe = terminal.terminal_safe
    with Gradebook(report.out / GRADEBOOK_FILE) as book:
        rows = book.class_results(report.version)
    results = [r for _s, _h, r in rows if r is not None]
    terminal.print_summary(results, lang=lang, title=f"{report.out / 'gradebook.csv'}")
    line = f"{report.students} students: {report.graded} graded now"
    if report.reused:
        line += f", {report.reused} already in the gradebook"
    if report.duplicates:
        line += f", {len(report.duplicates)} identical to another"
    print(f"{line} ({report.seconds:.1f} s)")
    for student, first in report.duplicates:
        print(f"identical submissions (possible copying): {safe(student, markup=False)} = "
              f"{safe(first, markup=False)}")
    with_errors = [s for s, _h, r in rows if r is not None and any(i.status in ("error", "timeout") for i in r.items)]
    if with_errors:
        print(f"{len(with_errors)} with errors or timeouts: {', '.join(safe(s, markup=False) for s in with_errors)}")
    print(f"feedback pages: {report.out / 'feedback'}/<student>.html   class summary: {report.out / 'summary.html'}")
    for note in report.notes:
        print(f"{note['zh-TW']}\n  {note['en']}")
    for student, reason in report.failed:
        print(f"not graded: {safe(student, markup=False)}: {reason}", file=sys.stderr)
    for fault in report.faults:
        print(f"grader fault: {fault}", file=sys.stderr)
    return terminal.print_not_graded(results)


def _check_batch_folders(root, out):
    """Refuse a class folder that is no folder, holds no submission, or is the output folder."""
    from autograder.batch import driver as batch

    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise Refusal("not_a_folder", path=root)
    if out.resolve() == root.resolve() or root.resolve().is_relative_to(out.resolve()):
        raise Refusal("out_is_root", out=out, root=root)
    if not batch.discover(root, exclude=[out]):
        raise Refusal("empty_class", root=root)
    if out.resolve().is_relative_to(root.resolve()):
        note = messages.text("cli_out_inside_root", out=out)
        print(f"{note['zh-TW']} — {note['en']}", file=sys.stderr)


def _cmd_batch(args):
    from autograder.batch import driver as batch

    _units(args)  # a usage error first, whatever the folder holds
    _check_batch_folders(args.root, args.out)
    _check_isolation(args)
    report = batch.run_batch(args.root, args.out, jobs=args.jobs, resume=args.resume, lang=args.lang,
                             units=_units(args), isolation=args.isolation, executor=_executor(args),
                             progress=not args.no_progress, nbgrader=not args.no_nbgrader_gradebook)
    not_graded = _print_batch(report, args.lang)
    if not report.ok:
        return 3
    return NOT_GRADED_EXIT if not_graded else 0


def _executor(args):
    if getattr(args, "executor", "local") == "local" and not getattr(args, "scheduler", None):
        return None
    from autograder.batch.dask_executor import DaskExecutor

    return DaskExecutor(scheduler=args.scheduler, workers=args.jobs, engine_options=_engine_options(args))


def _cmd_demo(args):
    from autograder.authoring import demo
    from autograder.batch import driver as batch

    _check_isolation(args)
    out = Path(args.out)
    root = demo.write_sample_class(out / "submissions")
    print(f"sample class written to {root}")
    report = batch.run_batch(root, out / "grades", jobs=args.jobs, lang=args.lang, isolation=args.isolation,
                             progress=not args.no_progress)
    _print_batch(report, args.lang)  # a unit this machine cannot grade is said there; the demo still ran
    return 0 if report.ok else 3


def _cmd_gradescope_bundle(args):
    from autograder.authoring import gradescope_bundle

    if Path(args.out).is_dir():
        raise Refusal("bundle_is_folder", out=args.out, example=Path(args.out) / "autograder.zip")

    out = gradescope_bundle.write_bundle(args.out, lang=args.lang, units=_units(args), cnn=not args.no_cnn,
                                         isolation=args.isolation)
    print(f"Gradescope autograder bundle: {out} (upload it as the assignment's autograder)")
    return 0


def _cmd_release(args):
    from autograder.authoring import release

    problems = release.check_bundle(release.bundle_files())
    if problems:
        raise Refusal("release_leak", problems="\n".join(problems))
    folder, archive = release.write_release(args.out)
    print(f"student bundle: {folder}/ and {archive}")
    return 0


def _jobs(value):
    """``--jobs``: a whole number of at least 1."""
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(str(Refusal("jobs", value=value)))
    return jobs


def _add_course_option(p, default=None):
    p.add_argument("--course", metavar="DIR", default=default,
                   help="the course folder (solutions/, exercises/ …; default: $AUTOGRADER_COURSE_ROOT, "
                        "this checkout, or the copy installed with the package)")


def _add_engine_options(p):
    p.add_argument("--units", help="comma-separated units to grade (default: all)")
    p.add_argument("--isolation", choices=("auto", "namespaces", "limits"), default="auto",
                   help="sandbox: Linux namespaces (bubblewrap) or resource limits only (default: auto)")
    p.add_argument("--lang", choices=("zh-TW", "en"), default="zh-TW", help="language of the tables")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="autograder",
        description="影像視覺 course: build the exercises, grade submissions, export grades.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_course_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="regenerate stubs and notebooks from solutions/")
    p.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    p.add_argument("--force", action="store_true",
                   help="overwrite stubs even where exercises were written in them by hand")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("grade", help="grade one submission (folder, .zip, module files or notebooks)")
    p.add_argument("path", help="the submission")
    p.add_argument("--json", metavar="FILE", help="write the result as JSON")
    p.add_argument("--gradescope", metavar="FILE", help="write Gradescope's results.json")
    p.add_argument("--name", help="the submission's name in the result (default: from the path)")
    p.add_argument("--quiet", action="store_true", help="print nothing (with --json)")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("batch", help="grade every submission under ROOT into a gradebook and exports")
    p.add_argument("root", help="one folder or .zip per student, or nbgrader's submitted/<student>/<assignment>/")
    p.add_argument("--out", required=True, help="folder for the gradebook and the exports")
    p.add_argument("--jobs", type=_jobs, default=None, help="parallel workers (default: number of CPUs)")
    p.add_argument("--resume", action="store_true", help="continue the last unfinished run of ROOT")
    p.add_argument("--no-progress", action="store_true", help="no progress bar or progress lines")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local worker processes, or a Dask cluster (with --scheduler, or a LocalCluster)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="address of a running Dask scheduler")
    p.add_argument("--no-nbgrader-gradebook", action="store_true",
                   help="for an nbgrader course root: do not write nbgrader's gradebook and feedback/")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("demo", help="grade a bundled sample class (the quick start)")
    p.add_argument("--out", default="autograder-demo", help="where to write the class and its grades")
    p.add_argument("--jobs", type=_jobs, default=None)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--isolation", choices=("auto", "namespaces", "limits"), default="auto")
    p.add_argument("--lang", choices=("zh-TW", "en"), default="zh-TW")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("gradescope-bundle", help="write the zip that Gradescope's autograder runs")
    p.add_argument("out", help="the zip to write")
    p.add_argument("--lang", choices=("zh-TW", "en"), default="zh-TW")
    p.add_argument("--units", help="comma-separated units to grade (default: all)")
    p.add_argument("--no-cnn", action="store_true", help="do not install TensorFlow (units 1-4 only)")
    p.add_argument("--isolation", choices=("auto", "namespaces"), default="auto",
                   help="where bubblewrap cannot make namespaces (often, as root in Docker): auto grades with "
                        "resource limits only and says so in results.json; namespaces fails each submission "
                        "visibly (default: auto)")
    p.set_defaults(func=_cmd_gradescope_bundle)

    p = sub.add_parser("release", help="write the student bundle (stubs, public tests) as a folder and a zip")
    p.add_argument("out", help="the bundle folder to write (OUT and OUT.zip)")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser("selfcheck", help="solutions get full marks, stubs get 0 (for course maintainers)")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_selfcheck)
    for p in sub.choices.values():
        _add_course_option(p, default=argparse.SUPPRESS)  # before or after the command
    return parser


def use_course(folder):
    """Grade with the course in ``folder`` (``--course``); refuse a folder that holds none."""
    import importlib

    from autograder.course import paths

    if folder is not None:
        os.environ[paths.ENV] = str(Path(folder).expanduser().resolve())
        paths = importlib.reload(paths)
    if not paths.is_course(paths.COURSE_ROOT):
        raise Refusal("no_course", root=paths.COURSE_ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from autograder.course import machine
    from autograder.batch.driver import UnknownUnits
    from autograder.grading.engine import GraderFault

    machine.quiet_tensorflow()  # before any TensorFlow import, here or in the workers it starts

    try:
        use_course(args.course)
        return args.func(args)
    except Refusal as refusal:
        print(f"autograder {args.command}: {refusal}", file=sys.stderr)
        return 2
    except UnknownUnits as exc:
        print(f"autograder {args.command}: {exc.message['zh-TW']}\n  {exc.message['en']}", file=sys.stderr)
        return 2
    except GraderFault as fault:
        said = messages.text("cli_graders_failed")
        print(f"autograder {args.command}: {said['en']} — {said['zh-TW']}:\n{fault}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        said = messages.text("cli_interrupted")
        print(f"autograder {args.command}: {said['en']} — {said['zh-TW']}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
