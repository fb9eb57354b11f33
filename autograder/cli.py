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
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
