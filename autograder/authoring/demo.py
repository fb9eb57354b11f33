"""``autograder demo``: a small class graded end to end.

The sample students are made from the reference solutions (`autograder.authoring.samples`):
one with full marks (the only one who hands in unit 5, the CNN: on a machine with
TensorFlow it is trained once, in about a minute), several with the typical mistakes
of the course, one who handed in the untouched stubs, one whose function never
returns, and one whose zip holds a syntax error.
"""

import os
from pathlib import Path

from autograder.authoring import samples
from autograder.course import units
from autograder.intake import loader

LOOPING_TANH = (
    "def tanh(x):\n"
    '    """A loop that never ends."""\n'
    "    while True:\n"
    "        x = x + 0\n"
)


def _mutant(name):
    return next(m for m in samples.MUTANTS if m.name == name)


def sample_class() -> dict[str, dict[str, str]]:
    """``{student: {file name: source}}`` of the demo class."""
    full = samples.solution_files()
    full["cifar10_cnn.py"] = samples.solution_source("cifar10_cnn")  # the only one to hand in unit 5
    students = {
        "chen_full_marks": full,
        "lin_flipped_kernel": _mutant("flipped_kernel").files(),
        "wang_sigmoid_derivative": _mutant("sigmoid_derivative_of_output").files(),
        "huang_backward_sum": _mutant("backward_sums_over_samples").files(),
        "tsai_adam_no_bias_correction": _mutant("adam_without_bias_correction").files(),
        "chang_untouched_stubs": {u.filename: samples.stub_source(u.name) for u in units.NUMPY_UNITS},
    }
    looping = samples.solution_files()
    source = looping["activations.py"]
    start = source.index("def tanh(x):")
    end = source.index("def tanh_derivative(x):")
    looping["activations.py"] = source[:start] + LOOPING_TANH + "\n\n" + source[end:]
    students["wu_endless_loop"] = looping
    broken = samples.solution_files()
    broken["optimizers.py"] = broken["optimizers.py"].replace("def adam_step(", "def adam_step(:", 1)
    students["zhou_syntax_error.zip"] = broken
    return students


def write_sample_class(folder: str | os.PathLike) -> Path:
    """Write the demo class into ``folder`` (a folder or a zip per student); return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    students = sample_class()
    for student in [s for s in students if s.endswith(".zip")]:
        files = students.pop(student)
        (folder / student).write_bytes(loader.zip_bytes({f"hw/{k}": v for k, v in files.items()}))
    return samples.write_class(folder, students)
