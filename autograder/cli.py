"""The ``autograder`` command line."""

import argparse
import sys

from autograder import __version__


def _cmd_build(args):
    from autograder.build import run

    if args.check:
        stale = run.stale_files()
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    for path in run.write_all():
        print(f"wrote {path}")
    return 0


def _write_json(path, data):
    import json
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def _units(args):
    """``--units`` as unit names (``None``: all); an unknown name is a usage error."""
    from autograder.batch import parse_units

    return parse_units(getattr(args, "units", None))


def _engine_options(args):
    return {"units": _units(args), "isolation": args.isolation}


def _cmd_grade(args):
    from autograder import engine, loader
    from autograder.reports import terminal

    from pathlib import Path

    if not Path(args.path).exists():
        print(f"autograder grade: {args.path}: no such file or folder", file=sys.stderr)
        return 2
    from autograder.batch import submitted_units

    options = _engine_options(args)
    options["units"] = options["units"] or submitted_units(args.path)  # nbgrader: the assignments handed in
    submission = loader.load(args.path, name=args.name)
    result = engine.grade(submission, **options)
    if not args.quiet:
        terminal.print_result(result, lang=args.lang)
    if args.json:
        _write_json(args.json, result.to_json())
    if args.gradescope:
        from autograder.reports import gradescope

        _write_json(args.gradescope, gradescope.results_json(result, args.lang))
    faults = getattr(result, "grader_faults", None)
    if faults:
        print("autograder: a grader failed (the result marks those items as errors):", file=sys.stderr)
        for fault in faults:
            print(fault, file=sys.stderr)
        return 3
    return 0


def _cmd_selfcheck(args):
    """Solutions must earn full marks; the stubs nothing, every item not_implemented."""
    from autograder import engine, loader, paths
    from autograder.reports import terminal

    options = _engine_options(args)
    solution = engine.grade(loader.load(paths.SOLUTIONS, name="solutions"), **options)
    stub = engine.grade(loader.load(paths.EXERCISES, name="exercises (stubs)"), **options)
    terminal.print_summary([solution, stub], lang=args.lang, title="selfcheck")
    # A trained model file is handed in, not written from the stub: neither side has one.
    file_items = [i.id for i in solution.items if i.exercise.endswith(".keras")]
    if file_items:
        print(f"(not part of the selfcheck: {', '.join(file_items)} — a trained model file, "
              f"checked by tests/test_cnn_grading.py)")
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
    from autograder.gradebook import Gradebook
    from autograder.batch import GRADEBOOK_FILE, grader_version
    from autograder.reports import terminal

    with Gradebook(report.out / GRADEBOOK_FILE) as book:
        rows = book.class_results(report.version)
    terminal.print_summary([r for _s, _h, r in rows if r is not None], lang=lang,
                           title=f"{report.out / 'gradebook.csv'}")
    print(f"{report.students} students: {report.graded} graded now, {report.reused} already in the gradebook "
          f"({report.seconds:.1f} s)")
    print(f"feedback pages: {report.out / 'feedback'}/<student>.html   class summary: {report.out / 'summary.html'}")
    for student, reason in report.failed:
        print(f"not graded: {terminal.clean(student)}: {reason}", file=sys.stderr)
    for fault in report.faults:
        print(f"grader fault: {fault}", file=sys.stderr)
    for note in report.notes:
        print(f"{note['zh-TW']}\n  {note['en']}")


def _cmd_batch(args):
    from pathlib import Path

    from autograder import batch

    if not Path(args.root).is_dir():
        print(f"autograder batch: {args.root}: not a folder", file=sys.stderr)
        return 2
    report = batch.run_batch(args.root, args.out, jobs=args.jobs, resume=args.resume, lang=args.lang,
                             units=_units(args), isolation=args.isolation, executor=_executor(args),
                             progress=not args.no_progress, nbgrader=not args.no_nbgrader_gradebook)
    _print_batch(report, args.lang)
    return 0 if report.ok else 3


def _executor(args):
    if getattr(args, "executor", "local") == "local" and not getattr(args, "scheduler", None):
        return None
    from autograder.dask_executor import DaskExecutor

    return DaskExecutor(scheduler=args.scheduler, workers=args.jobs, engine_options=_engine_options(args))


def _cmd_demo(args):
    from pathlib import Path

    from autograder import batch, demo

    out = Path(args.out)
    root = demo.write_sample_class(out / "submissions")
    print(f"sample class written to {root}")
    report = batch.run_batch(root, out / "grades", jobs=args.jobs, lang=args.lang, isolation=args.isolation,
                             progress=not args.no_progress)
    _print_batch(report, args.lang)
    return 0 if report.ok else 3


def _cmd_gradescope_bundle(args):
    from autograder import gradescope_bundle

    out = gradescope_bundle.write_bundle(args.out, lang=args.lang, units=_units(args), cnn=not args.no_cnn)
    print(f"Gradescope autograder bundle: {out} (upload it as the assignment's autograder)")
    return 0


def _cmd_release(args):
    from autograder import release

    folder, archive = release.write_release(args.out)
    print(f"student bundle: {folder}/ and {archive}")
    return 0


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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="regenerate stubs and notebooks from solutions/")
    p.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
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
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: number of CPUs)")
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
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--isolation", choices=("auto", "namespaces", "limits"), default="auto")
    p.add_argument("--lang", choices=("zh-TW", "en"), default="zh-TW")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("gradescope-bundle", help="write the zip that Gradescope's autograder runs")
    p.add_argument("out", help="the zip to write")
    p.add_argument("--lang", choices=("zh-TW", "en"), default="zh-TW")
    p.add_argument("--units", help="comma-separated units to grade (default: all)")
    p.add_argument("--no-cnn", action="store_true", help="do not install TensorFlow (units 1-4 only)")
    p.set_defaults(func=_cmd_gradescope_bundle)

    p = sub.add_parser("release", help="write the student bundle (stubs, public tests) as a folder and a zip")
    p.add_argument("out", help="the bundle folder to write (OUT and OUT.zip)")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser("selfcheck", help="solutions get full marks, stubs get 0 (for course maintainers)")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_selfcheck)
    return parser


def main(argv=None):
    from autograder.batch import UnknownUnits

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UnknownUnits as exc:
        print(f"autograder {args.command}: {exc.message['zh-TW']}\n  {exc.message['en']}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
