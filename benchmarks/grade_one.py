"""Wall time to grade one complete, correct submission of units 1–4 with
``autograder grade`` (a fresh process: Python, NumPy, pytest, the sandbox included).

Usage: ``python benchmarks/grade_one.py [--repeat N]``; results in
``benchmarks/results/grade_one.json``.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, write  # noqa: E402

from autograder.course import units  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NUMPY_UNITS = ",".join(u.name for u in units.NUMPY_UNITS)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    walls = {}
    with tempfile.TemporaryDirectory() as tmp:
        for isolation in ("namespaces", "limits"):
            walls[isolation] = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-m", "autograder", "grade", str(ROOT / "solutions"), "--quiet",
                     "--units", NUMPY_UNITS, "--isolation", isolation, "--json", f"{tmp}/r.json"],
                    cwd=ROOT, capture_output=True, text=True,
                )
                walls[isolation].append(time.perf_counter() - start)
                if proc.returncode != 0:
                    raise SystemExit(proc.stderr)
                result = json.loads(Path(f"{tmp}/r.json").read_text())
                if result["score"] != result["max_score"]:
                    raise SystemExit(f"the solutions did not get full marks: {result['score']}/{result['max_score']}")
                items = len(result["items"])
    write("grade_one", {
        "what": f"autograder grade solutions/ --units {NUMPY_UNITS} ({items} items), new process each time",
        "repeat": args.repeat,
        "median_seconds": {k: round(median(v), 3) for k, v in walls.items()},
        "all_seconds": {k: [round(x, 3) for x in v] for k, v in walls.items()},
        "target_seconds": 2.0,
    })


if __name__ == "__main__":
    main()
