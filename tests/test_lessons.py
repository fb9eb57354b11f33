"""The lessons' own material: the CIFAR-10 sample shipped beside lesson 05, read by the
lesson's own loader, so that no lesson downloads anything."""

import jupytext
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from autograder.course import paths, reference, units  # noqa: E402

SAMPLE = paths.SOURCE / units.get("cifar10_cnn").assignment / "cifar10_sample"


def _lesson_cell(unit, marker):
    lesson = jupytext.read(paths.LESSONS / f"{units.get(unit).assignment}.md", fmt="md")
    cells = [c.source for c in lesson.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, f"{marker!r} in {len(cells)} cells"
    return cells[0]


def test_the_sample_holds_one_real_image_per_class():
    names = reference.load("cifar10_cnn").CLASS_NAMES
    files = sorted(SAMPLE.glob("*.jpg"))
    assert [f.name for f in files] == [f"{label}_{name}.jpg" for label, name in enumerate(names)]
    for f in files:
        image = plt.imread(f)
        assert image.shape == (32, 32, 3) and image.dtype == np.uint8
        assert image.std() > 20  # a photograph, not a blank square


def test_lesson_05_reads_the_sample_with_its_own_loader(monkeypatch):
    monkeypatch.chdir(SAMPLE.parent)  # a notebook runs in its own folder
    code = _lesson_cell("cifar10_cnn", "def load_cifar10_sample")
    code = code.split("\nsample_x, sample_y = load_cifar10_sample()")[0]  # the definition, not the plot
    namespace = {"np": np, "plt": plt}
    exec(compile(code, "lesson 05", "exec"), namespace)
    images, labels = namespace["load_cifar10_sample"]()
    assert images.shape == (10, 32, 32, 3) and images.dtype == np.uint8
    assert labels.tolist() == list(range(10))
