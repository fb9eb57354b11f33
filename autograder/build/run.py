"""Write (or check) every generated file: the stubs now, the notebooks too once built."""

from pathlib import Path

from autograder.build import stubs


def expected_files():
    """``{path: text}`` of every file `autograder build` owns."""
    files = dict(stubs.expected_stubs())
    try:
        from autograder.build import notebooks
    except ImportError:  # the notebook builder needs jupytext (the nbgrader extra)
        return files
    files.update(notebooks.expected_notebooks())
    return files


def stale_files():
    """Paths whose committed text differs from what `autograder build` would write."""
    return [
        path
        for path, text in expected_files().items()
        if not Path(path).exists() or Path(path).read_text(encoding="utf-8") != text
    ]


def write_all():
    """Write every generated file that changed; return the paths written."""
    written = []
    for path, text in expected_files().items():
        path = Path(path)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
